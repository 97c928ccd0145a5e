"""Arranging given items: in order, or into categories."""

from __future__ import annotations

from itertools import combinations
from typing import Any

from coursekit.quiz.markup import inline
from coursekit.quiz.model import Key, Part, Question, Result
from coursekit.quiz.types import BadAnswer, KeyProblem, QuestionType, register
from coursekit.quiz.types._common import answer_list, bullets, ids, label, label_html


@register
class Ordering(QuestionType):
    """Put items in order. Partial credit: the share of item pairs in the right relative order."""

    name = "ordering"
    label = "ordering"
    empty_message = "Put the items in order, then submit."
    pools = {"items": 2}

    def check_key(self, q: Question, correct: Any, tolerance: dict | None) -> None:
        items = ids(q, "items")
        if not isinstance(correct, list) or sorted(map(str, correct)) != sorted(items):
            raise KeyProblem("correct", "should list every item id once, in the right order.", f"use {items}.")

    def feedback_ids(self, q: Question) -> list[str]:
        return ids(q, "items")

    def normalise(self, q: Question, answer: Any) -> list[str]:
        if not isinstance(answer, list | tuple) or sorted(map(str, answer)) != sorted(ids(q, "items")):
            raise BadAnswer("Put every item in the list exactly once.")
        return [str(x) for x in answer]

    def score(self, q: Question, key: Key, answer: list[str]) -> Result:
        pos = {item: n for n, item in enumerate(answer)}
        pairs = list(combinations(key.correct, 2))
        good = sum(1 for x, y in pairs if pos[x] < pos[y])
        points = good / len(pairs) * q.points if pairs else q.points
        parts = tuple(Part(label(q, item, "items"), item == key.correct[n],
                           "in place" if item == key.correct[n]
                           else f"belongs at position {key.correct.index(item) + 1}",
                           before=None if item == key.correct[n] else "not in its place")
                      for n, item in enumerate(answer))
        return Result(round(points, 6), q.points, f"{good} of {len(pairs)} pairs are in the right order.",
                      parts, key.explanation)

    def full_marks(self, q: Question, key: Key) -> Any:
        return list(key.correct)

    def choices_html(self, q: Question) -> str:
        return "<p>Put in order:</p>" + bullets(q, "items")

    def answer_html(self, q: Question, key: Key) -> str:
        return answer_list(q, key.correct, "items", "ol")

    def answer_label(self, q: Question, answer: Any) -> str:
        return " > ".join(map(str, answer)) if isinstance(answer, list | tuple) else str(answer)


@register
class Categorise(QuestionType):
    """Assign every item to one category. Partial credit: the share of items placed right.

    A key maps each item to its category, or to a list of categories that all count as right
    (for items that honestly fit more than one, e.g. a case coded with two techniques).
    """

    name = "categorise"
    label = "categorise"
    empty_message = "Assign every item to a category, then submit."
    pools = {"items": 2, "categories": 2}

    def check_key(self, q: Question, correct: Any, tolerance: dict | None) -> None:
        items, cats = ids(q, "items"), ids(q, "categories")
        if not isinstance(correct, dict) or sorted(correct) != sorted(items) \
                or any(not _accepted(v) or any(c not in cats for c in _accepted(v)) for v in correct.values()):
            raise KeyProblem("correct", "should map every item id to a category id (or a list of category ids "
                             "that all count as right).", f"items {items}, categories {cats}.")

    def feedback_ids(self, q: Question) -> list[str]:
        return ids(q, "items")

    def normalise(self, q: Question, answer: Any) -> dict[str, str]:
        if not isinstance(answer, dict):
            raise BadAnswer("Assign each item to a category.")
        items, cats = ids(q, "items"), set(ids(q, "categories"))
        missing = [i for i in items if not answer.get(i)]
        if missing:
            names = "; ".join(label(q, i, "items") for i in missing)
            raise BadAnswer(f"{len(missing)} item(s) still need a category: {names}")
        bad = {i: c for i, c in answer.items() if i in items and c not in cats}
        if bad:
            raise BadAnswer(f"Unknown category for {sorted(bad)}: choose from {', '.join(sorted(cats))}.")
        extra = [i for i in answer if i not in items]
        if extra:
            raise BadAnswer(f"Unknown item(s) {extra}.")
        return {i: answer[i] for i in items}

    def score(self, q: Question, key: Key, answer: dict[str, str]) -> Result:
        parts = []
        two_way = len(q.categories) == 2  # an item marked wrong is then in the other one: no marks until earned
        for item in q.items:
            ok = answer[item.id] in _accepted(key.correct[item.id])
            note = key.feedback.get(item.id, "")
            chosen = f"not {label(q, answer[item.id], 'categories')}"
            msg = ("right" if ok else chosen) + (f": {note}" if note else "")
            # the note says why the item belongs where it does: it waits until the answer is earned
            parts.append(Part(item.text, ok, msg, before="" if two_way else None if ok else chosen))
        good = sum(p.ok for p in parts)
        return Result(round(good / len(parts) * q.points, 6), q.points, f"{good} of {len(parts)} items placed right.",
                      tuple(parts), key.explanation)

    def full_marks(self, q: Question, key: Key) -> Any:
        return {item: _accepted(cat)[0] for item, cat in key.correct.items()}

    def choices_html(self, q: Question) -> str:
        cats = ", ".join(inline(c.text) for c in q.categories)
        return f"<p>Assign each item to a category ({cats}):</p>" + bullets(q, "items")

    def answer_html(self, q: Question, key: Key) -> str:
        rows = "".join(f"<li>{label_html(q, i.id, 'items')} → <strong>"
                       + " or ".join(label_html(q, c, "categories") for c in _accepted(key.correct[i.id]))
                       + "</strong></li>" for i in q.items)
        return f"<p><strong>Answer:</strong></p><ul>{rows}</ul>"

    def answer_label(self, q: Question, answer: Any) -> str:
        if isinstance(answer, dict):
            return "; ".join(f"{k}={answer[k]}" for k in sorted(answer))
        return str(answer)


def _accepted(value: Any) -> list:
    """The categories a key accepts for one item: a single id or a list of ids."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, list) and value and all(isinstance(v, str) for v in value):
        return list(value)
    return []
