"""A number, right within a stated tolerance."""

from __future__ import annotations

import html
import math
import re
from typing import Any

from coursekit.quiz.model import Key, Part, Question, Result
from coursekit.quiz.types import BadAnswer, KeyProblem, QuestionType, register

_THOUSANDS = re.compile(r"-?[1-9]\d{0,2}(,\d{3})+")  # 1,200 or 12,700: a comma between groups of three


def as_number(value: Any, unit: str | None = None) -> float | None:
    """A finite number from a number or a string, as a student types it; None otherwise.

    Reads "1,200" (a comma between groups of three digits) as twelve hundred and "80,1" or
    "0,64" (any other single comma) as a decimal comma; with both marks, the last one is the
    decimal mark ("1.200,5", "1,200.5"). Spaces between digits, a minus sign (−) and the
    question's unit after the number ("80.1%", "65 km") are allowed.

    >>> [as_number(s, "%") for s in ("80,1", "80.1%", "1,200", "1.200,5", "0,64", "−5", "1,2,3")]
    [80.1, 80.1, 1200.0, 1200.5, 0.64, -5.0, None]
    """
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return float(value) if math.isfinite(value) else None
    if not isinstance(value, str):
        return None
    text = value.strip().replace("\u2212", "-")
    if unit and text.lower().endswith(unit.strip().lower()):
        text = text[: -len(unit.strip())]
    text = re.sub(r"(?<=\d)[\s\u00a0\u202f](?=\d)", "", text.strip())
    if "," in text and "." in text:
        decimal = "," if text.rindex(",") > text.rindex(".") else "."
        text = text.replace("." if decimal == "," else ",", "").replace(",", ".")
    elif "," in text:
        if _THOUSANDS.fullmatch(text):
            text = text.replace(",", "")
        elif text.count(",") == 1:
            text = text.replace(",", ".")
        else:
            return None
    try:
        number = float(text)
    except ValueError:
        return None
    return number if math.isfinite(number) else None


@register
class Numeric(QuestionType):
    """A number, right within an absolute or relative tolerance, in the unit given."""

    name = "numeric"
    label = "number"
    empty_message = "Type a number, then submit."
    takes_tolerance = True

    def check_key(self, q: Question, correct: Any, tolerance: dict | None) -> None:
        if isinstance(correct, bool) or not isinstance(correct, int | float) or not math.isfinite(correct):
            raise KeyProblem("correct", f"{correct!r} should be a number.", "write the value as a finite number.")
        if not tolerance or len(tolerance) != 1:
            raise KeyProblem("tolerance", "a numeric key needs exactly one tolerance.",
                             "write e.g. 'tolerance: {abs: 5}' or 'tolerance: {rel: 0.05}'.")
        value = next(iter(tolerance.values()))
        if not math.isfinite(value) or value < 0:
            raise KeyProblem("tolerance", f"{value!r} is not a finite, non-negative tolerance.",
                             "write e.g. 'tolerance: {abs: 5}' or 'tolerance: {rel: 0.05}'.")

    def feedback_ids(self, q: Question) -> list[str]:
        return ["low", "high", "right"]

    def normalise(self, q: Question, answer: Any) -> float:
        value = as_number(answer, q.unit)
        if value is None:
            unit = f" (in {q.unit})" if q.unit else ""
            if "%" in str(answer) and not q.unit:  # a share asked for as a number between 0 and 1, or as %?
                raise BadAnswer(f"{answer!r} is not a number: leave out the % sign, and give the number in the form "
                                "the question asks for (a share between 0 and 1 is written as 0.25, not 25%).")
            raise BadAnswer(f"{answer!r} is not a number: type digits only{unit}, with a point for decimals "
                            "(e.g. 65 or 0.65).")
        return value

    def score(self, q: Question, key: Key, answer: float) -> Result:
        target = float(key.correct)
        tol = key.tolerance_abs if key.tolerance_abs is not None else abs(target) * (key.tolerance_rel or 0.0)
        ok = abs(answer - target) <= tol + 1e-12
        unit = f" {q.unit}" if q.unit else ""
        if ok:
            msg = key.feedback.get("right") or f"Right: {answer:g}{unit} is within ±{tol:g}{unit} of the answer."
        elif answer < target:
            msg = key.feedback.get("low") or f"{answer:g}{unit} is too low."
        else:
            msg = key.feedback.get("high") or f"{answer:g}{unit} is too high."
        return Result(q.points if ok else 0.0, q.points, msg, (Part(f"{answer:g}{unit}", ok, msg),),
                      key.explanation)

    def full_marks(self, q: Question, key: Key) -> Any:
        return key.correct

    def choices_html(self, q: Question) -> str:
        return f"<p>Answer with a number{f' in {html.escape(q.unit)}' if q.unit else ''}.</p>"

    def answer_html(self, q: Question, key: Key) -> str:
        unit = f" {html.escape(q.unit)}" if q.unit else ""
        tol = (f"±{key.tolerance_abs:g}{unit}" if key.tolerance_abs is not None
               else f"±{(key.tolerance_rel or 0) * 100:g}%")
        return f"<p><strong>Answer:</strong> {key.correct:g}{unit} (answers within {tol} count as right)</p>"

    def answer_label(self, q: Question, answer: Any) -> str:
        value = as_number(answer, q.unit)
        if value is None:
            return str(answer)
        return f"{value:g}" + (f" {q.unit}" if q.unit else "")
