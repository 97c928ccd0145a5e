"""Calibration: do a learner's confidence levels match how often they are right?

Every graded submission may carry a confidence (50-100%: how sure the learner is that this answer
is right). Only the first try at a question counts (:func:`first_try`): a second attempt comes after
feedback that may have shown the answer, and being sure of it then measures nothing. A spaced
review, days later, counts again (its first try that day), and so does each discernment-check
item. An answer counts as right when it earns full marks. Assessed answers, which are not checked
on the learner's machine, are left out of the learner's own view (``coursekit grade`` checks them
for the class view).

- **Brier score**: the mean of (confidence - outcome)², outcome 1 if right, 0 if not: 0 is perfect,
  0.25 is what always answering "50%" earns.
- **Calibration curve**: for each confidence level, the share of answers that were right.
- **Over- or under-confidence**: mean confidence minus the share right, in percentage points.

>>> c = summarise([(0.9, True), (0.9, False), (0.6, True), (0.5, False)])
>>> round(c.brier, 4), c.n, round(c.gap * 100)
(0.3075, 4, 22)
"""

from __future__ import annotations

import html
from dataclasses import dataclass

from coursekit.maps.style import BLUE

LEVELS = (0.5, 0.6, 0.7, 0.8, 0.9, 1.0)
WELL_CALIBRATED = 0.05  # within 5 percentage points: "well calibrated"


@dataclass(frozen=True)
class Calibration:
    n: int
    brier: float
    mean_confidence: float
    share_right: float
    bins: tuple[tuple[float, int, float], ...]  # (level, answers, share right)

    @property
    def gap(self) -> float:
        """Mean confidence minus share right: above 0 overconfident, below 0 underconfident."""
        return self.mean_confidence - self.share_right

    def words(self) -> str:
        if self.n == 0:
            return ("No answers with a confidence yet: choose how sure you are (50-100%) when you answer, "
                    "and this view shows whether your confidence matches how often you are right.")
        pts = round(abs(self.gap) * 100)
        text = (f"On {self.n} answer(s) you were on average {self.mean_confidence:.0%} sure and right "
                f"{self.share_right:.0%} of the time (Brier score {self.brier:.3f}; 0 is perfect, 0.25 is what "
                "always saying 50% would earn). ")
        if self.gap > WELL_CALIBRATED:
            text += (f"You were overconfident by about {pts} percentage points: when you feel sure, check once "
                     "more. Overconfidence is what makes people easy to mislead.")
        elif self.gap < -WELL_CALIBRATED:
            text += (f"You were underconfident by about {pts} percentage points: you know more than you "
                     "think; trust your reasoning a little more.")
        else:
            text += "Your confidence matched how often you were right: well calibrated."
        if self.n < 10:
            text += f" With only {self.n} answer(s) this is a rough picture."
        return text


def _level(c: float) -> float:
    return min(LEVELS, key=lambda lv: abs(lv - c))


def summarise(pairs: list[tuple[float, bool]]) -> Calibration:
    """``pairs`` of (confidence 0.5-1.0, right or not)."""
    n = len(pairs)
    if n == 0:
        return Calibration(0, 0.0, 0.0, 0.0, ())
    brier = sum((c - float(ok)) ** 2 for c, ok in pairs) / n
    bins = []
    for lv in LEVELS:
        here = [ok for c, ok in pairs if _level(c) == lv]
        if here:
            bins.append((lv, len(here), sum(here) / len(here)))
    return Calibration(n, brier, sum(c for c, _ in pairs) / n, sum(ok for _, ok in pairs) / n, tuple(bins))


def first_try(kind: str | None, module: str, question_id: str, ts: str) -> tuple:
    """What makes an answer a first try: the question (and for a review, the day). Events taken in
    the order they were made, an answer whose key was seen before is a later attempt."""
    kind = kind or "answer"
    return (kind, module, question_id, ts[:10]) if kind == "review" else (kind, module, question_id)


def learner_pairs(events, module: str | None = None) -> list[tuple[float, bool]]:
    """(confidence, right) for a learner's checked first tries that carry a confidence."""
    out, seen = [], set()
    for e in events:
        if module and e.module != module:
            continue
        key = first_try(e.kind, e.module, e.question_id, e.ts)
        if key in seen:
            continue
        seen.add(key)
        if e.confidence is None or e.score is None:
            continue
        out.append((e.confidence, e.max_score > 0 and abs(e.score - e.max_score) < 1e-9))
    return out


def svg(c: Calibration, title: str) -> str:
    """The calibration curve as an accessible inline SVG (role=img, a title and a description)."""
    w, h, pad = 320, 240, 40
    x = lambda v: pad + (v - 0.5) / 0.5 * (w - 2 * pad)  # noqa: E731
    y = lambda v: h - pad - v * (h - 2 * pad)  # noqa: E731
    points = " ".join(f"{x(lv):.0f},{y(share):.0f}" for lv, _, share in c.bins)
    dots = "".join(f"<circle cx='{x(lv):.0f}' cy='{y(share):.0f}' r='{3 + min(n, 20) / 4:.1f}' fill='{BLUE}'/>"
                   for lv, n, share in c.bins)
    desc = ("Calibration curve: " + "; ".join(f"at {lv:.0%} sure, {share:.0%} right ({n} answers)"
                                              for lv, n, share in c.bins) + ". The dashed diagonal is perfect "
            "calibration: points below it mean overconfidence, above it underconfidence.")
    ticks = "".join(f"<text x='{x(v):.0f}' y='{h - pad + 14}' font-size='10' text-anchor='middle'>{v:.0%}</text>"
                    for v in LEVELS)
    yticks = "".join(f"<text x='{pad - 4}' y='{y(v) + 3:.0f}' font-size='10' text-anchor='end'>{v:.0%}</text>"
                     for v in (0, 0.5, 1.0))
    return (f"<svg role='img' aria-labelledby='ck-cal-t ck-cal-d' width='{w}' height='{h}' "
            f"viewBox='0 0 {w} {h}' xmlns='http://www.w3.org/2000/svg'>"
            f"<title id='ck-cal-t'>{html.escape(title)}</title><desc id='ck-cal-d'>{html.escape(desc)}</desc>"
            f"<rect x='{pad}' y='{pad}' width='{w - 2 * pad}' height='{h - 2 * pad}' fill='none' stroke='#888'/>"
            f"<line x1='{x(0.5)}' y1='{y(0.5)}' x2='{x(1)}' y2='{y(1)}' stroke='#555' stroke-dasharray='4 3'/>"
            f"<polyline points='{points}' fill='none' stroke='{BLUE}' stroke-width='2'/>{dots}{ticks}{yticks}"
            f"<text x='{w / 2}' y='{h - 6}' font-size='11' text-anchor='middle'>How sure you were</text>"
            f"<text x='12' y='{h / 2}' font-size='11' text-anchor='middle' transform='rotate(-90 12 {h / 2})'>"
            "Share right</text>"
            f"<text x='{w / 2}' y='16' font-size='12' text-anchor='middle' font-weight='bold'>"
            f"{html.escape(title)}</text></svg>")


def report_html(c: Calibration, title: str) -> str:
    rows = "".join(f"<tr><td>{lv:.0%}</td><td>{n}</td><td>{share:.0%}</td></tr>" for lv, n, share in c.bins)
    table = ("<table><caption>Your answers by how sure you were</caption><thead><tr><th scope='col'>Sure</th>"
             f"<th scope='col'>Answers</th><th scope='col'>Right</th></tr></thead><tbody>{rows}</tbody></table>"
             if c.bins else "")
    chart = svg(c, title) if c.bins else ""
    return (f"<div class='coursekit-calibration'><h4>{html.escape(title)}</h4><p>{html.escape(c.words())}</p>"
            f"{chart}{table}</div>")


class CalibrationView:
    """What ``quiz.calibration()`` shows: the view as HTML, readable as text too."""

    def __init__(self, c: Calibration, title: str) -> None:
        self.calibration, self.title = c, title

    def _repr_html_(self) -> str:
        return report_html(self.calibration, self.title)

    def __repr__(self) -> str:
        lines = [self.title, self.calibration.words()]
        lines += [f"  {lv:.0%} sure: {share:.0%} right of {n}" for lv, n, share in self.calibration.bins]
        return "\n".join(lines)


def show(module: str | None = None, store=None, learner: str | None = None) -> CalibrationView:
    """Your calibration in one module (``"03"``) or, without one, across the course."""
    from coursekit.quiz.store import ProgressStore

    store = store or ProgressStore()
    from coursekit.quiz.store import current_learner

    c = summarise(learner_pairs(store.events(learner or current_learner()), module))
    title = f"How well your confidence matched your answers: module {module}" if module else \
        "How well your confidence matched your answers: the whole course so far"
    return CalibrationView(c, title)
