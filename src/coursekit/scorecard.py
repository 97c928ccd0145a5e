"""Hindsight scorecard: the essay's 2019 expectations against what happened.

Two inputs:

- ``data/claims.yml``: the essay's own predictions (``type: prediction``) with their verdicts;
- ``data/scorecard.yml``: forecasts that claims.yml does not score itself (what the people the
  essay cites foresaw, and statements of the essay read as forecasts).

Verdicts use one vocabulary, :data:`VERDICTS`. claims.yml has its own; the mapping is
:data:`FROM_CLAIMS` (``holds`` -> ``happened``, ``does_not_hold`` -> ``did not``, ...).

>>> from coursekit.scorecard import build_scorecard, verdict_counts
>>> card = build_scorecard()
>>> sorted(verdict_counts(card).index) == sorted(VERDICTS)
True
"""

from __future__ import annotations

import numbers
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Literal

import pandas as pd
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from coursekit.errors import DataError, KitError
from coursekit.figcache import cached
from coursekit.figures import KitFigure
from coursekit.maps.style import GREEN, GREY, ORANGE, VERMILION
from coursekit.models import Text, essay_paragraph, verdict_model
from coursekit.paths import data_file
from coursekit.sources import Source, load_sources, require_ids
from coursekit.validate import pydantic_error, read_yaml

VERDICTS = ("happened", "partly", "did not", "too early")
#: claims.yml verdicts -> scorecard verdicts. ``not_checkable`` has no counterpart: such
#: claims are left off the scorecard (no prediction in claims.yml carries it).
FROM_CLAIMS = {"holds": "happened", "partly": "partly", "does_not_hold": "did not",
               "too_early": "too early"}
#: The essay is dated late April to mid-May 2019: hindsight needs evidence from after 2019.
ESSAY_YEAR = 2019
#: For a Brier score: what each verdict counts as (too early is left out).
OUTCOME = {"happened": 1.0, "partly": 0.5, "did not": 0.0}
COLUMNS = ("id", "origin", "paragraph", "who", "voice", "expectation", "horizon", "verdict",
           "verdict_date", "reviewed", "evidence", "sources", "based_on", "note")
#: Whose expectation an item is: the essay's own (in its own voice), or a view it reports.
VOICES = ("essay", "reported")
ID_RE = re.compile(r"^s\d{2}$")
#: Okabe-Ito colours with hatches, so the chart does not rely on colour alone.
STYLE = {
    "happened": (GREEN, "//"),
    "partly": (ORANGE, ".."),
    "did not": (VERMILION, "xx"),
    "too early": (GREY, "--"),
}


def source_year(source: Source) -> int | None:
    """The year a source is dated (None when undated)."""
    return int(source.date[:4]) if source.date else None


def dated_after(ids: list[str], known: Mapping[str, Source], year: int = ESSAY_YEAR) -> list[str]:
    """The ids among ``ids`` whose source is dated after ``year``."""
    out = []
    for sid in ids:
        y = source_year(known[sid])
        if y is not None and y > year:
            out.append(sid)
    return out


class ItemModel(BaseModel):
    """One item of scorecard.yml: an expectation of 2019, whose it was, and its verdict."""

    model_config = ConfigDict(extra="forbid")

    id: str = Field(pattern=r"^s\d{2}$")
    paragraph: Any = None
    based_on: str
    who: Text
    voice: Literal[VOICES]  # type: ignore[valid-type]
    expectation: Text
    horizon: Text
    note: str | None = None
    verdict: verdict_model(VERDICTS)  # type: ignore[valid-type]

    _paragraph = field_validator("paragraph")(essay_paragraph)


_FIXES = {
    "id": "use s01, s02, ...",
    "verdict": "add verdict: {value, date, evidence, sources}.",
    "who": "say whose expectation it is.",
    "voice": "write 'essay' (the essay's own expectation) or 'reported' (a view the essay reports).",
    "expectation": "state it in your own words.",
    "horizon": "give the horizon, or 'open-ended'.",
}


def _item_error(path: Path, exc: ValidationError, row: str) -> DataError:
    error = pydantic_error(path, exc, where=row)
    kind = exc.errors()[0]["type"]
    if kind in ("missing", "string_too_short"):
        return DataError(path, "is missing or empty.", row=row, field=error.field,
                         fix=_FIXES.get(error.field or "", f"add '{error.field}:'."))
    return DataError(path, error.detail, row=row, field=error.field, fix=_FIXES.get(error.field or "", error.fix))


def parse_items(data: Any, path: Path, known: Mapping[str, Source],
                claim_ids: set[str]) -> list[dict[str, Any]]:
    """Validate the parsed YAML of ``scorecard.yml`` (each item an :class:`ItemModel`); one record per item."""
    if not isinstance(data, dict) or not isinstance(data.get("items"), list):
        raise DataError(path, "the file must be a mapping with 'items' (a list).", field="items",
                        fix="start with 'items:' and one '- id: s01' entry per item.")
    from coursekit.review import review_date

    out, seen = [], set()
    for n, entry in enumerate(data["items"], start=1):
        row = f"item {n}"
        if not isinstance(entry, dict):
            raise DataError(path, "each item must be a mapping.", row=row, fix="start each item with '- id: sNN'.")
        if isinstance(entry.get("id"), str) and ID_RE.match(entry["id"]):
            row = f"item {entry['id']}"
        try:
            item = ItemModel.model_validate(entry)
        except ValidationError as exc:
            raise _item_error(path, exc, row) from None
        if item.id in seen:
            raise DataError(path, f"id {item.id!r} is used twice.", row=row, field="id",
                            fix="give each item its own id.")
        seen.add(item.id)
        if item.based_on not in claim_ids:
            raise DataError(path, f"{item.based_on!r} is not a claim id in claims.yml.", row=row,
                            field="based_on", fix="name the claim (c01 ... c40) the item scores.")
        verdict = item.verdict
        ids = require_ids(verdict.sources, path=path, row=row, field="verdict.sources", known=dict(known))
        if not dated_after(ids, known):
            raise DataError(path, f"no source is dated after {ESSAY_YEAR}.", row=row, field="verdict.sources",
                            fix="hindsight needs evidence from after the essay: cite a source "
                            f"dated {ESSAY_YEAR + 1} or later.")
        reviewed = review_date(verdict.reviewed, path, row=row, field="verdict.reviewed")
        out.append({
            "id": item.id, "origin": "scorecard.yml", "paragraph": item.paragraph, "based_on": item.based_on,
            "who": " ".join(item.who.split()), "voice": item.voice, "expectation": " ".join(item.expectation.split()),
            "horizon": " ".join(item.horizon.split()), "note": " ".join((item.note or "").split()) or None,
            "verdict": verdict.value, "verdict_date": verdict.date, "evidence": " ".join(verdict.evidence.split()),
            "sources": ids, "reviewed": reviewed.isoformat() if reviewed else None,
        })
    return out


def load_items(path: str | Path | None = None, *, sources_path: str | Path | None = None,
               claims: pd.DataFrame | None = None) -> pd.DataFrame:
    """The items of ``data/scorecard.yml`` as a DataFrame (validated)."""
    from coursekit.claims import load_claims

    p = Path(path) if path else data_file("scorecard.yml")
    data = read_yaml(p)
    known = load_sources(sources_path)
    claims = load_claims(sources_path=sources_path) if claims is None else claims
    records = parse_items(data, p, known, set(claims["id"]))
    return pd.DataFrame.from_records(records, columns=list(COLUMNS))


def from_claims(claims: pd.DataFrame) -> pd.DataFrame:
    """The essay's own predictions from claims.yml, with verdicts mapped by :data:`FROM_CLAIMS`."""
    rows = []
    for _, c in claims[claims["type"] == "prediction"].iterrows():
        verdict = FROM_CLAIMS.get(c["verdict"])
        if verdict is None:  # not_checkable: nothing to score
            continue
        rows.append({
            "id": c["id"], "origin": "claims.yml", "paragraph": int(c["paragraph"]),
            "who": c["said_by"] if isinstance(c["said_by"], str) else "the essay",
            "voice": "reported" if isinstance(c["said_by"], str) else "essay",
            "expectation": c["claim"], "horizon": c["horizon"],
            "verdict": verdict, "verdict_date": c["verdict_date"],
            "reviewed": c["verdict_reviewed"], "evidence": c["verdict_evidence"], "sources": list(c["verdict_sources"]),
            "based_on": c["id"], "note": c["note"],
        })
    return pd.DataFrame.from_records(rows, columns=list(COLUMNS))


def build_scorecard(claims: pd.DataFrame | None = None,
                    items: pd.DataFrame | None = None) -> pd.DataFrame:
    """The whole scorecard: claims.yml predictions plus scorecard.yml items, by paragraph."""
    from coursekit.claims import load_claims

    claims = load_claims() if claims is None else claims
    items = load_items(claims=claims) if items is None else items
    card = pd.concat([from_claims(claims), items], ignore_index=True)
    return card.sort_values(["paragraph", "id"], kind="stable").reset_index(drop=True)


def verdict_counts(card: pd.DataFrame) -> pd.Series:
    """Number of items per verdict, in the order of :data:`VERDICTS` (zeros kept)."""
    counts = card["verdict"].value_counts()
    return pd.Series({v: int(counts.get(v, 0)) for v in VERDICTS}, name="items")


class CallError(KitError, ValueError):
    """A call or probability the scorecard cannot read (shown in a notebook as its message)."""


def _verdict_word(call: object) -> str | None:
    """A call as the student may type it or copy it from the quiz: "Did not", "did-not",
    "did not happen", "too early to say" are "did not" and "too early"."""
    if not isinstance(call, str):
        return None
    word = " ".join(call.strip().lower().replace("-", " ").replace("_", " ").replace("n't", " not").split())
    word = word.removesuffix(" to say").removesuffix(" happen").rstrip(".")
    return word if word in VERDICTS else None


def compare(calls: Mapping[str, str], card: pd.DataFrame) -> pd.DataFrame:
    """Put a student's calls next to the kit's verdicts: id, expectation, yours, kit's, same?

    A call is one of the four verdict words, as typed or as the quiz shows it ("did-not", "too
    early to say" and "Happened" are read too)."""
    unknown = [k for k in calls if k not in set(card["id"])]
    if unknown:
        raise CallError(f"no scorecard item {unknown}.", where="my_calls",
                        fix=f"use the ids in the table ({', '.join(card['id'])}).")
    read = {k: _verdict_word(v) for k, v in calls.items()}
    bad = {k: calls[k] for k, v in read.items() if v is None}
    if bad:
        raise CallError(f"{bad} is not a verdict word.", where="my_calls",
                        fix=f"write each call as one of {', '.join(VERDICTS)}.")
    calls = read
    sub = card[card["id"].isin(list(calls))]
    return pd.DataFrame({
        "id": sub["id"], "expectation": sub["expectation"],
        "your call": [calls[i] for i in sub["id"]], "kit's verdict": sub["verdict"],
        "same": [calls[i] == v for i, v in zip(sub["id"], sub["verdict"], strict=True)],
    }).reset_index(drop=True)


def brier_score(probabilities: Mapping[str, float], card: pd.DataFrame) -> tuple[float, pd.DataFrame]:
    """Brier score of forecast probabilities against the verdicts (lower is better).

    ``probabilities`` maps item ids to the chance (0 to 1) you would have given in 2019 that
    the expectation comes true. ``happened`` counts as 1, ``partly`` as 0.5, ``did not`` as 0;
    ``too early`` items are left out. Returns the mean score and the per-item table.
    """
    rows = []
    by_id = card.set_index("id")
    for sid, p in probabilities.items():
        if sid not in by_id.index:
            raise CallError(f"no scorecard item {sid!r}.", where="my_2019_probabilities",
                            fix=f"use the ids in the table ({', '.join(card['id'])}).")
        if isinstance(p, bool) or not isinstance(p, numbers.Real) or not 0 <= float(p) <= 1:
            raise CallError(f"{sid}: {p!r} is not a probability.", where="my_2019_probabilities",
                            fix="use a number from 0 to 1 (0.7, not 70% or \"0.7\").")
        verdict = by_id.loc[sid, "verdict"]
        if verdict not in OUTCOME:
            continue
        outcome = OUTCOME[verdict]
        rows.append({"id": sid, "your probability": float(p), "verdict": verdict,
                     "outcome": outcome, "squared error": round((float(p) - outcome) ** 2, 4)})
    table = pd.DataFrame(rows, columns=["id", "your probability", "verdict", "outcome",
                                        "squared error"])
    if not len(table):
        raise CallError(f"none of {', '.join(map(repr, probabilities))} can be scored yet: an item whose verdict is "
                        "'too early' is left out.", where="my_2019_probabilities",
                        fix="add items with a verdict (happened, partly or did not).")
    return float(table["squared error"].mean()), table


def expectations(card: pd.DataFrame, voice: str = "essay", *, verdicts: bool = True) -> pd.DataFrame:
    """A readable list of the scorecard's expectations of one ``voice`` (``"essay"``: the essay's own;
    ``"reported"``: views the essay reports), by paragraph: where, what (in the kit's words), whose
    (for reported views), the verdict in words (left out with ``verdicts=False``) and the item's id."""
    if voice not in VOICES:
        raise ValueError(f"voice must be one of {list(VOICES)}, not {voice!r}.")
    sub = card[card["voice"] == voice]
    table = pd.DataFrame({
        "where": [f"¶{p}" for p in sub["paragraph"]],
        "expectation (in the kit's words)": sub["expectation"],
        "whose": sub["who"],
        "verdict": sub["verdict"],
        "item": sub["id"],
    }).reset_index(drop=True)
    drop = [c for c, gone in (("whose", voice == "essay"), ("verdict", not verdicts)) if gone]
    return table.drop(columns=drop)


def alt_text(card: pd.DataFrame) -> str:
    """A sentence describing :func:`plot_scorecard`' figure, with its numbers."""
    own = card[card["voice"] == "essay"]
    counts = verdict_counts(own)

    def items(verdict: str) -> str:
        rows = own[own["verdict"] == verdict]
        return "; ".join(f"¶{r.paragraph}: {r.expectation.rstrip('.')}" for r in rows.itertuples())

    parts = ". ".join(f"{v}: {n} ({items(v)})" if n else f"{v}: 0" for v, n in counts.items())
    return (f"Bar chart of the essay's own {len(own)} expectations of 2019, scored in hindsight and counted by "
            f"verdict, each bar labelled with its count and the paragraphs its items come from. {parts}. Views "
            "the essay only reports are left out of the chart and listed separately.")


@cached
def plot_scorecard(card: pd.DataFrame):
    """Horizontal bars: the essay's own expectations per verdict, each bar hatched and labelled with its
    count and the essay paragraphs of its items (views the essay reports are left out: see
    :func:`expectations`).

    Returns a :class:`~coursekit.figures.KitFigure` with a suggested alt text and the sources of
    the verdicts.
    """
    import matplotlib.pyplot as plt
    from matplotlib.ticker import MaxNLocator

    own = card[card["voice"] == "essay"]
    counts = verdict_counts(own)
    fig, ax = plt.subplots(figsize=(9, 3.6))
    for i, (verdict, n) in enumerate(counts.items()):
        colour, hatch = STYLE[verdict]
        ax.barh(i, n, color=colour, hatch=hatch, edgecolor="white", label=verdict if n else "_nolegend_")
        where = ", ".join(f"¶{p}" for p in own.loc[own["verdict"] == verdict, "paragraph"])
        ax.text(n + 0.1, i, f"{n}  ({where})" if where else "0", va="center", fontsize=9)
    ax.set_yticks(range(len(counts)), list(counts.index))
    ax.invert_yaxis()
    ax.set_xlim(0, counts.max() + 3)
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_xlabel("number of the essay's own expectations (labels: the paragraphs they come from)")
    ax.legend(loc="lower right", fontsize=8, title="verdict", title_fontsize=8)
    ax.set_title("The essay's own 2019 expectations in hindsight: verdicts", fontsize=12)
    note = ("data/claims.yml (the essay's predictions) and data/scorecard.yml; every verdict cites sources "
            "dated after 2019.")
    fig.text(0.01, -0.04, "Sources: " + note, fontsize=8, color="#444444")
    fig.tight_layout()
    return KitFigure(fig, alt_text(card), tuple(dict.fromkeys(i for ids in own["sources"] for i in ids)), note=note)
