"""``coursekit briefs shuffle``: anonymous copies of the capstone briefs for peer review.

From a folder of submission files (``export_progress``), each learner's latest brief (module 08,
question ``brief``) is written as ``brief-A.md``, ``brief-B.md``, ... with no name in it, and its
figure (the export's PNG attachment) as ``brief-A.png``. ``assignments.csv`` says which reviewer
reads which brief (a derangement: nobody reviews their own) and can be shared;
``key-PRIVATE.csv`` says whose each brief is and is for the instructor alone. Files are read
with the same checks as ``coursekit grade`` (size, type, structure), so a hostile file is
skipped with a reason, never followed.
"""

from __future__ import annotations

import base64
import binascii
import csv
import json
import random
import string
from dataclasses import dataclass, field
from pathlib import Path

from coursekit.instructor.common import InstructorError
from coursekit.quiz.progress import PNG_SIGNATURE

MARKER = ".coursekit-briefs"


@dataclass
class Brief:
    learner: str
    text: str
    png: bytes | None = None
    alt: str = ""


@dataclass
class Shuffle:
    out: Path
    codes: dict[str, str] = field(default_factory=dict)  # learner -> code
    skipped: list[str] = field(default_factory=list)

    def summary(self) -> str:
        lines = [f"{len(self.codes)} anonymous brief(s) in {self.out}; share assignments.csv and the "
                 "brief-*.md files, keep key-PRIVATE.csv to yourself."]
        lines += [f"skipped: {s}" for s in self.skipped]
        return "\n".join(lines)


def _code(n: int) -> str:
    letters = string.ascii_uppercase
    return letters[n] if n < 26 else letters[n // 26 - 1] + letters[n % 26]


def read_brief(path: Path) -> Brief | None:
    """The latest brief in one submission file (None when it has none); ``Rejected`` when unreadable."""
    from coursekit.instructor.submissions import _check_structure, _read_bytes

    doc = json.loads(_read_bytes(path).decode("utf-8"))
    learner, events = _check_structure(doc)
    briefs = [e for e in events if e.get("module") == "08" and e.get("question_id") == "brief"
              and isinstance(e.get("answer"), str) and e["answer"].strip()]
    if not briefs:
        return None
    latest = max(briefs, key=lambda e: (str(e.get("ts")), e.get("id") if isinstance(e.get("id"), int) else 0))
    png, alt = None, ""
    for item in doc.get("attachments") or []:
        if isinstance(item, dict) and item.get("module") == "08" and isinstance(item.get("data"), str):
            try:
                data = base64.b64decode(item["data"], validate=True)
            except (binascii.Error, ValueError):
                continue
            if data.startswith(PNG_SIGNATURE):
                png, alt = data, str(item.get("alt") or "")
    return Brief(learner, latest["answer"].strip(), png, alt)


def shuffle(inputs: list[str | Path], out: str | Path, *, seed: int | None = None) -> Shuffle:
    """Write anonymous briefs, the review assignments and the private key into ``out``."""
    from coursekit.instructor.common import guard_out_dir, reset_dir, resolve_root
    from coursekit.instructor.submissions import Rejected, collect_files

    out_path = guard_out_dir(out, resolve_root(None), marker=MARKER)
    result = Shuffle(out_path)
    by_learner: dict[str, Brief] = {}
    for path in collect_files(inputs):
        try:
            brief = read_brief(path)
        except (Rejected, UnicodeDecodeError, json.JSONDecodeError, RecursionError, ValueError) as exc:
            result.skipped.append(f"{path}: {getattr(exc, 'reason', None) or exc}")
            continue
        if brief is None:
            result.skipped.append(f"{path}: no brief in this file")
            continue
        by_learner[brief.learner] = brief  # the later file (sorted) wins for a learner with several
    if len(by_learner) < 2:
        raise InstructorError(f"found {len(by_learner)} brief(s): a swap needs at least two. "
                              "Fix: collect the learners' exported .json files in one folder.")
    rng = random.Random(seed)
    learners = sorted(by_learner)
    rng.shuffle(learners)
    result.codes = {learner: _code(i) for i, learner in enumerate(learners)}
    # reviewer k reads the brief of learner k+1 (in the shuffled order): never their own
    reviewers = {learners[i]: learners[(i + 1) % len(learners)] for i in range(len(learners))}
    reset_dir(out_path)
    (out_path / MARKER).write_text("Written by `coursekit briefs shuffle`; re-running it replaces this folder.\n",
                                   encoding="utf-8")
    for learner, brief in by_learner.items():
        code = result.codes[learner]
        figure = ""
        if brief.png is not None:
            (out_path / f"brief-{code}.png").write_bytes(brief.png)
            figure = f"\n\n![{brief.alt or 'The figure of this brief'}](brief-{code}.png)\n"
        (out_path / f"brief-{code}.md").write_text(f"# Brief {code}\n\n{brief.text}\n{figure}", encoding="utf-8")
    with open(out_path / "assignments.csv", "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["reviewer", "reviews_brief"])
        for reviewer in sorted(reviewers):
            w.writerow([reviewer, f"brief-{result.codes[reviewers[reviewer]]}.md"])
    with open(out_path / "key-PRIVATE.csv", "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["brief", "author"])
        for learner in sorted(by_learner, key=result.codes.get):
            w.writerow([f"brief-{result.codes[learner]}.md", learner])
    return result
