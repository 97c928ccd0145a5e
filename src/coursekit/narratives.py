"""Documented narratives aimed at Belarus and the region (``data/narratives.csv``): load and chart.

Each row restates, in the kit's own words, one narrative that a named source documented:
when it appeared, through which kind of channel, who spread it, whom it targeted, and which
of the six manipulation techniques of inoculation research it uses (the kit's coding).

>>> from coursekit.narratives import load_narratives, technique_counts
>>> df = load_narratives()
>>> int(technique_counts(df)["conspiracy"]) > 0
True

The six techniques follow Roozenbeek & van der Linden (2019), the "Bad News" game:
impersonation, emotion, polarisation, conspiracy, discrediting and trolling.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd

from coursekit.figcache import cached
from coursekit.figures import KitFigure
from coursekit.maps.style import BLUE, GREEN, OKABE_ITO, ORANGE, PURPLE, VERMILION
from coursekit.schema import CellError, Col, Schema, read_csv
from coursekit.sources import load_sources
from coursekit.timeline import dated_frame
from coursekit.validate import PRECISIONS

#: The six techniques, in the order the game teaches them, with a one-line gloss (our words).
TECHNIQUES: dict[str, str] = {
    "impersonation": "posing as a trusted person, outlet or institution",
    "emotion": "using fear, anger or pride to get past careful thought",
    "polarisation": "widening the gap between groups (us against them)",
    "conspiracy": "explaining events by a secret plot without evidence",
    "discrediting": "attacking critics or sources instead of answering them; shifting blame",
    "trolling": "baiting or harassing people to provoke a reaction",
}
#: Kinds of channel a narrative travelled through.
CHANNELS = (
    "state media", "website", "social media", "official statement", "forged email or document",
    "hacked news site",
)
COLUMNS = ("date", "narrative", "channel_type", "techniques", "target", "actor", "source", "note")
REQUIRED = ("date", "narrative", "channel_type", "techniques", "target", "actor", "source")
SOURCE_LINE = ("Source: data/narratives.csv ({n} documented cases; techniques coded by the kit). "
               "Each case cites its own sources.")
#: Okabe-Ito colours and distinct markers/hatches, so no chart relies on colour alone.
STYLE = {
    "impersonation": (BLUE, "s", "//"),
    "emotion": (VERMILION, "o", ".."),
    "polarisation": (GREEN, "^", "\\\\"),
    "conspiracy": (PURPLE, "D", "xx"),
    "discrediting": (ORANGE, "v", "--"),
    "trolling": (OKABE_ITO["black"], "P", "++"),
}


def split_techniques(value: str) -> list[str]:
    """Techniques from a semicolon list, stripped and lowercased (``"emotion; conspiracy"``)."""
    return [t.strip().lower() for t in str(value).split(";") if t.strip()]


def _techniques_known(row: dict[str, Any]) -> None:
    techniques = split_techniques(";".join(row["techniques"]))
    for tech in techniques:
        if tech not in TECHNIQUES:
            raise CellError(f"techniques: {tech!r} is not one of the six techniques.",
                            "use a semicolon list of: " + ", ".join(TECHNIQUES) + ".")
    if len(set(techniques)) != len(techniques):
        raise CellError("techniques: a technique is listed twice.", "list each technique once.")
    row["techniques"] = techniques


SCHEMA = Schema("narratives.csv", (
    Col("date", "date", dates=PRECISIONS, span=True),
    Col("narrative"),
    Col("channel_type", "choice", options=CHANNELS),
    Col("techniques", "list"),
    Col("target"),
    Col("actor"),
    Col("source", "sources"),
    Col("note", empty_ok=True),
), checks=(_techniques_known,))


def load_narratives(path: str | Path | None = None, *,
                    sources_path: str | Path | None = None) -> pd.DataFrame:
    """The documented narratives as a DataFrame sorted by date (validated against :data:`SCHEMA`).

    Columns: ``date`` (ISO text at its precision), ``when`` and ``when_end`` (Timestamps: the first
    and last day of the period a partial date stands for; see :mod:`coursekit.validate`),
    ``precision``, ``narrative``, ``channel_type``, ``techniques`` (a list), ``target``, ``actor``,
    ``sources`` (a list of ids) and ``note``.
    """
    df = dated_frame(read_csv(SCHEMA, path, load_sources(sources_path)))
    return df[["date", "when", "when_end", "precision", "narrative", "channel_type", "techniques", "target",
               "actor", "sources", "note"]]


def technique_counts(df: pd.DataFrame) -> pd.Series:
    """How many narratives use each technique, in the fixed order of :data:`TECHNIQUES`."""
    counts = {t: 0 for t in TECHNIQUES}
    for techs in df["techniques"]:
        for t in techs:
            counts[t] += 1
    return pd.Series(counts, name="narratives")


def with_technique(df: pd.DataFrame, technique: str) -> pd.DataFrame:
    """The narratives coded with ``technique``: date, narrative, channel, actor, every technique the
    kit coded (as text) and the note that says why, so that a reader can weigh the coding."""
    name = technique.strip().lower()
    if name not in TECHNIQUES:
        raise ValueError(f"{technique!r} is not one of the six techniques: {', '.join(TECHNIQUES)}.")
    mask = df["techniques"].apply(lambda techs: name in techs)
    out = df.loc[mask, ["date", "narrative", "channel_type", "actor", "techniques", "note"]].reset_index(drop=True)
    return out.assign(techniques=out["techniques"].map(", ".join), note=out["note"].fillna(""))


def alt_text(df: pd.DataFrame) -> str:
    """A sentence describing :func:`plot_narratives`' figure, with its key numbers."""
    counts = technique_counts(df)
    parts = ", ".join(f"{t} {n}" for t, n in counts.items())
    first, last = df["when"].min().year, df["when"].max().year
    return (f"Two-panel chart of {len(df)} documented narratives from {first} to {last}. Left: "
            f"number of narratives using each technique ({parts}); a narrative can use several. "
            "Right: each narrative as a marker on a time line, one row per technique, with a "
            "distinct marker shape per technique; cases close in date sit a little above or below "
            "their row so that each marker shows.")


def dodge(days: list[float], gap: float, step: float = 0.22, most: int = 2) -> list[float]:
    """Offsets from a row (in rows) that keep markers less than ``gap`` days apart from covering
    each other: the first keeps the row, the next go just below, above, then further out.

    >>> dodge([0, 10, 20, 400], gap=45)
    [0.0, 0.22, -0.22, 0.0]
    """
    slots = [0.0] + [s * k * step for k in range(1, most + 1) for s in (1, -1)]
    placed: list[tuple[float, float]] = []
    out = []
    for day in days:
        taken = {off for d, off in placed if abs(d - day) < gap}
        off = next((o for o in slots if o not in taken), slots[len(placed) % len(slots)])
        placed.append((day, off))
        out.append(round(off, 6))
    return out


@cached
def plot_narratives(df: pd.DataFrame):
    """Bar chart of techniques (left) and a technique-by-date dot plot (right).

    Bars carry hatches and count labels, dots a distinct shape per technique, so the chart
    does not rely on colour. Returns a :class:`~coursekit.figures.KitFigure` with a suggested alt
    text and the sources of the narratives shown.
    """
    import matplotlib.dates as mdates
    import matplotlib.pyplot as plt
    from matplotlib.ticker import MaxNLocator

    counts = technique_counts(df)
    names = list(TECHNIQUES)
    fig, (bar_ax, dot_ax) = plt.subplots(1, 2, figsize=(11, 4.2),
                                         gridspec_kw={"width_ratios": [1, 1.6]})
    y = range(len(names))
    for i, name in zip(y, names, strict=True):
        colour, _marker, hatch = STYLE[name]
        bar_ax.barh(i, counts[name], color=colour, alpha=0.85, hatch=hatch, edgecolor="white",
                    label=name)
        bar_ax.text(counts[name] + 0.2, i, str(counts[name]), va="center", fontsize=9)
    bar_ax.set_yticks(list(y), names)
    bar_ax.invert_yaxis()
    bar_ax.set_xlabel("narratives using the technique")
    bar_ax.set_xlim(0, max(counts.max() + 2, 3))
    bar_ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    bar_ax.set_title("By technique", fontsize=10)
    for i, name in zip(y, names, strict=True):
        colour, marker, _hatch = STYLE[name]
        when = sorted(w for w, techs in zip(df["when"], df["techniques"], strict=True) if name in techs)
        rows = [i + d for d in dodge([mdates.date2num(w) for w in when], gap=45)]
        dot_ax.scatter(when, rows, marker=marker, s=55, color=colour,
                       edgecolor="black", linewidth=0.5, label=name, zorder=3)
    dot_ax.set_yticks(list(y), names)
    dot_ax.invert_yaxis()
    dot_ax.grid(axis="x", color="#dddddd", zorder=0)
    dot_ax.xaxis.set_major_locator(mdates.YearLocator())
    dot_ax.xaxis.set_major_formatter(mdates.DateFormatter("%Y"))
    dot_ax.set_title("When each case was documented (one marker per case on the row of each technique it uses)",
                     fontsize=9)
    dot_ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1), fontsize=8, title="technique",
                  title_fontsize=8, frameon=False)
    fig.suptitle("Techniques in documented narratives about Belarus and the region, "
                 f"{df['when'].min().year}-{df['when'].max().year}", fontsize=12)
    fig.text(0.01, -0.02, SOURCE_LINE.format(n=len(df)), fontsize=8, color="#444444")
    fig.text(0.01, -0.07, f"Caution: {len(df)} cases chosen to illustrate the techniques, not a sample. Gaps and "
             "clusters show what was collected, not how much disinformation there was or a trend.",
             fontsize=8.5, color="#444444", style="italic")
    fig.tight_layout()
    alt = alt_text(df) + (" The cases were chosen to illustrate the techniques, not sampled, so the dates show "
                          "what was collected, not a trend.")
    return KitFigure(fig, alt, _ids(df["sources"]), note=SOURCE_LINE.format(n=len(df)))


def _ids(column) -> tuple[str, ...]:
    return tuple(dict.fromkeys(i for ids in column for i in ids))
