"""Small helpers every kit map shares: frames, layout, labels, legends, and colouring countries.

A map is built in three steps: :func:`map_canvas` makes a figure sized to the map with its
frame(s); layers are drawn on ``canvas.axes`` (:func:`colour_countries`, :func:`draw_occupied`,
labels); :func:`finish` adds title, legend and source line and returns a
:class:`~coursekit.figures.KitFigure` with alt text and source ids.

The basemap is reprojected once per (scale, CRS) and kept (:func:`countries`), like the
frame's outline and mask and the occupied layer: every map of a session reuses them.
"""

from __future__ import annotations

import math
import textwrap
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from coursekit import geo
from coursekit.figcache import layer
from coursekit.figures import KitFigure, _no_draw
from coursekit.maps.style import (
    BORDER,
    LAND,
    OCCUPIED_EDGE,
    OCCUPIED_LABEL,
    SEA,
    SOURCE_GREY,
    TEXT,
)

if TYPE_CHECKING:  # pragma: no cover
    import geopandas as gpd
    import pandas as pd
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure


def or_load(frame: pd.DataFrame | None, loader: str) -> pd.DataFrame:
    """``frame`` itself, or the kit's table loaded by ``coursekit.datasets.<loader>()`` (defaults of the recipes)."""
    if frame is not None:
        return frame
    from coursekit import datasets

    return getattr(datasets, loader)()


# --- extents and the basemap ---------------------------------------------------------------


def check_extent(extent: Sequence[float]) -> tuple[float, float, float, float]:
    """``extent`` as four floats (west, south, east, north), or a ValueError that says how to write it."""
    if len(extent) != 4:
        raise ValueError("extent must be (west, south, east, north) in degrees, e.g. (20, 53, 27, 56).")
    w, s, e, n = (float(v) for v in extent)
    if not (-180 <= w < e <= 180 and -90 <= s < n <= 90):
        raise ValueError(f"extent {tuple(extent)} must be (west, south, east, north) in degrees, with "
                         "west < east and south < north.")
    return w, s, e, n


def check_extent_in_scale(extent: Sequence[float], scale: str) -> None:
    """A ValueError if ``extent`` reaches beyond the basemap of ``scale``."""
    w, s, e, n = check_extent(extent)
    x0, y0, x1, y1 = geo.EXTENTS[geo.check_scale(scale)]
    if w < x0 or s < y0 or e > x1 or n > y1:
        raise ValueError(f"extent {tuple(extent)} reaches beyond the {scale} basemap ({x0:g}..{x1:g} E, "
                         f"{y0:g}..{y1:g} N); use scale='50m' or a smaller extent.")


def box_outline(extent: Sequence[float], crs: str = geo.METRIC):
    """The lon/lat box ``extent`` as a polygon in ``crs`` (its edges follow meridians and parallels)."""
    return _box_outline(check_extent(extent), crs)


@lru_cache(maxsize=32)
def _box_outline(extent: tuple[float, float, float, float], crs: str):
    import numpy as np
    from shapely.geometry import Polygon

    w, s, e, n = extent
    k = 60
    lons = np.concatenate([np.linspace(w, e, k), np.full(k, e), np.linspace(e, w, k), np.full(k, w)])
    lats = np.concatenate([np.full(k, s), np.linspace(s, n, k), np.full(k, n), np.linspace(n, s, k)])
    x, y = geo.transformer(geo.WGS84, crs).transform(lons, lats)
    return Polygon(zip(x, y, strict=True))


def countries(scale: str = "50m", crs: str = geo.METRIC) -> gpd.GeoDataFrame:
    """The basemap in ``crs``: projected once per (scale, CRS) and kept; the result is a copy to
    change at will.

    Every country is kept, even those outside a map's frame: matplotlib draws a layer of one
    polygon differently (simplified) from a layer of several, so dropping countries would move
    borders by a fraction of a pixel.
    """
    path = geo.basemap_path(scale)
    return _countries(scale, crs, path, path.stat().st_mtime if path.is_file() else 0.0).copy()


@lru_cache(maxsize=16)
def _countries(scale: str, crs: str, path, mtime: float):
    return geo.load_basemap(scale).to_crs(crs)


@lru_cache(maxsize=8)
def occupied(crs: str = geo.METRIC):
    """The occupied layer (``geo.load_occupied``) in ``crs``, kept after the first call; do not change it."""
    return geo.load_occupied().to_crs(crs)


# --- the canvas: figure, frames, finish ----------------------------------------------------


@dataclass
class MapCanvas:
    """A map figure being drawn: the matplotlib ``fig``, its map ``axes`` and where the legend goes."""

    fig: Figure
    axes: list
    legend_y: float


def map_canvas(extent: Sequence[float], *, width: float = 10.0, panels: int = 1, legend_rows: int = 0,
               subtitle: bool = True, panel_titles: bool = False, crs: str = geo.METRIC) -> MapCanvas:
    """A figure sized to the map: header (title), map panel(s), legend rows, source line."""
    import matplotlib.pyplot as plt

    x0, y0, x1, y1 = box_outline(extent, crs).bounds
    pad, gap = 0.15, 0.25
    map_w = (width - 2 * pad - gap * (panels - 1)) / panels
    map_h = map_w * (y1 - y0) / (x1 - x0)
    header = (0.95 if subtitle else 0.6) + (0.35 if panel_titles else 0.0)
    legend_h = 0.25 * legend_rows + 0.3 if legend_rows else 0.0
    footer = 0.55
    height = header + map_h + legend_h + footer
    fig = plt.figure(figsize=(width, height))
    defer_draws(fig)
    axes = []
    for i in range(panels):
        ax = fig.add_axes(((pad + i * (map_w + gap)) / width, (footer + legend_h) / height, map_w / width,
                           map_h / height))
        frame(ax, extent, crs)
        axes.append(ax)
    return MapCanvas(fig, axes, (footer + legend_h - 0.1) / height)


def frame(ax: Axes, extent: Sequence[float], crs: str = geo.METRIC) -> None:
    """Limits, sea colour and a white mask outside the lon/lat box (hides the data's clip edges)."""
    from matplotlib.patches import PathPatch

    outline = box_outline(extent, crs)
    x0, y0, x1, y1 = outline.bounds
    ax.set_xlim(x0, x1)
    ax.set_ylim(y0, y1)
    ax.set_aspect("equal")
    ax.set_facecolor(SEA)
    ax.xaxis.set_visible(False)  # no ticks (set_xticks([]) would first make the ticks it removes)
    ax.yaxis.set_visible(False)
    for spine in ax.spines.values():
        spine.set_visible(False)
    # add_artist, not add_patch: the limits are set above, and add_patch would walk every curve of
    # the mask to widen data limits that nothing reads
    ax.add_artist(PathPatch(_mask_path(check_extent(extent), crs), facecolor="white", edgecolor="none", zorder=5))
    ax.plot(*outline.exterior.xy, color="#777777", linewidth=0.8, zorder=5.1)


@lru_cache(maxsize=32)
def _mask_path(extent: tuple[float, float, float, float], crs: str):
    from matplotlib.path import Path
    from shapely.geometry import box
    from shapely.geometry.polygon import orient

    outline = _box_outline(extent, crs)
    x0, y0, x1, y1 = outline.bounds
    m = 0.02 * max(x1 - x0, y1 - y0)
    mask = box(x0 - m, y0 - m, x1 + m, y1 + m).difference(outline.buffer(0))
    polys = [orient(poly, sign=1.0) for poly in getattr(mask, "geoms", [mask])]  # holes wind the other way
    rings = [ring for poly in polys for ring in (poly.exterior, *poly.interiors)]
    return Path.make_compound_path(*(Path(list(r.coords), closed=True) for r in rings))


def defer_draws(fig: Figure) -> None:
    """Draw ``fig`` once, when it is rendered, not after every layer (undo with :func:`resume_draws`).

    geopandas asks the canvas to redraw after each ``.plot()``; on Agg and in Jupyter's inline
    backend that renders the whole figure every time: a map of six layers was drawn seven times.
    """
    fig.canvas.draw_idle = _no_draw


def resume_draws(fig: Figure) -> None:
    """Give ``fig`` its canvas's own ``draw_idle`` back (after :func:`defer_draws`)."""
    vars(fig.canvas).pop("draw_idle", None)


def freeze_ticks(*axes: Axes) -> None:
    """Compute each axis's ticks and tick labels once and keep them.

    matplotlib asks an axis's locator and formatter again at every layout pass (a dozen times
    per render for a chart of eight panels, with date rules each time). Call this when the
    axes have their final limits and size; the ticks drawn are the same.
    """
    for ax in axes:
        limits = ax.get_xlim(), ax.get_ylim()
        for axis in (ax.xaxis, ax.yaxis):
            for minor in (False, True):
                ticker = axis.minor if minor else axis.major
                locs = axis.get_minorticklocs() if minor else axis.get_majorticklocs()
                labels = ticker.formatter.format_ticks(list(locs))
                axis.set_ticks(locs, labels, minor=minor)
        ax.set_xlim(limits[0])  # set_ticks widens the view to ticks beyond it; keep the limits drawn
        ax.set_ylim(limits[1])


def finish(canvas: MapCanvas | Figure, title: str, source: str, ids: Iterable[str], alt: str, *,
           subtitle: str | None = None, handles: list | None = None, ncol: int = 2,
           legend_title: str | None = None, legend_y: float | None = None,
           tight: bool | None = None) -> KitFigure:
    """Title, subtitle, legend below the map and source line; returns the :class:`KitFigure`.

    ``canvas`` is a :class:`MapCanvas` or a plain matplotlib figure (charts, with ``legend_y``).
    A map canvas is laid out to the inch and renders without trimming (``tight``); charts trim.
    """
    tight = not isinstance(canvas, MapCanvas) if tight is None else tight
    fig = canvas.fig if isinstance(canvas, MapCanvas) else canvas
    resume_draws(fig)
    legend_y = canvas.legend_y if isinstance(canvas, MapCanvas) else (legend_y or 0.0)
    height = fig.get_figheight()
    fig.suptitle(title, x=0.015, y=1 - 0.12 / height, ha="left", va="top", fontsize=14, fontweight="bold")
    if subtitle:
        fig.text(0.015, 1 - 0.5 / height, subtitle, ha="left", va="top", fontsize=10.5, color=SOURCE_GREY)
    if handles:
        fig.legend(handles=handles, loc="upper left", bbox_to_anchor=(0.015, legend_y), ncol=ncol,
                   fontsize=9, frameon=False, handleheight=1.4, handlelength=2.2, title=legend_title,
                   title_fontsize=9.5, alignment="left", columnspacing=1.6)
    width_chars = int(fig.get_figwidth() * 13.5)
    fig.text(0.015, 0.08 / height, "\n".join(textwrap.wrap(source, width_chars)), ha="left", va="bottom",
             fontsize=8.5, color=SOURCE_GREY)
    if isinstance(canvas, MapCanvas):
        for ax in canvas.axes:
            ax.set_xlabel("")
            ax.set_ylabel("")
    return KitFigure(fig, alt, tuple(ids), note=data_note(source), tight=tight)


def data_note(source: str) -> str:
    """The note of a figure: its source line without the frame words."""
    return source.removeprefix("Sources: ").removesuffix("; see the Sources section.")


def source_line(*parts: str) -> str:
    """The line under a figure: where its data come from, pointing to the Sources section."""
    return "Sources: " + "; ".join(parts) + "; see the Sources section."


def ids(column: Iterable[Iterable[str]]) -> list[str]:
    """The source ids of a column of id lists, each once, in order."""
    return list(dict.fromkeys(i for row in column for i in row))


# --- layers --------------------------------------------------------------------------------


def colour_countries(ax: Axes, world: gpd.GeoDataFrame, fills: Sequence[tuple[Iterable[str], str]], *,
                     others: str | None = LAND, skip: Iterable[str] = (), others_first: bool = True,
                     linewidth: float = 0.6, zorder: float = 1) -> None:
    """Fill countries by group: ``fills`` is a sequence of (ISO alpha-3 codes, colour), drawn in order.

    Countries in no group (nor in ``skip``, left for the caller to draw) get ``others``, drawn
    before the groups (or after them, ``others_first=False``); None leaves them out.

    >>> colour_countries(ax, world, [(members, ALLY), (["RUS", "BLR"], RUSSIA_BELARUS)])   # doctest: +SKIP
    """
    groups = [(world["iso3"].isin(list(codes)), colour) for codes, colour in fills]
    rest = ~world["iso3"].isin(list(skip))
    for mask, _ in groups:
        rest &= ~mask
    layers = [(rest, others)] if others else []
    layers = [*layers, *groups] if others_first else [*groups, *layers]
    for mask, colour in layers:
        if not mask.any():
            continue
        fill_polygons(ax, world.geometry[mask], facecolor=colour, edgecolor=BORDER, linewidth=linewidth, zorder=zorder)


def fill_polygons(ax: Axes, geoms: Iterable, **style: Any):
    """Draw (multi)polygons on ``ax`` as ``GeoSeries.plot(ax=ax, **style)`` draws them (one patch
    collection, each ring a closed path, holes included), and return the collection.

    geopandas' ``.plot()`` costs about 12 ms a call before it draws anything (it defines a new
    collection class and reads every argument each time), and rebuilds every polygon's path; a
    map calls it up to nine times. Here the paths are built once per geometry and kept, so the
    countries of the session's basemaps are converted once, and go into the collection as they
    are (geopandas' PatchCollection wraps each in a patch, then takes its path back out).
    """
    from matplotlib.collections import Collection, PatchCollection

    geoms = getattr(geoms, "geometry", geoms)
    crs = getattr(geoms, "crs", None)
    if crs is not None and crs.is_geographic:  # as geopandas: degrees of longitude shrink with latitude
        _, south, _, north = geoms.total_bounds
        ax.set_aspect(1 / math.cos(math.radians((south + north) / 2)))
    else:
        ax.set_aspect("equal")
    collection = PatchCollection([], **style)  # a patch collection (its legend handle is a patch), given paths:
    Collection.set_paths(collection, [_polygon_path(g) for g in geoms if g is not None and not g.is_empty])
    ax.add_collection(collection, autolim=True)
    return collection


_PATHS: dict[int, tuple[Any, Any]] = {}


def _polygon_path(geom):
    """The matplotlib path of a (multi)polygon, as geopandas builds it, kept per geometry."""
    kept = _PATHS.get(id(geom))
    if kept is not None and kept[0] is geom:
        return kept[1]
    import numpy as np
    from matplotlib.path import Path

    parts = [geom] if geom.geom_type == "Polygon" else geom.geoms
    path = Path.make_compound_path(*(Path(np.asarray(ring.coords)[:, :2], closed=True)
                                     for part in parts for ring in (part.exterior, *part.interiors)))
    if len(_PATHS) > 4096:
        _PATHS.clear()
    _PATHS[id(geom)] = (geom, path)  # the geometry is kept with its path, so its id stays its own
    return path


def occupied_in_view(ax: Axes, crs: str = geo.METRIC) -> bool:
    """Whether the occupied layer lies (partly) inside the axes' view: only then is it in the legend and alt text."""
    from shapely.geometry import box

    (x0, x1), (y0, y1) = ax.get_xlim(), ax.get_ylim()
    return bool(occupied(crs).geometry.iloc[0].intersects(box(min(x0, x1), min(y0, y1), max(x0, x1), max(y0, y1))))


def label_kaliningrad(ax: Axes, crs: str = geo.METRIC, fontsize: float = 8.5) -> bool:
    """Name Russia's Kaliningrad exclave (the part of Russia west of Lithuania) when the view shows it."""
    from shapely.geometry import Point, box

    world = countries("50m", crs)
    rus = world.loc[world["iso3"] == "RUS", "geometry"]
    if rus.empty:
        return False
    lon_max = geo.transformer(geo.WGS84, crs).transform(23.0, 54.7)
    parts = [p for p in getattr(rus.iloc[0], "geoms", [rus.iloc[0]]) if p.representative_point().x < lon_max[0]
             and p.area > 1e9]
    if not parts:
        return False
    part = max(parts, key=lambda p: p.area)
    (x0, x1), (y0, y1) = ax.get_xlim(), ax.get_ylim()
    point, view = part.representative_point(), box(min(x0, x1), min(y0, y1), max(x0, x1), max(y0, y1))
    if not view.contains(point):
        return False
    text_at = (point.x - 120_000, point.y + 80_000)  # out over the Baltic Sea, so the halo hides no land
    room = view.buffer(-40_000).contains(Point(text_at))
    ax.annotate("Kaliningrad\n(Russia)", (point.x, point.y), xytext=text_at if room else None, fontsize=fontsize,
                ha="center", va="center", color=TEXT, path_effects=halo(), zorder=8, gid="kaliningrad",
                arrowprops={"arrowstyle": "-", "color": OCCUPIED_EDGE, "lw": 0.7, "shrinkA": 3, "shrinkB": 0}
                if room else None)
    return True


def draw_occupied(ax: Axes, label_at: tuple[float, float] | None, fontsize: float = 8.5,
                  facecolor: str = "white", crs: str = geo.METRIC) -> None:
    """The occupied layer, hatched, with its label (``label_at``: lon/lat of the text, or None)."""
    occ = occupied(crs)
    fill_polygons(ax, occ.geometry, facecolor=facecolor, edgecolor=OCCUPIED_EDGE, hatch="////", linewidth=0.8,
                  zorder=3, gid="occupied")
    if label_at is not None:
        point = occ.geometry.iloc[0].representative_point()
        ax.annotate(OCCUPIED_LABEL.replace(", occupied", ",\noccupied"), xy=(point.x, point.y),
                    xytext=xy(*label_at, crs), fontsize=fontsize, ha="center", va="center", color=TEXT,
                    path_effects=halo(), zorder=8,
                    arrowprops={"arrowstyle": "-", "color": OCCUPIED_EDGE, "lw": 0.8, "shrinkA": 3, "shrinkB": 0})


@layer
def add_points(ax: Axes | KitFigure, points: gpd.GeoDataFrame, *, label: str, text: str | None = None,
               marker: str = "o", color: str = TEXT, size: float = 40, fontsize: float = 9,
               offset: tuple[float, float] = (5, 3)) -> None:
    """Draw a point layer (any CRS) on a kit map (the figure, or its map panel ``fig.ax``), label
    each point from column ``text``, and add the layer to the map's legend under ``label``. On the
    figure itself the map stays in the figure cache with its layer (:func:`coursekit.figcache.layer`).

    >>> fig = base_map(extent=(19, 52, 29, 57))                                    # doctest: +SKIP
    >>> add_points(fig, capitals, label="Capital", text="name")                    # doctest: +SKIP
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
                        color=TEXT, path_effects=halo(), zorder=7)
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


# --- labels and legend entries -------------------------------------------------------------


def halo(width: float = 3.0) -> list:
    """A white outline that keeps text readable over any fill."""
    import matplotlib.patheffects as pe

    return [pe.withStroke(linewidth=width, foreground="white")]


def xy(lon: float, lat: float, crs: str = geo.METRIC) -> tuple[float, float]:
    """A lon/lat point in ``crs`` coordinates (default ``geo.METRIC``, metres)."""
    return geo.transformer(geo.WGS84, crs).transform(lon, lat)


def largest_part_point(geom) -> tuple[float, float]:
    """A point inside the largest part of a (multi)polygon, for its label."""
    import shapely

    biggest = max(shapely.get_parts(geom), key=lambda p: p.area)
    p = biggest.representative_point()
    return p.x, p.y


def name_label(ax: Axes, text: str, lon: float, lat: float, fontsize: float = 9.5, crs: str = geo.METRIC,
               **kw: Any) -> None:
    """A country's name in capitals at lon/lat, bold unless ``fontweight`` says otherwise."""
    ax.text(*xy(lon, lat, crs), text, ha="center", va="center", fontsize=fontsize, color=TEXT,
            fontweight=kw.pop("fontweight", "bold"), path_effects=halo(), zorder=7, **kw)


def pointer_label(ax: Axes, text: str, at: tuple[float, float], text_at: tuple[float, float],
                  fontsize: float = 8.5, crs: str = geo.METRIC, **kw: Any) -> None:
    """A label placed at lon/lat ``text_at`` with a thin line to lon/lat ``at``."""
    ax.annotate(text, xy(*at, crs), xytext=xy(*text_at, crs), fontsize=fontsize, ha="center", va="center",
                color=TEXT, path_effects=halo(), zorder=8,
                arrowprops={"arrowstyle": "-", "color": OCCUPIED_EDGE, "lw": 0.7, "shrinkA": 3, "shrinkB": 0}, **kw)


def country_handle(colour: str, label: str, hatch: str = "", hatch_colour: str | None = None):
    """A legend entry for a country fill."""
    from matplotlib.patches import Patch

    kw = {"hatchcolor": hatch_colour} if hatch_colour else {}
    return Patch(facecolor=colour, edgecolor=BORDER, hatch=hatch, linewidth=0.8, label=label, **kw)


def occupied_handle():
    """The legend entry of the occupied layer."""
    from matplotlib.patches import Patch

    return Patch(facecolor="white", edgecolor=OCCUPIED_EDGE, hatch="////", linewidth=0.8,
                 label="Occupied by Russia (Crimea, since 2014)")


def marker_handle(marker: str, colour: str, label: str, size: float = 8, **kw: Any):
    """A legend entry for a point layer."""
    from matplotlib.lines import Line2D

    return Line2D([], [], marker=marker, linestyle="none", markersize=size, color=colour,
                  markeredgecolor=kw.pop("markeredgecolor", "black"), label=label, **kw)


def the(country: str) -> str:
    """A country's name as used in running text ("the United States", "Germany")."""
    return f"the {country}" if country.startswith(("United ", "Netherlands", "Czech Republic")) else country


def extent_words(extent: Sequence[float]) -> str:
    """An extent in words, for alt text."""
    w, s, e, n = extent

    def ew(v: float) -> str:
        return f"{abs(v):g}°{'E' if v >= 0 else 'W'}"

    return f"the area from {ew(w)} to {ew(e)} and from {s:g}°N to {n:g}°N"
