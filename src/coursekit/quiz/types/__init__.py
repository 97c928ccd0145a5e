"""The question-type registry: one object per type holds everything about that type.

A type says how its key is validated, how an answer is normalised and checked (with partial
credit), how it looks as static HTML (the course site, the widget's text fallback), how an
answer reads in grade's reports, and its label. Bank validation, the widget, the static site,
``coursekit grade`` and ``quiz simulate`` all dispatch through :func:`get`; an unknown type is
a :class:`QuestionTypeError` everywhere, never a silent fallback.

Adding a type: subclass :class:`QuestionType` in a module of this package, implement every
abstract method, decorate it with :func:`register`, import the module at the bottom of this
file, and add a renderer for it to ``RENDERERS`` in ``quiz/widget.js``.
``tests/test_quiz_types.py`` fails while any piece is missing.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import TYPE_CHECKING, Any, ClassVar

from coursekit.errors import KitError

if TYPE_CHECKING:  # pragma: no cover
    from coursekit.quiz.model import Key, Question, Result


class QuestionTypeError(KitError):
    """A question names a type this version of the kit does not know."""


class BadAnswer(ValueError):
    """A student's answer that cannot be checked (its message says what to do)."""


class KeyProblem(ValueError):
    """A key that does not fit its question: ``field``, ``message`` and ``fix``."""

    def __init__(self, field: str, message: str, fix: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message
        self.fix = fix


class QuestionType(ABC):
    """Everything the kit knows about one type of question."""

    #: the name used in banks (``type:``) and stored answers
    name: ClassVar[str]
    #: a short human label, e.g. "multiple select"
    label: ClassVar[str]
    #: False for reflections: recorded, never scored
    graded: ClassVar[bool] = True
    #: what an empty answer is told
    empty_message: ClassVar[str] = "Give an answer first."
    #: lists the question must have, with their minimum length, e.g. {"options": 2}
    pools: ClassVar[dict[str, int]] = {}
    #: whether the key takes a ``tolerance``
    takes_tolerance: ClassVar[bool] = False
    #: False for questions answered elsewhere (code exercises): ``quiz.show(module)`` leaves them out
    shown_in_quiz: ClassVar[bool] = True

    # -- keys -----------------------------------------------------------------------------------
    @abstractmethod
    def check_key(self, q: Question, correct: Any, tolerance: dict | None) -> None:
        """Raise :class:`KeyProblem` when ``correct`` (and ``tolerance``) do not fit ``q``."""

    @abstractmethod
    def feedback_ids(self, q: Question) -> list[str]:
        """The ids a key's ``feedback:`` may name."""

    # -- answers --------------------------------------------------------------------------------
    @abstractmethod
    def normalise(self, q: Question, answer: Any) -> Any:
        """The answer in canonical form; :class:`BadAnswer` when it cannot be checked."""

    @abstractmethod
    def score(self, q: Question, key: Key | None, answer: Any) -> Result:
        """Check a normalised answer against ``key`` (partial credit as the type defines)."""

    @abstractmethod
    def full_marks(self, q: Question, key: Key) -> Any:
        """The answer the key says is right (``quiz simulate`` expects full marks for it)."""

    # -- display --------------------------------------------------------------------------------
    @abstractmethod
    def choices_html(self, q: Question) -> str:
        """What the student answers with, as static HTML (after the prompt)."""

    @abstractmethod
    def answer_html(self, q: Question, key: Key) -> str:
        """The key's answer in words, as HTML."""

    @abstractmethod
    def answer_label(self, q: Question, answer: Any) -> str:
        """A short plain-text form of a student's answer, for grade's reports."""

    # -- item analysis (optional) ---------------------------------------------------------------
    def chosen_options(self, q: Question, answer: Any) -> set[str]:
        """The option ids a normalised answer picks (item analysis links them to misconceptions).

        Types without options pick none; the choice types override this.
        """
        return set()


REGISTRY: dict[str, QuestionType] = {}


def register(cls: type[QuestionType]) -> type[QuestionType]:
    """Class decorator: add a type to the registry (instantiating it checks it is complete)."""
    if cls.name in REGISTRY:
        raise ValueError(f"question type {cls.name!r} is registered twice")
    REGISTRY[cls.name] = cls()
    return cls


def get(name: str) -> QuestionType:
    """The registered type called ``name``; a :class:`QuestionTypeError` otherwise."""
    try:
        return REGISTRY[name]
    except (KeyError, TypeError):
        raise QuestionTypeError(
            f"unknown question type {name!r}.", where="question type",
            fix=f"use one of {', '.join(REGISTRY)} (see data/quizzes/README.md), "
                "or update coursekit if the bank was written for a newer version.") from None


def names() -> tuple[str, ...]:
    return tuple(REGISTRY)


from coursekit.quiz.types import arrange, choice, code, numeric, text  # noqa: E402, F401  (registers the types)
