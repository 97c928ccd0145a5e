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

from pathlib import Path
from typing import Any

import pandas as pd

from coursekit.figures import KitFigure
from coursekit.maps.style import BLUE, GREY, SKY_BLUE, VERMILION
from coursekit.schema import CellError, Col, Schema, read_csv
from coursekit.sources import load_sources

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


def _share(row: dict[str, Any]) -> None:
    """Lukashenka's official share: required for presidential elections, empty otherwise."""
    value = row["lukashenka_pct"]
    if row["election"] == "parliamentary":
        if value:
            raise CellError("lukashenka_pct: a parliamentary election has no presidential share.",
                            "leave lukashenka_pct empty for parliamentary elections.")
        return
    try:
        pct = float(value or "")
    except ValueError:
        raise CellError(f"lukashenka_pct: {value!r} is not a number.",
                        "give the official share in per cent, e.g. 80.10 (empty only in parliamentary rows).") from None
    if not 0 <= pct <= 100:
        raise CellError(f"lukashenka_pct: {pct} is not a percentage.", "give a share between 0 and 100.")
    row["lukashenka_pct"] = pct


def _verdict_fits(row: dict[str, Any]) -> None:
    allowed = ALLOWED[row["observation"]]
    if row["verdict"] not in allowed:
        raise CellError(f"verdict: {row['verdict']!r} does not fit observation {row['observation']!r}.",
                        "use " + " or ".join(allowed) + " for this observation status.")


SCHEMA = Schema("elections.csv", (
    Col("date", "date", dates=("day",)),
    Col("election", "choice", options=ELECTIONS),
    Col("official_result"),
    Col("lukashenka_pct", empty_ok=True),
    Col("observation", "choice", options=OBSERVATIONS),
    Col("verdict", "choice", options=VERDICTS),
    Col("finding"),
    Col("result_source", "sources"),
    Col("assessment_source", "sources"),
    Col("note", empty_ok=True),
), key=("date", "election"), checks=(_share, _verdict_fits))


def load_elections(path: str | Path | None = None, *,
                   sources_path: str | Path | None = None) -> pd.DataFrame:
    """All rows of ``data/elections.csv`` as a DataFrame sorted by date (validated against :data:`SCHEMA`).

    Columns: the file's columns (``result_source`` and ``assessment_source`` as lists of ids,
    ``lukashenka_pct`` a float or None) plus ``when`` (Timestamp) and ``year``.
    """
    df = read_csv(SCHEMA, path, load_sources(sources_path))
    df = df.assign(when=df["date"], year=df["date"].dt.year, date=df["date"].dt.strftime("%Y-%m-%d"))
    for col in ("official_result", "finding", "note"):
        df[col] = df[col].map(lambda v: " ".join(v.split()) if isinstance(v, str) else v)
    df["lukashenka_pct"] = df["lukashenka_pct"].astype(object).where(df["lukashenka_pct"].notna(), None)
    columns = ["date", "when", "year", "election", "official_result", "lukashenka_pct", "observation", "verdict",
               "finding", "result_source", "assessment_source", "note"]
    return df[columns].sort_values("when", kind="stable").reset_index(drop=True)


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
    def runoff(r) -> str:
        return " (run-off)" if "run-off" in str(r.official_result).lower() else ""

    parts = "; ".join(f"{r.year}: {r.lukashenka_pct:.1f}%{runoff(r)} ({LABELS[r.observation]})"
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
    for r in pres.itertuples():  # one decimal for every result; a run-off says so
        runoff = "run-off" in str(r.official_result).lower()
        ax.annotate(f"{r.lukashenka_pct:.1f}%" + ("\n(run-off)" if runoff else ""), (r.year, r.lukashenka_pct),
                    textcoords="offset points", xytext=(0, 10), ha="center", va="bottom", fontsize=9)
    ax.set_ylim(0, 100)
    ax.set_xlim(pres["year"].min() - 2, pres["year"].max() + 2)
    ax.set_xticks(list(pres["year"]))
    ax.set_ylabel("Lukashenka's official share of the vote (%)")
    runoffs = [int(y) for y, t in zip(pres["year"], pres["official_result"], strict=True)
               if "run-off" in str(t).lower()]
    note = f" (first rounds; {', '.join(map(str, runoffs))}: the run-off)" if runoffs else ""
    ax.set_title(f"Official results of Belarus's presidential elections{note}, and who observed them", loc="left",
                 fontsize=10.5)
    ax.grid(axis="y", color="#dddddd", lw=0.6)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    ax.legend(loc="lower left", frameon=False, fontsize=9, title="OSCE/ODIHR observation")
    ax.annotate(SOURCE_LINE, xy=(0, -0.16), xycoords="axes fraction", fontsize=7.5, color="#444444")
    ids = [i for col in ("result_source", "assessment_source") for row in pres[col] for i in row]
    return KitFigure(fig, alt_text(pres), tuple(ids), note=SOURCE_LINE.removeprefix("Sources: "))
