"""A written answer: recorded with the learner's progress, never scored."""

from __future__ import annotations

from typing import Any

from coursekit.quiz.model import Key, Question, Result
from coursekit.quiz.types import BadAnswer, KeyProblem, QuestionType, register


@register
class Text(QuestionType):
    """A short written answer (a reflection or a brief); ``min_words`` sets a floor, ``max_words`` a ceiling
    (an answer outside them is not submitted, and the learner is told how many words to add or cut)."""

    name = "text"
    label = "written answer"
    graded = False
    empty_message = "Write a few words, then submit."

    def check_key(self, q: Question, correct: Any, tolerance: dict | None) -> None:
        if correct is not None:
            raise KeyProblem("correct", "a written answer has no right answer.",
                             "remove 'correct:'; put guidance in 'explanation:'.")

    def feedback_ids(self, q: Question) -> list[str]:
        return []

    def normalise(self, q: Question, answer: Any) -> str:
        if not isinstance(answer, str):
            raise BadAnswer("Write your answer as text.")
        n = len(answer.split())
        span = f"{q.min_words}–{q.max_words}" if q.min_words and q.max_words else ""
        if n < q.min_words:
            raise BadAnswer(f"Write at least {q.min_words} words{f' (the limit is {span})' if span else ''}: "
                            f"you wrote {n}, so {q.min_words - n} more are needed. Your text is kept in the box.")
        if q.max_words and n > q.max_words:
            raise BadAnswer(f"Not submitted: your answer has {n} words, {n - q.max_words} over the limit of "
                            f"{q.max_words}{f' ({span} words)' if span else ''}. Cut {n - q.max_words} words, then "
                            "submit again; your text is kept in the box (copy it to a file first if you like).")
        return answer.strip()

    def score(self, q: Question, key: Key | None, answer: str) -> Result:
        return Result(None, 0.0, "Saved with your progress. Written answers are not scored here.", (),
                      key.explanation if key else "")

    def full_marks(self, q: Question, key: Key) -> Any:
        return " ".join(["word"] * max(q.min_words, 3))

    def choices_html(self, q: Question) -> str:
        return "<p>Write a few sentences (not graded).</p>"

    def answer_html(self, q: Question, key: Key) -> str:
        return ""

    def answer_label(self, q: Question, answer: Any) -> str:
        return str(answer)
