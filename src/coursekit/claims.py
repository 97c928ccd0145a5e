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

from coursekit.errors import DataError
from coursekit.paths import data_file
from coursekit.sources import Source, load_sources, require_ids
from coursekit.validate import check_date, read_yaml

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


def _check_iso(value: Any, path: Path, row: str, field: str) -> str:
    return check_date(value, path, row=row, field=field, quoted=True).text


def _text(entry: dict, key: str, path: Path, row: str, fix: str) -> str:
    value = entry.get(key)
    if value is None or not str(value).strip():
        raise DataError(path, "is missing or empty.", row=row, field=key, fix=fix)
    return " ".join(str(value).split())


def _check_verdict(entry: dict, path: Path, row: str, known: dict[str, Source]) -> dict:
    verdict = entry.get("verdict")
    if not isinstance(verdict, dict):
        raise DataError(path, f"a {entry['type']} claim needs a verdict.", row=row,
                        field="verdict",
                        fix="add verdict: {value, date, evidence, sources}; value one of "
                        + ", ".join(VERDICTS) + ".")
    value = verdict.get("value")
    if value not in VERDICTS:
        raise DataError(path, f"{value!r} is not a verdict.", row=row, field="verdict.value",
                        fix="use one of: " + ", ".join(VERDICTS) + ".")
    if verdict.get("date") in (None, ""):
        raise DataError(path, "the verdict is undated.", row=row, field="verdict.date",
                        fix="give the ISO date of the deciding evidence or of the assessment.")
    date = _check_iso(verdict["date"], path, row, "verdict.date")
    evidence = _text(verdict, "evidence", path, row,
                     "say in a sentence what the verdict rests on.")
    sources = require_ids(verdict.get("sources"), path=path, row=row,
                          field="verdict.sources", known=known)
    from coursekit.review import review_date

    reviewed = review_date(verdict.get("reviewed"), path, row=row, field="verdict.reviewed")
    return {"verdict": value, "verdict_date": date, "verdict_evidence": evidence,
            "verdict_sources": sources, "verdict_reviewed": reviewed.isoformat() if reviewed else None}


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
    """Validate one claim (the n-th entry) and return it as a flat record."""
    row = f"claim {n}"
    if not isinstance(entry, dict):
        raise DataError(path, "each claim must be a mapping.", row=row,
                        fix="start each claim with '- id: cNN' (see data/README.md).")
    cid = entry.get("id")
    if cid:
        row = f"claim {cid}"
    for key in COMMON_FIELDS:
        if key not in entry or entry[key] in (None, ""):
            raise DataError(path, "is missing or empty.", row=row, field=key,
                            fix=f"add '{key}:' to the claim (see data/README.md).")
    if not ID_RE.match(str(cid)):
        raise DataError(path, f"{cid!r} is not a claim id.", row=row, field="id",
                        fix="use c01, c02, ... in order.")
    para = entry["paragraph"]
    if not isinstance(para, int) or isinstance(para, bool) or not 1 <= para <= PARAGRAPHS:
        raise DataError(path, f"{para!r} is not a paragraph number of the essay.", row=row,
                        field="paragraph",
                        fix=f"use a whole number from 1 to {PARAGRAPHS} (the title is not numbered).")
    if entry["role"] not in ROLES:
        raise DataError(path, f"{entry['role']!r} is not a role.", row=row, field="role",
                        fix="use one of: " + ", ".join(ROLES) + ".")
    ctype = entry["type"]
    if ctype not in CLAIM_TYPES:
        raise DataError(path, f"{ctype!r} is not a claim type.", row=row, field="type",
                        fix="use one of: " + ", ".join(CLAIM_TYPES) + ".")
    for key in TYPE_FIELDS.get(ctype, ()):
        _text(entry, key, path, row, f"a {ctype} claim needs '{key}:' (see data/README.md).")
    record: dict[str, Any] = {key: None for key in COLUMNS}
    for key in ("id", "role", "type"):
        record[key] = str(entry[key])
    record["paragraph"] = para
    for key in ("claim", "evidence", "said_by", "said_on", "horizon", "device", "note"):
        if entry.get(key) not in (None, ""):
            record[key] = " ".join(str(entry[key]).split())
    record["quote"] = _check_quote(entry.get("quote"), para, paragraphs, path, row)
    record["sources"] = require_ids(entry.get("sources"), path=path, row=row, field="sources",
                                    known=known, allow_empty=ctype not in CHECKABLE)
    if ctype in CHECKABLE:
        record.update(_check_verdict(entry, path, row, known))
    elif entry.get("verdict") is not None:
        raise DataError(path, f"a {ctype} claim takes no verdict.", row=row, field="verdict",
                        fix="remove the verdict, or change the type to fact, attributed or "
                        "prediction.")
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


def parse_essay(data: Any, path: Path, known: dict[str, Source]) -> dict:
    """Validate the ``essay`` record: title, author, venue, url and the dating window."""
    essay = data.get("essay") if isinstance(data, dict) else None
    row = "essay"
    if not isinstance(essay, dict):
        raise DataError(path, "the 'essay' record is missing.", row=row, field="essay",
                        fix="add essay: {title, author, venue, url, dating} at the top.")
    out = {key: _text(essay, key, path, row, f"add '{key}:' to the essay record.")
           for key in ("title", "author", "venue", "url")}
    if not out["url"].startswith(("http://", "https://")):
        raise DataError(path, f"{out['url']!r} is not a web address.", row=row, field="url",
                        fix="give the essay's original address.")
    out["source"] = require_ids(essay.get("source"), path=path, row=row, field="source",
                                known=known)[0]
    dating = essay.get("dating")
    if not isinstance(dating, dict):
        raise DataError(path, "the dating is missing.", row=row, field="dating",
                        fix="add dating: {window_start, window_end, label, reasoning, sources}.")
    start = _check_iso(dating.get("window_start"), path, row, "dating.window_start")
    end = _check_iso(dating.get("window_end"), path, row, "dating.window_end")
    if start > end:
        raise DataError(path, f"the window starts ({start}) after it ends ({end}).", row=row,
                        field="dating", fix="swap or correct the dates.")
    out["dating"] = {
        "window_start": start,
        "window_end": end,
        "label": _text(dating, "label", path, row, "add a short label, e.g. 'late April 2019'."),
        "reasoning": _text(dating, "reasoning", path, row, "explain how the window is inferred."),
        "sources": require_ids(dating.get("sources"), path=path, row=row,
                               field="dating.sources", known=known),
    }
    for key in ("kind", "note"):
        if essay.get(key):
            out[key] = " ".join(str(essay[key]).split())
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
