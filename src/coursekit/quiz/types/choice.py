"""Choosing among given options: single choice, multiple select, true or false."""

from __future__ import annotations

from typing import Any

from coursekit.quiz.model import Key, Part, Question, Result
from coursekit.quiz.types import BadAnswer, KeyProblem, QuestionType, register
from coursekit.quiz.types._common import answer_list, bullets, ids, label, label_html


@register
class SingleChoice(QuestionType):
    """One option; full points or none."""

    name = "single_choice"
    label = "single choice"
    empty_message = "Choose one option, then submit."
    pools = {"options": 2}

    def check_key(self, q: Question, correct: Any, tolerance: dict | None) -> None:
        if correct not in ids(q, "options"):
            raise KeyProblem("correct", f"{correct!r} is not an option id.", f"use one of {ids(q, 'options')}.")

    def feedback_ids(self, q: Question) -> list[str]:
        return ids(q, "options")

    def normalise(self, q: Question, answer: Any) -> str:
        if not isinstance(answer, str) or answer not in ids(q, "options"):
            raise BadAnswer(f"Choose one of the options ({', '.join(ids(q, 'options'))}).")
        return answer

    def score(self, q: Question, key: Key, answer: str) -> Result:
        ok = answer == key.correct
        msg = key.feedback.get(answer) or ("Right." if ok else "Not this one.")
        return Result(q.points if ok else 0.0, q.points, msg, (Part(label(q, answer), ok, msg),), key.explanation)

    def full_marks(self, q: Question, key: Key) -> Any:
        return key.correct

    def choices_html(self, q: Question) -> str:
        return "<p>Choose one.</p>" + bullets(q, "options")

    def answer_html(self, q: Question, key: Key) -> str:
        return f"<p><strong>Answer:</strong> {label_html(q, key.correct)}</p>"

    def answer_label(self, q: Question, answer: Any) -> str:
        return f"{answer}: {label(q, answer)}"

    def chosen_options(self, q: Question, answer: Any) -> set[str]:
        return {answer}


@register
class MultipleSelect(QuestionType):
    """Several options. Partial credit: (right ticks - wrong ticks) / right options, never below 0.

    So ticking everything scores nothing, and missing one of three right options scores two thirds.
    """

    name = "multiple_select"
    label = "multiple select"
    empty_message = "Tick at least one option, then submit."
    pools = {"options": 2}

    def check_key(self, q: Question, correct: Any, tolerance: dict | None) -> None:
        opt = ids(q, "options")
        if not isinstance(correct, list) or not correct or any(x not in opt for x in correct):
            raise KeyProblem("correct", f"{correct!r} should be a non-empty list of option ids.",
                             f"choose from {opt}.")

    def feedback_ids(self, q: Question) -> list[str]:
        return ids(q, "options")

    def normalise(self, q: Question, answer: Any) -> list[str]:
        opt = ids(q, "options")
        if isinstance(answer, str):
            answer = [answer]
        if not isinstance(answer, list | tuple | set) or not all(isinstance(x, str) for x in answer):
            raise BadAnswer("Tick the options you choose.")
        unknown = [x for x in answer if x not in opt]
        if unknown:
            raise BadAnswer(f"Unknown option(s) {unknown}: choose from {', '.join(opt)}.")
        return sorted(set(answer), key=opt.index)

    def score(self, q: Question, key: Key, answer: list[str]) -> Result:
        right, picked = set(key.correct), set(answer)
        hits, wrong = len(picked & right), len(picked - right)
        points = max(0.0, (hits - wrong) / len(right)) * q.points
        parts = []
        for oid in ids(q, "options"):
            if oid in picked or oid in right:
                ok = (oid in picked) == (oid in right)
                default = ("Right to tick." if oid in right else "Should not be ticked.") if oid in picked \
                    else "This one was also right."
                missed = oid not in picked  # listed once the answer is earned: the summary counts it
                parts.append(Part(label(q, oid), ok, key.feedback.get(oid) or default, before="" if missed else None,
                                  missed=missed))
        missed = len(right - picked)
        summary = f"{hits} of {len(right)} right option(s) ticked"
        summary += f", {wrong} wrong" if wrong else ""
        summary += f"; {missed} missed." if missed else "."
        return Result(round(points, 6), q.points, summary, tuple(parts), key.explanation)

    def full_marks(self, q: Question, key: Key) -> Any:
        return list(key.correct)

    def choices_html(self, q: Question) -> str:
        return "<p>Tick all that apply.</p>" + bullets(q, "options")

    def answer_html(self, q: Question, key: Key) -> str:
        return answer_list(q, key.correct)

    def answer_label(self, q: Question, answer: Any) -> str:
        picked = [answer] if isinstance(answer, str) else list(answer)
        order = ids(q, "options")
        return " + ".join(sorted(map(str, picked), key=lambda x: order.index(x) if x in order else len(order)))

    def chosen_options(self, q: Question, answer: Any) -> set[str]:
        return set(answer)


def _as_bool(value: Any) -> bool | None:
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in ("true", "false"):
        return value.strip().lower() == "true"
    return None


@register
class TrueFalse(QuestionType):
    """True or false; full points or none."""

    name = "true_false"
    label = "true or false"
    empty_message = "Choose true or false, then submit."

    def check_key(self, q: Question, correct: Any, tolerance: dict | None) -> None:
        if not isinstance(correct, bool):
            raise KeyProblem("correct", f"{correct!r} should be true or false.", "write true or false (no quotes).")

    def feedback_ids(self, q: Question) -> list[str]:
        return ["true", "false"]

    def normalise(self, q: Question, answer: Any) -> bool:
        value = _as_bool(answer)
        if value is None:
            raise BadAnswer("Answer true or false.")
        return value

    def score(self, q: Question, key: Key, answer: bool) -> Result:
        ok = answer == bool(key.correct)
        msg = key.feedback.get(str(answer).lower()) or ("Right." if ok else "Not quite.")
        return Result(q.points if ok else 0.0, q.points, msg, (Part(str(answer).lower(), ok, msg),),
                      key.explanation)

    def full_marks(self, q: Question, key: Key) -> Any:
        return key.correct

    def choices_html(self, q: Question) -> str:
        return "<p>True or false?</p>"

    def answer_html(self, q: Question, key: Key) -> str:
        return f"<p><strong>Answer:</strong> {'True' if key.correct else 'False'}</p>"

    def answer_label(self, q: Question, answer: Any) -> str:
        return str(answer).strip().lower()
