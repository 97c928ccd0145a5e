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

from coursekit.figcache import cached
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
    if election is not None and (not isinstance(election, str) or election not in ELECTIONS):
        raise ValueError(f"unknown election type {election!r}; use one of {list(ELECTIONS)} (one name, as text)")
    sub = df if election is None else df[df["election"] == election]
    return pd.DataFrame({
        "year": sub["year"],
        "election": sub["election"],
        "official result": sub["official_result"],
        "ODIHR": sub["observation"].map(LABELS),
        "what observers found": sub["finding"],
    }).reset_index(drop=True)


#: How the chart marks a parliamentary election: a tick on the time axis, in a strip below the shares.
PARLIAMENT_MARKER = "|"
PARLIAMENT_LABEL = "parliamentary election (no vote share)"
STRIP_LABEL = "Parliamentary\nelections"
#: The share axes' height when the chart makes its own figure, and the space around it (inches).
SHARE_HEIGHT, TITLE_SPACE, TICK_SPACE, SOURCE_SPACE = 3.4, 0.45, 0.38, 0.32
#: The strip, in points: its time line lies MARK below its top, boxes hang DROP below the line,
#: GAP apart; BOX_FONT is the boxes' text size.
MARK, DROP, GAP, BOX_FONT = 11.0, 14.0, 8.0, 8


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
        text += (f" {len(parl)} parliamentary elections have no presidential share, so they are not plotted on the "
                 f"scale: a separate strip below the chart, on the same time axis, marks each with a vertical tick "
                 f"and a box saying what it was: {events}.")
    return text + " The chart shows official figures only, not what voters chose."


def _decimal_year(when) -> float:
    return when.year + (when.day_of_year - 1) / 365.25


def _pack(want: list[float], widths: list[float], lo: float, hi: float) -> list[float]:
    """Centres for boxes of ``widths``, in order and GAP apart, within [lo, hi] (widened to the
    right when they need more), each as near its wanted centre as it can be: least squares, where
    boxes that would touch move as one block centred on their wishes."""
    hi = max(hi, lo + sum(widths) + GAP * (len(widths) - 1))
    blocks: list[list[int]] = []  # runs of touching boxes, by index

    def start(block):  # the block's left edge: its boxes' wishes averaged, kept within [lo, hi]
        inner = [sum(widths[block[0]:i]) + GAP * (i - block[0]) for i in block]
        left = sum(want[i] - widths[i] / 2 - off for i, off in zip(block, inner, strict=True)) / len(block)
        width = sum(widths[i] for i in block) + GAP * (len(block) - 1)
        return min(max(left, lo), hi - width), inner

    for i in range(len(want)):
        blocks.append([i])
        while len(blocks) > 1:
            (prev_left, prev_inner), (left, _) = start(blocks[-2]), start(blocks[-1])
            if prev_left + prev_inner[-1] + widths[blocks[-2][-1]] + GAP <= left:
                break
            blocks[-2:] = [blocks[-2] + blocks[-1]]
    centres = []
    for block in blocks:
        left, inner = start(block)
        centres += [left + off + widths[i] / 2 for i, off in zip(block, inner, strict=True)]
    return centres


def _box_sizes(fig, texts: list[str]) -> list[tuple[float, float]]:
    """Width and height, in points, of each text's framed box as the strip draws it."""
    renderer = fig.canvas.get_renderer()
    pad = 2 * 0.25 * BOX_FONT  # the frame's padding on both sides ("round,pad=0.25")
    sizes = []
    for text in texts:
        probe = fig.text(0, 0, text, fontsize=BOX_FONT, linespacing=1.15)
        box = probe.get_window_extent(renderer)
        probe.remove()
        sizes.append((box.width * 72 / fig.dpi + pad, box.height * 72 / fig.dpi + pad))
    return sizes


def _placer(boxes, xs: list[float], widths: list[float], legend):
    """An invisible artist of the strip that, drawn first, sets each box beside the next below its
    tick (:func:`_pack`, within the strip's width as it is at that draw) and the legend past the last
    box, so that no box covers another when a layout engine or a resize changes the strip later."""
    from matplotlib.artist import Artist

    class Placer(Artist):
        def draw(self, renderer) -> None:
            self.place()

        def place(self) -> None:
            strip = self.axes
            to_points = 72 / strip.figure.dpi
            span = strip.bbox.width * to_points
            at = [(strip.transData.transform((x, 0))[0] - strip.bbox.x0) * to_points for x in xs]
            centres = _pack(at, widths, 0.0, span)
            for box, x, centre in zip(boxes, at, centres, strict=True):
                if box.xyann[0] != centre - x:  # set only what moves, so a drawing does not ask for another
                    box.xyann = (centre - x, box.xyann[1])
            anchor = (max(1.01, (centres[-1] + widths[-1] / 2 + GAP) / span), 1)
            if tuple(legend.get_bbox_to_anchor().transformed(strip.transAxes.inverted()).p0) != anchor:
                legend.set_bbox_to_anchor(anchor, transform=strip.transAxes)

    placer = Placer()
    placer.set_zorder(-10)
    placer.set_in_layout(False)
    return placer


def _label_at(axis, axes, points: float) -> None:
    """Put ``axis``'s label ``points`` left of ``axes``' left edge, so that stacked labels line up."""
    from matplotlib.transforms import ScaledTranslation

    axis.set_label_coords(0, 0.5, axes.transAxes + ScaledTranslation(-points / 72, 0, axes.figure.dpi_scale_trans))


def _events_strip(ax, parl: pd.DataFrame, own_figure: bool):
    """The parliamentary elections in a strip of their own below ``ax``, on the same time axis.

    The strip is an inset axes of ``ax`` (``ax.child_axes``) hanging below its tick labels, with no
    y scale (its units are points below its top): a time line, a tick per election and, below it,
    a box saying what it was, the boxes side by side. When the chart made its own figure
    (``own_figure``), the figure's height is set to fit the strip; a caller's axes keep their place
    and need ``TICK_SPACE`` inches plus the strip's depth free below them. Returns the strip, or
    None when there is no parliamentary election to draw.
    """
    fig = ax.figure
    texts = [_parliament_text(r) for r in parl.itertuples()]
    sizes = _box_sizes(fig, texts)
    height = MARK + DROP + max(h for _, h in sizes) + 4 if texts else 0.0
    if own_figure:
        strip_space = TICK_SPACE + height / 72 if height else 0.0
        total = TITLE_SPACE + SHARE_HEIGHT + TICK_SPACE + strip_space + SOURCE_SPACE
        pos = ax.get_position()
        fig.set_size_inches(fig.get_figwidth(), total)
        ax.set_position([pos.x0, (SOURCE_SPACE + TICK_SPACE + strip_space) / total, pos.width, SHARE_HEIGHT / total])
    if not texts:
        return None
    from matplotlib.transforms import ScaledTranslation, blended_transform_factory

    # across: as wide as ax; down: in inches from ax's bottom edge, so the strip keeps its size and
    # distance when a layout engine moves or resizes ax later
    below_ax = blended_transform_factory(ax.transAxes, fig.dpi_scale_trans + ScaledTranslation(0, 0, ax.transAxes))
    strip = ax.inset_axes([0, -(TICK_SPACE + height / 72), 1, height / 72], transform=below_ax, sharex=ax)
    strip.set_ylim(-height, 0)
    strip.set_facecolor("none")
    strip.tick_params(left=False, labelleft=False, bottom=False, labelbottom=False)
    strip.set_yticks([])
    for side in ("top", "right", "bottom", "left"):
        strip.spines[side].set_visible(False)
    strip.axhline(-MARK, color="#aaaaaa", lw=0.8, zorder=1)
    strip.set_ylabel(STRIP_LABEL, fontsize=9)
    _label_at(strip.yaxis, strip, 30)
    xs = [_decimal_year(w) for w in parl["when"]]
    boxes = []
    for r, x, text in zip(parl.itertuples(), xs, texts, strict=True):
        strip.scatter([x], [-MARK], marker=PARLIAMENT_MARKER, s=420, color="#444444", linewidths=2.2, zorder=4,
                      label=PARLIAMENT_LABEL if r.Index == parl.index[0] else None)
        boxes.append(strip.annotate(
            text, (x, -MARK), xytext=(0, -DROP - 0.25 * BOX_FONT), textcoords="offset points", ha="center", va="top",
            fontsize=BOX_FONT, color="#333333", linespacing=1.15, gid="parliament",
            bbox={"boxstyle": "round,pad=0.25", "facecolor": "white", "edgecolor": "#999999", "lw": 0.6},
            arrowprops={"arrowstyle": "-", "color": "#777777", "lw": 0.7, "shrinkA": 0, "shrinkB": 3}))
    legend = strip.legend(loc="upper left", bbox_to_anchor=(1.01, 1), frameon=False, fontsize=9)
    placer = strip.add_artist(_placer(boxes, xs, [w for w, _ in sizes], legend))
    placer.place()  # placed now too, for whoever measures the figure before drawing it
    return strip


@cached
def plot_official_shares(df: pd.DataFrame, ax=None):
    """Lukashenka's official share per presidential election, marked by ODIHR observation.

    The parliamentary elections, which have no such share, are drawn in a strip of their own
    below the share axes (an inset axes sharing its time axis, see :func:`_events_strip`), never
    on the 0–100% scale. Given ``ax``, the chart draws into it and hangs the strip below it, in
    the figure's space under ``ax``: leave room there (about 1.9 inches with the shipped data,
    e.g. ``fig.subplots_adjust(bottom=...)``). Returns a
    :class:`~coursekit.figures.KitFigure`: the chart with a title, legends and a source line, a
    suggested alt text (for :func:`coursekit.figures.show`) and the rows' source ids.
    """
    import matplotlib.pyplot as plt

    pres = df[df["election"] == "presidential"].sort_values("when")
    parl = df[df["election"] == "parliamentary"].sort_values("when")
    if pres.empty:
        raise ValueError("no presidential elections to plot.")
    own_figure = ax is None
    if own_figure:
        fig = plt.figure(figsize=(9, 6))
        ax = fig.add_axes((0.1, 0.3, 0.68, 0.6))  # the height is set once the strip below is laid out
    else:
        fig = ax.figure
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
    years = [*pres["year"], *parl["year"]]
    ax.set_xlim(min(years) - 2, max(years) + 2)
    ax.set_xticks(list(pres["year"]))
    ax.set_ylabel("Lukashenka's official share of the vote (%)")
    _label_at(ax.yaxis, ax, 30)
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
    strip = _events_strip(ax, parl, own_figure)
    below = (strip, -6) if strip is not None else (ax, -TICK_SPACE * 72)  # the source line closes the figure
    below[0].annotate(SOURCE_LINE, xy=(0, 0), xycoords="axes fraction", xytext=(0, below[1]),
                      textcoords="offset points", va="top", fontsize=7.5, color="#444444")
    ids = [i for col in ("result_source", "assessment_source") for row in pres[col] for i in row]
    ids += [i for col in ("result_source", "assessment_source") for row in parl[col] for i in row]
    return KitFigure(fig, alt_text(pres, parl), tuple(ids), note=SOURCE_LINE.removeprefix("Sources: "))
