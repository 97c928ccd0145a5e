"""The essay's claims as data (``data/claims.yml``): load and validate.

Each claim restates one statement of the essay in the kit's own words, names the
paragraph it comes from (1-16), its role in the argument and its type, and -- for
checkable claims -- a dated verdict with sources.

>>> from coursekit.claims import load_claims
>>> df = load_claims()
>>> df["paragraph"].nunique()
16
>>> df.loc[df["id"] == "c11", "verdict"].item()
'partly'
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pandas as pd
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator
from pydantic_core import PydanticCustomError

from coursekit.errors import DataError
from coursekit.models import Text, essay_paragraph, iso_text, one_of, verdict_model
from coursekit.paths import data_file
from coursekit.sources import Source, load_sources, require_ids
from coursekit.validate import parse_date, pydantic_error, read_yaml

CLAIM_TYPES = ("fact", "attributed", "prediction", "value", "rhetorical")
VERDICTS = ("holds", "partly", "does_not_hold", "not_checkable", "too_early")
ROLES = ("thesis", "reason", "myth_rebuttal", "call_to_action", "context")
PARAGRAPHS = 16
MAX_QUOTE_WORDS = 12

#: Types whose claims can be checked and so need sources and a dated verdict.
CHECKABLE = ("fact", "attributed", "prediction")
#: Fields each type needs besides the common ones.
TYPE_FIELDS = {
    "attributed": ("said_by", "said_on"),
    "prediction": ("horizon",),
    "rhetorical": ("device",),
}
COMMON_FIELDS = ("id", "paragraph", "role", "type", "claim", "evidence")
COLUMNS = (
    "id", "paragraph", "role", "type", "claim", "quote", "said_by", "said_on", "horizon",
    "device", "evidence", "sources", "note", "verdict", "verdict_date", "verdict_evidence",
    "verdict_sources", "verdict_reviewed",
)
ID_RE = re.compile(r"^c\d{2,3}$")


def essay_text_path() -> Path | None:
    """Where the essay's text lives in a full checkout (``../shared/seed/essay.txt``), if there."""
    try:
        from coursekit.paths import root

        path = root().parent / "shared" / "seed" / "essay.txt"
    except FileNotFoundError:
        return None
    return path if path.is_file() else None


def _normalise(text: str) -> str:
    """Text for quote matching: straight quotes and dashes, single spaces."""
    table = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"',
                           "\u2013": "-", "\u2014": "-"})
    return " ".join(text.translate(table).split())


def essay_paragraphs(path: str | Path | None = None) -> list[str] | None:
    """The essay's 16 paragraphs as normalised text, or None when the essay is not present."""
    from coursekit.copying import essay_paragraphs as split

    p = Path(path) if path else essay_text_path()
    if p is None or not p.is_file():
        return None
    return [_normalise(b) for b in split(p.read_text(encoding="utf-8"))]


VerdictModel = verdict_model(VERDICTS)


class ClaimModel(BaseModel):
    """One claim of claims.yml: the shape, the allowed values and what each type needs."""

    model_config = ConfigDict(extra="forbid")

    id: str = Field(pattern=r"^c\d{2,3}$")
    paragraph: Any = None
    role: Any = None
    type: Any = None
    claim: Text
    evidence: Text
    quote: str | None = None
    said_by: Text | None = None
    said_on: Text | None = None
    horizon: Text | None = None
    device: Text | None = None
    note: str | None = None
    sources: Any = None
    verdict: VerdictModel | None = None  # type: ignore[valid-type]

    _paragraph = field_validator("paragraph")(essay_paragraph)
    _role = field_validator("role")(one_of(ROLES, "a role"))
    _type = field_validator("type")(one_of(CLAIM_TYPES, "a claim type"))

    @model_validator(mode="after")
    def _fields_of_the_type(self):
        for key in TYPE_FIELDS.get(self.type, ()):
            if getattr(self, key) is None:
                raise PydanticCustomError("type_field", "a {ctype} claim needs '{key}:' (see data/README.md)",
                                          {"ctype": self.type, "key": key})
        if self.type in CHECKABLE and self.verdict is None:
            raise PydanticCustomError("verdict_missing", "a {ctype} claim needs a verdict", {"ctype": self.type})
        if self.type not in CHECKABLE and self.verdict is not None:
            raise PydanticCustomError("verdict_extra", "a {ctype} claim takes no verdict", {"ctype": self.type})
        return self


_CLAIM_FIXES = {
    "id": "use c01, c02, ... in order.",
    "verdict.evidence": "say in a sentence what the verdict rests on.",
    "type_field": "add the field the claim's type needs (see data/README.md).",
    "verdict_missing": "add verdict: {value, date, evidence, sources}; value one of " + ", ".join(VERDICTS) + ".",
    "verdict_extra": "remove the verdict, or change the type to fact, attributed or prediction.",
}


def _claim_error(path: Path, exc: ValidationError, row: str) -> DataError:
    err = exc.errors()[0]
    error = pydantic_error(path, exc, where=row)
    kind = err["type"]
    if kind in ("type_field", "verdict_missing", "verdict_extra"):
        field = err["ctx"]["key"] if kind == "type_field" else "verdict"
        return DataError(path, error.detail, row=row, field=field, fix=_CLAIM_FIXES[kind])
    if kind == "missing" or (kind == "string_too_short" and error.field):
        return DataError(path, "is missing or empty.", row=row, field=error.field,
                         fix=f"add '{error.field}:' to the claim (see data/README.md).")
    fix = _CLAIM_FIXES.get(error.field or "", error.fix)
    return DataError(path, error.detail, row=row, field=error.field, fix=fix)


def _check_verdict(entry: ClaimModel, path: Path, row: str, known: dict[str, Source]) -> dict:
    verdict = entry.verdict
    sources = require_ids(verdict.sources, path=path, row=row, field="verdict.sources", known=known)
    from coursekit.review import review_date

    reviewed = review_date(verdict.reviewed, path, row=row, field="verdict.reviewed")
    return {"verdict": verdict.value, "verdict_date": verdict.date,
            "verdict_evidence": " ".join(verdict.evidence.split()), "verdict_sources": sources,
            "verdict_reviewed": reviewed.isoformat() if reviewed else None}


def _check_quote(quote: Any, para: int, paragraphs: list[str] | None, path: Path,
                 row: str) -> str | None:
    if quote in (None, ""):
        return None
    text = _normalise(str(quote))
    n_words = len(text.split())
    if n_words > MAX_QUOTE_WORDS:
        raise DataError(path, f"the quote has {n_words} words (at most {MAX_QUOTE_WORDS}).",
                        row=row, field="quote",
                        fix="shorten it to a short phrase, or restate the point in the claim.")
    if paragraphs is not None and text not in paragraphs[para - 1]:
        raise DataError(path, f"the quote {text!r} is not in paragraph {para} of the essay.",
                        row=row, field="quote",
                        fix="copy the phrase exactly from that paragraph, or fix 'paragraph'.")
    return text


def parse_claim(entry: Any, n: int, path: Path, known: dict[str, Source],
                paragraphs: list[str] | None) -> dict:
    """Validate one claim (the n-th entry) against :class:`ClaimModel` and return it as a flat record."""
    row = f"claim {n}"
    if not isinstance(entry, dict):
        raise DataError(path, "each claim must be a mapping.", row=row,
                        fix="start each claim with '- id: cNN' (see data/README.md).")
    if entry.get("id"):
        row = f"claim {entry['id']}"
    try:
        model = ClaimModel.model_validate(entry)
    except ValidationError as exc:
        raise _claim_error(path, exc, row) from None
    record: dict[str, Any] = {key: None for key in COLUMNS}
    record.update(id=model.id, role=model.role, type=model.type, paragraph=model.paragraph)
    for key in ("claim", "evidence", "said_by", "said_on", "horizon", "device", "note"):
        value = getattr(model, key)
        if value not in (None, ""):
            record[key] = " ".join(str(value).split())
    record["quote"] = _check_quote(model.quote, model.paragraph, paragraphs, path, row)
    record["sources"] = require_ids(model.sources, path=path, row=row, field="sources",
                                    known=known, allow_empty=model.type not in CHECKABLE)
    if model.verdict is not None:
        record.update(_check_verdict(model, path, row, known))
    else:
        record["verdict_sources"] = []
    return record


def parse_claims(data: Any, path: Path, known: dict[str, Source],
                 paragraphs: list[str] | None) -> list[dict]:
    """Validate the parsed YAML of ``claims.yml`` and return one record per claim."""
    if not isinstance(data, dict) or not isinstance(data.get("claims"), list):
        raise DataError(path, "the file must be a mapping with 'essay' and 'claims' (a list).",
                        field="claims", fix="see data/README.md for the layout.")
    records, seen = [], set()
    for n, entry in enumerate(data["claims"], start=1):
        rec = parse_claim(entry, n, path, known, paragraphs)
        if rec["id"] in seen:
            raise DataError(path, f"id {rec['id']!r} is used twice.", row=f"claim {rec['id']}",
                            field="id", fix="give each claim its own id.")
        seen.add(rec["id"])
        records.append(rec)
    covered = {r["paragraph"] for r in records}
    missing = [p for p in range(1, PARAGRAPHS + 1) if p not in covered]
    if missing:
        raise DataError(path, f"no claim for paragraph(s) {missing}.", field="paragraph",
                        fix="add at least one claim for every paragraph 1-16.")
    return records


class DatingModel(BaseModel):
    model_config = ConfigDict(extra="forbid")

    window_start: str
    window_end: str
    label: Text
    reasoning: Text
    sources: Any = None

    _iso = field_validator("window_start", "window_end", mode="before")(iso_text)


class EssayModel(BaseModel):
    """The ``essay`` record of claims.yml: what the claims are about and how it is dated."""

    model_config = ConfigDict(extra="forbid")

    title: Text
    author: Text
    venue: Text
    url: str = Field(pattern=r"^https?://")
    source: Any = None
    kind: str | None = None
    note: str | None = None
    dating: DatingModel


def parse_essay(data: Any, path: Path, known: dict[str, Source]) -> dict:
    """Validate the ``essay`` record (:class:`EssayModel`): title, author, venue, url and the dating window."""
    essay = data.get("essay") if isinstance(data, dict) else None
    row = "essay"
    if not isinstance(essay, dict):
        raise DataError(path, "the 'essay' record is missing.", row=row, field="essay",
                        fix="add essay: {title, author, venue, url, dating} at the top.")
    try:
        model = EssayModel.model_validate(essay)
    except ValidationError as exc:
        raise pydantic_error(path, exc, where=row) from None
    d = model.dating
    if parse_date(d.window_start).start > parse_date(d.window_end).start:
        raise DataError(path, f"the window starts ({d.window_start}) after it ends ({d.window_end}).", row=row,
                        field="dating", fix="swap or correct the dates.")
    out: dict[str, Any] = {key: " ".join(getattr(model, key).split()) for key in ("title", "author", "venue", "url")}
    out["source"] = require_ids(model.source, path=path, row=row, field="source", known=known)[0]
    out["dating"] = {
        "window_start": d.window_start, "window_end": d.window_end,
        "label": " ".join(d.label.split()), "reasoning": " ".join(d.reasoning.split()),
        "sources": require_ids(d.sources, path=path, row=row, field="dating.sources", known=known),
    }
    for key in ("kind", "note"):
        if getattr(model, key):
            out[key] = " ".join(str(getattr(model, key)).split())
    return out


def _inputs(path: str | Path | None, sources_path: str | Path | None) -> tuple[Path, Any, dict]:
    p = Path(path) if path else data_file("claims.yml")
    data = read_yaml(p)
    known = load_sources(sources_path)
    return p, data, known


def load_claims(path: str | Path | None = None, *, sources_path: str | Path | None = None,
                essay_path: str | Path | None = None) -> pd.DataFrame:
    """All claims of ``data/claims.yml`` as a DataFrame, one row per claim (validated).

    Verdicts are flattened into ``verdict``, ``verdict_date``, ``verdict_evidence`` and
    ``verdict_sources``; ``sources`` and ``verdict_sources`` hold lists of source ids.
    Quotes are checked against the essay's text when it is present (a full checkout).
    """
    p, data, known = _inputs(path, sources_path)
    parse_essay(data, p, known)
    paragraphs = essay_paragraphs(essay_path)
    if paragraphs is not None and len(paragraphs) != PARAGRAPHS:
        paragraphs = None  # not the expected text: skip the quote check rather than mislead
    records = parse_claims(data, p, known, paragraphs)
    return pd.DataFrame.from_records(records, columns=list(COLUMNS))


def load_essay(path: str | Path | None = None, *,
               sources_path: str | Path | None = None) -> dict:
    """The ``essay`` record of ``data/claims.yml``: title, author, venue, url, dating."""
    p, data, known = _inputs(path, sources_path)
    return parse_essay(data, p, known)
