"""Questions, answer keys and checking: pure Python, no widgets, no kernel.

Question types and how they are scored (``points`` is the question's maximum):

- ``single_choice``: one option; full points or none.
- ``multiple_select``: several options. Partial credit: (right picks − wrong picks) /
  number of right options, times points, never below zero. So picking everything
  scores nothing, and missing one of three right options scores two thirds.
- ``true_false``: true or false; full points or none.
- ``numeric``: a number, right within an absolute or relative tolerance, in the unit given.
- ``ordering``: put items in order. Partial credit: the share of item pairs whose relative
  order is right (1 for the right order, 0 for the reverse).
- ``categorise``: assign every item to one category. Partial credit: the share of items
  placed right, with feedback per item.
- ``text``: a short reflection; recorded, never graded (score None).

Checking never raises on a student's answer: a wrong type, an empty answer or an
out-of-range value comes back as a :class:`Result` with ``error`` set and a message
that says what to do.
"""

from __future__ import annotations

import hashlib
import json
import math
from dataclasses import dataclass, field
from itertools import combinations
from typing import Any

TYPES = ("single_choice", "multiple_select", "true_false", "numeric", "ordering", "categorise", "text")
GRADED = tuple(t for t in TYPES if t != "text")


@dataclass(frozen=True)
class Option:
    id: str
    text: str


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
    sources: tuple[str, ...] = ()
    hand_in: bool = False  # text: exported by default (reflections, without it, stay private)

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
        if self.hint:
            out["hint"] = self.hint
        if self.sources:
            out["sources"] = list(self.sources)
        return out

    @property
    def graded(self) -> bool:
        return self.type in GRADED

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

    def to_data(self) -> dict[str, Any]:
        return {"correct": self.correct, "feedback": dict(sorted(self.feedback.items())),
                "explanation": self.explanation, "abs": self.tolerance_abs,
                "rel": self.tolerance_rel}

    def digest(self) -> str:
        return _digest(self.to_data())


def _digest(data: dict) -> str:
    text = json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class Part:
    """Feedback on one part of an answer (an option, an item, a pair)."""

    label: str
    ok: bool
    message: str = ""


@dataclass(frozen=True)
class Result:
    """The outcome of checking one answer."""

    score: float | None
    max: float
    message: str
    parts: tuple[Part, ...] = ()
    explanation: str = ""
    error: str | None = None

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


# --- normalising answers -------------------------------------------------------------------


def _option_ids(q: Question) -> list[str]:
    return [o.id for o in q.options]


def _label(q: Question, oid: str, pool: str = "options") -> str:
    for o in getattr(q, pool):
        if o.id == oid:
            return o.text
    return oid


def _as_bool(value: Any) -> bool | None:
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in ("true", "false"):
        return value.strip().lower() == "true"
    return None


def _as_number(value: Any) -> float | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return float(value) if math.isfinite(value) else None
    if isinstance(value, str):
        text = value.strip().replace(",", "").replace("\u2212", "-")
        try:
            number = float(text)
        except ValueError:
            return None
        return number if math.isfinite(number) else None
    return None


# --- checking ------------------------------------------------------------------------------


def check(question: Question, key: Key | None, answer: Any) -> Result:
    """Check ``answer`` against ``key``. ``key=None`` records without grading."""
    if _is_empty(answer):
        return invalid(question, _EMPTY.get(question.type, "Give an answer first."))
    checker = _CHECKERS[question.type]
    try:
        normalised = _NORMALISE[question.type](question, answer)
    except _BadAnswer as exc:
        return invalid(question, str(exc))
    except (TypeError, ValueError, KeyError, RecursionError):  # a shape no widget sends (a hand-edited file)
        return invalid(question, "This answer is not in a form this question takes: answer it again.")
    if question.type == "text":
        return checker(question, key, normalised)
    if key is None:
        return Result(score=None, max=question.points, message="Recorded. Your instructor grades it later.")
    return checker(question, key, normalised)


class _BadAnswer(ValueError):
    pass


_EMPTY = {
    "single_choice": "Choose one option, then submit.",
    "multiple_select": "Tick at least one option, then submit.",
    "true_false": "Choose true or false, then submit.",
    "numeric": "Type a number, then submit.",
    "ordering": "Put the items in order, then submit.",
    "categorise": "Assign every item to a category, then submit.",
    "text": "Write a few words, then submit.",
}


def _is_empty(answer: Any) -> bool:
    if answer is None:
        return True
    if isinstance(answer, str) and not answer.strip():
        return True
    return isinstance(answer, list | tuple | dict | set) and len(answer) == 0


def _norm_single(q: Question, a: Any) -> str:
    if not isinstance(a, str) or a not in _option_ids(q):
        raise _BadAnswer(f"Choose one of the options ({', '.join(_option_ids(q))}).")
    return a


def _norm_multi(q: Question, a: Any) -> list[str]:
    if isinstance(a, str):
        a = [a]
    if not isinstance(a, list | tuple | set) or not all(isinstance(x, str) for x in a):
        raise _BadAnswer("Tick the options you choose.")
    unknown = [x for x in a if x not in _option_ids(q)]
    if unknown:
        raise _BadAnswer(f"Unknown option(s) {unknown}: choose from {', '.join(_option_ids(q))}.")
    return sorted(set(a), key=_option_ids(q).index)


def _norm_tf(q: Question, a: Any) -> bool:
    value = _as_bool(a)
    if value is None:
        raise _BadAnswer("Answer true or false.")
    return value


def _norm_numeric(q: Question, a: Any) -> float:
    value = _as_number(a)
    if value is None:
        unit = f" (in {q.unit})" if q.unit else ""
        raise _BadAnswer(f"{a!r} is not a number: type digits only{unit}, e.g. 65.")
    return value


def _norm_ordering(q: Question, a: Any) -> list[str]:
    ids = [i.id for i in q.items]
    if not isinstance(a, list | tuple) or sorted(map(str, a)) != sorted(ids):
        raise _BadAnswer("Put every item in the list exactly once.")
    return [str(x) for x in a]


def _norm_categorise(q: Question, a: Any) -> dict[str, str]:
    if not isinstance(a, dict):
        raise _BadAnswer("Assign each item to a category.")
    items = [i.id for i in q.items]
    cats = {c.id for c in q.categories}
    missing = [i for i in items if not a.get(i)]
    if missing:
        names = "; ".join(_label(q, i, "items") for i in missing)
        raise _BadAnswer(f"{len(missing)} item(s) still need a category: {names}")
    bad = {i: c for i, c in a.items() if i in items and c not in cats}
    if bad:
        raise _BadAnswer(f"Unknown category for {sorted(bad)}: choose from {', '.join(sorted(cats))}.")
    extra = [i for i in a if i not in items]
    if extra:
        raise _BadAnswer(f"Unknown item(s) {extra}.")
    return {i: a[i] for i in items}


def _norm_text(q: Question, a: Any) -> str:
    if not isinstance(a, str):
        raise _BadAnswer("Write your answer as text.")
    if len(a.split()) < q.min_words:
        raise _BadAnswer(f"Write at least {q.min_words} words (you wrote {len(a.split())}).")
    return a.strip()


def _check_single(q: Question, k: Key, a: str) -> Result:
    ok = a == k.correct
    msg = k.feedback.get(a) or ("Right." if ok else "Not this one.")
    return Result(q.points if ok else 0.0, q.points, msg,
                  (Part(_label(q, a), ok, msg),), k.explanation)


def _check_multi(q: Question, k: Key, a: list[str]) -> Result:
    right = set(k.correct)
    picked = set(a)
    hits = len(picked & right)
    wrong = len(picked - right)
    score = max(0.0, (hits - wrong) / len(right)) * q.points
    parts = []
    for oid in _option_ids(q):
        if oid in picked or oid in right:
            ok = (oid in picked) == (oid in right)
            default = ("Right to tick." if oid in right else "Should not be ticked.") if oid in picked \
                else "This one was also right."
            parts.append(Part(_label(q, oid), ok, k.feedback.get(oid) or default))
    missed = len(right - picked)
    summary = f"{hits} of {len(right)} right option(s) ticked"
    summary += f", {wrong} wrong" if wrong else ""
    summary += f"; {missed} missed." if missed else "."
    return Result(round(score, 6), q.points, summary, tuple(parts), k.explanation)


def _check_tf(q: Question, k: Key, a: bool) -> Result:
    ok = a == bool(k.correct)
    msg = k.feedback.get(str(a).lower()) or ("Right." if ok else "Not quite.")
    return Result(q.points if ok else 0.0, q.points, msg, (Part(str(a).lower(), ok, msg),), k.explanation)


def _check_numeric(q: Question, k: Key, a: float) -> Result:
    target = float(k.correct)
    tol = k.tolerance_abs if k.tolerance_abs is not None else abs(target) * (k.tolerance_rel or 0.0)
    ok = abs(a - target) <= tol + 1e-12
    unit = f" {q.unit}" if q.unit else ""
    if ok:
        msg = k.feedback.get("right") or f"Right: {a:g}{unit} is within ±{tol:g}{unit} of the answer."
    elif a < target:
        msg = k.feedback.get("low") or f"{a:g}{unit} is too low."
    else:
        msg = k.feedback.get("high") or f"{a:g}{unit} is too high."
    return Result(q.points if ok else 0.0, q.points, msg, (Part(f"{a:g}{unit}", ok, msg),), k.explanation)


def _check_ordering(q: Question, k: Key, a: list[str]) -> Result:
    pos = {item: n for n, item in enumerate(a)}
    pairs = list(combinations(k.correct, 2))
    good = sum(1 for x, y in pairs if pos[x] < pos[y])
    score = good / len(pairs) * q.points if pairs else q.points
    parts = tuple(Part(_label(q, item, "items"), item == k.correct[n],
                       "in place" if item == k.correct[n] else f"belongs at position {k.correct.index(item) + 1}")
                  for n, item in enumerate(a))
    msg = f"{good} of {len(pairs)} pairs are in the right order."
    return Result(round(score, 6), q.points, msg, parts, k.explanation)


def _check_categorise(q: Question, k: Key, a: dict[str, str]) -> Result:
    parts = []
    for item in q.items:
        ok = a[item.id] == k.correct[item.id]
        note = k.feedback.get(item.id, "")
        if ok:
            msg = "right" + (f": {note}" if note else "")
        else:
            msg = f"not {_label(q, a[item.id], 'categories')}" + (f": {note}" if note else "")
        parts.append(Part(item.text, ok, msg))
    good = sum(p.ok for p in parts)
    score = good / len(parts) * q.points
    return Result(round(score, 6), q.points, f"{good} of {len(parts)} items placed right.", tuple(parts),
                  k.explanation)


def _check_text(q: Question, k: Key | None, a: str) -> Result:
    explanation = k.explanation if k else ""
    message = "Recorded: saved with your progress. Written answers are not scored here."
    return Result(None, 0.0, message, (), explanation)


_NORMALISE = {
    "single_choice": _norm_single,
    "multiple_select": _norm_multi,
    "true_false": _norm_tf,
    "numeric": _norm_numeric,
    "ordering": _norm_ordering,
    "categorise": _norm_categorise,
    "text": _norm_text,
}
_CHECKERS = {
    "single_choice": _check_single,
    "multiple_select": _check_multi,
    "true_false": _check_tf,
    "numeric": _check_numeric,
    "ordering": _check_ordering,
    "categorise": _check_categorise,
    "text": _check_text,
}


def full_marks_answer(question: Question, key: Key) -> Any:
    """The answer the key says is right (used by ``coursekit quiz simulate``)."""
    if question.type == "categorise":
        return dict(key.correct)
    if question.type in ("multiple_select", "ordering"):
        return list(key.correct)
    if question.type == "text":
        return " ".join(["word"] * max(question.min_words, 3))
    return key.correct
