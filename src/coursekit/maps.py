"""Map recipes for the region: every map comes with a title, a legend, a source line and alt text.

Each recipe returns a matplotlib ``Figure`` and sets two attributes on it:

- ``fig.coursekit_alt``: a description for screen readers that gives the map's key numbers
  (:func:`coursekit.figures.show` uses it when you pass no ``alt``);
- ``fig.coursekit_sources``: the source ids behind the figure, for the notebook's Sources section.

Maps are drawn in ETRS89-LAEA (``geo.METRIC``, EPSG:3035), an equal-area projection for
Europe, inside a frame that follows the chosen meridians and parallels. Nothing relies on colour
alone: accession waves carry year labels and hatches, markers differ in shape, occupied territory
is hatched and labelled. Colours come from colour-blind-safe palettes (Okabe-Ito, ColorBrewer
YlGnBu).

>>> from coursekit import maps
>>> fig = maps.suwalki_map()                     # doctest: +SKIP
>>> fig.coursekit_alt[:27]                       # doctest: +SKIP
'Map of the Suwałki gap on t'
>>> maps.measures()[["key", "km"]].round(0)      # doctest: +SKIP
"""

from __future__ import annotations

import math
import textwrap
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

from coursekit import geo

if TYPE_CHECKING:  # pragma: no cover
    import geopandas as gpd
    import pandas as pd
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

# --- style ---------------------------------------------------------------------------------

SEA = "#dceaf4"
LAND = "#e3e3e0"
"""Fill of countries that are neither NATO members (where shown) nor Russia or Belarus."""
BORDER = "#8a8a8a"
ALLY = "#f5e9c8"
"""Fill of NATO members where waves are not shown (forward-presence and Suwałki maps)."""
RUSSIA_BELARUS = "#b0b0b0"
TEXT = "#222222"
SOURCE_GREY = "#444444"
BLUE, ORANGE, VERMILION, GREEN, PURPLE = "#0072B2", "#E69F00", "#D55E00", "#009E73", "#CC79A7"
"""Okabe-Ito colours (colour-blind safe)."""

EUROPE = (-25.0, 34.5, 45.5, 71.5)
"""Default extent of Europe-wide maps: (west, south, east, north) in degrees."""
EAST_FLANK = (12.5, 41.8, 36.0, 60.3)
"""Extent of the forward-presence map: from the Baltic Sea to the Black Sea."""
SUWALKI = (21.4, 53.45, 26.4, 55.2)
"""Extent of the Suwałki gap map."""


def _laea(lon: float, lat: float) -> str:
    """A Lambert azimuthal equal-area projection centred on (lon, lat): the EPSG:3035 recipe, moved."""
    return f"+proj=laea +lat_0={lat:g} +lon_0={lon:g} +x_0=0 +y_0=0 +ellps=GRS80 +units=m +no_defs"


SUWALKI_CRS = _laea(24.0, 54.3)
"""Display CRS of the Suwałki map, centred on the gap so that north is up (lengths: EPSG:3035)."""
EAST_FLANK_CRS = _laea(24.0, 51.0)
BLACK_SEA_CRS = _laea(34.0, 46.0)
BLACK_SEA = (28.0, 42.6, 40.5, 49.6)
"""Extent of the Crimea maps."""

BASEMAP_SOURCES = ("naturalearth-2018-admin0-4-1", "worldatlas-2-0-2")
CRIMEA_SOURCES = ("un-2014-ga-res-68-262", "un-2018-ga-res-73-263")
OCCUPIED_LABEL = "Crimea: Ukraine, occupied by Russia since 2014"
BASEMAP_CREDIT = "Natural Earth 4.1 via world-atlas 2.0.2 (Crimea drawn as Ukraine: UN GA res. 68/262)"

#: NATO accession waves: (first year, last year, legend text, colour, hatch, hatch colour).
#: ColorBrewer YlGnBu, darker = earlier; the hatches and year labels tell waves apart without colour.
WAVES = (
    (1949, 1949, "1949: the 12 founders", "#0c2c84", "", "#ffffff"),
    (1950, 1989, "1952–1982: Greece, Türkiye, West Germany, Spain", "#225ea8", "///", "#ffffff"),
    (1990, 1999, "1999: Czechia, Hungary, Poland", "#1d91c0", "\\\\\\", "#ffffff"),
    (2000, 2004, "2004: seven, among them the Baltic states", "#41b6c4", "...", "#0c2c84"),
    (2005, 2020, "2009–2020: Albania, Croatia, Montenegro, North Macedonia", "#7fcdbb", "xx", "#225ea8"),
    (2021, 2100, "2023–2024: Finland, Sweden", "#c7e9b4", "---", "#225ea8"),
)

#: Where the year labels of small members go (lon, lat of the text); a thin line joins label and country.
_YEAR_LABEL_AT = {"LUX": (2.4, 52.45), "SVN": (13.0, 44.3), "MNE": (18.0, 41.7), "ALB": (18.7, 39.2)}


# --- frames, layout, labels ----------------------------------------------------------------


def _halo(width: float = 3.0) -> list:
    import matplotlib.patheffects as pe

    return [pe.withStroke(linewidth=width, foreground="white")]


def _xy(lon: float, lat: float, crs: str = geo.METRIC) -> tuple[float, float]:
    """A lon/lat point in ``crs`` coordinates (default ``geo.METRIC``, metres)."""
    return geo._transformer(geo.WGS84, crs).transform(lon, lat)


def _check_extent(extent: Sequence[float]) -> tuple[float, float, float, float]:
    if len(extent) != 4:
        raise ValueError("extent must be (west, south, east, north) in degrees, e.g. (20, 53, 27, 56).")
    w, s, e, n = (float(v) for v in extent)
    if not (-180 <= w < e <= 180 and -90 <= s < n <= 90):
        raise ValueError(f"extent {tuple(extent)} must be (west, south, east, north) in degrees, with "
                         "west < east and south < north.")
    return w, s, e, n


def _box_outline(extent: Sequence[float], crs: str = geo.METRIC):
    """The lon/lat box ``extent`` as a polygon in ``crs`` (its edges follow meridians and parallels)."""
    import numpy as np
    from shapely.geometry import Polygon

    w, s, e, n = _check_extent(extent)
    k = 60
    lons = np.concatenate([np.linspace(w, e, k), np.full(k, e), np.linspace(e, w, k), np.full(k, w)])
    lats = np.concatenate([np.full(k, s), np.linspace(s, n, k), np.full(k, n), np.linspace(n, s, k)])
    x, y = geo._transformer(geo.WGS84, crs).transform(lons, lats)
    return Polygon(zip(x, y, strict=True))


def _check_extent_in_scale(extent: Sequence[float], scale: str) -> None:
    w, s, e, n = _check_extent(extent)
    x0, y0, x1, y1 = geo.EXTENTS[geo._check_scale(scale)]
    if w < x0 or s < y0 or e > x1 or n > y1:
        raise ValueError(f"extent {tuple(extent)} reaches beyond the {scale} basemap ({x0:g}..{x1:g} E, "
                         f"{y0:g}..{y1:g} N); use scale='50m' or a smaller extent.")


def _countries(scale: str, crs: str = geo.METRIC) -> gpd.GeoDataFrame:
    """The basemap in ``crs``."""
    return geo.load_basemap(scale).to_crs(crs)


def _map_figure(extent: Sequence[float], *, width: float = 10.0, panels: int = 1, legend_rows: int = 0,
                subtitle: bool = True, panel_titles: bool = False, crs: str = geo.METRIC) -> tuple[Figure, list[Axes]]:
    """A figure sized to the map: header (title), map panel(s), legend rows, source line."""
    import matplotlib.pyplot as plt

    x0, y0, x1, y1 = _box_outline(extent, crs).bounds
    pad, gap = 0.15, 0.25
    map_w = (width - 2 * pad - gap * (panels - 1)) / panels
    map_h = map_w * (y1 - y0) / (x1 - x0)
    header = (0.95 if subtitle else 0.6) + (0.35 if panel_titles else 0.0)
    legend_h = 0.25 * legend_rows + 0.3 if legend_rows else 0.0
    footer = 0.55
    height = header + map_h + legend_h + footer
    fig = plt.figure(figsize=(width, height))
    fig.coursekit_tight = False  # laid out to the inch: rendering skips the costly tight-bbox pass
    axes = []
    for i in range(panels):
        ax = fig.add_axes(((pad + i * (map_w + gap)) / width, (footer + legend_h) / height, map_w / width,
                           map_h / height))
        _frame(ax, extent, crs)
        axes.append(ax)
    fig.coursekit_legend_y = (footer + legend_h - 0.1) / height
    return fig, axes


def _frame(ax: Axes, extent: Sequence[float], crs: str = geo.METRIC) -> None:
    """Limits, sea colour and a white mask outside the lon/lat box (hides the data's clip edges)."""
    from matplotlib.patches import PathPatch
    from matplotlib.path import Path
    from shapely.geometry import box
    from shapely.geometry.polygon import orient

    outline = _box_outline(extent, crs)
    x0, y0, x1, y1 = outline.bounds
    ax.set_xlim(x0, x1)
    ax.set_ylim(y0, y1)
    ax.set_aspect("equal")
    ax.set_facecolor(SEA)
    ax.set_xticks([])
    ax.set_yticks([])
    ax.coursekit_map = True
    for spine in ax.spines.values():
        spine.set_visible(False)
    m = 0.02 * max(x1 - x0, y1 - y0)
    mask = box(x0 - m, y0 - m, x1 + m, y1 + m).difference(outline.buffer(0))
    polys = [orient(poly, sign=1.0) for poly in getattr(mask, "geoms", [mask])]  # holes wind the other way
    rings = [ring for poly in polys for ring in (poly.exterior, *poly.interiors)]
    path = Path.make_compound_path(*(Path(list(r.coords), closed=True) for r in rings))
    ax.add_patch(PathPatch(path, facecolor="white", edgecolor="none", zorder=5))
    ax.plot(*outline.exterior.xy, color="#777777", linewidth=0.8, zorder=5.1)


def _clean(ax: Axes) -> None:
    ax.set_xlabel("")
    ax.set_ylabel("")


def _finish(fig: Figure, title: str, source: str, ids: Iterable[str], alt: str, *,
            subtitle: str | None = None, handles: list | None = None, ncol: int = 2,
            legend_title: str | None = None) -> Figure:
    """Title, subtitle, legend below the map, source line, alt text and source ids."""
    height = fig.get_figheight()
    fig.suptitle(title, x=0.015, y=1 - 0.12 / height, ha="left", va="top", fontsize=14, fontweight="bold")
    if subtitle:
        fig.text(0.015, 1 - 0.5 / height, subtitle, ha="left", va="top", fontsize=10.5, color=SOURCE_GREY)
    if handles:
        fig.legend(handles=handles, loc="upper left", bbox_to_anchor=(0.015, fig.coursekit_legend_y), ncol=ncol,
                   fontsize=9, frameon=False, handleheight=1.4, handlelength=2.2, title=legend_title,
                   title_fontsize=9.5, alignment="left", columnspacing=1.6)
    width_chars = int(fig.get_figwidth() * 13.5)
    fig.text(0.015, 0.08 / height, "\n".join(textwrap.wrap(source, width_chars)), ha="left", va="bottom",
             fontsize=8.5, color=SOURCE_GREY)
    for ax in fig.axes:
        if getattr(ax, "coursekit_map", False):
            _clean(ax)
    fig.coursekit_alt = alt
    fig.coursekit_sources = list(dict.fromkeys(ids))
    return fig


def _source_line(*parts: str) -> str:
    return "Sources: " + "; ".join(parts) + "; see the Sources section."


def _ids(column: Iterable[Iterable[str]]) -> list[str]:
    return list(dict.fromkeys(i for ids in column for i in ids))


def _country_handle(colour: str, label: str, hatch: str = "", hatch_colour: str | None = None):
    from matplotlib.patches import Patch

    kw = {"hatchcolor": hatch_colour} if hatch_colour else {}
    return Patch(facecolor=colour, edgecolor=BORDER, hatch=hatch, linewidth=0.8, label=label, **kw)


def _occupied_handle():
    from matplotlib.patches import Patch

    return Patch(facecolor="white", edgecolor="#333333", hatch="////", linewidth=0.8,
                 label="Occupied by Russia (Crimea, since 2014)")


def _draw_occupied(ax: Axes, label_at: tuple[float, float] | None, fontsize: float = 8.5,
                   facecolor: str = "white", crs: str = geo.METRIC) -> None:
    """The occupied layer, hatched, with its label (``label_at``: lon/lat of the text, or None)."""
    occ = geo.load_occupied().to_crs(crs)
    occ.plot(ax=ax, facecolor=facecolor, edgecolor="#333333", hatch="////", linewidth=0.8, zorder=3,
             gid="occupied")
    if label_at is not None:
        point = occ.geometry.iloc[0].representative_point()
        ax.annotate(OCCUPIED_LABEL.replace(", occupied", ",\noccupied"), xy=(point.x, point.y),
                    xytext=_xy(*label_at, crs), fontsize=fontsize, ha="center", va="center", color=TEXT,
                    path_effects=_halo(), zorder=8,
                    arrowprops={"arrowstyle": "-", "color": "#333333", "lw": 0.8, "shrinkA": 3, "shrinkB": 0})


def _largest_part_point(geom) -> tuple[float, float]:
    import shapely

    biggest = max(shapely.get_parts(geom), key=lambda p: p.area)
    p = biggest.representative_point()
    return p.x, p.y


def _name_label(ax: Axes, text: str, lon: float, lat: float, fontsize: float = 9.5, crs: str = geo.METRIC,
                **kw: Any) -> None:
    ax.text(*_xy(lon, lat, crs), text, ha="center", va="center", fontsize=fontsize, color=TEXT,
            fontweight=kw.pop("fontweight", "bold"), path_effects=_halo(), zorder=7, **kw)


def _pointer_label(ax: Axes, text: str, at: tuple[float, float], text_at: tuple[float, float],
                   fontsize: float = 8.5, crs: str = geo.METRIC, **kw: Any) -> None:
    """A label placed at lon/lat ``text_at`` with a thin line to lon/lat ``at``."""
    ax.annotate(text, _xy(*at, crs), xytext=_xy(*text_at, crs), fontsize=fontsize, ha="center", va="center", color=TEXT,
                path_effects=_halo(), zorder=8,
                arrowprops={"arrowstyle": "-", "color": "#333333", "lw": 0.7, "shrinkA": 3, "shrinkB": 0}, **kw)


def _the(country: str) -> str:
    """A country's name as used in running text ("the United States", "Germany")."""
    return f"the {country}" if country.startswith(("United ", "Netherlands", "Czech Republic")) else country


def _extent_words(extent: Sequence[float]) -> str:
    w, s, e, n = extent

    def ew(v: float) -> str:
        return f"{abs(v):g}°{'E' if v >= 0 else 'W'}"

    return f"the area from {ew(w)} to {ew(e)} and from {s:g}°N to {n:g}°N"


# --- the base map --------------------------------------------------------------------------


def base_map(ax: Axes | None = None, extent: Sequence[float] = EUROPE, scale: str = "50m", *,
             title: str | None = None, occupied_label_at: tuple[float, float] | None = (34.5, 43.1)) -> Figure:
    """Countries in light grey with their borders, and occupied Crimea hatched and labelled.

    ``extent`` is (west, south, east, north) in degrees; ``scale`` is ``"50m"`` (Europe) or
    ``"10m"`` (the Suwałki zoom area only, see ``geo.EXTENTS``). ``occupied_label_at`` places the
    Crimea label (lon, lat), or None for no label. Without ``ax`` a new figure gets a title, a
    legend, a source line and alt text; with ``ax`` the layers are drawn on that axes (with a legend
    inside it) and its figure is returned. Add your own layers to ``fig.axes[0]`` with
    :func:`add_points`, or plot GeoDataFrames in ``geo.METRIC`` on it.
    """
    _check_extent_in_scale(extent, scale)
    handles = [_country_handle(LAND, "Country (borders as drawn by Natural Earth)"), _occupied_handle()]
    title = title or f"Countries of Europe (Natural Earth, 1:{scale})"
    alt = (f"Map of {_extent_words(extent)} showing country borders at 1:{scale} in light grey; Crimea is "
           "drawn as part of Ukraine and hatched as territory occupied by Russia since 2014.")
    ids = [*BASEMAP_SOURCES, *CRIMEA_SOURCES]
    own = ax is None
    if own:
        fig, (ax,) = _map_figure(extent, legend_rows=2, subtitle=False)
    else:
        _frame(ax, extent)
        fig = ax.figure
    _countries(scale).plot(ax=ax, facecolor=LAND, edgecolor=BORDER, linewidth=0.6, zorder=1)
    w, s, e, n = extent
    label_at = occupied_label_at if occupied_label_at and w <= occupied_label_at[0] <= e \
        and s <= occupied_label_at[1] <= n else None
    _draw_occupied(ax, label_at)
    if own:
        return _finish(fig, title, _source_line(BASEMAP_CREDIT), ids, alt, handles=handles, ncol=1)
    _clean(ax)
    ax.legend(handles=handles, loc="lower left", fontsize=9, framealpha=0.95)
    ax.set_title(title, loc="left", fontsize=12)
    fig.coursekit_alt = alt
    fig.coursekit_sources = ids
    return fig


def add_points(ax: Axes, points: gpd.GeoDataFrame, *, label: str, text: str | None = None,
               marker: str = "o", color: str = TEXT, size: float = 40, fontsize: float = 9,
               offset: tuple[float, float] = (5, 3)) -> None:
    """Draw a point layer (any CRS) on a kit map, label each point from column ``text``, and add
    the layer to the map's legend under ``label``.

    >>> fig = base_map(extent=(19, 52, 29, 57))                                    # doctest: +SKIP
    >>> add_points(fig.axes[0], capitals, label="Capital", text="name")            # doctest: +SKIP
    """
    from matplotlib.lines import Line2D

    if points.crs is None:
        raise ValueError("the points have no CRS; make them with geo.points_gdf(...) or .set_crs('EPSG:4326').")
    pts = points.to_crs(geo.METRIC)
    ax.scatter(pts.geometry.x, pts.geometry.y, marker=marker, s=size, color=color, edgecolor="black",
               linewidth=0.7, zorder=6)
    if text is not None:
        for x, y, t in zip(pts.geometry.x, pts.geometry.y, pts[text], strict=True):
            ax.annotate(str(t), (x, y), xytext=offset, textcoords="offset points", fontsize=fontsize,
                        color=TEXT, path_effects=_halo(), zorder=7)
    handle = Line2D([], [], marker=marker, linestyle="none", markersize=math.sqrt(size), color=color,
                    markeredgecolor="black", label=label)
    fig = ax.figure
    if fig.legends:  # a kit figure: the legend sits below the map
        old = fig.legends[0]
        handles = [*old.legend_handles, handle]
        anchor = old.get_bbox_to_anchor().transformed(fig.transFigure.inverted())
        old.remove()
        fig.legend(handles=handles, loc="upper left", bbox_to_anchor=(anchor.x0, anchor.y0 + anchor.height),
                   ncol=1, fontsize=9, frameon=False, handleheight=1.4, handlelength=2.2)
    else:
        legend = ax.get_legend()
        handles = [*(legend.legend_handles if legend is not None else []), handle]
        ax.legend(handles=handles, loc="lower left", fontsize=9, framealpha=0.95)


# --- NATO enlargement ----------------------------------------------------------------------


def nato_enlargement_map(year: int | None = None) -> Figure:
    """NATO's members, coloured, hatched and labelled by the year they joined.

    ``year`` shows the Alliance at the end of that year (1949 onwards); None shows every member
    in ``data/nato_members.csv``. Today's borders are drawn for every year. Russia and Belarus are
    shaded and named; occupied Crimea is hatched.
    """
    from coursekit.datasets import load_nato_members

    nato = load_nato_members()
    last = int(nato["accession_date"].dt.year.max())
    if year is not None:
        if isinstance(year, bool) or not isinstance(year, int):
            raise TypeError(f"year must be a whole number such as 2004, not {year!r}.")
        if year < 1949:
            raise ValueError(f"NATO was founded in 1949: choose a year from 1949 on, not {year}.")
    shown = nato if year is None else nato[nato["accession_date"].dt.year <= year]
    joined = dict(zip(shown["iso3"], shown["accession_date"].dt.year, strict=True))

    fig, (ax,) = _map_figure(EUROPE, width=11.0, legend_rows=5)
    world = _countries("50m")
    world["joined"] = world["iso3"].map(joined)
    rus_blr = world["iso3"].isin(["RUS", "BLR"])
    world[world["joined"].isna() & ~rus_blr].plot(ax=ax, facecolor=LAND, edgecolor=BORDER, linewidth=0.5, zorder=1)
    world[rus_blr].plot(ax=ax, facecolor=RUSSIA_BELARUS, edgecolor=BORDER, linewidth=0.5, zorder=1)
    members = world[world["joined"].notna()]
    waves_shown = []
    for wave in WAVES:
        sub = members[members["joined"].between(wave[0], wave[1])]
        if sub.empty:
            continue
        waves_shown.append(wave)
        sub.plot(ax=ax, facecolor=wave[3], edgecolor=BORDER, linewidth=0.5, hatch=wave[4], hatchcolor=wave[5],
                 zorder=2)
    occupied = year is None or year >= 2014
    if occupied:
        _draw_occupied(ax, (34.5, 43.1), facecolor=LAND)
    _year_labels(ax, members)
    _name_label(ax, "RUSSIA", 38.5, 57.0, fontsize=11)
    _name_label(ax, "BELARUS", 28.0, 53.4, fontsize=8.5)
    _name_label(ax, "UKRAINE", 31.5, 49.0, fontsize=8.5, fontweight="normal")
    _pointer_label(ax, "Kaliningrad\n(Russia)", (21.2, 54.75), (18.2, 55.5), fontsize=7.5)
    handles = [_country_handle(w[3], _wave_label(w, shown), w[4], w[5]) for w in waves_shown]
    handles += [_country_handle(LAND, "Not a NATO member" + (f" at the end of {year}" if year else "")),
                _country_handle(RUSSIA_BELARUS, "Russia and Belarus")]
    handles += [_occupied_handle()] if occupied else []
    notes = "Canada and the United States (founders, 1949) lie off the map. Today's borders are drawn for every year."
    if year is not None and 1955 <= year < 1990:
        notes += " Until 1990 only West Germany was a member."
    ax.text(0.01, 0.99, "\n".join(textwrap.wrap(notes, 48)), transform=ax.transAxes, ha="left", va="top",
            fontsize=8.5, color=TEXT, zorder=9)
    n = len(shown)
    title = f"NATO at the end of {year}: {n} members" if year is not None else f"NATO enlargement, 1949–{last}"
    by_wave = []
    for wave in waves_shown:
        rows = shown[shown["accession_date"].dt.year.between(wave[0], wave[1])]
        listed = ", ".join(f"{c} ({d.year})" for c, d in zip(rows["country"], rows["accession_date"], strict=True))
        by_wave.append(f"{_wave_label(wave, shown).split(':')[0]}: {listed}")
    when = f"at the end of {year}" if year is not None else f"from 1949 to {last}"
    alt = (f"Map of Europe showing NATO's {n} members {when}, each coloured from dark blue (earliest) to pale green "
           "(latest) by the year it joined, hatched by wave and labelled with that year. " + ". ".join(by_wave)
           + ". Russia and Belarus are shaded grey and named"
           + ("; Crimea is hatched as Ukrainian territory occupied by Russia since 2014" if occupied else "")
           + ". Canada and the United States lie off the map.")
    ids = [*BASEMAP_SOURCES, *CRIMEA_SOURCES, *_ids(shown["source"])]
    source = _source_line(BASEMAP_CREDIT, "accession dates: NATO and member governments (data/nato_members.csv)")
    lead = f"{n} members. " if year is None else ""
    return _finish(fig, title, source, ids, alt, handles=handles, ncol=2, legend_title="Members by year of joining",
                   subtitle=lead + "Colour, hatch and the year printed on each country show when it joined.")


def _wave_label(wave: tuple, shown: pd.DataFrame) -> str:
    """Legend text of a wave: its years and members among those shown."""
    rows = shown[shown["accession_date"].dt.year.between(wave[0], wave[1])]
    years = sorted(set(rows["accession_date"].dt.year))
    span = str(years[0]) if len(years) == 1 else f"{years[0]}–{years[-1]}"
    if wave[0] == 1949:
        return f"{span}: the {len(rows)} founders"
    names = [("West Germany" if c == "Germany" else c) for c in rows["country"]]
    return f"{span}: " + ", ".join(names)


def _year_labels(ax: Axes, members: gpd.GeoDataFrame) -> None:
    for row in members.itertuples():
        x, y = _largest_part_point(row.geometry)
        text = str(int(row.joined))
        if row.iso3 in _YEAR_LABEL_AT:
            ax.annotate(text, (x, y), xytext=_xy(*_YEAR_LABEL_AT[row.iso3]), fontsize=8, ha="center",
                        va="center", color=TEXT, path_effects=_halo(2.5), zorder=8,
                        arrowprops={"arrowstyle": "-", "color": "#333333", "lw": 0.6, "shrinkA": 2, "shrinkB": 0})
        else:
            size = 7 if row.iso3 in ("MKD", "NLD", "BEL") else 8
            ax.text(x, y, text, fontsize=size, ha="center", va="center", color=TEXT, path_effects=_halo(2.5),
                    zorder=8)


# --- forward presence ----------------------------------------------------------------------

#: Label offsets (points) from each battlegroup marker, and text alignment.
_BG_LABEL = {
    "EST": ((-11, 0), "right"), "LVA": ((-11, 0), "right"), "LTU": ((-9, 17), "right"),
    "POL": ((-11, -3), "right"), "SVK": ((-11, 9), "right"), "HUN": ((-11, -9), "right"),
    "ROU": ((11, 5), "left"), "BGR": ((11, -2), "left"),
}


def forward_presence_map(year: int = 2024) -> Figure:
    """NATO's forward-presence battlegroups in ``year``, with Russian military sites in Belarus.

    Battlegroups of 2017 are squares, those of 2022 triangles, each labelled with its host and
    framework nation (as recorded in ``data/efp_battlegroups.csv``). Russian sites in Belarus
    (Hantsavichy, Vileyka) are diamonds. Points are the towns the data name (see their
    ``location_note``), not the bases' own positions.
    """
    from matplotlib.lines import Line2D

    from coursekit.datasets import load_efp_battlegroups, load_efp_strength, load_military_sites, load_nato_members

    if isinstance(year, bool) or not isinstance(year, int):
        raise TypeError(f"year must be a whole number such as 2019, not {year!r}.")
    bgs = load_efp_battlegroups()
    # One comparable snapshot for every battlegroup: NATO's figures of 28 June 2022 (from 2022 on).
    strength = load_efp_strength()
    snapshot = strength[(strength["figure_kind"] == "NATO published")
                        & (strength["published"].astype(str).str.startswith("2022-06-28"))] if year >= 2022 else \
        strength.iloc[0:0]
    troops = dict(zip(snapshot["host_iso3"], snapshot["troops"], strict=True))
    sites = load_military_sites()
    nato = load_nato_members()
    members = set(nato.loc[nato["accession_date"].dt.year <= year, "iso3"])
    shown = bgs[bgs["established"].dt.year <= year]

    crs = EAST_FLANK_CRS
    fig, (ax,) = _map_figure(EAST_FLANK, width=9.5, legend_rows=4, crs=crs)
    world = _countries("50m", crs)
    rus_blr = world["iso3"].isin(["RUS", "BLR"])
    world[~world["iso3"].isin(members) & ~rus_blr].plot(ax=ax, facecolor=LAND, edgecolor=BORDER, linewidth=0.6,
                                                        zorder=1)
    world[world["iso3"].isin(members)].plot(ax=ax, facecolor=ALLY, edgecolor=BORDER, linewidth=0.6, zorder=1)
    world[rus_blr].plot(ax=ax, facecolor=RUSSIA_BELARUS, edgecolor=BORDER, linewidth=0.6, zorder=1)
    _draw_occupied(ax, (33.0, 43.3), fontsize=8.5, facecolor=LAND, crs=crs)
    for text, lon, lat, size in (("BELARUS", 28.0, 53.35, 11), ("RUSSIA", 33.5, 57.4, 11), ("UKRAINE", 31.0, 49.3, 10)):
        _name_label(ax, text, lon, lat, fontsize=size, crs=crs)
    _pointer_label(ax, "Kaliningrad\n(Russia)", (20.6, 54.65), (18.4, 54.35), fontsize=9, fontweight="bold", crs=crs)
    styles = {2017: ("s", BLUE, "Battlegroup since 2017 (decided at the 2016 Warsaw Summit)"),
              2022: ("^", ORANGE, "Battlegroup since 2022 (agreed in March 2022)")}
    for row in shown.itertuples():
        marker, colour, _ = styles[2017 if row.established.year < 2022 else 2022]
        x, y = _xy(row.lon, row.lat, crs)
        ax.scatter([x], [y], marker=marker, s=130, color=colour, edgecolor="black", linewidth=0.9, zorder=6)
        (dx, dy), ha = _BG_LABEL.get(row.host_iso3, ((9, 0), "left"))
        n = troops.get(row.host_iso3)
        strength_line = f"\n{int(n):,} troops (June 2022)" if n else ""
        ax.annotate(f"{row.host}\nled by {_the(row.framework_nation)}{strength_line}", (x, y), xytext=(dx, dy),
                    textcoords="offset points", ha=ha, va="center", fontsize=9.5, color=TEXT,
                    path_effects=_halo(), zorder=7)
    for row in sites.itertuples():
        vileyka = "Vileyka" in row.name
        text = ("Russian Navy communication\ncentre near Vileyka" if vileyka
                else "Russian early-warning radar\n(Volga) near Hantsavichy")
        x, y = _xy(row.lon, row.lat, crs)
        ax.scatter([x], [y], marker="D", s=75, color=VERMILION, edgecolor="black", linewidth=0.9, zorder=6)
        ax.annotate(text, (x, y), xytext=(9, 8 if vileyka else -9), textcoords="offset points", ha="left",
                    va="center", fontsize=8.5, color=TEXT, path_effects=_halo(), zorder=7)
    years = {2017 if y < 2022 else 2022 for y in shown["established"].dt.year}
    handles = [Line2D([], [], marker=m, linestyle="none", markersize=10 if m == "s" else 11, color=c,
                      markeredgecolor="black", label=lab) for k, (m, c, lab) in styles.items() if k in years]
    handles += [Line2D([], [], marker="D", linestyle="none", markersize=8, color=VERMILION, markeredgecolor="black",
                       label="Russian military site in Belarus"),
                _country_handle(ALLY, f"NATO member in {year}"), _country_handle(RUSSIA_BELARUS, "Russia, Belarus"),
                _country_handle(LAND, "Other country"), _occupied_handle()]
    n17 = int((shown["established"].dt.year < 2022).sum())
    n22 = len(shown) - n17
    title = (f"NATO's forward presence in {year}: no battlegroups yet" if shown.empty
             else f"NATO's forward presence in {year}: {len(shown)} battlegroups")
    listed = "; ".join(f"{r.host} (led by {_the(r.framework_nation)}, at {r.base}, since {r.established:%B %Y})"
                       for r in shown.itertuples())
    alt = (f"Map of NATO's eastern flank from the Baltic Sea to the Black Sea in {year}. "
           + (f"{n17} battlegroups of 2017 (squares)" + (f" and {n22} of 2022 (triangles)" if n22 else "")
              + f": {listed}. " if len(shown) else
              "No forward-presence battlegroup existed yet; the first four arrived in 2017. ")
           + "Diamonds mark two Russian military sites in Belarus: the Volga early-warning radar near Hantsavichy "
           "and the Russian Navy's communication centre near Vileyka. Belarus, Russia and its Kaliningrad exclave "
           "are shaded grey, NATO members cream; Crimea is hatched as Ukrainian territory occupied by Russia.")
    if troops:
        alt += (" Labels give NATO's published strength of 28 June 2022: "
                + "; ".join(f"{r.host} {int(troops[r.host_iso3]):,}" for r in shown.itertuples()
                            if r.host_iso3 in troops) + ".")
    ids = [*BASEMAP_SOURCES, *CRIMEA_SOURCES, *_ids(shown["source"]), *_ids(sites["source"]),
           *_ids(snapshot["source"])]
    source = _source_line(BASEMAP_CREDIT, "battlegroups: NATO and national governments (data/efp_battlegroups.csv)",
                          "sites: TASS, Interfax (data/military_sites.csv)"
                          + ("; strength: NATO figures of 28 June 2022 via LSM (data/efp_strength.csv)"
                             if troops else ""))
    return _finish(fig, title, source, ids, alt, handles=handles, ncol=2,
                   subtitle="Markers sit at the bases' towns. Framework nations rotate; labels show those in the "
                            "kit's data.")


# --- the Suwałki gap -----------------------------------------------------------------------


def _shared_border(scale: str, a: str, b: str):
    """The border two countries share on the basemap, as lines in lon/lat."""
    import shapely

    world = geo.load_basemap(scale).set_index("iso3")
    shared = world.loc[a, "geometry"].boundary.intersection(world.loc[b, "geometry"].boundary)
    lines = [g for g in shapely.get_parts(shared) if g.geom_type in ("LineString", "LinearRing")]
    return shapely.line_merge(shapely.multilinestrings(lines))


def _vilnius_to_belarus(scale: str) -> tuple[float, Any]:
    """Distance (km) from Vilnius's point in places.csv to Belarus, and the line (lon/lat)."""
    import shapely
    from shapely.geometry import Point

    from coursekit.datasets import load_places

    places = load_places().set_index("name")
    vilnius = Point(places.loc["Vilnius", "lon"], places.loc["Vilnius", "lat"])
    blr = geo.load_basemap(scale).set_index("iso3").loc["BLR", "geometry"]
    line_m = shapely.shortest_line(geo.to_metric(vilnius), geo.to_metric(blr))
    return float(line_m.length / 1000.0), geo._reproject(line_m, geo.METRIC, geo.WGS84)


def measures() -> pd.DataFrame:
    """The kit's own measures around the Suwałki gap, each computed in EPSG:3035.

    Columns: ``key``, ``measure`` (what is measured), ``scale`` (of the basemap) and ``km``.
    Straight lines barely change with the scale; borders grow longer on the more detailed map.

    >>> m = measures().set_index("key")
    >>> bool(60 < m.loc["gap_10m", "km"] < 72)
    True
    """
    import pandas as pd

    rows = [(f"gap_{s}", "Straight line, Belarus to Kaliningrad (shortest)", s, geo.gap_km(s).km)
            for s in geo.SCALES]
    rows += [(f"border_{s}", "Poland–Lithuania border, length as drawn", s, geo.border_length_km("POL", "LTU", s))
             for s in geo.SCALES]
    rows.append(("vilnius_10m", "Vilnius (city-centre point) to the nearest point of Belarus", "10m",
                 _vilnius_to_belarus("10m")[0]))
    df = pd.DataFrame(rows, columns=["key", "measure", "scale", "km"])
    df["scale"] = "1:" + df["scale"]
    return df


def suwalki_map(scale: str = "10m") -> Figure:
    """Zoom on the Suwałki gap: the shortest straight line Belarus–Kaliningrad with its length, the
    Polish–Lithuanian border highlighted with its length as drawn, and Vilnius with its distance to
    the Belarusian border. Every length is measured in EPSG:3035 on the basemap of ``scale``.
    """
    import shapely
    from matplotlib.lines import Line2D

    from coursekit.datasets import load_places

    _check_extent_in_scale(SUWALKI, scale)
    crs = SUWALKI_CRS
    gap = geo.gap_km(scale)
    border_km = geo.border_length_km("POL", "LTU", scale)
    vil_km, vil_line = _vilnius_to_belarus(scale)
    fig, (ax,) = _map_figure(SUWALKI, width=10.0, legend_rows=3, crs=crs)
    world = _countries(scale, crs)
    allies = world["iso3"].isin(["POL", "LTU", "LVA"])
    rus_blr = world["iso3"].isin(["RUS", "BLR"])
    world[allies].plot(ax=ax, facecolor=ALLY, edgecolor=BORDER, linewidth=0.8, zorder=1)
    world[rus_blr].plot(ax=ax, facecolor=RUSSIA_BELARUS, edgecolor=BORDER, linewidth=0.8, zorder=1)
    world[~allies & ~rus_blr].plot(ax=ax, facecolor=LAND, edgecolor=BORDER, linewidth=0.8, zorder=1)
    border = geo._reproject(_shared_border(scale, "POL", "LTU"), geo.WGS84, crs)
    for part in shapely.get_parts(border):
        ax.plot(*part.xy, color=ORANGE, linewidth=6, solid_capstyle="round", zorder=3)
        ax.plot(*part.xy, color="#5a3a00", linewidth=0.9, zorder=3.1)
    line = geo._reproject(gap.line, geo.WGS84, crs)
    ax.plot(*line.xy, color="black", linewidth=2.8, zorder=4)
    ax.scatter(*line.xy, s=34, color="black", zorder=4)
    mid = line.interpolate(0.5, normalized=True)
    ax.annotate(f"{gap.km:.0f} km in a straight line\nfrom Belarus to Kaliningrad", (mid.x, mid.y),
                xytext=(-95, -62), textcoords="offset points", fontsize=11, fontweight="bold", ha="center",
                color=TEXT, path_effects=_halo(), zorder=8, arrowprops={"arrowstyle": "-", "color": "black", "lw": 0.8})
    longest = max(shapely.get_parts(border), key=lambda p: p.length)
    top = longest.interpolate(0.3, normalized=True)
    ax.annotate(f"Poland–Lithuania border:\n{border_km:.0f} km as drawn at 1:{scale}", (top.x, top.y),
                xytext=(80, 58), textcoords="offset points", fontsize=11, fontweight="bold", ha="center",
                color=TEXT, path_effects=_halo(), zorder=8,
                arrowprops={"arrowstyle": "-", "color": "#5a3a00", "lw": 0.9})
    vline = geo._reproject(vil_line, geo.WGS84, crs)
    ax.plot(*vline.xy, color="black", linewidth=2.0, linestyle=(0, (4, 2)), zorder=4)
    towns = geo.points_gdf(load_places().set_index("name").loc[["Vilnius", "Suwałki"]].reset_index())
    pts = towns.to_crs(crs)
    ax.scatter(pts.geometry.x, pts.geometry.y, marker="o", s=60, color="white", edgecolor="black", linewidth=1.5,
               zorder=6)
    for name, p in zip(towns["name"], pts.geometry, strict=True):
        off = (-9, 7) if name == "Vilnius" else (-9, -6)
        ax.annotate(name, (p.x, p.y), xytext=off, textcoords="offset points", ha="right", fontsize=11, color=TEXT,
                    path_effects=_halo(), zorder=7)
    ax.annotate(f"{vil_km:.0f} km to Belarus", vline.coords[-1], xytext=(-20, -26), textcoords="offset points",
                ha="center", fontsize=11, fontweight="bold", color=TEXT, path_effects=_halo(), zorder=8)
    for text, lon, lat, size in (("BELARUS", 25.4, 53.75, 14), ("RUSSIA\n(Kaliningrad)", 21.95, 54.85, 11),
                                 ("POLAND", 22.2, 53.65, 14), ("LITHUANIA", 23.8, 55.0, 14)):
        _name_label(ax, text, lon, lat, fontsize=size, crs=crs)
    _scale_bar(ax, 50, (25.3, 53.55), crs)
    handles = [
        Line2D([], [], color="black", linewidth=2.8,
               label=f"Shortest straight line, Belarus–Kaliningrad: {gap.km:.0f} km"),
        Line2D([], [], color=ORANGE, linewidth=6, label=f"Poland–Lithuania border: {border_km:.0f} km as drawn"),
        Line2D([], [], color="black", linewidth=2.0, linestyle=(0, (4, 2)),
               label=f"Vilnius to the Belarusian border: {vil_km:.0f} km"),
        Line2D([], [], marker="o", linestyle="none", color="white", markeredgecolor="black", markersize=8,
               label="Town (GeoNames point)"),
        _country_handle(ALLY, "NATO member"), _country_handle(RUSSIA_BELARUS, "Russia, Belarus"),
    ]
    alt = (f"Map of the Suwałki gap on the 1:{scale} basemap. A straight black line joins the nearest points of "
           f"Belarus and Russia's Kaliningrad exclave: {gap.km:.0f} km. The Poland–Lithuania border between them "
           f"is highlighted in orange and measures {border_km:.0f} km as drawn on this generalised map (the "
           f"official length is longer). A dashed line shows that Vilnius lies {vil_km:.0f} km from the Belarusian "
           "border. Suwałki, the Polish town that gives the gap its name, is marked.")
    source = _source_line(f"Natural Earth 4.1 (1:{scale}) via world-atlas 2.0.2", "town points: GeoNames",
                          "lengths measured by the kit in ETRS89-LAEA (EPSG:3035); map drawn in a LAEA centred on "
                          "the gap so that north is up")
    return _finish(fig, "The Suwałki gap, measured on the kit's basemap", source,
                   [*BASEMAP_SOURCES, "geonames-cities500"], alt, handles=handles, ncol=2,
                   subtitle="Three distances, three different things measured: say which one you quote.")


def _scale_bar(ax: Axes, km: int, at: tuple[float, float], crs: str = geo.METRIC) -> None:
    x, y = _xy(*at, crs)
    ax.plot([x, x + km * 1000], [y, y], color="black", linewidth=3.5, solid_capstyle="butt", zorder=9)
    ax.text(x + km * 500, y + 2500, f"{km} km (approx.)", ha="center", va="bottom", fontsize=9.5,
            path_effects=_halo(), zorder=9)


# --- Crimea: what stock maps draw ----------------------------------------------------------


def crimea_map() -> Figure:
    """Two panels: Crimea as Natural Earth 4.1 draws it (in Russia, by de facto control) and as the
    kit draws it (in Ukraine, hatched as occupied). The left panel is rebuilt from the kit's own
    layers (Ukraine minus the occupied outline, Russia plus it): the raw file is not shipped.
    """
    import geopandas as gpd

    crs = BLACK_SEA_CRS
    world = _countries("50m", crs)
    crimea = geo.load_occupied().to_crs(crs).geometry.iloc[0]
    ukr = world.loc[world["iso3"] == "UKR", "geometry"].iloc[0]
    rus = world.loc[world["iso3"] == "RUS", "geometry"].iloc[0]
    fig, axes = _map_figure(BLACK_SEA, width=12.0, panels=2, legend_rows=1, subtitle=True, panel_titles=True,
                            crs=crs)
    ukr_fill, rus_fill = "#f1e2a0", RUSSIA_BELARUS
    others = world[~world["iso3"].isin(["UKR", "RUS"])]
    for ax, stock in zip(axes, (True, False), strict=True):
        others.plot(ax=ax, facecolor=LAND, edgecolor=BORDER, linewidth=0.6)
        if stock:
            gpd.GeoSeries([ukr.difference(crimea.buffer(3000))], crs=crs).plot(
                ax=ax, facecolor=ukr_fill, edgecolor=BORDER, linewidth=0.6)
            gpd.GeoSeries([rus.union(crimea)], crs=crs).plot(ax=ax, facecolor=rus_fill, edgecolor=BORDER,
                                                              linewidth=0.6)
            _pointer_label(ax, "Crimea drawn\nas part of Russia", (34.1, 45.3), (32.4, 43.7), fontsize=10.5, crs=crs)
            ax.set_title("As Natural Earth 4.1 draws it (de facto control)", loc="left", fontsize=11.5)
        else:
            world[world["iso3"] == "UKR"].plot(ax=ax, facecolor=ukr_fill, edgecolor=BORDER, linewidth=0.6)
            world[world["iso3"] == "RUS"].plot(ax=ax, facecolor=rus_fill, edgecolor=BORDER, linewidth=0.6)
            _draw_occupied(ax, (32.4, 43.7), fontsize=10.5, facecolor=ukr_fill, crs=crs)
            ax.set_title("As this kit draws it (UN General Assembly resolution 68/262)", loc="left", fontsize=11.5)
        _name_label(ax, "UKRAINE", 31.5, 48.6, fontsize=12, crs=crs)
        _name_label(ax, "RUSSIA", 39.0, 48.0, fontsize=12, crs=crs)
    handles = [_country_handle(ukr_fill, "Ukraine"), _country_handle(rus_fill, "Russia"), _occupied_handle()]
    alt = ("Two maps of the Black Sea region side by side. Left: Crimea coloured and labelled as part of Russia, the "
           "way Natural Earth 4.1 draws borders by de facto control. Right: the same peninsula coloured as part of "
           "Ukraine and hatched and labelled as territory occupied by Russia since 2014, the way the kit draws it "
           "following UN General Assembly resolution 68/262, which affirms Ukraine's territorial integrity.")
    source = _source_line("Natural Earth 4.1 (1:50m) via world-atlas 2.0.2, occupied outline at 1:10m",
                          "left panel rebuilt from the kit's layers", "UN GA resolutions 68/262 and 73/263")
    return _finish(fig, "One peninsula, two maps: who drew the border?", source, [*BASEMAP_SOURCES, *CRIMEA_SOURCES],
                   alt, handles=handles, ncol=3,
                   subtitle="The same data can be drawn two ways; a map maker chooses, and should say so.")


# --- projections ---------------------------------------------------------------------------

PROJECTION_CRS = (("EPSG:4326", "longitude and latitude, in degrees"), ("EPSG:3857", "Web Mercator, in metres"),
                  ("EPSG:3035", "ETRS89-LAEA Europe, in metres"))


def projection_panels(radius_km: float = 300.0, centres: Sequence[tuple[float, float]] = (
        (-3.0, 40.0), (23.0, 40.0), (5.0, 55.0), (26.0, 55.0), (16.0, 67.0))) -> Figure:
    """The same circles on the ground (``radius_km`` around each lon/lat centre) drawn in three
    coordinate reference systems: EPSG:4326 (degrees), EPSG:3857 (Web Mercator) and EPSG:3035
    (ETRS89-LAEA). Equal circles keep an equal size only in the equal-area projection.
    """
    import geopandas as gpd
    from matplotlib.lines import Line2D
    from pyproj import Geod
    from shapely.geometry import Polygon

    geod = Geod(ellps="WGS84")
    circles = []
    for lon, lat in centres:
        lons, lats, _ = geod.fwd([lon] * 72, [lat] * 72, list(range(0, 360, 5)), [radius_km * 1000.0] * 72)
        circles.append(Polygon(zip(lons, lats, strict=True)))
    rings = gpd.GeoSeries(circles, crs=geo.WGS84)
    extent = (-12.0, 35.0, 40.0, 71.0)
    import matplotlib.pyplot as plt

    fig = plt.figure(figsize=(14, 6.9))
    fig.coursekit_legend_y = 0.135
    lefts = (0.01, 0.34, 0.67)
    for left, (crs, what) in zip(lefts, PROJECTION_CRS, strict=True):
        ax = fig.add_axes((left, 0.2, 0.32, 0.62))
        world = _countries("50m", crs)
        _frame(ax, extent, crs)
        world.plot(ax=ax, facecolor=LAND, edgecolor=BORDER, linewidth=0.4, zorder=1)
        world[world["iso3"] == "BLR"].plot(ax=ax, facecolor=RUSSIA_BELARUS, edgecolor="#555555", linewidth=0.6,
                                           hatch="..", zorder=2)
        rings.to_crs(crs).plot(ax=ax, facecolor="none", edgecolor=VERMILION, linewidth=2, zorder=3)
        ax.set_title(f"{crs}\n{what}", fontsize=11)
    handles = [Line2D([], [], color=VERMILION, linewidth=2, label=f"Circle of {radius_km:g} km radius on the ground"),
               _country_handle(RUSSIA_BELARUS, "Belarus", "..")]
    alt = (f"Three maps of Europe side by side, in EPSG:4326, EPSG:3857 and EPSG:3035, each with the same "
           f"{len(circles)} circles of {radius_km:g} km radius on the ground and Belarus shaded. In degrees "
           "(EPSG:4326) the circles turn into ovals, wide in the north and tall in the south; in Web Mercator "
           "(EPSG:3857) they stay round but grow towards the north, so that the circle at 67°N looks about twice as "
           "wide as those at 40°N; in ETRS89-LAEA (EPSG:3035) all circles look about the same.")
    return _finish(fig, "The same circles on the ground in three coordinate reference systems",
                   _source_line(BASEMAP_CREDIT, "CRS definitions: EPSG dataset via pyproj",
                                "circles computed on the WGS84 ellipsoid with pyproj"),
                   [*BASEMAP_SOURCES, *CRIMEA_SOURCES, "iogp-epsg-dataset"], alt, handles=handles, ncol=2,
                   subtitle="Which map would you measure distances on?")


# --- charts of published numbers ------------------------------------------------------------

_HOST_ORDER = ("EST", "LVA", "LTU", "POL", "SVK", "HUN", "ROU", "BGR")
_KIND_STYLE = {"NATO published": ("o", "published by NATO"), "government": ("s", "published by a government"),
               "secondary report": ("D", "secondary report (news)")}
ESSAY_DATE = "2019-05-01"
"""Where charts mark the essay (the kit dates it to 19 April to 17 May 2019)."""


def efp_strength_chart() -> Figure:
    """Published troop figures for each battlegroup, one panel per host, as points only.

    Nothing is interpolated: years without a published figure stay empty. Filled markers are
    exact figures, hollow markers rounded or qualified ones ("about", "more than"); the marker's
    shape tells who published the figure. A dashed line marks the essay (spring 2019).
    """
    import matplotlib.dates as mdates
    import matplotlib.pyplot as plt
    import pandas as pd
    from matplotlib.lines import Line2D

    from coursekit.datasets import load_efp_battlegroups, load_efp_strength

    s = load_efp_strength()
    bgs = load_efp_battlegroups().set_index("host_iso3")
    fig, axes = plt.subplots(2, 4, figsize=(13, 8.2), sharex=True, sharey=True)
    fig.subplots_adjust(left=0.06, right=0.99, top=0.76, bottom=0.1, hspace=0.3, wspace=0.08)
    fig.coursekit_legend_y = 0.0
    essay = pd.Timestamp(ESSAY_DATE)
    for ax, iso in zip(axes.flat, _HOST_ORDER, strict=True):
        sub = s[s["host_iso3"] == iso]
        colour = BLUE if bgs.loc[iso, "established"].year < 2022 else ORANGE
        for kind, (marker, _) in _KIND_STYLE.items():
            part = sub[sub["figure_kind"] == kind]
            exact = part["qualifier"].isna()
            ax.scatter(part.loc[exact, "published"], part.loc[exact, "troops"].astype(float), marker=marker, s=60,
                       color=colour, edgecolor="black", linewidth=0.8, zorder=3)
            ax.scatter(part.loc[~exact, "published"], part.loc[~exact, "troops"].astype(float), marker=marker,
                       s=60, facecolor="white", edgecolor=colour, linewidth=2, zorder=3)
        ax.axvline(essay, color="#555555", linestyle="--", linewidth=1)
        ax.axvspan(bgs.loc[iso, "established"], pd.Timestamp("2025-12-31"), color="#eeeeee", zorder=0)
        ax.set_title(f"{bgs.loc[iso, 'host']} (led by {_the(bgs.loc[iso, 'framework_nation'])})", fontsize=10.5)
        ax.grid(axis="y", color="#dddddd", linewidth=0.6)
        ax.set_ylim(0, 2200)
        ax.set_xlim(pd.Timestamp("2016-07-01"), pd.Timestamp("2024-01-01"))
        ax.xaxis.set_major_locator(mdates.YearLocator(2))
        ax.xaxis.set_major_formatter(mdates.DateFormatter("%Y"))
        ax.tick_params(labelsize=9.5)
    axes[0, 0].annotate("essay\n(spring 2019)", (essay, 2150), xytext=(4, 0), textcoords="offset points",
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
            _country_handle("#eeeeee", "battlegroup in place")]
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
    alt = (f"Eight small charts, one per battlegroup, of {len(s)} published troop figures from 2017 to 2023, shown "
           f"as points with no lines between them; years without a figure stay empty. NATO's figures of 28 June 2022 "
           f"add up to {total:,} troops in eight battlegroups. A dashed line marks the essay in spring 2019; no "
           f"figure from 2018 to 2021 is in the kit's data. Figures by host: {per_host}.")
    source = _source_line("data/efp_strength.csv: NATO press office via LSM (June 2022), governments and news "
                          "reports (the rest)")
    return _finish(fig, "Troops in NATO's battlegroups: every published figure, gaps left as gaps", source,
                   _ids(s["source"]), alt,
                   subtitle="A point is a figure someone published, not a count: between points we know nothing.")


_EST_STYLE = {"official": ("o", BLUE, "Official (Russia or Belarus)"),
              "independent": ("s", GREEN, "Independent estimate"),
              "western_official": ("^", ORANGE, "Western government or its observer"),
              "ukrainian_official": ("D", PURPLE, "Ukrainian government")}


def exercise_estimates_chart(name: str = "Zapad 2017") -> Figure:
    """Troop estimates for one exercise side by side on a logarithmic axis, each with what it counts.

    Ranges are drawn as bars from their low to their high figure. Compare figures only within the
    same scope: the line under each name says what the figure counts.
    """
    import matplotlib.pyplot as plt
    import pandas as pd
    from matplotlib.lines import Line2D
    from matplotlib.ticker import FuncFormatter

    from coursekit.datasets import load_exercises

    ex = load_exercises()
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
    fig.coursekit_legend_y = 0.0
    start, end = sub["start"].iloc[0], sub["end"].iloc[0]
    listed = "; ".join(
        f"{r.who}: " + (f"{r.qualifier} " if isinstance(r.qualifier, str) else "") + f"{r.troops:,}"
        + (f" to {int(r.troops_max):,}" if not pd.isna(r.troops_max) else "") + f" ({r.scope})"
        for r in sub.itertuples())
    alt = (f"Dot chart of {len(sub)} troop estimates for {name} ({start:%d %B} to {end:%d %B %Y}) on a logarithmic "
           f"axis, marker shape by who made the estimate. {listed}.")
    return _finish(fig, f"{name}: how many troops? Estimates side by side", _source_line(
        "data/exercises.csv (ministries, mostly via TASS; governments, observers and research as cited per row)"),
        _ids(sub["source"]), alt, subtitle="Figures often count different things: read what each one counts.")


__all__ = [
    "base_map", "add_points", "nato_enlargement_map", "forward_presence_map", "suwalki_map", "measures",
    "crimea_map", "projection_panels", "efp_strength_chart", "exercise_estimates_chart",
]


# --- what lies within reach ----------------------------------------------------------------

REACH = (18.0, 48.3, 36.5, 58.3)


def within_reach_map(km: float = 100, iso3: str = "BLR") -> Figure:
    """The area within ``km`` of a country's border (default: Belarus), and the places in it.

    The band is buffered in EPSG:3035, so its width is a true distance; places from
    ``data/places.csv`` that lie in it are marked and labelled with their distance.
    """
    import geopandas as gpd
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    from coursekit.datasets import load_nato_members, load_places

    if isinstance(km, bool) or not isinstance(km, int | float) or not 0 < km <= 400:
        raise ValueError(f"km must be a distance between 1 and 400, got {km!r}.")
    crs = EAST_FLANK_CRS
    places = load_places()
    near = geo.within_km(geo.points_gdf(places), iso3, km)
    members = set(load_nato_members()["iso3"])
    world = _countries("50m", crs)
    name = world.loc[world["iso3"] == iso3, "name"].iloc[0]
    fig, (ax,) = _map_figure(REACH, width=9.0, legend_rows=3, crs=crs)
    rus_blr = world["iso3"].isin(["RUS", "BLR"])
    world[~world["iso3"].isin(members) & ~rus_blr].plot(ax=ax, facecolor=LAND, edgecolor=BORDER, linewidth=0.6,
                                                        zorder=1)
    world[world["iso3"].isin(members)].plot(ax=ax, facecolor=ALLY, edgecolor=BORDER, linewidth=0.6, zorder=1)
    world[rus_blr].plot(ax=ax, facecolor=RUSSIA_BELARUS, edgecolor=BORDER, linewidth=0.6, zorder=1)
    band = gpd.GeoSeries([geo.buffer_km(iso3, km)], crs=geo.WGS84).to_crs(crs)
    band.plot(ax=ax, facecolor="none", edgecolor=PURPLE, hatch="...", linewidth=1.4, zorder=2)
    _draw_occupied(ax, None, facecolor=LAND, crs=crs)
    _name_label(ax, name.upper(), 28.0, 53.35, fontsize=11, crs=crs)
    for row in near.itertuples():
        x, y = _xy(row.lon, row.lat, crs)
        ax.scatter([x], [y], marker="o", s=45, color="white", edgecolor="black", linewidth=1.2, zorder=6)
        ax.annotate(f"{row.name}\n{row.km:.0f} km", (x, y), xytext=(6, 4), textcoords="offset points",
                    fontsize=9, color=TEXT, path_effects=_halo(), zorder=7)
    handles = [Patch(facecolor="none", edgecolor=PURPLE, hatch="...", label=f"Within {km:g} km of {name}"),
               Line2D([], [], marker="o", linestyle="none", markersize=7, color="white", markeredgecolor="black",
                      label="Place named in the course (distance to the border)"),
               _country_handle(ALLY, "NATO member (2024)"), _country_handle(RUSSIA_BELARUS, "Russia, Belarus"),
               _country_handle(LAND, "Other country"), _occupied_handle()]
    listed = "; ".join(f"{r.name} ({r.km:.0f} km)" for r in near.itertuples()) or "none of the course's places"
    alt = (f"Map of {name} and its neighbours with a dotted band {km:g} km wide around {name}'s border, "
           f"measured in EPSG:3035. Places of the course within the band: {listed}. NATO members are cream, "
           "Russia and Belarus grey; Crimea is hatched as Ukrainian territory occupied by Russia.")
    ids = [*BASEMAP_SOURCES, *CRIMEA_SOURCES, *_ids(near["source"])]
    source = _source_line(BASEMAP_CREDIT, "places: data/places.csv",
                          f"band buffered {km:g} km in ETRS89-LAEA (EPSG:3035) on the 1:50m borders")
    return _finish(fig, f"What lies within {km:g} km of {name}?", source, ids, alt, handles=handles, ncol=2,
                   subtitle="Distances run from each place to the nearest point of the border as drawn at 1:50m.")


# --- Russian sites and exercise grounds in Belarus -----------------------------------------

BELARUS = (22.5, 50.5, 33.5, 57.0)
"""Extent of the Belarus map: Belarus and the edges of its neighbours."""
BELARUS_CRS = _laea(28.0, 53.7)

#: Where each ground's label goes (lon, lat of the text), keyed by the first word of its name.
#: The Brest region is crowded, so labels there sit outside the cluster with a line to the point.
_GROUND_LABEL_AT = {
    "Gozhsky": (23.55, 54.45), "Brestsky": (24.25, 51.1), "Ruzhansky": (24.05, 52.65),
    "Domanovsky": (25.0, 51.75), "Obuz-Lesnovsky": (25.55, 53.85), "Osipovichsky": (30.6, 53.0),
    "Borisovsky": (30.55, 54.05), "Lepelsky": (30.35, 55.3),
}
#: Labels of the Russian facilities (lon, lat of the text), keyed by a word of the site's name.
_SITE_LABEL_AT = {"Vileyka": ((26.2, 55.45), "Russian Navy communication\ncentre near Vileyka"),
                  "Baranovichi": ((27.75, 52.25), "Russian early-warning radar\n(Volga) near Hantsavichy")}


def _ground_label(name: str, exercises: Sequence[str]) -> str:
    """A ground's label: its short name, then the exercises it was used in, one a line."""
    short = name.replace(" training ground", "").replace(" range", "")
    return short + "\n" + "\n".join(exercises)


def belarus_military_map(exercise: str | None = None) -> Figure:
    """Russian military facilities in Belarus and the training grounds of the joint exercises.

    Diamonds mark the two Russian facilities of ``data/military_sites.csv``; triangles the training
    grounds of ``data/exercise_grounds.csv``, each labelled with the exercises it was used in
    (Zapad 2017, Zapad 2021, Zapad 2025, Allied Resolve 2022). ``exercise`` (a name from
    ``data/exercises.csv``) shows only that exercise's grounds. Every marker sits at the town the
    data name (see ``location_note``), not at the range's or facility's own position.
    """
    from matplotlib.lines import Line2D
    from shapely.geometry import box

    from coursekit.datasets import (
        load_exercise_grounds,
        load_exercises,
        load_military_sites,
        load_nato_members,
        load_places,
    )

    names = list(dict.fromkeys(load_exercises()["name"]))
    if exercise is not None and not isinstance(exercise, str):
        raise TypeError(f"exercise must be a name such as 'Zapad 2021', not {exercise!r}.")
    if exercise is not None and exercise not in names:
        raise ValueError(f"no exercise {exercise!r} in data/exercises.csv; choose one of: {', '.join(names)}.")
    grounds = load_exercise_grounds()
    if exercise is not None:
        grounds = grounds[grounds["exercises"].map(lambda ex: exercise in ex)]
    sites = load_military_sites()
    places = load_places().set_index("name")
    capitals = places.loc[["Minsk", "Vilnius"]]
    nato = load_nato_members()

    crs = BELARUS_CRS
    fig, (ax,) = _map_figure(BELARUS, width=10.0, legend_rows=4, crs=crs)
    world = _countries("10m", crs)
    members = set(nato["iso3"])
    rus_blr = world["iso3"].isin(["RUS", "BLR"])
    world[~world["iso3"].isin(members) & ~rus_blr].plot(ax=ax, facecolor=LAND, edgecolor=BORDER, linewidth=0.6,
                                                        zorder=1)
    world[world["iso3"].isin(members)].plot(ax=ax, facecolor=ALLY, edgecolor=BORDER, linewidth=0.6, zorder=1)
    world[rus_blr].plot(ax=ax, facecolor=RUSSIA_BELARUS, edgecolor=BORDER, linewidth=0.6, zorder=1)
    in_view = geo.load_basemap("10m")
    in_view = set(in_view.loc[in_view.intersects(box(*BELARUS)), "iso3"])
    for text, lon, lat, size in (("BELARUS", 28.3, 52.6, 12), ("RUSSIA", 32.3, 55.9, 11),
                                 ("UKRAINE", 27.5, 50.95, 10), ("POLAND", 22.95, 52.7, 9),
                                 ("LITHUANIA", 24.3, 55.75, 9), ("LATVIA", 26.0, 56.6, 9)):
        _name_label(ax, text, lon, lat, fontsize=size, crs=crs)
    _pointer_label(ax, "Kaliningrad\n(Russia)", (22.65, 54.75), (23.35, 55.15), fontsize=8, crs=crs)

    for row in capitals.itertuples():
        x, y = _xy(row.lon, row.lat, crs)
        ax.scatter([x], [y], marker="o", s=40, color="white", edgecolor="black", linewidth=1.1, zorder=6)
        ax.annotate(row.Index, (x, y), xytext=(6, -2), textcoords="offset points", ha="left", va="top",
                    fontsize=9, fontstyle="italic", color=TEXT, path_effects=_halo(), zorder=7)
    for row in sites.itertuples():
        key = next((k for k in _SITE_LABEL_AT if k in row.name), None)
        text_at, text = _SITE_LABEL_AT[key] if key else ((row.lon + 1.2, row.lat), row.name)
        ax.scatter(*_xy(row.lon, row.lat, crs), marker="D", s=75, color=VERMILION, edgecolor="black",
                   linewidth=0.9, zorder=6)
        _pointer_label(ax, text, (row.lon, row.lat), text_at, fontsize=8.5, crs=crs)
    for row in grounds.itertuples():
        ax.scatter(*_xy(row.lon, row.lat, crs), marker="^", s=120, color=BLUE, edgecolor="black", linewidth=0.9,
                   zorder=6)
        text_at = _GROUND_LABEL_AT.get(row.name.split()[0], (row.lon + 1.2, row.lat))
        _pointer_label(ax, _ground_label(row.name, row.exercises), (row.lon, row.lat), text_at, fontsize=8.5,
                       crs=crs, linespacing=1.15)

    which = f"used in {exercise}" if exercise else "used in Zapad 2017, Zapad 2021, Zapad 2025 and Allied Resolve 2022"
    handles = [Line2D([], [], marker="^", linestyle="none", markersize=11, color=BLUE, markeredgecolor="black",
                      label=f"Training ground {which} (at the nearest town)"),
               Line2D([], [], marker="D", linestyle="none", markersize=8, color=VERMILION, markeredgecolor="black",
                      label="Russian military facility (at the nearest town)"),
               Line2D([], [], marker="o", linestyle="none", markersize=7, color="white", markeredgecolor="black",
                      label="Capital"),
               _country_handle(ALLY, "NATO member"), _country_handle(RUSSIA_BELARUS, "Russia, Belarus"),
               _country_handle(LAND, "Other country (Ukraine)")]
    n = len(grounds)
    grounds_word = f"{n} training ground{'' if n == 1 else 's'}"
    title = (f"Russian military sites in Belarus and {grounds_word} used in {exercise}" if exercise
             else f"Russian military sites in Belarus and {grounds_word} of joint exercises")
    listed = "; ".join(f"{r.name} (near {_town(r.location_note)}; {', '.join(r.exercises)})"
                       for r in grounds.itertuples())
    allies = ", ".join(sorted(nato.loc[nato["iso3"].isin(in_view), "country"]))
    alt = (f"Map of Belarus and its neighbours. Triangles mark {n} training grounds in Belarus {which}, each "
           f"labelled with its exercises: {listed}. Diamonds mark two Russian military facilities: the Volga "
           "early-warning radar near Hantsavichy and the Russian Navy's communication centre near Vileyka. Open "
           "circles mark the capitals Minsk and Vilnius. Every marker sits at the nearest town, not at the site's "
           f"own position. NATO members ({allies}) are cream; Russia (with its Kaliningrad exclave) and Belarus "
           "grey; Ukraine light grey.")
    ids = [*BASEMAP_SOURCES, *CRIMEA_SOURCES, *_ids(grounds["source"]), *_ids(sites["source"]),
           *_ids(capitals["source"]), *_ids(nato.loc[nato["iso3"].isin(in_view), "source"])]
    source = _source_line(BASEMAP_CREDIT,
                          "grounds: Belarusian and Russian defence ministries via state media, Interfax, the "
                          "Lithuanian defence ministry, CNN (data/exercise_grounds.csv)",
                          "sites: TASS, Interfax (data/military_sites.csv)", "towns: GeoNames")
    return _finish(fig, title, source, ids, alt, handles=handles, ncol=2,
                   subtitle="Only grounds named by a cited source; markers sit at nearby towns, not at the sites "
                            "themselves.")


def _town(note: str) -> str:
    """The town a ``location_note`` names ("The point is the town of Barysaw (...)" -> "Barysaw")."""
    import re

    match = re.search(r"The point is the (?:town|city|urban settlement) of ([^ (.,]+)", note)
    return match.group(1) if match else "a town (see the data)"


__all__ += ["within_reach_map", "belarus_military_map"]
