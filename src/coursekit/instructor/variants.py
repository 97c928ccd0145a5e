"""Grading pools and variants: the answer must be to the learner's own alternative or variant.

``coursekit grade`` recomputes, from the learner id alone, which alternatives of each pool and
which variant of each template the learner was given (:func:`coursekit.quiz.pools.assigned`).
An answer to another one (a neighbour's variant, or one a changed bank or data file no longer
assigns) is flagged ``not-assigned`` and earns nothing until the instructor decides. Every
answer to a pool question or a variant is listed in ``variants.csv``: learner, question, the
variant answered, the one assigned, and the score.
"""

from __future__ import annotations

from typing import Any

from coursekit.quiz import pools

COLUMNS = ["learner", "module", "question_id", "answered", "assigned", "score", "graded"]


def is_pooled(bank: Any, qid: str) -> bool:
    """Whether a stored id is a variant, or a question of a pool."""
    base = pools.base_id(qid)
    return base in bank.variants or any(base in p.questions for p in bank.pools)


def check_assigned(bank: Any, learner: str, qid: str) -> tuple[str, str | None]:
    """(what the learner was assigned in place of ``qid``'s question, the reason it is refused or None)."""
    base = pools.base_id(qid)
    mine = pools.assigned(bank, learner)
    given = mine.get(base, "")
    if given == qid:
        return given, None
    if base in bank.variants and given:
        why = f"answered variant {qid}, but learner {learner!r} is given {given}"
    else:
        pool = next(p for p in bank.pools if base in p.questions)
        picks = sorted(q for q in pool.questions if q in mine)
        why = f"answered {qid} of pool {pool.id}, but learner {learner!r} is given {', '.join(picks)}"
    return given, (f"{bank.module}/{why} (seeded by the learner id): the file may hold another learner's "
                   "answers, or the bank or its data changed since; grade it by hand if it is theirs")
