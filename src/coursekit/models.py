"""Pieces the kit's pydantic models share (YAML files are validated with pydantic models).

Kept apart from :mod:`coursekit.validate` so that reading a CSV file never imports pydantic.
"""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, StringConstraints, field_validator

from coursekit.validate import DateError, parse_date

#: A text field that must not be empty (after stripping).
Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]


def iso_text(value: Any) -> str:
    """A ``mode="before"`` validator: the value as ISO date text, or a ValueError with the fix.

    >>> iso_text("2019-05")
    '2019-05'
    """
    try:
        return parse_date(value).text
    except DateError as exc:
        raise ValueError(f"{exc.what} Fix: {exc.fix} Put it in quotes.") from None


def one_of(values: tuple[str, ...], what: str):
    """A validator: the value must be one of ``values`` (the error says "'x' is not <what>")."""

    def check(value: Any) -> Any:
        if value not in values:
            raise ValueError(f"{value!r} is not {what}. Fix: use one of: {', '.join(values)}.")
        return value

    return check


def essay_paragraph(value: Any) -> int:
    """A validator: a paragraph number of the essay (1-16)."""
    if not isinstance(value, int) or isinstance(value, bool) or not 1 <= value <= 16:
        raise ValueError(f"{value!r} is not a paragraph number of the essay. "
                         "Fix: use a whole number from 1 to 16 (the title is not numbered).")
    return value


def verdict_model(values: tuple[str, ...]) -> type[BaseModel]:
    """The model of a dated verdict whose value is one of ``values`` (claims and scorecard)."""

    class VerdictModel(BaseModel):
        model_config = ConfigDict(extra="forbid")

        value: Any = None
        date: str
        evidence: Text
        sources: Any = None
        reviewed: Any = None

        _value = field_validator("value")(one_of(values, "a verdict"))
        _iso = field_validator("date", mode="before")(iso_text)

    return VerdictModel


def validate_mapping(path, raw: Any, model: type[BaseModel], *, expected: str, doc: str = "data/README.md",
                     where: str | None = None, on_error=None) -> Any:
    """``raw`` (parsed YAML) validated as ``model``; a :class:`~coursekit.errors.DataError` otherwise.

    ``expected`` says what the top level must be ("a mapping with schema, module and keys");
    ``on_error(exc)`` may raise a more specific error for a pydantic ``ValidationError``.
    """
    from pydantic import ValidationError

    from coursekit.errors import DataError
    from coursekit.validate import pydantic_error

    if not isinstance(raw, dict):
        raise DataError(path, f"the file must be {expected}.", fix=f"see {doc}.")
    try:
        return model.model_validate(raw)
    except ValidationError as exc:
        if on_error is not None:
            on_error(exc)
        raise pydantic_error(path, exc, where=where, doc=doc) from None
