"""Belarus's national elections: official results against what observers found (``data/elections.csv``).

One row per election: the official result (as the Central Election Commission announced it),
Lukashenka's official share for presidential elections, whether OSCE/ODIHR observed, what the
observers concluded, and the sources for each side. The official figures are claims of the
Belarusian authorities; the findings are the observers' assessments. Neither column is, by
itself, proof of a particular "true" result.

>>> from coursekit.elections import load_elections
>>> df = load_elections()
>>> df.loc[df["date"] == "2020-08-09", "observation"].item()
'none'
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pandas as pd

from coursekit.errors import DataError, csv_rows
from coursekit.figures import KitFigure
from coursekit.maps.style import BLUE, GREY, SKY_BLUE, VERMILION
from coursekit.paths import data_file
from coursekit.sources import load_sources, require_ids

COLUMNS = ("date", "election", "official_result", "lukashenka_pct", "observation", "verdict",
           "finding", "result_source", "assessment_source", "note")
ELECTIONS = ("presidential", "parliamentary")
#: Did OSCE/ODIHR observe? ``unknown`` means we found no record either way.
OBSERVATIONS = ("full", "limited", "none", "unknown")
#: What the observers concluded; ``not_observed`` and ``no_report_found`` say why there is no finding.
VERDICTS = ("met", "fell_short", "not_observed", "no_report_found")
#: The verdicts each observation status allows.
ALLOWED = {
    "full": ("met", "fell_short"),
    "limited": ("met", "fell_short"),
    "none": ("not_observed",),
    "unknown": ("no_report_found",),
}
LABELS = {
    "full": "full ODIHR mission",
    "limited": "limited ODIHR mission",
    "none": "not observed by ODIHR",
    "unknown": "no ODIHR report found",
}
#: Marker, fill colour (Okabe-Ito) and whether the marker is filled, per observation status.
STYLE = {
    "full": ("o", BLUE, True),
    "limited": ("D", SKY_BLUE, True),
    "none": ("X", VERMILION, True),
    "unknown": ("s", GREY, False),
}
SOURCE_LINE = ("Sources: data/elections.csv (official results as announced by Belarus's Central Election "
               "Commission; ODIHR statements); each row carries its own source ids.")


def _fail(path: Path, row: str, field: str, message: str, fix: str) -> DataError:
    return DataError(path, message, row=row, field=field, fix=fix)


def _parse_row(raw: dict[str, Any], path: Path, row: str, known: dict) -> dict[str, Any]:
    """Validate one CSV row and return it with parsed types."""
    for key in ("date", "election", "official_result", "observation", "verdict", "finding",
                "result_source", "assessment_source"):
        if not (raw.get(key) or "").strip():
            raise _fail(path, row, key, "is empty.", f"fill in '{key}' (see data/README.md).")
    text = {k: " ".join((raw.get(k) or "").split()) for k in COLUMNS}
    try:
        date = dt.date.fromisoformat(text["date"])
    except ValueError:
        raise _fail(path, row, "date", f"{text['date']!r} is not an ISO date.",
                    "write the election day as YYYY-MM-DD.") from None
    if text["election"] not in ELECTIONS:
        raise _fail(path, row, "election", f"{text['election']!r} is not an election type.",
                    "use one of: " + ", ".join(ELECTIONS) + ".")
    pct = _parse_pct(text, path, row)
    if text["observation"] not in OBSERVATIONS:
        raise _fail(path, row, "observation", f"{text['observation']!r} is not an observation status.",
                    "use one of: " + ", ".join(OBSERVATIONS) + ".")
    if text["verdict"] not in VERDICTS:
        raise _fail(path, row, "verdict", f"{text['verdict']!r} is not a verdict.",
                    "use one of: " + ", ".join(VERDICTS) + ".")
    allowed = ALLOWED[text["observation"]]
    if text["verdict"] not in allowed:
        raise _fail(path, row, "verdict",
                    f"{text['verdict']!r} does not fit observation {text['observation']!r}.",
                    "use " + " or ".join(allowed) + " for this observation status.")
    return {
        "date": text["date"],
        "when": pd.Timestamp(date),
        "year": date.year,
        "election": text["election"],
        "official_result": text["official_result"],
        "lukashenka_pct": pct,
        "observation": text["observation"],
        "verdict": text["verdict"],
        "finding": text["finding"],
        "result_source": require_ids(text["result_source"], path=path, row=row,
                                     field="result_source", known=known),
        "assessment_source": require_ids(text["assessment_source"], path=path, row=row,
                                         field="assessment_source", known=known),
        "note": text["note"] or None,
    }


def _parse_pct(text: dict[str, str], path: Path, row: str) -> float | None:
    """Lukashenka's official share: required for presidential elections, empty otherwise."""
    value = text["lukashenka_pct"]
    if text["election"] == "parliamentary":
        if value:
            raise _fail(path, row, "lukashenka_pct", "a parliamentary election has no presidential share.",
                        "leave lukashenka_pct empty for parliamentary elections.")
        return None
    try:
        pct = float(value)
    except ValueError:
        raise _fail(path, row, "lukashenka_pct", f"{value!r} is not a number.",
                    "give the official share in per cent, e.g. 80.10 (empty only for parliamentary rows).") from None
    if not 0 <= pct <= 100:
        raise _fail(path, row, "lukashenka_pct", f"{pct} is not a percentage.",
                    "give a share between 0 and 100.")
    return pct


def load_elections(path: str | Path | None = None, *,
                   sources_path: str | Path | None = None) -> pd.DataFrame:
    """All rows of ``data/elections.csv`` as a DataFrame sorted by date (validated).

    Columns: the file's columns (``result_source`` and ``assessment_source`` as lists of ids,
    ``lukashenka_pct`` a float or None) plus ``when`` (Timestamp) and ``year``.
    """
    p = Path(path) if path else data_file("elections.csv")
    known = load_sources(sources_path)
    rows: list[dict[str, Any]] = []
    seen: set[tuple[str, str]] = set()
    for line, raw in csv_rows(p, COLUMNS, empty="elections"):
        rec = _parse_row(raw, p, line, known)
        key = (rec["date"], rec["election"])
        if key in seen:
            raise _fail(p, line, "date", f"the {rec['election']} election of {rec['date']} "
                        "is listed twice.", "keep one row per election.")
        seen.add(key)
        rows.append(rec)
    return pd.DataFrame(rows).sort_values("when", kind="stable").reset_index(drop=True)


def evidence_table(df: pd.DataFrame, election: str | None = None) -> pd.DataFrame:
    """A readable table: year, election, official result, ODIHR observation and its finding."""
    sub = df if election is None else df[df["election"] == election]
    if election is not None and election not in ELECTIONS:
        raise ValueError(f"unknown election type {election!r}; use one of {list(ELECTIONS)}")
    return pd.DataFrame({
        "year": sub["year"],
        "election": sub["election"],
        "official result": sub["official_result"],
        "ODIHR": sub["observation"].map(LABELS),
        "what observers found": sub["finding"],
    }).reset_index(drop=True)


def alt_text(pres: pd.DataFrame) -> str:
    """A description of the official-share chart for screen readers."""
    parts = "; ".join(f"{r.year}: {r.lukashenka_pct:g}% ({LABELS[r.observation]})"
                      for r in pres.itertuples())
    return (f"Dot chart of Lukashenka's official share of the vote in {len(pres)} presidential "
            f"elections, {pres['year'].min()}–{pres['year'].max()}, on a 0–100% scale; marker shape "
            f"shows whether OSCE/ODIHR observed. {parts}. The chart shows official figures only, not "
            "what voters chose.")


def plot_official_shares(df: pd.DataFrame, ax=None):
    """Lukashenka's official share per presidential election, marked by ODIHR observation.

    Returns a :class:`~coursekit.figures.KitFigure`: the chart with a title, a legend and a source
    line, a suggested alt text (for :func:`coursekit.figures.show`) and the rows' source ids.
    """
    import matplotlib.pyplot as plt

    pres = df[df["election"] == "presidential"].sort_values("when")
    if pres.empty:
        raise ValueError("no presidential elections to plot.")
    if ax is None:
        fig, ax = plt.subplots(figsize=(9, 4.8))
    else:
        fig = ax.figure
    ax.plot(pres["year"], pres["lukashenka_pct"], color="#bbbbbb", lw=1, zorder=1)
    for status in OBSERVATIONS:
        sub = pres[pres["observation"] == status]
        if sub.empty:
            continue
        marker, colour, filled = STYLE[status]
        ax.scatter(sub["year"], sub["lukashenka_pct"], marker=marker, s=90, zorder=3,
                   facecolors=colour if filled else "white", edgecolors="black" if filled else colour,
                   linewidths=1.6 if not filled else 0.8, label=LABELS[status])
    for r in pres.itertuples():
        ax.annotate(f"{r.lukashenka_pct:g}%", (r.year, r.lukashenka_pct), textcoords="offset points",
                    xytext=(0, 10), ha="center", fontsize=9)
    ax.set_ylim(0, 100)
    ax.set_xlim(pres["year"].min() - 2, pres["year"].max() + 2)
    ax.set_xticks(list(pres["year"]))
    ax.set_ylabel("Lukashenka's official share of the vote (%)")
    ax.set_title("Official results of Belarus's presidential elections, and who observed them", loc="left")
    ax.grid(axis="y", color="#dddddd", lw=0.6)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    ax.legend(loc="lower left", frameon=False, fontsize=9, title="OSCE/ODIHR observation")
    ax.annotate(SOURCE_LINE, xy=(0, -0.16), xycoords="axes fraction", fontsize=7.5, color="#444444")
    ids = [i for col in ("result_source", "assessment_source") for row in pres[col] for i in row]
    return KitFigure(fig, alt_text(pres), tuple(ids), note=SOURCE_LINE.removeprefix("Sources: "))
