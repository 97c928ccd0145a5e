"""What ``coursekit grade`` reports about learning: the class pre/post discernment check and
the class's calibration. submissions.py calls :func:`check_event` and :func:`graded` while it reads
a file and keeps a small :class:`Learned` per file; grade.py calls :func:`write_reports` at the end.

Outputs (in grade's output folder):

- ``discernment.csv``: one row per learner and phase (pre, post, delayed): the MIST-style scores;
- ``discernment_class.csv``: per phase, the class means, and the paired pre-to-post change of
  learners who took both;
- ``discernment.png``: a chart of the class means before and after (title, legend, source line),
  its alt text in ``learning.md``;
- ``calibration.csv``: every checked answer that carried a confidence, by confidence level;
  ``calibration_learners.csv``: each learner's Brier score and over/under-confidence;
- ``learning.md``: the summary in words, with the caution on what a classroom pre/post can show.
"""

from __future__ import annotations

import functools
import math
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

KINDS = ("answer", "review", "discernment")
MEASURES = ("discernment", "real_detected", "false_detected", "response_bias")
CAUTION = (
    "What a classroom pre/post can and cannot show: a change from the pre to the post check shows "
    "what changed in this group, not that the course caused it. There is no control group; learners "
    "also learn from the news, from each other and from taking the check twice; the two forms hold "
    "different claims and may differ in difficulty; learners who drop out are missing from the post "
    "check; and a class is a small sample, so a change of a point or two may be chance. A fall in "
    "response bias with no rise in discernment means more scepticism, not better judgement. Use the "
    "figures to ask questions about your teaching, not to grade learners or to claim an effect."
)


def check_event(event: dict[str, Any]) -> str | None:
    """A problem with the optional schema-2 fields of an event (``confidence``, ``kind``), or None."""
    kind = event.get("kind", "answer")
    if kind not in KINDS:
        return f"kind {kind!r} is not one of {', '.join(KINDS)}"
    c = event.get("confidence")
    if c is not None and (isinstance(c, bool) or not isinstance(c, int | float) or not math.isfinite(c)
                          or not 0.5 <= c <= 1.0):
        return f"confidence {c!r} is not a number from 0.5 to 1"
    return None


def graded(event: dict[str, Any]) -> bool:
    """Only answers are graded: a review or a check answer never replaces the graded answer."""
    return event.get("kind", "answer") == "answer"


@dataclass
class Learned:
    """What the learning reports keep of one submission: small, whatever the file's size.

    ``check``: (question id, answer, confidence, time) of each discernment-check answer (at most
    three forms of ten); ``confidence``: (confidence, right) -> count, for every answer that carried
    a confidence and could be checked (re-checked against the key, or a check claim).
    """

    check: list[tuple[str, str, float | None, str]] = field(default_factory=list)
    confidence: Counter = field(default_factory=Counter)
    tried: set = field(default_factory=set)  # first tries seen: a later attempt does not count

    @classmethod
    def from_events(cls, events: list[dict[str, Any]]) -> Learned:
        out = cls()
        truth = None  # looked up only for a file that holds a check answer with a confidence
        for e in events:
            if e.get("kind") != "discernment" or not isinstance(e.get("answer"), str):
                continue
            out.check.append((e["question_id"], e["answer"], e.get("confidence"), e["ts"]))
            if e.get("confidence") is not None:
                if truth is None:
                    truth = _truth()
                if e["question_id"] in truth:
                    out.confidence[(float(e["confidence"]), e["answer"] == truth[e["question_id"]])] += 1
        return out

    def note(self, event: dict[str, Any], result) -> None:
        """A graded question's answer, re-checked by grade (events in the order they were made):
        counted when it is the first try at its question and carries a confidence."""
        from coursekit.quiz.confidence import first_try

        key = first_try(event.get("kind"), str(event.get("module")), str(event.get("question_id")),
                        str(event.get("ts", "")))
        if key in self.tried:
            return
        self.tried.add(key)
        c = event.get("confidence")
        if c is not None and event.get("kind", "answer") != "discernment" and result.score is not None \
                and not result.error:
            self.confidence[(float(c), bool(result.correct))] += 1

    def events(self) -> list[dict[str, Any]]:
        return [{"kind": "discernment", "question_id": q, "answer": a, "confidence": c, "ts": t}
                for q, a, c, t in self.check]

    def pairs(self) -> list[tuple[float, bool]]:
        return [k for k, n in sorted(self.confidence.items()) for _ in range(n)]


@functools.cache
def _truth_cached(root: str) -> dict[str, str]:
    return {f"dc-{phase}-{i.id}": ("real" if i.real else "false")
            for i in _items() for phase in ("pre", "post", "delayed")}


def _truth() -> dict[str, str]:
    from coursekit.paths import data_dir

    try:
        return _truth_cached(str(data_dir()))
    except (OSError, FileNotFoundError):
        return {}


# --- discernment --------------------------------------------------------------------------------


def _items() -> list:
    """The check's items; none when this course copy has no data/discernment.yml."""
    from coursekit.errors import DataError
    from coursekit.quiz.discern import load_items

    try:
        return load_items(check_sources=False)
    except (DataError, OSError):
        return []


def discernment_rows(subs) -> list[dict[str, Any]]:
    from coursekit.quiz.discern import PHASES, answers_from_events, form_items, score

    items = _items()
    if not items:
        return []
    rows = []
    for sub in subs:
        events = sub.learning.events() if sub.learning else []
        if not events:  # no check answers: no row in any phase
            continue
        for phase, (form, _module) in PHASES.items():
            mine = form_items(form, items)
            answers, _ = answers_from_events(events, phase, mine)
            if not answers:
                continue
            taken = min((e["ts"] for e in events if e["kind"] == "discernment"
                         and e["question_id"].startswith(f"dc-{phase}-")), default="")
            rows.append({"learner": sub.learner, "phase": phase, "form": form, "taken_at": taken,
                         **score(mine, answers).as_row()})
    return rows


def _mean(xs: list[float]) -> float | None:
    return sum(xs) / len(xs) if xs else None


def class_rows(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Per phase the class means of complete checks; then the paired change (post - pre)."""
    complete = [r for r in rows if r["answered"] == r["items"]]
    out = []
    for phase in ("pre", "post", "delayed"):
        here = [r for r in complete if r["phase"] == phase]
        if here:
            out.append({"group": phase, "learners": len(here), "items": here[0]["items"],
                        **{m: round(_mean([r[m] for r in here]), 2) for m in MEASURES}})
    by = {(r["learner"], r["phase"]): r for r in complete}
    paired = [(by[(lr, "pre")], by[(lr, "post")]) for lr, ph in by if ph == "pre" and (lr, "post") in by]
    if paired:
        out.append({"group": "change (post - pre, learners with both)", "learners": len(paired),
                    "items": paired[0][0]["items"],
                    **{m: round(_mean([b[m] - a[m] for a, b in paired]), 2) for m in MEASURES}})
    return out


def discernment_chart(summary: list[dict[str, Any]], path: Path) -> str:
    """Grouped bars of the class means per phase; returns the alt text."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    phases = [r for r in summary if r["group"] in ("pre", "post", "delayed")]
    labels = {"discernment": "discernment (all right)", "real_detected": "real judged real",
              "false_detected": "false judged false", "response_bias": "response bias (<0 distrust)"}
    from coursekit.maps.style import BLUE, GREEN, ORANGE

    style = {"pre": (ORANGE, "//"), "post": (BLUE, ""), "delayed": (GREEN, "..")}
    fig = Figure(figsize=(8, 4.2))
    FigureCanvasAgg(fig)
    ax = fig.add_subplot()
    width = 0.8 / max(1, len(phases))
    for k, r in enumerate(phases):
        colour, hatch = style[r["group"]]
        xs = [i + (k - (len(phases) - 1) / 2) * width for i in range(len(MEASURES))]
        ax.bar(xs, [r[m] for m in MEASURES], width, color=colour, hatch=hatch, edgecolor="black", linewidth=0.5,
               label=f"{r['group']} (n={r['learners']})")
        for x, m in zip(xs, MEASURES, strict=True):
            ax.text(x, r[m] + (0.1 if r[m] >= 0 else -0.4), f"{r[m]:g}", ha="center", fontsize=7)
    ax.axhline(0, color="black", linewidth=0.6)
    ax.set_xticks(range(len(MEASURES)), [labels[m] for m in MEASURES], fontsize=8)
    items = phases[0]["items"] if phases else 0
    ax.set_ylabel(f"Mean number of claims (form of {items})")
    ax.set_title("Real or false? The class before and after the course")
    if phases:
        ax.legend(loc="upper right", fontsize=8, frameon=False)
    else:
        ax.text(1.5, 0.5, "No complete real-or-false checks in these submissions", ha="center", fontsize=10)
    fig.text(0.01, 0.01, "Source: discernment check answers in the submission files (coursekit grade). "
             "No control group: see learning.md.", fontsize=7)
    fig.subplots_adjust(bottom=0.16)
    fig.savefig(path, format="png", dpi=110, metadata={"Software": None})
    parts = [f"{r['group']} (n={r['learners']}): " + ", ".join(f"{labels[m]} {r[m]:g}" for m in MEASURES)
             for r in phases]
    return ("Grouped bar chart of the class's mean scores on the real-or-false check of "
            f"{items} claims; " + "; ".join(parts) + "." if parts else "No complete checks to chart.")


# --- calibration ---------------------------------------------------------------------------------


def calibration_pairs(subs) -> dict[str, list[tuple[float, bool]]]:
    """learner -> (confidence, right) for every answer with a confidence that could be checked."""
    return {sub.learner: sub.learning.pairs() for sub in subs if sub.learning and sub.learning.confidence}


def _cell(value: Any) -> str:
    """Numbers as they are (a negative bias stays a number); text made safe for spreadsheets."""
    from coursekit.instructor.grade import csv_cell

    if isinstance(value, int | float) and not isinstance(value, bool):
        return f"{value:g}"
    return csv_cell(value)


def _write_csv(path: Path, header: list[str], rows: list[list[str]]) -> None:
    """Cells already made safe by :func:`_cell` (numbers, including negative ones, stay numbers)."""
    import csv

    with open(path, "w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(header)
        writer.writerows(rows)


def write_reports(subs, out: Path) -> dict[str, Path]:
    """Write the learning reports for the kept submissions; returns their paths."""
    from coursekit.quiz.confidence import summarise

    paths = {name: out / f"{name}.csv" for name in
             ("discernment", "discernment_class", "calibration", "calibration_learners")}
    rows = discernment_rows(subs)
    cols = ["learner", "phase", "form", "taken_at", "items", "answered", "discernment", "real_detected",
            "false_detected", "response_bias", "distrust", "naivety", "d_prime", "criterion"]
    _write_csv(paths["discernment"], cols, [[_cell(r[c]) for c in cols] for r in rows])
    summary = class_rows(rows)
    ccols = ["group", "learners", "items", *MEASURES]
    _write_csv(paths["discernment_class"], ccols, [[_cell(r[c]) for c in ccols] for r in summary])
    paths["discernment_chart"] = out / "discernment.png"
    alt = discernment_chart(summary, paths["discernment_chart"])

    pairs = calibration_pairs(subs)
    everyone = summarise([p for ps in pairs.values() for p in ps])
    _write_csv(paths["calibration"], ["confidence", "answers", "share_right"],
               [[f"{lv:.0%}", str(n), f"{share:.3f}"] for lv, n, share in everyone.bins]
               + [["all", str(everyone.n), f"{everyone.share_right:.3f}"]])
    lrows = []
    for learner in sorted(pairs):
        c = summarise(pairs[learner])
        verdict = ("overconfident" if c.gap > 0.05 else "underconfident" if c.gap < -0.05 else "well calibrated")
        lrows.append([_cell(learner), str(c.n), f"{c.mean_confidence:.3f}", f"{c.share_right:.3f}",
                      f"{c.brier:.4f}", f"{c.gap * 100:+.0f}", verdict])
    _write_csv(paths["calibration_learners"], ["learner", "answers", "mean_confidence", "share_right", "brier",
                                               "gap_points", "in_words"], lrows)
    paths["summary"] = out / "learning.md"
    paths["summary"].write_text(_summary_md(summary, alt, everyone, len(pairs)), encoding="utf-8")
    return paths


def _summary_md(summary, alt: str, everyone, learners: int) -> str:
    lines = ["# Learning: the real-or-false check and calibration", ""]
    if summary:
        lines += ["| group | learners | discernment | real judged real | false judged false | response bias |",
                  "|---|---|---|---|---|---|"]
        lines += [f"| {r['group']} | {r['learners']} | {r['discernment']:g} | {r['real_detected']:g} | "
                  f"{r['false_detected']:g} | {r['response_bias']:g} |" for r in summary]
        lines += ["", f"![{alt}](discernment.png)", ""]
    else:
        lines += ["No complete real-or-false checks in these submissions.", ""]
    lines += ["Response bias is the number of claims judged real minus the real claims in the form: below 0 "
              "leans to distrust, above 0 to naïvety. Per-learner scores: discernment.csv.", "", CAUTION, "",
              "## Calibration", ""]
    if everyone.n:
        lines.append(f"{everyone.n} answers from {learners} learner(s) carried a confidence: on average "
                     f"{everyone.mean_confidence:.0%} sure and {everyone.share_right:.0%} right (Brier score "
                     f"{everyone.brier:.3f}; gap {everyone.gap * 100:+.0f} points, above 0 overconfident). "
                     "By level: calibration.csv; by learner: calibration_learners.csv.")
    else:
        lines.append("No answers carried a confidence.")
    return "\n".join(lines) + "\n"
