"""The files ``coursekit grade`` writes: gradebook.csv, questions.csv and .png, problems.csv,
misconceptions.csv, and the CSV writer they share.

Every cell goes through :func:`csv_cell`, so a learner name or an answer that starts like a
spreadsheet formula is shown as text (OWASP's advice on CSV injection).
"""

from __future__ import annotations

import csv
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from coursekit.instructor.items import ItemAnalysis
from coursekit.quiz.model import Question

CSV_DANGER = ("=", "+", "-", "@", "\t", "\r")
QUESTION_COLUMNS = ["module", "question_id", "mode", "type", "points", "answered", "correct", "share_correct",
                    "mean_score", "first_tries", "share_right_first_try", "most_common_wrong",
                    "most_common_wrong_count", "stale_answers", "discrimination", "discrimination_n", "misconceptions"]
MISCONCEPTION_COLUMNS = ["misconception", "title", "module", "question_id", "option", "learners", "answered",
                         "share_of_answered", "class_size", "share_of_class", "guide"]
PROBLEM_COLUMNS = ["file", "learner", "kind", "action", "reason", "what_to_do"]
#: problems.csv's last column: what an instructor does about each kind of problem
WHAT_TO_DO = {
    "malformed": "Ask the learner to export again (coursekit progress export --out NAME.json) and to hand in "
                 "the file as written, not opened and saved in an editor.",
    "unreadable": "Ask the learner to export again and hand in the new file.",
    "too-large": "Ask the learner to export again; a kit export is far smaller. Check the file before opening it.",
    "schema": "Not an export of this kit, or of a much older one: ask the learner to export again.",
    "version": "Graded anyway. If answers look wrong, ask the learner to update the kit and export again.",
    "tampered": "The file was changed after the export: talk to the learner, and grade by hand if needed.",
    "duplicate": "Nothing to do: the newer file counts. Remove the older one to silence this row.",
    "future-date": "Check the learner's clock, or whether the file was edited after the export.",
    "stale-question": "The question changed since the learner answered it: ask for a new answer, or grade "
                      "this one by hand.",
    "unknown-question": "The key folder has no such question: check that --key is the course the class used.",
    "mode-mismatch": "Check that --key is the course the class used (assessed or practice, as the students had "
                     "it), then grade again.",
    "not-assigned": "The learner answered another learner's variant: ask for their own, or grade by hand.",
    "not-a-file": "Remove it from the submissions folder, or replace it with the learner's export.",
    "outside-folder": "A link out of the submissions folder: copy the real file into the folder instead.",
    "unmatched-learner": "Add the learner to the roster (or correct their id there), then grade again.",
    "no-submission": "The roster names a learner with no file: collect their export, or leave the grade blank.",
}


@dataclass
class QuestionStats:
    module: str
    question: Question
    mode: str
    answered: int = 0
    correct: int = 0
    score_sum: float = 0.0
    stale: int = 0
    wrong: Counter = field(default_factory=Counter)
    first_tries: int = 0  # learners whose first try at this formative question was checked
    first_right: int = 0  # ... and fully right: before any feedback



def fmt(x: float | None) -> str:
    return "" if x is None else f"{round(x, 3):g}"


def csv_cell(value: Any) -> str:
    """A CSV cell a spreadsheet shows as text: one starting with = + - @ tab or CR gets a leading ' (OWASP)."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(CSV_DANGER) else text


def write_csv(path: Path, header: list[str], rows: list[list[str]]) -> None:
    with open(path, "w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow([csv_cell(c) for c in header])
        writer.writerows([csv_cell(c) for c in row] for row in rows)


def add_stats(outcomes: list[Any], entries: list[tuple], stats: dict[tuple[str, str], QuestionStats]) -> None:
    """The per-question statistics of the class (questions.csv and its chart), from each file's
    :class:`~coursekit.instructor.grade.Outcome` and the key folder's distinct answers (``entries``).

    Answers are counted per distinct answer (an entry), then added to each question in the order
    the entries were first met, so that the sums and the order of the wrong answers (which breaks
    ties in the most common one) are those of adding the answers one by one.
    """
    counts = [0] * len(entries)
    first: list[int] = []  # entries in the order they were first met
    rows = list(dict.fromkeys(qkey for qkey, _score, _correct, _wrong in entries))
    sums = [0.0] * len(rows)  # per question, in the order of rows
    row_number = {qkey: n for n, qkey in enumerate(rows)}
    row_of = [row_number[qkey] for qkey, _score, _correct, _wrong in entries]
    scores = [score for _qkey, score, _correct, _wrong in entries]
    first_tries = [0] * len(rows)
    first_right = [0] * len(rows)
    for outcome in outcomes:
        for qkey in outcome.stale:
            stats[qkey].stale += 1
        for idx, right in zip(outcome.answers, outcome.first, strict=True):
            if right >= 0:
                first_tries[row_of[idx]] += 1
                first_right[row_of[idx]] += right
        for idx in outcome.answers:
            if not counts[idx]:
                first.append(idx)
            counts[idx] += 1
            score = scores[idx]
            if score is not None:
                sums[row_of[idx]] += score
    for idx in first:
        qkey, score, correct, wrong = entries[idx]
        st, n = stats[qkey], counts[idx]
        st.answered += n
        if score is None:
            continue
        if correct:
            st.correct += n
        else:
            st.wrong[wrong] += n
    for n, qkey in enumerate(rows):
        if qkey in stats:
            stats[qkey].score_sum += sums[n]
            stats[qkey].first_tries += first_tries[n]
            stats[qkey].first_right += first_right[n]


def question_rows(stats: list[QuestionStats], items: ItemAnalysis | None = None) -> list[list[str]]:
    rows = []
    for st in stats:
        q = st.question
        share = st.correct / st.answered if st.answered and q.graded else None
        mean = st.score_sum / st.answered if st.answered and q.graded else None
        wrong, n_wrong = (st.wrong.most_common(1)[0] if st.wrong else ("", 0))
        qkey = (st.module, q.id)
        disc, n = items.discrimination.get(qkey, (None, 0)) if items else (None, 0)
        first = st.first_right / st.first_tries if st.first_tries else None
        rows.append([st.module, q.id, st.mode, q.type, fmt(q.points) if q.graded else "0", str(st.answered),
                     str(st.correct) if q.graded else "", fmt(share), fmt(mean),
                     str(st.first_tries) if q.graded and st.mode == "formative" else "", fmt(first), wrong,
                     str(n_wrong) if wrong else "", str(st.stale), fmt(disc), str(n) if q.graded else "",
                     items.question_summary(qkey) if items else ""])
    return rows


def prepare_charts() -> None:
    """Import what the charts need (matplotlib takes a second or two): grade calls it while its
    worker processes read the files, so that the import does not add to the run's wall-clock time."""
    import matplotlib.backends.backend_agg  # noqa: F401
    import matplotlib.figure  # noqa: F401
    import matplotlib.patches  # noqa: F401


def chart(stats: list[QuestionStats], path: Path) -> str:
    """A bar chart of the share of learners fully right per graded question; returns its alt text."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    from matplotlib.patches import Patch

    from coursekit.maps.style import BLUE, ORANGE

    graded = [s for s in stats if s.question.graded]
    height = max(2.5, 0.32 * len(graded) + 1.6)
    fig = Figure(figsize=(8, height))
    FigureCanvasAgg(fig)
    ax = fig.add_subplot()
    labels = [f"{s.module} · {s.question.id}" for s in graded]
    shares = [(s.correct / s.answered * 100) if s.answered else 0.0 for s in graded]
    ys = list(range(len(graded)))[::-1]
    for y, s, share in zip(ys, graded, shares, strict=True):
        assessed = s.mode == "assessed"
        ax.barh(y, share, color=BLUE if assessed else ORANGE, hatch="" if assessed else "//",
                edgecolor="black", linewidth=0.5)
        ax.text(min(share, 100) + 1, y, f"{share:.0f}% (n={s.answered})", va="center", fontsize=8)
    ax.set_yticks(ys, labels, fontsize=8)
    ax.set_xlim(0, 118)
    ax.set_ylim(-0.7, len(graded) - 0.3)
    ax.set_xticks([0, 25, 50, 75, 100])
    ax.set_xlabel("Learners whose latest answer is fully right (%)")
    ax.set_title("Results per question", pad=24)
    ax.legend(handles=[Patch(facecolor=BLUE, edgecolor="black", label="assessed"),
                       Patch(facecolor=ORANGE, edgecolor="black", hatch="//", label="formative")],
              loc="lower center", bbox_to_anchor=(0.5, 1.0), ncol=2, frameon=False, fontsize=8)
    fig.text(0.01, 0.01, "Source: submission files graded with coursekit grade", fontsize=7)
    left = min(0.6, (0.07 * max((len(label) for label in labels), default=4) + 0.3) / 8)
    fig.subplots_adjust(left=left, right=0.97, top=1 - 0.75 / height, bottom=0.75 / height)
    fig.savefig(path, format="png", dpi=110, metadata={"Software": None})
    worst = sorted(zip(shares, labels, strict=True))[:3]
    return ("Bar chart of the share of learners fully right per question; lowest: "
            + "; ".join(f"{label} {share:.0f}%" for share, label in worst) + ".")


class Background:
    """``fn(*args)`` in a forked process while this one goes on (grade draws its chart so, on a free
    core, while it analyses the items). :meth:`wait` joins it; if the process failed, ``fn`` runs
    again here, so that its error is raised where it would have been."""

    def __init__(self, fn: Any, *args: Any) -> None:
        import multiprocessing

        self.fn, self.args = fn, args
        self.process = multiprocessing.get_context("fork").Process(target=_quietly, args=(fn, *args), daemon=True)
        self.process.start()

    def wait(self) -> None:
        self.process.join()
        if self.process.exitcode != 0:
            self.fn(*self.args)


def _quietly(fn: Any, *args: Any) -> None:
    """In the forked process: ``fn(*args)``, and exit 1 without a traceback if it fails (the caller reruns it)."""
    import os

    try:
        fn(*args)
    except BaseException:  # noqa: BLE001 - reported by running fn again in the caller
        os._exit(1)


def write_reports(out: Path, columns: list[str], rows: list[dict[str, str]], stats: list[QuestionStats],
                  problems: list[Any], items: ItemAnalysis, keys: Any, root: Path | None,
                  chart_job: Background | None = None) -> dict[str, Path]:
    """Write every report of a grading run into ``out``; returns name -> path. ``chart_job``: the
    chart (questions.png) is being drawn in another process (the caller waits for it)."""
    from coursekit.instructor.items import GUIDE, guide_anchors

    out.mkdir(parents=True, exist_ok=True)
    outputs = {name: out / f"{name}.csv" for name in ("gradebook", "questions", "problems", "misconceptions")}
    write_csv(outputs["gradebook"], columns, [[r[c] for c in columns] for r in rows])
    write_csv(outputs["questions"], QUESTION_COLUMNS, question_rows(stats, items))
    write_csv(outputs["problems"], PROBLEM_COLUMNS, [[p.file, p.learner, p.kind, p.action, p.reason,
                                                      WHAT_TO_DO.get(p.kind, "")] for p in problems])
    guide = root / GUIDE if root else None
    titles = guide_anchors(guide) if guide and guide.is_file() else {}
    write_csv(outputs["misconceptions"], MISCONCEPTION_COLUMNS, items.misconception_rows(keys, titles))
    outputs["chart"] = out / "questions.png"
    if chart_job is None:
        chart(stats, outputs["chart"])
    return outputs
