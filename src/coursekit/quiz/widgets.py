"""Quiz widgets: thin views over :mod:`coursekit.quiz.model` and the progress store.

Why an anywidget and not stock ipywidgets: ``RadioButtons`` is not a real radio
group (its radios share no name and have no group label, each is its own Tab stop),
and ``HTML`` feedback is not announced to screen readers. The small ES module in
``widget.js`` renders a ``<fieldset>`` whose ``<legend>`` is the question, native
radio/checkbox groups, labelled selects and buttons, and a persistent
``role="status"`` live region for feedback. No build step.

The answer key is a plain Python attribute (``_key``), never a synced trait: the
browser receives the question and, after each submission, the feedback earned.
"""

from __future__ import annotations

import html
from pathlib import Path
from typing import Any

import anywidget
import traitlets

from coursekit.quiz import types as qtypes
from coursekit.quiz.markup import inline as _inline
from coursekit.quiz.markup import md
from coursekit.quiz.model import Key, Question, Result, check
from coursekit.quiz.store import ProgressStore, StoreError

_HERE = Path(__file__).parent
EXPLAIN_AFTER = 2  # attempts after which the explanation is shown even if not right


def question_payload(q: Question) -> dict[str, Any]:
    """What the browser may see of a question (no key, no explanation)."""
    data = q.to_public()
    data.pop("hint", None)
    data["has_hint"] = bool(q.hint)
    data["prompt_html"] = md(q.prompt)
    data["confidence"] = q.graded  # the widget asks how sure the learner is (optional) on graded answers
    for pool in ("options", "items", "categories"):
        for entry in data.get(pool, []):
            entry["text_html"] = _inline(entry["text"])
    return data


def feedback_html(result: Result, *, attempts: int, sources_md: str = "", graded: bool = True) -> str:
    css = {"Correct": "ck-correct", "Partly correct": "ck-partly", "Not correct": "ck-wrong"}.get(
        result.status, "")
    icon = {"Correct": "✓", "Partly correct": "◐", "Not correct": "✗", "Recorded": "•"}.get(result.status, "!")
    score = ""
    if result.score is not None and not result.error and graded:  # a review answer is never graded: no points
        score = f" ({points(result.score)} of {points(result.max)} point{'' if result.max == 1 else 's'})"
    parts = ""
    written = result.score is None and not result.error  # a text answer: its guidance at once
    earned = bool(result.correct or result.judgement or written or attempts >= EXPLAIN_AFTER)
    if result.parts and len(result.parts) > 1 or (result.parts and result.parts[0].message != result.message):
        if result.judgement:
            marks = {True: ("=", "same call as the kit"), False: ("≠", "a different call from the kit")}
        else:
            marks = {True: ("✓", "right"), False: ("✗", "wrong")}
        shown = [(p, p.message if earned or p.before is None else p.before) for p in result.parts]
        items = "".join(
            f"<li>{'○' if p.missed else marks[p.ok][0]} <span class='ck-sr'>{'missed' if p.missed else marks[p.ok][1]}:"
            f"</span> {_inline(p.label)}: {html.escape(text)}</li>" for p, text in shown if text)
        parts = f"<ul class='ck-parts'>{items}</ul>" if items else ""
    explain = ""
    if result.explanation and earned:
        explain = f"<div class='ck-explanation'><strong>Why:</strong> {_inline(result.explanation)}</div>"
        if sources_md:
            explain += f"<div class='ck-sources'>{md(sources_md)}</div>"
    elif result.explanation and result.score is not None and not result.correct:
        explain = "<div class='ck-explanation'>Try again; the explanation appears when you get it right " \
                  f"or after {EXPLAIN_AFTER} attempts.</div>"
    return (f"<div class='ck-result {css}'><span class='ck-status'>{icon} {result.status}{score}.</span> "
            f"{html.escape(result.message)}{parts}{explain}</div>")


def points(value: float) -> str:
    """A score as a reader wants it: at most two decimals (0.714286 reads 0.71), no trailing zeros."""
    return f"{round(value, 2):g}"


class QuestionWidget(anywidget.AnyWidget):
    """One question: answer, submit, try again, hint. Feedback is computed in Python."""

    _esm = _HERE / "widget.js"
    _css = _HERE / "widget.css"

    question = traitlets.Dict().tag(sync=True)
    value = traitlets.Any(None, allow_none=True).tag(sync=True)
    locked = traitlets.Bool(False).tag(sync=True)
    feedback_html = traitlets.Unicode("").tag(sync=True)
    hint_html = traitlets.Unicode("").tag(sync=True)
    notice = traitlets.Unicode("").tag(sync=True)
    mode = traitlets.Unicode("formative").tag(sync=True)
    confidence = traitlets.Any(None, allow_none=True).tag(sync=True)  # 0.5-1.0 or None (not given)
    final = traitlets.Bool(False).tag(sync=True)  # no "Try again" (the discernment check)

    def __init__(self, q: Question, key: Key | None, *, module: str, mode: str = "formative",
                 store: ProgressStore | None = None, restore: bool = True, on_result=None,
                 kind: str = "answer") -> None:
        super().__init__(question=question_payload(q), mode=mode)
        self._kind = kind  # "review": a spaced review, recorded as such and never graded again
        self._q = q
        self._key = key if mode == "formative" else None  # assessed: never checked client-side
        self._module = module
        self._store = store or ProgressStore()
        self._attempts = 0
        self._on_result = on_result
        self.result: Result | None = None
        self.on_msg(self._on_custom_msg)
        if restore:
            self._restore()

    # -- actions (the browser sends messages; tests call these directly) ----------------------
    def submit(self) -> Result:
        result = check(self._q, self._key, self.value)
        if result.error:
            self.feedback_html = feedback_html(result, attempts=self._attempts, graded=self._kind != "review")
            return result
        self._attempts += 1
        self._record(result)
        self.result = result
        self.locked = True
        self.feedback_html = feedback_html(result, attempts=self._attempts, sources_md=self._sources_md(),
                                           graded=self._kind != "review") + self._confidence_note()
        if self._on_result:
            self._on_result(self)
        return result

    def retry(self) -> None:
        if self.final:
            return
        self.locked = False
        self.feedback_html = ""

    def show_hint(self) -> None:
        self.hint_html = f"<strong>Hint:</strong> {md(self._q.hint)}" if self._q.hint else "No hint for this one."

    def _on_custom_msg(self, _widget, content, _buffers) -> None:
        event = content.get("event") if isinstance(content, dict) else None
        if event == "submit":
            self.submit()
        elif event == "retry":
            self.retry()
        elif event == "hint":
            self.show_hint()

    # -- storage ------------------------------------------------------------------------------
    def _record(self, result: Result) -> None:
        """Save the answer; a store that cannot be written is a visible notice (the answer is still checked)."""
        score = result.score if self.mode == "formative" else None
        try:
            self._store.append(module=self._module, question_id=self._q.id, question_hash=self._q.digest(),
                               key_hash=self._key.digest() if self._key else None, mode=self.mode,
                               answer=self.value, score=score, max_score=self._q.points,
                               confidence=self._confidence(), kind=self._kind)
        except StoreError as exc:
            self.notice = f"Not saved: {exc.what} Where: {exc.where}. Fix: {exc.fix}"
            return
        self.notice = self._store.notice or ""

    def _confidence_note(self) -> str:
        c = self._confidence()
        if c is None:
            return ""
        return f"<div class='ck-confidence-note'>Saved with your answer: you were {c:.0%} sure.</div>"

    def _confidence(self) -> float | None:
        """The confidence the learner set, as a share (0.5-1.0); a percentage is accepted too."""
        c = self.confidence
        if c is None or c == "" or isinstance(c, bool):
            return None
        try:
            c = float(c)
        except (TypeError, ValueError):
            return None
        c = c / 100 if c > 1 else c
        return c if 0.5 <= c <= 1.0 else None

    def _restore(self) -> None:
        try:
            last = self._store.latest(module=self._module).get((self._module, self._q.id))
        except StoreError as exc:
            self.notice = f"Your earlier answers could not be loaded: {exc.what} Where: {exc.where}. Fix: {exc.fix}"
            return
        if self._store.notice:
            self.notice = self._store.notice
        if last is None:
            return
        if last.question_hash != self._q.digest():
            self.notice = "This question has changed since you last answered it: please answer it again."
            return
        self.value = last.answer
        self.confidence = last.confidence
        try:
            self._attempts = sum(1 for e in self._store.events(module=self._module, kind="answer")
                                 if e.question_id == self._q.id)
        except StoreError:
            self._attempts = 1
        result = check(self._q, self._key, last.answer)
        self.result = result
        self.locked = True
        self.feedback_html = feedback_html(result, attempts=self._attempts, sources_md=self._sources_md(),
                                           graded=self._kind != "review")

    def _sources_md(self) -> str:
        if not self._q.sources:
            return ""
        from coursekit.sources import load_sources

        known = load_sources()
        return "Sources: " + "; ".join(
            f"[{known[s].publisher}, {known[s].title}]({known[s].url})" for s in self._q.sources if s in known)

    # -- static fallback ----------------------------------------------------------------------
    def _repr_mimebundle_(self, **kwargs):
        bundle = super()._repr_mimebundle_(**kwargs)
        data = bundle[0] if isinstance(bundle, tuple) else bundle
        data["text/html"] = static_html(self._q)
        data["text/plain"] = static_text(self._q)
        return bundle


def static_html(q: Question) -> str:
    """The question as readable HTML, for places where widgets cannot run."""
    weight = "your judgement, not scored" if q.judgement else f"{q.points:g} pt"
    return (f"<div class='coursekit-quiz-static'><p><strong>Question ({weight}):</strong></p>"
            f"{md(q.prompt)}{qtypes.get(q.type).choices_html(q)}"
            "<p><em>Run this notebook in Jupyter to answer and get feedback.</em></p></div>")


def static_text(q: Question) -> str:
    lines = [f"Question: {q.prompt}"]
    for o in q.options:
        lines.append(f"  - {o.text}")
    for i in q.items:
        lines.append(f"  * {i.text}")
    if q.categories:
        lines.append("  Categories: " + ", ".join(c.text for c in q.categories))
    lines.append("(Run this notebook in Jupyter to answer.)")
    return "\n".join(lines)


class SummaryWidget(anywidget.AnyWidget):
    """A module's score so far, announced politely when it changes."""

    _esm = """
    function render({ model, el }) {
      el.classList.add("coursekit-summary");
      const box = document.createElement("div");
      box.setAttribute("role", "status");
      box.setAttribute("aria-live", "polite");
      el.append(box);
      const show = () => { box.innerHTML = model.get("summary_html"); };
      show();
      model.on("change:summary_html", show);
    }
    export default { render };
    """
    _css = _HERE / "widget.css"
    summary_html = traitlets.Unicode("").tag(sync=True)

    def _repr_mimebundle_(self, **kwargs):
        bundle = super()._repr_mimebundle_(**kwargs)
        data = bundle[0] if isinstance(bundle, tuple) else bundle
        data["text/html"] = self.summary_html
        data["text/plain"] = html.unescape(self.summary_html)
        return bundle
