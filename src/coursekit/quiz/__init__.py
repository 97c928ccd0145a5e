"""Quizzes: ``quiz.show("00")`` shows module 00's questions in a notebook.

The pieces, each usable on its own:

- :mod:`coursekit.quiz.model`: question types and checking (pure Python);
- :mod:`coursekit.quiz.bank`: YAML banks and their separate answer keys;
- :mod:`coursekit.quiz.store`: the SQLite progress store;
- :mod:`coursekit.quiz.widgets`: the accessible widgets (imported only when shown);
- :mod:`coursekit.quiz.discern`, :mod:`coursekit.quiz.confidence`, :mod:`coursekit.quiz.spaced`:
  measuring learning (the real-or-false check, confidence, spaced review).
"""

from __future__ import annotations

import html
from typing import Any

__all__ = ["show", "QuizView", "export_progress", "review", "discernment", "calibration"]


def review(module: str, *, store=None, now=None):
    """Questions from earlier modules that are due for review (the first cell of modules 01-08).

    Missed questions, and those answered right but unsure, come back 1 day, 3 days and a week
    later; module 05's techniques come back after one and four weeks. Nothing here is graded.
    """
    from coursekit.quiz.spaced import show as _show

    return _show(module, store, now)


def discernment(phase: str, *, store=None):
    """The real-or-false check: ``"pre"`` (module 00), ``"post"`` (module 08), ``"delayed"`` (4 weeks on)."""
    from coursekit.quiz.discern import show as _show

    return _show(phase, store)


def calibration(module: str | None = None, *, store=None):
    """How well your confidence matched your answers, in one module or (no module) across the course."""
    from coursekit.quiz.confidence import show as _show

    return _show(module, store)


def export_progress(out: str = "my-progress.json", *, include_reflections: bool = False,
                    figure=None, alt: str | None = None) -> str:
    """Write your submission file for your instructor; returns its path.

    It holds your quiz answers and hand-in texts (the capstone brief and peer review), and,
    with ``figure=fig``, the figure of your brief as a PNG with its alt text (``alt`` defaults
    to the figure's own). Your
    reflections stay on your computer unless you pass ``include_reflections=True``. The same as
    ``coursekit progress export --out FILE [--include-reflections]`` on the command line.
    """
    from coursekit.quiz.progress import export_submission
    from coursekit.quiz.store import ProgressStore

    result = export_submission(ProgressStore(), out, include_reflections=include_reflections,
                               figure=figure, alt=alt)
    print(result.message() + " Download it (right-click it in the file browser → Download) and hand it in."
          + ("" if include_reflections else " To hand in your reflections too: "
             f"export_progress({out!r}, include_reflections=True)."))
    return out


class QuizView:
    """A displayed bank (or one question) with its score summary."""

    def __init__(self, bank, questions, store) -> None:
        import ipywidgets as w

        from coursekit.quiz.widgets import QuestionWidget, SummaryWidget, md

        self.bank = bank
        self.store = store
        self.summary = SummaryWidget()
        self.widgets = [
            QuestionWidget(q, bank.key(q.id), module=bank.module, mode=bank.mode, store=store,
                           on_result=lambda _w: self._update())
            for q in questions
        ]
        mode = ("Answers are recorded for your instructor; you will not see whether they are right."
                if bank.mode == "assessed" else "You get feedback as soon as you submit.")
        header = w.HTML(f"<h3 style='margin:0.3em 0'>Check your understanding: {md(bank.title)[3:-4]}</h3>"
                        f"<p style='margin:0'>{mode}</p>")
        self.box = w.VBox([header, *self.widgets, self.summary])
        self._update()

    def _update(self) -> None:
        graded = [x for x in self.widgets if x._q.graded]
        answered = [x for x in graded if x.result is not None]
        total = sum(x._q.points for x in graded)
        if self.bank.mode == "assessed":
            text = f"{len(answered)} of {len(graded)} questions answered and recorded."
        else:
            score = sum(x.result.score or 0 for x in answered)
            text = (f"Score so far: {score:g} of {total:g} points; "
                    f"{len(answered)} of {len(graded)} questions answered.")
        reflections = [x for x in self.widgets if not x._q.graded]
        if reflections:
            done = sum(1 for x in reflections if x.result is not None)
            text += f" Reflections recorded: {done} of {len(reflections)}."
        self.summary.summary_html = f"<strong>{html.escape(self.bank.title)}</strong>: {text}"

    @property
    def score(self) -> float:
        return sum(x.result.score or 0 for x in self.widgets if x.result is not None)

    def _repr_mimebundle_(self, **kwargs: Any):
        from coursekit.quiz.widgets import static_html

        bundle = self.box._repr_mimebundle_(**kwargs)
        data = bundle[0] if isinstance(bundle, tuple) else bundle
        data["text/html"] = (f"<h3>Check your understanding: {html.escape(self.bank.title)}</h3>"
                             + "".join(static_html(x._q) for x in self.widgets))
        data["text/plain"] = f"Quiz: {self.bank.title} ({len(self.widgets)} questions; run in Jupyter to answer)"
        return bundle


def show(target: str, *, exclude: tuple[str, ...] | list[str] = (), store=None) -> QuizView:
    """Show a module's quiz (``"00"``) or one question (``"00/q-cells"``).

    Code exercises (answered with :func:`coursekit.exercises.check`) are left out of a
    module's quiz. ``exclude`` leaves out questions already shown elsewhere in the notebook, e.g.
    ``quiz.show("07", exclude=["your-call"])``. The returned view displays itself when it
    is the last value of a cell.
    """
    from coursekit.quiz.bank import bank_path, load_bank
    from coursekit.quiz.pools import for_learner
    from coursekit.quiz.store import ProgressStore, current_learner
    from coursekit.quiz.types import get as get_type

    module, _, qid = target.partition("/")
    bank = load_bank(bank_path(module))
    if qid:
        bank.question(qid)  # a KeyError names an unknown id
    unknown = set(exclude) - {q.id for q in bank.questions}
    if unknown:
        raise KeyError(f"no question(s) {sorted(unknown)} in {bank.path.name}")
    store = store or ProgressStore()
    ids = [qid] if qid else [q.id for q in bank.questions if q.id not in exclude and get_type(q.type).shown_in_quiz]
    # the learner's own alternatives and variants (the same on every run; grade recomputes them)
    return QuizView(bank, for_learner(bank, current_learner(), ids), store)
