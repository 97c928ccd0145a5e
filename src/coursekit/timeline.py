"""The Belarus-Russia Union State timeline (``data/union_state_timeline.csv``): load and plot.

>>> from coursekit.timeline import load_timeline, plot_timeline
>>> df = load_timeline()
>>> df.loc[df["date"] == "1999-12-08", "label"].item()
'Union State Treaty signed'
>>> plot_timeline(df).alt[:40]          # doctest: +SKIP
'Horizontal timeline of 37 events, 1994–2'

Dates keep their source's precision (``YYYY-MM-DD``, ``YYYY-MM`` or ``YYYY``); ``when`` and
``when_end`` are the period's first and last day; a month or year is drawn as a bar, not a day.
"""

from __future__ import annotations

import textwrap
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from coursekit.figcache import cached
from coursekit.figures import KitFigure
from coursekit.maps.style import BLUE, GREEN, GREY, OKABE_ITO, ORANGE, PURPLE, SKY_BLUE, VERMILION, YELLOW
from coursekit.schema import CellError, Col, Schema, read_csv
from coursekit.sources import load_sources
from coursekit.validate import PERIOD, PRECISIONS, period_text

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
    Col("date", "date", dates=PRECISIONS + (PERIOD,), span=True),
    Col("label"),
    Col("event"),
    Col("category", "choice", options=CATEGORIES),
    Col("source", "sources"),
), checks=(_label_fits,))


def date_text(when: pd.Timestamp, precision: str, end: pd.Timestamp | None = None) -> str:
    """The ISO text of a date at its precision (``2020``, ``2020-08``, ``2020-08-09``, ``2020-05/2020-12``)."""
    if precision == PERIOD:
        return period_text(when.date(), end.date())
    return when.strftime({"year": "%Y", "month": "%Y-%m"}.get(precision, "%Y-%m-%d"))


def dated_frame(df: pd.DataFrame) -> pd.DataFrame:
    """A Schema frame with a spanned ``date`` column as ``date`` (ISO text at its precision),
    ``when``, ``when_end`` and ``precision``, sorted by date; ``sources`` a list, ``source`` text."""
    precision = df["date_precision"]
    out = df.drop(columns=["date", "date_end", "date_precision"]).assign(
        date=[date_text(*w) for w in zip(df["date"], precision, df["date_end"], strict=True)],
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
def split_rows(days: Sequence[float], max_per_row: int = 16, min_gap: float = 5 * 365.25,
               ends: Sequence[float] | None = None) -> list[list[int]]:
    """Group sorted event positions (in days) into rows of one plot each.

    Rows break at gaps longer than ``min_gap``; a row with more than ``max_per_row`` events is
    cut where a long gap leaves many events on both sides (gap x smaller side). ``ends`` (the
    last day of each event's period) keeps a month or a year whole: no row breaks inside it.
    """
    idx = list(range(len(days)))
    if not idx:
        return []
    ends = list(days) if ends is None else list(ends)

    def cut_ok(row: list[int], k: int) -> bool:  # between row[k] and row[k + 1]
        return max(ends[i] for i in row[: k + 1]) <= days[row[k + 1]]

    rows, current = [], [idx[0]]
    for i in idx[1:]:
        if days[i] - days[current[-1]] > min_gap and cut_ok(current + [i], len(current) - 1):
            rows.append(current)
            current = []
        current.append(i)
    rows.append(current)
    out: list[list[int]] = []
    while rows:
        row = rows.pop(0)
        allowed = [k for k in range(len(row) - 1) if cut_ok(row, k)]
        if len(row) <= max_per_row or not allowed:
            out.append(row)
            continue
        k = max(allowed, key=lambda k: (days[row[k + 1]] - days[row[k]]) * min(k + 1, len(row) - k - 1))
        rows[:0] = [row[: k + 1], row[k + 1:]]
    return out


def place_labels(x: Sequence[float], half_widths: Sequence[float], half_height: float = 0.4,
                 pad: float = 0.0, spans: Sequence[tuple[float, float]] | None = None
                 ) -> list[tuple[int, float, float]]:
    """A (level, label centre, leader x) for each label, so that no label covers another label
    or a leader line.

    ``x`` must be sorted; ``half_widths`` are half the label widths (in the units of ``x``). A
    label at level ``k`` (1, 2, ... above the axis, -1, -2, ... below) hangs on a vertical
    leader line that meets the label's right edge, so the labels of a cluster climb like a
    staircase: each one's leader passes to the right of every label nearer the axis. A label
    takes the side where it can sit nearest the axis. For a month or a year (``spans``: its
    first and last day) the leader stands on the bar where it is furthest from other events.
    ``half_height`` is accepted for callers that size levels; a level is always higher than
    a label, so labels on different levels never touch.
    """
    del half_height
    anchors = list(x)
    if spans is not None:
        exact = [xi for xi, (s0, s1) in zip(x, spans, strict=True) if s1 - s0 <= 2]
        for k, (s0, s1) in enumerate(spans):
            if s1 - s0 > 2:
                points = [s0 + (s1 - s0) * f / 20 for f in range(1, 20)]
                anchors[k] = max(points, key=lambda p: min((abs(p - e) for e in exact), default=0.0))
    order = sorted(range(len(anchors)), key=anchors.__getitem__)
    placed: dict[int, list[tuple[float, int]]] = {1: [], -1: []}  # side -> (leader x, |level|)
    out: list[tuple[int, float, float]] = [(0, 0.0, 0.0)] * len(anchors)
    for turn, k in enumerate(order):
        lx, width = anchors[k], 2 * half_widths[k]
        best = None
        for side in ((1, -1) if turn % 2 == 0 else (-1, 1)):
            # higher than every label on this side whose leader stands under this label's span
            level = 1 + max((lv for px, lv in placed[side] if px > lx - width - pad), default=0)
            if best is None or level < best[1]:
                best = (side, level)
        side, level = best
        placed[side].append((lx, level))
        out[k] = (side * level, lx - width / 2, lx)
    return out


def leader_top(foot: float, centre: float, half_width: float) -> float:
    """Where a leader meets its label: straight up when the label is over its foot, else its nearer side."""
    return min(max(foot, centre - half_width), centre + half_width)


def assign_levels(x: Sequence[float], half_widths: Sequence[float], pad: float = 0.0) -> list[int]:
    """The levels of :func:`place_labels`."""
    return [lv for lv, _, _ in place_labels(x, half_widths, pad=pad)]


def _date_text(date: str) -> str:
    if "/" in date:
        first, last = (_date_text(d) for d in date.split("/"))
        same_year = first[-4:] == last[-4:] and not first[:-4].strip().isdigit()
        return f"{first[:-5] if same_year else first}–{last}"
    parts = [int(p) for p in date.split("-")]
    if len(parts) == 3:
        return f"{parts[2]} {_MONTHS[parts[1] - 1]} {parts[0]}"
    if len(parts) == 2:
        return f"{_MONTHS[parts[1] - 1]} {parts[0]}"
    return str(parts[0])


def _label_text(date: str, label: str, wrap: int) -> str:
    return "\n".join([_date_text(date), *textwrap.wrap(label, wrap)])


def alt_text(df: pd.DataFrame, n_rows: int = 1, essay: dict | None = None) -> str:
    """A description of the timeline for screen readers."""
    counts = df["category"].value_counts()
    cats = ", ".join(f"{STYLE[c][2].lower()} ({counts[c]})" for c in CATEGORIES if c in counts)
    first, last = df["when"].min().year, df["when"].max().year
    years = str(first) if first == last else f"{first}–{last}"
    panels = f" in {n_rows} panels, each on its own time scale" if n_rows > 1 else ""
    events = "; ".join(f"{_date_text(d)}: {lab}" for d, lab in zip(df["date"], df["label"],
                                                                     strict=True))
    partial = ""
    if "precision" in df and (df["precision"] != "day").any():
        partial = " Events dated only to a month, a year or a period are drawn as bars over that period."
    mark = f" The essay's dating window ({essay['range']}, inferred) is marked." if essay else ""
    return (f"Horizontal timeline of {len(df)} events, {years}{panels}, each marked by "
            f"colour and shape by category: {cats}.{partial}{mark} Events in order: {events}.")


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


ESSAY = "essay"  # the category of the essay's own mark (not an event of the data)
ESSAY_STYLE = ("#666666", "D", "The essay is written (dating window, inferred)")
MIN_SPAN_DAYS = 365.0  # a panel shows at least a year, so that its ticks are months, not days


def _essay_row() -> dict[str, Any] | None:
    """The essay's dating window (data/claims.yml essay.dating) as a row to draw, or None."""
    try:
        from coursekit.claims import load_essay

        dating = load_essay()["dating"]
    except Exception:  # a partial checkout without claims: the chart still draws  # noqa: BLE001
        return None
    start, end = pd.Timestamp(dating["window_start"]), pd.Timestamp(dating["window_end"])
    return {"date": "essay", "label": "The essay is written", "category": ESSAY, "when": start,
            "when_end": end, "precision": "window", "range": f"{start.day} {_MONTHS[start.month - 1]}–"
            f"{end.day} {_MONTHS[end.month - 1]} {end.year}"}


def _event_text(row, wrap: int) -> str:
    if row["category"] == ESSAY:
        return "\n".join([row["range"], *textwrap.wrap(row["label"], wrap)])
    return _label_text(row["date"], row["label"], wrap)


def _measure(fig, texts: Sequence[str], fontsize: float) -> list[float]:
    """The widths of boxed labels in inches, measured by the figure's renderer."""
    renderer = fig.canvas.get_renderer()
    out = []
    for text in texts:
        t = fig.text(0, 0, text, fontsize=fontsize, linespacing=1.15)
        out.append(t.get_window_extent(renderer).width / fig.dpi + 2 * 0.3 * fontsize / 72 + 0.08)
        t.remove()
    return out


def label_height_in(fontsize: float, lines: int) -> float:
    """The height of a boxed label of ``lines`` lines, in inches."""
    return lines * fontsize * 1.2 / 72 + 2 * 0.3 * fontsize / 72


def _draw_row(ax, sub: pd.DataFrame, width_in: float, fontsize: float, wrap: int,
              level_in: float, bounds: tuple[Any, Any] = (None, None),
              limits: tuple[float, float] = (float("-inf"), float("inf"))) -> tuple[int, int]:
    """Draw one row of the timeline on ``ax``; return the levels used above and below.

    ``bounds`` (start, end) widen the time axis to the period asked for; ``limits`` (in
    matplotlib date numbers) stop a short row's padding at the neighbouring panels' events.
    """
    import matplotlib.dates as mdates

    starts = [mdates.date2num(t.to_pydatetime()) for t in sub["when"]]
    ends = [mdates.date2num(t.to_pydatetime()) + 1 for t in sub.get("when_end", sub["when"])]
    # an exact date sits on its day; a partial date (month or year only) spans its period
    exact = [e - s <= 1 for s, e in zip(starts, ends, strict=True)]
    x = [s if ex else (s + e) / 2 for s, e, ex in zip(starts, ends, exact, strict=True)]
    order = sorted(range(len(x)), key=x.__getitem__)
    rows = [sub.iloc[i] for i in order]
    starts, ends, exact, x = ([v[i] for i in order] for v in (starts, ends, exact, x))
    texts = [_event_text(r, wrap) for r in rows]
    label_in = _measure(ax.figure, texts, fontsize)
    lo, hi = min(starts), max(ends)
    if bounds[0] is not None:
        lo = min(lo, mdates.date2num(pd.Timestamp(bounds[0]).to_pydatetime()))
    if bounds[1] is not None:
        hi = max(hi, mdates.date2num(pd.Timestamp(bounds[1]).to_pydatetime()) + 1)
    if hi - lo < MIN_SPAN_DAYS:
        extra = (MIN_SPAN_DAYS - (hi - lo)) / 2
        lo, hi = max(lo - extra, limits[0]), min(hi + extra, limits[1])
    ax.coursekit_period = (lo, hi)
    widest = max(label_in)
    half_height = label_height_in(fontsize, max(t.count("\n") + 1 for t in texts)) / 2 / level_in
    spans = [(s0, e0) if not ex else (xi, xi) for s0, e0, ex, xi in zip(starts, ends, exact, x, strict=True)]
    days_per_in = (hi - lo) / max(width_in - widest, 1.0)
    for _ in range(6):  # labels that slide past the ends widen the axis: place again at the new scale
        placed = place_labels(x, [w / 2 * days_per_in for w in label_in], half_height=half_height,
                              pad=0.08 * days_per_in, spans=spans)
        left_edge = min(c - w / 2 * days_per_in for (_, c, _), w in zip(placed, label_in, strict=True))
        right_edge = max(c + w / 2 * days_per_in for (_, c, _), w in zip(placed, label_in, strict=True))
        x_min = min(lo, left_edge) - 0.05 * days_per_in
        x_max = max(hi, right_edge) + 0.05 * days_per_in
        needed = (x_max - x_min) / width_in
        if needed <= days_per_in * 1.001:
            break
        days_per_in = needed * 1.02
    # the axis keeps the scale the labels were placed at (room to spare goes to the right)
    x_max = max(x_max, x_min + days_per_in * width_in)
    levels = [lv for lv, _, _ in placed]
    centres = [cx for _, cx, _ in placed]
    x = [lx for _, _, lx in placed]
    tops = [leader_top(lx, cx, w / 2 * days_per_in) for lx, cx, w in zip(x, centres, label_in, strict=True)]
    n_up = max([lv for lv in levels if lv > 0], default=0)
    n_down = -min([lv for lv in levels if lv < 0], default=0)
    ax.set_xlim(x_min, x_max)
    ax.set_ylim(-n_down - 0.7, n_up + 0.7)
    ax.axhline(0, color="#333333", lw=1.2, zorder=1)
    for k, (xi, lv, cx, text, row, s0, e0, ex, top) in enumerate(
            zip(x, levels, centres, texts, rows, starts, ends, exact, tops, strict=True)):
        cat = row["category"]
        colour, marker, _ = ESSAY_STYLE if cat == ESSAY else STYLE[cat]
        ax.plot([xi, top], [0, lv], color="#888888", lw=0.8, zorder=1, gid=f"leader-{k}")
        if cat == ESSAY:  # the window, hatched grey on the axis
            ax.fill_between([s0, e0], -0.14, 0.14, facecolor="#dddddd", edgecolor=colour, hatch="////",
                            lw=0.8, zorder=2)
        elif not ex:  # the whole month or year, as a bar on the axis; the marker hollow where the leader meets it
            ax.plot([s0, e0], [0, 0], color=colour, lw=7, solid_capstyle="butt", zorder=2, alpha=0.85)
            ax.plot([s0, s0], [-0.12, 0.12], color="black", lw=0.8, zorder=2)
            ax.plot([e0, e0], [-0.12, 0.12], color="black", lw=0.8, zorder=2)
        if cat != ESSAY:
            ax.plot(xi, 0, marker=marker, color=colour if ex else "white", markersize=9,
                    markeredgecolor="black", markeredgewidth=0.7 if ex else 1.2, linestyle="none", zorder=3,
                    gid=f"marker-{k}")
        ax.text(cx, lv, text, ha="center", va="center", fontsize=fontsize, zorder=4,
                linespacing=1.15, gid=f"label-{k}",
                bbox={"boxstyle": "round,pad=0.3", "fc": "white", "lw": 1.0,
                      "ec": EDGE.get(cat, colour), "ls": "--" if cat == ESSAY else "-"})
    years = (hi - lo) / 365.25
    if years < 3:
        locator = mdates.AutoDateLocator(minticks=4, maxticks=10)
        ax.xaxis.set_major_locator(locator)
        ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator))
    else:
        ax.xaxis.set_major_locator(mdates.YearLocator(1 if years < 12 else 2))
        ax.xaxis.set_major_formatter(mdates.DateFormatter("%Y"))
    ax.tick_params(axis="x", labelsize=fontsize)
    ax.grid(axis="x", color="#dddddd", lw=0.6, zorder=0)
    ax.set_yticks([])
    for side in ("left", "right", "top"):
        ax.spines[side].set_visible(False)
    return n_up, n_down


def _break_marks(ax, left: bool, right: bool) -> None:
    """Two slanted strokes across the axis line where time jumps to the panel before or after."""
    import matplotlib.transforms as mtransforms

    trans = mtransforms.blended_transform_factory(ax.transAxes, ax.transData)
    for x, show in ((0.0, left), (1.0, right)):
        if not show:
            continue
        for dx in (-0.004, 0.004):
            ax.plot([x + dx - 0.004, x + dx + 0.004], [-0.25, 0.25], transform=trans, color="#333333",
                    lw=1.4, clip_on=False, zorder=5, gid="break")
        ax.plot([x - 0.006, x + 0.006], [0, 0], transform=trans, color="white", lw=3, clip_on=False, zorder=4.5)


def _legend_handles(categories: Sequence[str], partial: bool = False, essay: bool = False):
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    handles = [Line2D([], [], marker=STYLE[c][1], color=STYLE[c][0], markeredgecolor="black",
                      markeredgewidth=0.7, markersize=9, linestyle="none", label=STYLE[c][2])
               for c in CATEGORIES if c in categories]
    if partial:
        handles.append(Line2D([0, 1], [0, 0], color=GREY, lw=7, marker="o", markerfacecolor="white",
                              markeredgecolor="black", markersize=9,
                              label="Hollow marker on a bar: dated only to a month, year or period"))
    if essay:
        handles.append(Patch(facecolor="#dddddd", edgecolor="#666666", hatch="////",
                             label="Hatched: when the essay was written (inferred window)"))
    return handles


def _has_partial(sub: pd.DataFrame) -> bool:
    return bool((sub["precision"] != "day").any()) if "precision" in sub else False


@cached
def plot_timeline(df: pd.DataFrame, categories: Sequence[str] | None = None,
                  start: Any = None, end: Any = None, ax=None, *,
                  title: str | None = None, fontsize: float = 10.0, wrap: int = 20,
                  width: float = 11.0, max_per_row: int = 14, essay: bool = True):
    """Plot the timeline as a horizontal chart and return it as a :class:`~coursekit.figures.KitFigure`.

    Events are markers on a time axis, coloured (Okabe-Ito palette) and shaped by category,
    with short dated labels placed so that no label covers another or a leader line. A date
    known only to the month or year, or as a period, is a bar over it with a hollow marker. The essay's
    dating window (``data/claims.yml``) is marked when it falls in the period (``essay=False``
    leaves it out). ``start`` and ``end`` select events and set the ends of the time axis.

    Without ``ax``, long or crowded spans are drawn as several stacked panels, each with its own
    time scale: each panel names its period below its axis, and slanted break marks on the axis
    line show where time jumps between panels. The figure carries a title, a legend (only what
    is drawn), a source line, alt text (``fig.alt``, used by :func:`coursekit.figures.show`) and the
    source ids of the events shown (``fig.sources``).
    """
    import matplotlib.dates as mdates
    import matplotlib.pyplot as plt

    sub = _filter(df, categories, start, end)
    first, last = sub["when"].min().year, sub["when"].max().year
    years = str(first) if first == last else f"{first}–{last}"
    title = title or f"Belarus and Russia: the Union State and its context, {years}"
    present = list(dict.fromkeys(sub["category"]))
    partial = _has_partial(sub)
    mark = _essay_row() if essay else None
    lo = pd.Timestamp(start) if start is not None else sub["when"].min()
    hi = pd.Timestamp(end) if end is not None else sub.get("when_end", sub["when"]).max()
    if mark is not None and (mark["when_end"] < lo or mark["when"] > hi):
        mark = None
    drawn = sub if mark is None else pd.concat([sub, pd.DataFrame([mark])], ignore_index=True).sort_values(
        "when", kind="stable").reset_index(drop=True)
    lines = max(_event_text(r, wrap).count("\n") + 1 for _, r in drawn.iterrows())
    level_in = label_height_in(fontsize, lines) + 0.14
    if ax is not None:
        fig = ax.figure
        width_in = ax.get_position().width * fig.get_size_inches()[0]
        _draw_row(ax, drawn, width_in, fontsize, wrap, level_in, (start, end))
        ax.set_title(title, fontsize=fontsize + 3, loc="left")
        ax.legend(handles=_legend_handles(present, partial, mark is not None), loc="upper left",
                  fontsize=fontsize, frameon=False, ncol=3, bbox_to_anchor=(0, -0.08))
        ax.annotate(SOURCE_LINE, xy=(0, -0.32), xycoords="axes fraction", fontsize=fontsize - 1,
                    color="#444444")
        return KitFigure(fig, alt_text(sub, essay=mark), _ids(sub["sources"]), note=SOURCE_LINE)

    days = [mdates.date2num(t.to_pydatetime()) for t in drawn["when"]]
    ends = [mdates.date2num(t.to_pydatetime()) for t in drawn.get("when_end", drawn["when"])]
    rows = split_rows(days, max_per_row=max_per_row, ends=ends)
    left, right = 0.02, 0.98
    width_in = width * (right - left)
    bounds = [(start if k == 0 else None, end if k == len(rows) - 1 else None) for k in range(len(rows))]
    limits = [(max(ends[i] for i in rows[k - 1]) + 15 if k else float("-inf"),
               days[rows[k + 1][0]] - 15 if k < len(rows) - 1 else float("inf")) for k in range(len(rows))]
    # dry run on a scratch figure to learn how many levels each row needs
    scratch = plt.figure(figsize=(width, 2))
    sides = [_draw_row(scratch.add_subplot(), drawn.iloc[r].reset_index(drop=True), width_in,
                       fontsize, wrap, level_in, bounds[k], limits[k]) for k, r in enumerate(rows)]
    plt.close(scratch)
    many = len(rows) > 1
    heights = [(up + down + 1.4) * level_in + (0.75 if many else 0.35) for up, down in sides]
    header = 0.9 + 0.3 * -(-(len(present) + partial + (mark is not None)) // 3)
    footer = 0.75
    fig_h = sum(heights) + header + footer
    fig = plt.figure(figsize=(width, fig_h))
    grid = fig.add_gridspec(len(rows), 1, height_ratios=heights, left=left, right=right,
                            top=1 - header / fig_h, bottom=footer / fig_h, hspace=0.3)
    for k, r in enumerate(rows):
        ax = fig.add_subplot(grid[k])
        part = drawn.iloc[r].reset_index(drop=True)
        _draw_row(ax, part, width_in, fontsize, wrap, level_in, bounds[k], limits[k])
        if many:
            _break_marks(ax, left=k > 0, right=k < len(rows) - 1)
            a, b = (mdates.num2date(v) for v in ax.coursekit_period)
            ax.set_xlabel(f"Panel {k + 1} of {len(rows)}: {_MONTHS[a.month - 1]} {a.year} to "
                          f"{_MONTHS[b.month - 1]} {b.year}, on its own time scale"
                          + (" (time jumps at the slanted marks)" if k == 0 else ""),
                          fontsize=fontsize - 0.5, color="#444444", loc="left")
    fig.suptitle(title, x=left, y=1 - 0.12 / fig_h, ha="left", va="top", fontsize=fontsize + 4,
                 fontweight="bold")
    fig.legend(handles=_legend_handles(present, partial, mark is not None), loc="upper left", ncol=3,
               frameon=False, fontsize=fontsize, bbox_to_anchor=(left, 1 - 0.5 / fig_h))
    fig.text(left, 0.08 / fig_h, SOURCE_LINE, fontsize=fontsize - 1, color="#444444", ha="left",
             va="bottom")
    return KitFigure(fig, alt_text(sub, n_rows=len(rows), essay=mark), _ids(sub["sources"]), note=SOURCE_LINE)


def _ids(column) -> tuple[str, ...]:
    return tuple(dict.fromkeys(i for ids in column for i in ids))
