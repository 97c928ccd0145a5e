"""Charts of published numbers (module 04): battlegroup strength and exercise estimates.

Not maps: each plots what someone published, as points, with who published it and what it
counts. Each takes its table as an argument (loaded from ``data/`` when not given) and returns a
:class:`~coursekit.figures.KitFigure`.
"""

from __future__ import annotations

import textwrap
from typing import TYPE_CHECKING

from coursekit.figcache import cached
from coursekit.figures import KitFigure
from coursekit.maps.style import BLUE, GREEN, ORANGE, PURPLE, TEXT
from coursekit.maps.toolkit import country_handle, finish, freeze_ticks, ids, or_load, source_line, the

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

_HOST_ORDER = ("EST", "LVA", "LTU", "POL", "SVK", "HUN", "ROU", "BGR")
_KIND_STYLE = {"NATO published": ("o", "published by NATO"), "government": ("s", "published by a government"),
               "secondary report": ("D", "secondary report (news)")}
ESSAY_DATE = "2019-05-01"
"""Where charts mark the essay (the kit dates it to 19 April to 17 May 2019)."""


@cached
def efp_strength_chart(*, strength: pd.DataFrame | None = None,
                       battlegroups: pd.DataFrame | None = None) -> KitFigure:
    """Published troop figures for each battlegroup, one panel per host, as points only.

    Nothing is interpolated: years without a published figure stay empty. Filled markers are
    exact figures, hollow markers rounded or qualified ones ("about", "more than"); the marker's
    shape tells who published the figure. A dashed line marks the essay (spring 2019).
    ``strength`` and ``battlegroups`` are the tables of ``data/efp_strength.csv`` and
    ``data/efp_battlegroups.csv`` (loaded when not given).
    """
    import matplotlib.dates as mdates
    import matplotlib.pyplot as plt
    import pandas as pd
    from matplotlib.lines import Line2D

    s = or_load(strength, "load_efp_strength")
    bgs = or_load(battlegroups, "load_efp_battlegroups").set_index("host_iso3")
    fig, axes = plt.subplots(2, 4, figsize=(13, 8.2), sharex=True, sharey=True)
    fig.subplots_adjust(left=0.06, right=0.99, top=0.76, bottom=0.1, hspace=0.3, wspace=0.08)
    essay = pd.Timestamp(ESSAY_DATE)
    apart = s["note"].fillna("").str.contains("not comparable")  # drawn, and labelled as such
    last = s["published"].max()
    top = max(2200.0, float(s["troops"].max()) * 1.15)
    for ax, iso in zip(axes.flat, _HOST_ORDER, strict=True):
        sub = s[s["host_iso3"] == iso]
        colour = BLUE if bgs.loc[iso, "established"].year < 2022 else ORANGE
        for kind, (marker, _) in _KIND_STYLE.items():
            part = sub[sub["figure_kind"] == kind]
            exact = part["qualifier"].isna()
            if exact.any():
                ax.scatter(part.loc[exact, "published"], part.loc[exact, "troops"].astype(float), marker=marker,
                           s=60, color=colour, edgecolor="black", linewidth=0.8, zorder=3)
            if (~exact).any():
                ax.scatter(part.loc[~exact, "published"], part.loc[~exact, "troops"].astype(float), marker=marker,
                           s=60, facecolor="white", edgecolor=colour, linewidth=2, zorder=3)
        ax.axvline(essay, color="#555555", linestyle="--", linewidth=1)
        ax.axvspan(bgs.loc[iso, "established"], pd.Timestamp("2025-12-31"), color="#eeeeee", zorder=0)
        ax.set_title(f"{bgs.loc[iso, 'host']} (led by {the(bgs.loc[iso, 'framework_nation'])})", fontsize=10.5)
        for row in sub[apart.loc[sub.index]].itertuples():
            ax.annotate("not comparable:\nsee its note", (row.published, row.troops), xytext=(-6, 0),
                        textcoords="offset points", ha="right", va="center", fontsize=8.5, color="#333333")
        ax.grid(axis="y", color="#dddddd", linewidth=0.6)
        ax.set_ylim(0, top)
        ax.set_xlim(pd.Timestamp("2016-07-01"), pd.Timestamp(f"{last.year + 1}-01-01"))
        ax.xaxis.set_major_locator(mdates.YearLocator(2))
        ax.xaxis.set_major_formatter(mdates.DateFormatter("%Y"))
        ax.tick_params(labelsize=9.5)
    axes[0, 0].annotate("essay\n(spring 2019)", (essay, top * 0.98), xytext=(4, 0), textcoords="offset points",
                        fontsize=9, va="top", color="#333333")
    for ax in axes[:, 0]:
        ax.set_ylabel("troops", fontsize=10)
    who = [Line2D([], [], marker=m, linestyle="none", color="#888888", markeredgecolor="black", markersize=8,
                  label=lab) for m, lab in _KIND_STYLE.values()]
    what = [Line2D([], [], marker="o", linestyle="none", color=BLUE, markeredgecolor="black", markersize=8,
                   label="exact figure, battlegroup of 2017"),
            Line2D([], [], marker="o", linestyle="none", color=ORANGE, markeredgecolor="black", markersize=8,
                   label="exact figure, battlegroup of 2022"),
            Line2D([], [], marker="o", linestyle="none", markerfacecolor="white", markeredgecolor="#333333",
                   markeredgewidth=2, markersize=8, label="rounded figure ('about', 'more than')")]
    when = [Line2D([], [], color="#555555", linestyle="--", label="the essay (spring 2019)"),
            country_handle("#eeeeee", "battlegroup in place")]
    for x, group, title in ((0.015, who, "Shape: who published it"), (0.3, what, "Fill: how exact"),
                            (0.62, when, "Background")):
        fig.legend(handles=group, loc="upper left", bbox_to_anchor=(x, 0.9), fontsize=9.5, frameon=False,
                   title=title, title_fontsize=9.5, alignment="left")
    total = int(s.loc[s["published"] == "2022-06-28", "troops"].sum())
    per_host = "; ".join(
        f"{bgs.loc[i, 'host']}: " + ", ".join(
            f"{(q + ' ') if isinstance(q, str) else ''}{int(t):,} ({d:%b %Y})"
            for t, q, d in zip(g["troops"], g["qualifier"], g["published"], strict=True))
        for i, g in ((i, s[s["host_iso3"] == i].sort_values("published")) for i in _HOST_ORDER))
    unlike = " ".join(f"{bgs.loc[r.host_iso3, 'host']}'s figure of {r.published:%B %Y} is labelled not comparable: "
                      f"{r.note}" for r in s[apart].itertuples())
    alt = (f"Eight small charts, one per battlegroup, of {len(s)} published troop figures from "
           f"{s['published'].min().year} to {last.year}, shown as points with no lines between them; years without a "
           f"figure stay empty. NATO's figures of 28 June 2022 add up to {total:,} troops in eight battlegroups. A "
           f"dashed line marks the essay in spring 2019; no figure from 2018 to 2021 is in the kit's data. Figures by "
           f"host: {per_host}. {unlike}").strip()
    source = source_line("data/efp_strength.csv: NATO press office via LSM (June 2022), governments and news "
                          "reports (the rest)")
    freeze_ticks(axes[0, 0])  # the panels share their axes, and so their ticks
    return finish(fig, "Troops in NATO's battlegroups: every published figure, gaps left as gaps", source,
                   ids(s["source"]), alt,
                   subtitle="A point is a figure someone published, not a count: between points we know nothing.")


_EST_STYLE = {"official": ("o", BLUE, "Official (Russia or Belarus)"),
              "independent": ("s", GREEN, "Independent estimate"),
              "western_official": ("^", ORANGE, "Western government or its observer"),
              "ukrainian_official": ("D", PURPLE, "Ukrainian government")}


@cached
def exercise_estimates_chart(name: str = "Zapad 2017", *, exercises: pd.DataFrame | None = None) -> KitFigure:
    """Troop estimates for one exercise side by side on a logarithmic axis, each with what it counts.

    Ranges are drawn as bars from their low to their high figure. Compare figures only within the
    same scope: the line under each name says what the figure counts. ``exercises`` is the table
    of ``data/exercises.csv`` (loaded when not given).
    """
    import matplotlib.pyplot as plt
    import pandas as pd
    from matplotlib.lines import Line2D
    from matplotlib.ticker import FuncFormatter

    ex = or_load(exercises, "load_exercises")
    names = list(dict.fromkeys(ex["name"]))
    if name not in names:
        raise ValueError(f"no exercise {name!r} in data/exercises.csv; choose one of: {', '.join(names)}.")
    sub = ex[ex["name"] == name].sort_values("troops").reset_index(drop=True)
    height = 2.3 + 0.8 * len(sub)
    fig, ax = plt.subplots(figsize=(11, height))
    fig.subplots_adjust(left=0.4, right=0.97, top=1 - 1.35 / height, bottom=0.95 / height)
    labels = []
    for i, row in sub.iterrows():
        marker, colour, _ = _EST_STYLE[row["estimate_kind"]]
        hi = row["troops_max"]
        ranged = not pd.isna(hi)
        if ranged:
            ax.plot([row["troops"], hi], [i, i], color=colour, linewidth=6, alpha=0.5, solid_capstyle="butt")
            ax.scatter([row["troops"], hi], [i, i], marker=marker, s=75, color=colour, edgecolor="black", zorder=3)
            value, right = f"{int(row['troops']):,} to {int(hi):,}", float(hi)
        else:
            qual = f"{row['qualifier']} " if isinstance(row["qualifier"], str) else ""
            ax.scatter([row["troops"]], [i], marker=marker, s=75, color=colour, edgecolor="black", zorder=3)
            value, right = f"{qual}{int(row['troops']):,}", float(row["troops"])
        ax.annotate(value, (right, i), xytext=(9, 0), textcoords="offset points", va="center", fontsize=10,
                    color=TEXT)
        labels.append(textwrap.fill(row["who"], 50) + "\n" + textwrap.fill(f"counts: {row['scope']}", 54))
    ax.set_yticks(range(len(sub)), labels, fontsize=9)
    ax.set_xscale("log")
    ax.set_xlim(2000, 700_000)
    ax.set_xticks([2_000, 5_000, 10_000, 20_000, 50_000, 100_000, 200_000, 500_000])
    ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{int(v):,}"))
    ax.set_xlabel("troops (logarithmic scale: equal steps multiply the number)", fontsize=10)
    ax.grid(axis="x", color="#dddddd", linewidth=0.6)
    ax.set_ylim(-0.6, len(sub) - 0.4)
    kinds = [k for k in _EST_STYLE if k in set(sub["estimate_kind"])]
    handles = [Line2D([], [], marker=_EST_STYLE[k][0], color=_EST_STYLE[k][1], linestyle="none",
                      markeredgecolor="black", markersize=8, label=_EST_STYLE[k][2]) for k in kinds]
    fig.legend(handles=handles, loc="upper left", bbox_to_anchor=(0.4, 1 - 0.78 / height), ncol=len(handles),
               fontsize=9, frameon=False, columnspacing=1.2, handletextpad=0.3)
    start, end = sub["start"].iloc[0], sub["end"].iloc[0]
    listed = "; ".join(
        f"{r.who}: " + (f"{r.qualifier} " if isinstance(r.qualifier, str) else "") + f"{r.troops:,}"
        + (f" to {int(r.troops_max):,}" if not pd.isna(r.troops_max) else "") + f" ({r.scope})"
        for r in sub.itertuples())
    alt = (f"Dot chart of {len(sub)} troop estimates for {name} ({start:%d %B} to {end:%d %B %Y}) on a logarithmic "
           f"axis, marker shape by who made the estimate. {listed}.")
    freeze_ticks(ax)
    return finish(fig, f"{name}: how many troops? Estimates side by side", source_line(
        "data/exercises.csv (ministries, mostly via TASS; governments, observers and research as cited per row)"),
        ids(sub["source"]), alt, subtitle="Figures often count different things: read what each one counts.")
