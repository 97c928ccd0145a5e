"""The Belarus-Russia Union State timeline (``data/union_state_timeline.csv``): load and plot.

>>> from coursekit.timeline import load_timeline, plot_timeline
>>> df = load_timeline()
>>> df.loc[df["date"] == "1999-12-08", "label"].item()
'Union State Treaty signed'
>>> fig = plot_timeline(df)          # doctest: +SKIP
>>> fig.alt[:40]                     # doctest: +SKIP
'Horizontal timeline of 37 events, 1994–2'

Dates keep the precision of their source: ``YYYY-MM-DD``, ``YYYY-MM`` or ``YYYY``. For
sorting and plotting, a month is placed on its 15th day and a year on 1 July
(columns ``when`` and ``precision``).
"""

from __future__ import annotations

import textwrap
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from coursekit.figures import KitFigure
from coursekit.maps.style import BLUE, GREEN, GREY, OKABE_ITO, ORANGE, PURPLE, SKY_BLUE, VERMILION, YELLOW
from coursekit.schema import CellError, Col, Schema, read_csv
from coursekit.sources import load_sources
from coursekit.validate import PRECISIONS

CATEGORIES = (
    "treaty", "election", "integration", "constitution", "military", "nuclear",
    "protest_repression", "sanctions_diplomacy",
)
COLUMNS = ("date", "label", "event", "category", "source")
MAX_LABEL = 40

#: Okabe-Ito colours (colour-blind safe) and a distinct marker for each category.
STYLE = {
    "treaty": (BLUE, "s", "Treaty"),
    "election": (ORANGE, "o", "Election"),
    "integration": (GREEN, "^", "Integration talks and programmes"),
    "constitution": (PURPLE, "D", "Constitution"),
    "military": (VERMILION, "v", "Military"),
    "nuclear": (OKABE_ITO["black"], "X", "Nuclear weapons"),
    "protest_repression": (SKY_BLUE, "P", "Protest and repression"),
    "sanctions_diplomacy": (YELLOW, "*", "Sanctions and diplomacy"),
}
#: Label borders: the category colour, darkened where it is too pale against white.
EDGE = {"sanctions_diplomacy": "#A89400"}
SOURCE_LINE = ("Sources: data/union_state_timeline.csv; every event carries its own source ids, "
               "listed in the Sources section.")
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


# ----------------------------------------------------------------------------- loading
def _label_fits(row: dict[str, Any]) -> None:
    label = " ".join(row["label"].split())
    if len(label) > MAX_LABEL:
        raise CellError(f"label: the label has {len(label)} characters (at most {MAX_LABEL}).",
                        "shorten it; the full text goes in 'event'.")


SCHEMA = Schema("union_state_timeline.csv", (
    Col("date", "date", dates=PRECISIONS, span=True),
    Col("label"),
    Col("event"),
    Col("category", "choice", options=CATEGORIES),
    Col("source", "sources"),
), checks=(_label_fits,))


def date_text(when: pd.Timestamp, precision: str) -> str:
    """The ISO text of a date at its precision (``2020``, ``2020-08``, ``2020-08-09``)."""
    return when.strftime({"year": "%Y", "month": "%Y-%m"}.get(precision, "%Y-%m-%d"))


def dated_frame(df: pd.DataFrame) -> pd.DataFrame:
    """A Schema frame with a spanned ``date`` column as ``date`` (ISO text at its precision),
    ``when``, ``when_end`` and ``precision``, sorted by date; ``sources`` a list, ``source`` text."""
    precision = df["date_precision"]
    out = df.drop(columns=["date", "date_end", "date_precision"]).assign(
        date=[date_text(w, p) for w, p in zip(df["date"], precision, strict=True)],
        when=df["date"], when_end=df["date_end"], precision=precision,
        sources=df["source"], source=[" ".join(ids) for ids in df["source"]])
    for col in out.columns:
        if out[col].dtype == object and col not in ("sources",):
            out[col] = out[col].map(lambda v: " ".join(v.split()) if isinstance(v, str) else v)
    return out.sort_values("when", kind="stable").reset_index(drop=True)


def load_timeline(path: str | Path | None = None, *,
                  sources_path: str | Path | None = None) -> pd.DataFrame:
    """The timeline as a DataFrame sorted by date (validated against :data:`SCHEMA`).

    Columns: the file's ``date, label, event, category, source``, plus ``sources`` (list of
    ids), ``when`` and ``when_end`` (the first and last day of the date's period, as Timestamps)
    and ``precision`` (day, month, year).
    """
    df = read_csv(SCHEMA, path, load_sources(sources_path))
    out = dated_frame(df)
    return out[["date", "label", "event", "category", "source", "sources", "when", "when_end", "precision"]]


# ----------------------------------------------------------------------------- layout (pure)
def split_rows(days: Sequence[float], max_per_row: int = 16, min_gap: float = 5 * 365.25
               ) -> list[list[int]]:
    """Group sorted event positions (in days) into rows of one plot each.

    Rows break at gaps longer than ``min_gap``; a row with more than ``max_per_row`` events is
    cut where a long gap leaves many events on both sides (gap x smaller side).
    """
    idx = list(range(len(days)))
    if not idx:
        return []
    rows, current = [], [idx[0]]
    for i in idx[1:]:
        if days[i] - days[current[-1]] > min_gap:
            rows.append(current)
            current = []
        current.append(i)
    rows.append(current)
    out: list[list[int]] = []
    while rows:
        row = rows.pop(0)
        if len(row) <= max_per_row:
            out.append(row)
            continue
        scores = [(days[row[k + 1]] - days[row[k]]) * min(k + 1, len(row) - k - 1)
                  for k in range(len(row) - 1)]
        k = max(range(len(scores)), key=scores.__getitem__)
        rows[:0] = [row[: k + 1], row[k + 1:]]
    return out


def assign_levels(x: Sequence[float], half_widths: Sequence[float], pad: float = 0.0,
                  max_levels: int = 8) -> list[int]:
    """Label levels (1, -1, 2, -2, ...) so that labels on the same level do not overlap.

    ``x`` must be sorted; ``half_widths`` are half the label widths in the same units. Each
    label takes the first level whose previous label ends before it starts; if none is free
    within ``max_levels`` per side, it takes the level that frees up first.
    """
    order = [s * k for k in range(1, max_levels + 1) for s in (1, -1)]
    right_edge = {lv: float("-inf") for lv in order}
    levels = []
    for xi, hw in zip(x, half_widths, strict=True):
        left = xi - hw
        level = next((lv for lv in order if right_edge[lv] + pad <= left), None)
        if level is None:
            level = min(order, key=right_edge.__getitem__)
        right_edge[level] = xi + hw
        levels.append(level)
    return levels


def _date_text(date: str) -> str:
    parts = [int(p) for p in date.split("-")]
    if len(parts) == 3:
        return f"{parts[2]} {_MONTHS[parts[1] - 1]} {parts[0]}"
    if len(parts) == 2:
        return f"{_MONTHS[parts[1] - 1]} {parts[0]}"
    return str(parts[0])


def _label_text(date: str, label: str, wrap: int) -> str:
    return "\n".join([_date_text(date), *textwrap.wrap(label, wrap)])


def alt_text(df: pd.DataFrame, n_rows: int = 1) -> str:
    """A description of the timeline for screen readers."""
    counts = df["category"].value_counts()
    cats = ", ".join(f"{STYLE[c][2].lower()} ({counts[c]})" for c in CATEGORIES if c in counts)
    first, last = df["when"].min().year, df["when"].max().year
    years = str(first) if first == last else f"{first}–{last}"
    panels = f" in {n_rows} panels" if n_rows > 1 else ""
    events = "; ".join(f"{_date_text(d)}: {lab}" for d, lab in zip(df["date"], df["label"],
                                                                     strict=True))
    return (f"Horizontal timeline of {len(df)} events, {years}{panels}, each marked by "
            f"colour and shape by category: {cats}. Events in order: {events}.")


# ----------------------------------------------------------------------------- plotting
def _filter(df: pd.DataFrame, categories, start, end) -> pd.DataFrame:
    out = df
    if categories is not None:
        unknown = [c for c in categories if c not in CATEGORIES]
        if unknown:
            raise ValueError(f"unknown categories {unknown}; use some of {list(CATEGORIES)}")
        out = out[out["category"].isin(list(categories))]
    if start is not None:
        out = out[out["when"] >= pd.Timestamp(start)]
    if end is not None:
        out = out[out["when"] <= pd.Timestamp(end)]
    if out.empty:
        raise ValueError("no events to plot: widen start/end or the categories.")
    return out.sort_values("when", kind="stable").reset_index(drop=True)


def _draw_row(ax, sub: pd.DataFrame, width_in: float, fontsize: float, wrap: int,
              level_in: float) -> tuple[int, int]:
    """Draw one row of the timeline on ``ax``; return the levels used above and below."""
    import matplotlib.dates as mdates

    starts = [mdates.date2num(t.to_pydatetime()) for t in sub["when"]]
    ends = [mdates.date2num(t.to_pydatetime()) + 1 for t in sub.get("when_end", sub["when"])]
    # an exact date sits on its day; a partial date (month or year only) spans its period
    exact = [e - s <= 1 for s, e in zip(starts, ends, strict=True)]
    x = [s if ex else (s + e) / 2 for s, e, ex in zip(starts, ends, exact, strict=True)]
    texts = [_label_text(d, lab, wrap) for d, lab in zip(sub["date"], sub["label"], strict=True)]
    char_in = fontsize * 0.56 / 72  # average character width of the default sans font
    label_in = [max(len(s) for s in t.split("\n")) * char_in + 0.12 for t in texts]
    span = max(x[-1] - x[0], 120.0)
    widest = max(label_in)
    days_per_in = span / max(width_in - widest, 1.0)
    levels = assign_levels(x, [w / 2 * days_per_in for w in label_in], pad=0.06 * days_per_in)
    n_up = max([lv for lv in levels if lv > 0], default=0)
    n_down = -min([lv for lv in levels if lv < 0], default=0)
    ax.set_xlim(min(x[0] - widest / 2 * days_per_in, min(starts) - 5),
                max(x[-1] + widest / 2 * days_per_in, max(ends) + 5))
    ax.set_ylim(-n_down - 0.7, n_up + 0.7)
    ax.axhline(0, color="#333333", lw=1.2, zorder=1)
    for xi, lv, text, cat, s0, e0, ex in zip(x, levels, texts, sub["category"], starts, ends, exact, strict=True):
        colour, marker, _ = STYLE[cat]
        ax.plot([xi, xi], [0, lv], color="#888888", lw=0.8, zorder=1)
        if not ex:  # the whole month or year, as a bar on the axis; the marker hollow in its middle
            ax.plot([s0, e0], [0, 0], color=colour, lw=7, solid_capstyle="butt", zorder=2, alpha=0.85)
            ax.plot([s0, s0], [-0.12, 0.12], color="black", lw=0.8, zorder=2)
            ax.plot([e0, e0], [-0.12, 0.12], color="black", lw=0.8, zorder=2)
        ax.plot(xi, 0, marker=marker, color=colour if ex else "white", markersize=9, markeredgecolor="black",
                markeredgewidth=0.7 if ex else 1.2, linestyle="none", zorder=3)
        ax.text(xi, lv, text, ha="center", va="center", fontsize=fontsize, zorder=4,
                linespacing=1.15,
                bbox={"boxstyle": "round,pad=0.25", "fc": "white", "lw": 1.0,
                      "ec": EDGE.get(cat, colour)})
    years = (x[-1] - x[0]) / 365.25
    if years < 3:
        locator = mdates.AutoDateLocator(minticks=4, maxticks=10)
        ax.xaxis.set_major_locator(locator)
        ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator))
    else:
        ax.xaxis.set_major_locator(mdates.YearLocator(1 if years < 12 else 2))
        ax.xaxis.set_major_formatter(mdates.DateFormatter("%Y"))
    ax.tick_params(axis="x", labelsize=fontsize + 1)
    ax.grid(axis="x", color="#dddddd", lw=0.6, zorder=0)
    ax.set_yticks([])
    for side in ("left", "right", "top"):
        ax.spines[side].set_visible(False)
    return n_up, n_down


def _legend_handles(categories: Sequence[str], partial: bool = False):
    from matplotlib.lines import Line2D

    handles = [Line2D([], [], marker=STYLE[c][1], color=STYLE[c][0], markeredgecolor="black",
                      markeredgewidth=0.7, markersize=9, linestyle="none", label=STYLE[c][2])
               for c in CATEGORIES if c in categories]
    if partial:
        handles.append(Line2D([0, 1], [0, 0], color=GREY, lw=7, marker="o", markerfacecolor="white",
                              markeredgecolor="black", markersize=9,
                              label="Hollow marker on a bar: date known only to the month or year"))
    return handles


def _has_partial(sub: pd.DataFrame) -> bool:
    return bool((sub["precision"] != "day").any()) if "precision" in sub else False


def plot_timeline(df: pd.DataFrame, categories: Sequence[str] | None = None,
                  start: Any = None, end: Any = None, ax=None, *,
                  title: str | None = None, fontsize: float = 8.5, wrap: int = 20,
                  width: float = 14.0, max_per_row: int = 16):
    """Plot the timeline as a horizontal chart and return it as a :class:`~coursekit.figures.KitFigure`.

    Events are markers on a time axis, coloured (Okabe-Ito palette) and shaped by category,
    with short dated labels placed on alternating levels so they do not overlap. Without
    ``ax``, long or crowded spans are drawn as several stacked panels, each with its own
    time axis (read the years on each). ``categories``, ``start`` and ``end`` select events.
    The figure carries a title, a legend, a source line, a suggested alt text (``fig.alt``, used
    by :func:`coursekit.figures.show`) and the source ids of the events shown (``fig.sources``).
    """
    import matplotlib.dates as mdates
    import matplotlib.pyplot as plt

    sub = _filter(df, categories, start, end)
    first, last = sub["when"].min().year, sub["when"].max().year
    years = str(first) if first == last else f"{first}–{last}"
    title = title or f"Belarus and Russia: the Union State and its context, {years}"
    present = list(dict.fromkeys(sub["category"]))
    level_in = 0.62
    if ax is not None:
        fig = ax.figure
        width_in = ax.get_position().width * fig.get_size_inches()[0]
        _draw_row(ax, sub, width_in, fontsize, wrap, level_in)
        ax.set_title(title, fontsize=fontsize + 4, loc="left")
        ax.legend(handles=_legend_handles(present, _has_partial(sub)), loc="upper left", fontsize=fontsize,
                  frameon=False, ncol=4, bbox_to_anchor=(0, -0.08))
        ax.annotate(SOURCE_LINE, xy=(0, -0.32), xycoords="axes fraction", fontsize=fontsize - 0.5,
                    color="#444444")
        return KitFigure(fig, alt_text(sub), _ids(sub["sources"]), note=SOURCE_LINE)

    days = [mdates.date2num(t.to_pydatetime()) for t in sub["when"]]
    rows = split_rows(days, max_per_row=max_per_row)
    left, right = 0.02, 0.98
    width_in = width * (right - left)
    # dry run on a scratch figure to learn how many levels each row needs
    scratch = plt.figure(figsize=(width, 2))
    sides = [_draw_row(scratch.add_subplot(), sub.iloc[r].reset_index(drop=True), width_in,
                       fontsize, wrap, level_in) for r in rows]
    plt.close(scratch)
    heights = [(up + down + 1.4) * level_in + 0.35 for up, down in sides]
    header, footer = 1.25, 0.8
    fig_h = sum(heights) + header + footer
    fig = plt.figure(figsize=(width, fig_h))
    grid = fig.add_gridspec(len(rows), 1, height_ratios=heights, left=left, right=right,
                            top=1 - header / fig_h, bottom=footer / fig_h, hspace=0.35)
    for k, r in enumerate(rows):
        _draw_row(fig.add_subplot(grid[k]), sub.iloc[r].reset_index(drop=True), width_in,
                  fontsize, wrap, level_in)
    fig.suptitle(title, x=left, y=1 - 0.15 / fig_h, ha="left", va="top", fontsize=fontsize + 5,
                 fontweight="bold")
    fig.legend(handles=_legend_handles(present, _has_partial(sub)), loc="upper left", ncol=4, frameon=False,
               fontsize=fontsize + 0.5, bbox_to_anchor=(left, 1 - 0.5 / fig_h))
    fig.text(left, 0.08 / fig_h, SOURCE_LINE, fontsize=fontsize, color="#444444", ha="left",
             va="bottom")
    return KitFigure(fig, alt_text(sub, n_rows=len(rows)), _ids(sub["sources"]), note=SOURCE_LINE)


def _ids(column) -> tuple[str, ...]:
    return tuple(dict.fromkeys(i for ids in column for i in ids))
