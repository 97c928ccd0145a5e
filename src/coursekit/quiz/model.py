"""Questions, answer keys and checking: pure Python, no widgets, no kernel.

What each question type accepts and how it scores (partial credit included) lives in its
entry in the registry, :mod:`coursekit.quiz.types`; this module holds the shapes every type
shares (:class:`Question`, :class:`Key`, :class:`Result`) and :func:`check`, which dispatches.

Checking never raises on a student's answer: a wrong type, an empty answer or an
out-of-range value comes back as a :class:`Result` with ``error`` set and a message
that says what to do.

>>> q = Question(id="gap", type="numeric", prompt="How wide is the gap?", unit="km")
>>> check(q, Key(correct=65, explanation="Measured.", tolerance_abs=5), "63").status
'Correct'
>>> check(q, Key(correct=65, tolerance_abs=5), "far").message
"'far' is not a number: type digits only (in km), with a point for decimals (e.g. 65 or 0.65)."
"""

from __future__ import annotations

import hashlib
import json
import math
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Option:
    id: str
    text: str
    #: the instructor guide's id of the misconception this distractor reveals (item analysis);
    #: kept out of :meth:`Question.to_public` and so out of the question's hash
    misconception: str | None = field(default=None, compare=False)


@dataclass(frozen=True)
class Question:
    """What the student sees. Nothing here reveals the answer."""

    id: str
    type: str
    prompt: str
    points: float = 1.0
    hint: str | None = None
    options: tuple[Option, ...] = ()  # single_choice, multiple_select
    items: tuple[Option, ...] = ()  # ordering, categorise
    categories: tuple[Option, ...] = ()  # categorise
    unit: str | None = None  # numeric
    min_words: int = 0  # text
    max_words: int = 0  # text: 0 for no limit
    sources: tuple[str, ...] = ()
    hand_in: bool = False  # text: exported by default (reflections, without it, stay private)
    judgement: bool = False  # the learner's own call: recorded and compared with the kit's view, never scored

    def to_public(self) -> dict[str, Any]:
        """The question as plain data (safe to send to a browser)."""
        out: dict[str, Any] = {"id": self.id, "type": self.type, "prompt": self.prompt,
                               "points": self.points}
        for name in ("options", "items", "categories"):
            value = getattr(self, name)
            if value:
                out[name] = [{"id": o.id, "text": o.text} for o in value]
        if self.unit:
            out["unit"] = self.unit
        if self.min_words:
            out["min_words"] = self.min_words
        if self.max_words:
            out["max_words"] = self.max_words
        if self.hint:
            out["hint"] = self.hint
        if self.sources:
            out["sources"] = list(self.sources)
        if self.judgement:
            out["judgement"] = True
        return out

    @property
    def graded(self) -> bool:
        return _types().get(self.type).graded and not self.judgement

    def digest(self) -> str:
        return _digest(self.to_public())


@dataclass(frozen=True)
class Key:
    """The answer key of one question (kept apart from the question)."""

    correct: Any = None
    feedback: dict[str, str] = field(default_factory=dict)
    explanation: str = ""
    tolerance_abs: float | None = None
    tolerance_rel: float | None = None
    #: option id -> misconception id (the key's ``misconceptions:``); not part of the key's hash
    misconceptions: dict[str, str] = field(default_factory=dict)
    view: Any = None  # a judgement question's: the kit's own answer, shown for comparison, never scored

    def to_data(self) -> dict[str, Any]:
        data = {"correct": self.correct, "feedback": dict(sorted(self.feedback.items())),
                "explanation": self.explanation, "abs": self.tolerance_abs,
                "rel": self.tolerance_rel}
        if self.view is not None:
            data["view"] = self.view
        return data

    def digest(self) -> str:
        return _digest(self.to_data())


_TYPES = None


def _types():
    """The question-type registry module, imported on first use (it imports this module): grading calls
    :func:`check` and :attr:`Question.graded` for every answer, and an import statement costs each time."""
    global _TYPES
    if _TYPES is None:
        from coursekit.quiz import types

        _TYPES = types
    return _TYPES


def _digest(data: dict) -> str:
    text = json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class Part:
    """Feedback on one part of an answer (an option, an item, a pair).

    ``before``: what to show instead of ``message`` until the answer is earned (right, or after
    the attempts that bring the explanation), when ``message`` would name it: None shows
    ``message`` at once, "" leaves the part out until then. ``missed``: a right option the learner
    left out (not a wrong choice)."""

    label: str
    ok: bool
    message: str = ""
    before: str | None = None
    missed: bool = False


@dataclass(frozen=True)
class Result:
    """The outcome of checking one answer."""

    score: float | None
    max: float
    message: str
    parts: tuple[Part, ...] = ()
    explanation: str = ""
    error: str | None = None
    judgement: bool = False  # parts say whether the answer agrees with the kit's view, not right/wrong

    @property
    def correct(self) -> bool | None:
        if self.score is None or self.error:
            return None
        return math.isclose(self.score, self.max)

    @property
    def status(self) -> str:
        """One word for screen readers and colour-free display."""
        if self.error:
            return "Not checked"
        if self.score is None:
            return "Recorded"
        if self.correct:
            return "Correct"
        return "Partly correct" if self.score > 0 else "Not correct"


def invalid(question: Question, message: str) -> Result:
    return Result(score=None, max=question.points, message=message, error=message)


# --- checking ------------------------------------------------------------------------------


def check(question: Question, key: Key | None, answer: Any) -> Result:
    """Check ``answer`` against ``key``. ``key=None`` records without grading."""
    types = _types()
    qtype = types.get(question.type)
    if _is_empty(answer):
        return invalid(question, qtype.empty_message)
    try:
        normalised = qtype.normalise(question, answer)
    except types.BadAnswer as exc:
        return invalid(question, str(exc))
    except (TypeError, ValueError, KeyError, RecursionError):  # a shape no widget sends (a hand-edited file)
        return invalid(question, "This answer is not in a form this question takes: answer it again.")
    if question.judgement:
        return _judgement(question, key, normalised)
    if key is None and qtype.graded:
        return Result(score=None, max=question.points, message="Recorded. Your instructor grades it later.")
    return qtype.score(question, key, normalised)


def _judgement(question: Question, key: Key | None, normalised: Any) -> Result:
    """A judgement question: recorded, never scored; compared with the kit's view when there is one."""
    from coursekit.quiz.types import get

    message = "Your judgement is saved with your progress and never scored."
    if key is None or key.view is None:
        return Result(None, 0.0, message, (), key.explanation if key else "", judgement=True)
    compared = get(question.type).score(question, Key(correct=key.view), normalised)
    parts = compared.parts
    if isinstance(key.view, dict):  # a call per item: say the kit's call and its reason for each
        from coursekit.quiz.types._common import label

        parts = tuple(
            Part(item.text, answer == key.view.get(item.id),
                 f"the kit's call: {label(question, key.view.get(item.id), 'categories')}"
                 + (f". {key.feedback[item.id]}" if key.feedback.get(item.id) else ""))
            for item, answer in zip(question.items, (normalised.get(i.id) for i in question.items), strict=True))
    same = sum(p.ok for p in parts)
    if parts:
        message += (f" You and the kit agree on {same} of {len(parts)}; read the kit's reasons where you "
                    "differ, and decide whether they change your mind.")
    return Result(None, 0.0, message, parts, key.explanation, judgement=True)


def _is_empty(answer: Any) -> bool:
    if answer is None:
        return True
    if isinstance(answer, str) and not answer.strip():
        return True
    return isinstance(answer, list | tuple | dict | set) and len(answer) == 0


def full_marks_answer(question: Question, key: Key) -> Any:
    """The answer the key says is right (used by ``coursekit quiz simulate``)."""
    from coursekit.quiz.types import get

    return get(question.type).full_marks(question, key)
