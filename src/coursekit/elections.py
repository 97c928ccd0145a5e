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


#: How the chart marks a parliamentary election: an event on the time axis, not a share.
PARLIAMENT_MARKER = "|"
PARLIAMENT_LABEL = "parliamentary election (no vote share: an event on the time axis)"


def _parliament_text(r) -> str:
    """A parliamentary election's label on the chart: date, official outcome and ODIHR's finding."""
    import textwrap

    verdict = {"fell_short": "ODIHR: fell short", "met": "ODIHR: met standards",
               "not_observed": "not observed by ODIHR", "no_report_found": "no ODIHR report found"}[r.verdict]
    outcome = "\n".join(line for part in r.official_result.split("; ") for line in textwrap.wrap(part, 30))
    return f"Parliament, {r.when:%-d %b %Y}:\n{outcome}\n{verdict}"


def _first_lower(text: str) -> str:
    return text[:1].lower() + text[1:]


def alt_text(pres: pd.DataFrame, parl: pd.DataFrame | None = None) -> str:
    """A description of the official-share chart for screen readers."""
    def runoff(r) -> str:
        return " (run-off)" if "run-off" in str(r.official_result).lower() else ""

    parts = "; ".join(f"{r.year}: {r.lukashenka_pct:.1f}%{runoff(r)} ({LABELS[r.observation]})"
                      for r in pres.itertuples())
    text = (f"Dot chart of Lukashenka's official share of the vote in {len(pres)} presidential "
            f"elections, {pres['year'].min()}–{pres['year'].max()}, on a 0–100% scale; marker shape "
            f"shows whether OSCE/ODIHR observed. {parts}.")
    if parl is not None and len(parl):
        events = "; ".join(f"{r.when:%-d %B %Y}: {_first_lower(r.official_result)} ({LABELS[r.observation]})"
                           for r in parl.itertuples())
        text += (f" {len(parl)} parliamentary elections have no presidential share, so they are marked as events "
                 f"on the time axis with a vertical tick, not plotted on the scale: {events}.")
    return text + " The chart shows official figures only, not what voters chose."


def plot_official_shares(df: pd.DataFrame, ax=None):
    """Lukashenka's official share per presidential election, marked by ODIHR observation.

    Returns a :class:`~coursekit.figures.KitFigure`: the chart with a title, a legend and a source
    line, a suggested alt text (for :func:`coursekit.figures.show`) and the rows' source ids.
    """
    import matplotlib.pyplot as plt

    pres = df[df["election"] == "presidential"].sort_values("when")
    parl = df[df["election"] == "parliamentary"].sort_values("when")
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
    last_at_level: dict[int, float] = {}
    for r in parl.itertuples():  # not a share: a tick on the time axis, with what it was
        x = r.when.year + (r.when.day_of_year - 1) / 365.25
        level = next(k for k in range(len(parl)) if x - last_at_level.get(k, -1e9) > 9)  # labels never overlap
        last_at_level[level] = x
        ax.scatter([x], [0], marker=PARLIAMENT_MARKER, s=420, color="#444444", linewidths=2.2, zorder=4,
                   clip_on=False, label=PARLIAMENT_LABEL if r.Index == parl.index[0] else None)
        ax.annotate(_parliament_text(r), (x, 0), xytext=(0, 14 + 68 * level), textcoords="offset points",
                    ha="center", va="bottom", fontsize=8, color="#333333", linespacing=1.15, gid="parliament",
                    bbox={"boxstyle": "round,pad=0.25", "facecolor": "white", "edgecolor": "#999999", "lw": 0.6},
                    arrowprops={"arrowstyle": "-", "color": "#777777", "lw": 0.7, "shrinkA": 0, "shrinkB": 6})
    ax.set_ylim(0, 100)
    ax.set_xlim(min(pres["year"].min(), *parl["year"]) - 2, max(pres["year"].max(), *parl["year"]) + 2)
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
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1), frameon=False, fontsize=9,
              title="Presidential: OSCE/ODIHR observation")
    ax.annotate(SOURCE_LINE, xy=(0, -0.16), xycoords="axes fraction", fontsize=7.5, color="#444444")
    ids = [i for col in ("result_source", "assessment_source") for row in pres[col] for i in row]
    ids += [i for col in ("result_source", "assessment_source") for row in parl[col] for i in row]
    return KitFigure(fig, alt_text(pres, parl), tuple(ids), note=SOURCE_LINE.removeprefix("Sources: "))
