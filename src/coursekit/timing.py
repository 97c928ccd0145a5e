"""How long a module takes: the timing model behind the minutes in ``data/course.yml``.

The model (a first-time student working alone, not counting discussion in class):

- **reading**: every word of the notebook's Markdown, worked answers included (students open
  them to compare), at about 200 words a minute;
- **checked code exercise** (a cell that calls ``check(...)``): 8 minutes to write, run, read
  the feedback and fix;
- **open written exercise** (a cell of ``"?"`` to fill in): 8 minutes;
- **"Try it"** (change a value, run again, compare): 3 minutes;
- **figure** (each ``show(...)``): 2 minutes to look at it properly;
- **other code cell**: 1 minute to run it and read its output;
- **quiz question**: 1.5 minutes; a written answer in the quiz: 4 minutes, or the time to write
  its minimum length at 5 words a minute (composing and revising) when that is longer, as for the capstone brief;
- **"Reflect" section**: 5 minutes.

``coursekit`` rounds the total to the nearest 5 minutes. The numbers are estimates to plan a
session with, and a test keeps every module's stated minutes within 20% of the model, so a
module that grows has to say so.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

WORDS_PER_MINUTE = 200
WRITING_WORDS_PER_MINUTE = 5
MINUTES = {"checked": 8.0, "open": 8.0, "try_it": 3.0, "figure": 2.0, "code": 1.0, "question": 1.5,
           "written": 4.0, "reflect": 5.0}
_TRY_IT = re.compile(r"\*\*Try it(?: \([^)]*\))?[:*]|# Try it")  # also "**Try it (calibration):**"


@dataclass(frozen=True)
class Estimate:
    words: int
    checked: int
    open: int
    try_it: int
    figures: int
    code: int
    questions: int
    writing_minutes: float  # the quiz's written answers
    reflect_sections: int

    @property
    def minutes(self) -> float:
        return (self.words / WORDS_PER_MINUTE + self.checked * MINUTES["checked"] + self.open * MINUTES["open"]
                + self.try_it * MINUTES["try_it"] + self.figures * MINUTES["figure"] + self.code * MINUTES["code"]
                + self.questions * MINUTES["question"] + self.writing_minutes
                + self.reflect_sections * MINUTES["reflect"])

    @property
    def rounded(self) -> int:
        return max(5, int(5 * round(self.minutes / 5)))


def estimate(notebook: str | Path, module: str | None = None) -> Estimate:
    """The model's counts for one notebook (and its quiz bank, when ``module`` has one)."""
    cells = json.loads(Path(notebook).read_text(encoding="utf-8"))["cells"]
    words = checked = open_ = try_it = figures = code = reflect = 0
    for cell in cells:
        text = "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]
        tags = cell.get("metadata", {}).get("tags", [])
        if "solution-pointer" in tags:
            continue
        try_it += len(_TRY_IT.findall(text))
        if cell["cell_type"] == "markdown":
            words += len(text.split())
            reflect += len(re.findall(r"^#+ .*\bReflect\b", text, re.M))
            continue
        if "solution" in tags:
            continue  # the exercise's time already counts writing it
        figures += len(re.findall(r"\bshow\(", text))
        if re.search(r"\bcheck\(\"", text):
            checked += 1
        elif '"?"' in text:
            open_ += 1
        elif "quiz.show(" not in text and not _TRY_IT.search(text):
            code += 1
    questions, writing = 0, 0.0
    if module is not None:
        from coursekit.quiz.bank import bank_path, load_bank
        from coursekit.quiz.types import get as get_type

        path = bank_path(module)
        if path.is_file():
            for q in load_bank(path, keys=False).questions:
                if not get_type(q.type).shown_in_quiz:
                    continue
                if get_type(q.type).graded:
                    questions += 1
                else:
                    writing += max(MINUTES["written"], q.min_words / WRITING_WORDS_PER_MINUTE)
    return Estimate(words, checked, open_, try_it, figures, code, questions, writing, reflect)
