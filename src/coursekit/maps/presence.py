"""Maps of module 04 (Forward presence and the Suwałki gap).

NATO's battlegroups, the Suwałki gap measured, what lies within reach of Belarus, and Russian
military sites and exercise grounds in Belarus. Each recipe takes its data as arguments (frames
in, figure out); a frame not given is loaded from the kit's data file. Each returns a
:class:`~coursekit.figures.KitFigure`.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import TYPE_CHECKING

from coursekit import geo
from coursekit.figcache import cached
from coursekit.figures import KitFigure
from coursekit.maps.style import (
    ALLY,
    BASEMAP_CREDIT,
    BASEMAP_SOURCES,
    BELARUS,
    BELARUS_CRS,
    BLUE,
    CRIMEA_SOURCES,
    EAST_FLANK,
    EAST_FLANK_CRS,
    LAND,
    ORANGE,
    PURPLE,
    REACH,
    RUSSIA_BELARUS,
    SUWALKI,
    SUWALKI_CRS,
    TEXT,
    VERMILION,
)
from coursekit.maps.toolkit import (
    check_extent_in_scale,
    colour_countries,
    countries,
    country_handle,
    draw_occupied,
    fill_polygons,
    finish,
    halo,
    ids,
    label_kaliningrad,
    map_canvas,
    marker_handle,
    name_label,
    occupied_handle,
    occupied_in_view,
    or_load,
    pointer_label,
    source_line,
    the,
    xy,
)

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd
    from matplotlib.axes import Axes

RUS_BLR = ("RUS", "BLR")


def scale_bar(ax: Axes, km: int, at: tuple[float, float], crs: str = geo.METRIC) -> None:
    """A bar ``km`` long starting at lon/lat ``at`` (true length at that point of the map)."""
    x, y = xy(*at, crs)
    ax.plot([x, x + km * 1000], [y, y], color="black", linewidth=3.5, solid_capstyle="butt", zorder=9)
    ax.text(x + km * 500, y + 2500, f"{km} km (approx.)", ha="center", va="bottom", fontsize=9.5,
            path_effects=halo(), zorder=9)


# --- forward presence ----------------------------------------------------------------------

#: Label offsets (points) from each battlegroup marker, and text alignment.
_BG_LABEL = {
    "EST": ((-11, 0), "right"), "LVA": ((-11, 0), "right"), "LTU": ((-9, 17), "right"),
    "POL": ((-11, -3), "right"), "SVK": ((11, 9), "left"), "HUN": ((11, -9), "left"),
    "ROU": ((11, 5), "left"), "BGR": ((11, -2), "left"),
}
_SITE_TEXT = {"Vileyka": "Russian Navy communication\ncentre near Vileyka",
              "Hantsavichy": "Russian early-warning radar\n(Volga) near Hantsavichy"}
_SITES_ALT = ("the Volga early-warning radar near Hantsavichy and the Russian Navy's communication centre near "
              "Vileyka")
_SITES_CREDIT = "sites: TASS, Interfax (data/military_sites.csv)"


@cached
def forward_presence_map(year: int = 2024, *, battlegroups: pd.DataFrame | None = None,
                         strength: pd.DataFrame | None = None, sites: pd.DataFrame | None = None,
                         members: pd.DataFrame | None = None) -> KitFigure:
    """NATO's forward-presence battlegroups in ``year``, with Russian military sites in Belarus.

    Battlegroups of 2017 are squares, those of 2022 triangles, each labelled with its host and
    framework nation (as recorded in ``battlegroups``, the table of ``data/efp_battlegroups.csv``)
    and, from 2022, NATO's published strength of 28 June 2022 (``strength``). Russian sites in
    Belarus (``sites``: Hantsavichy, Vileyka) are diamonds; NATO ``members`` are cream. Points are
    the towns the data name (see their ``location_note``), not the bases' own positions. Each
    table is loaded from ``data/`` when not given.
    """
    if isinstance(year, bool) or not isinstance(year, int):
        raise TypeError(f"year must be a whole number such as 2019, not {year!r}.")
    bgs = or_load(battlegroups, "load_efp_battlegroups")
    strength = or_load(strength, "load_efp_strength")
    sites = or_load(sites, "load_military_sites")
    nato = or_load(members, "load_nato_members")
    # One comparable snapshot for every battlegroup: NATO's figures of 28 June 2022 (from 2022 on).
    snapshot = strength[(strength["figure_kind"] == "NATO published")
                        & (strength["published"].astype(str).str.startswith("2022-06-28"))] if year >= 2022 else \
        strength.iloc[0:0]
    troops = dict(zip(snapshot["host_iso3"], snapshot["troops"], strict=True))
    allies = set(nato.loc[nato["accession_date"].dt.year <= year, "iso3"])
    shown = bgs[bgs["established"].dt.year <= year]

    crs = EAST_FLANK_CRS
    canvas = map_canvas(EAST_FLANK, width=9.5, legend_rows=4, crs=crs)
    (ax,) = canvas.axes
    colour_countries(ax, countries("50m", crs), [(allies, ALLY), (RUS_BLR, RUSSIA_BELARUS)])
    draw_occupied(ax, (33.0, 43.3), fontsize=8.5, facecolor=LAND, crs=crs)
    for text, lon, lat, size in (("BELARUS", 28.0, 53.35, 11), ("RUSSIA", 33.5, 57.4, 11), ("UKRAINE", 31.0, 49.3, 10)):
        name_label(ax, text, lon, lat, fontsize=size, crs=crs)
    pointer_label(ax, "Kaliningrad\n(Russia)", (20.6, 54.65), (18.4, 54.35), fontsize=9, fontweight="bold", crs=crs)
    styles = {2017: ("s", BLUE, "Battlegroup since 2017 (decided at the 2016 Warsaw Summit)"),
              2022: ("^", ORANGE, "Battlegroup since 2022 (agreed in March 2022)")}
    for row in shown.itertuples():
        marker, colour, _ = styles[2017 if row.established.year < 2022 else 2022]
        x, y = xy(row.lon, row.lat, crs)
        ax.scatter([x], [y], marker=marker, s=130, color=colour, edgecolor="black", linewidth=0.9, zorder=6)
        (dx, dy), ha = _BG_LABEL.get(row.host_iso3, ((9, 0), "left"))
        n = troops.get(row.host_iso3)
        strength_line = f"\n{int(n):,} troops (June 2022)" if n else ""
        ax.annotate(f"{row.host}\nled by {the(row.framework_nation)}{strength_line}", (x, y), xytext=(dx, dy),
                    textcoords="offset points", ha=ha, va="center", fontsize=9.5, color=TEXT,
                    path_effects=halo(), zorder=7)
    for row in sites.itertuples():
        vileyka = "Vileyka" in row.name
        x, y = xy(row.lon, row.lat, crs)
        ax.scatter([x], [y], marker="D", s=75, color=VERMILION, edgecolor="black", linewidth=0.9, zorder=6)
        ax.annotate(_SITE_TEXT["Vileyka" if vileyka else "Hantsavichy"], (x, y), xytext=(9, 8 if vileyka else -9),
                    textcoords="offset points", ha="left", va="center", fontsize=8.5, color=TEXT,
                    path_effects=halo(), zorder=7)
    years = {2017 if y < 2022 else 2022 for y in shown["established"].dt.year}
    handles = [marker_handle(m, c, lab, size=10 if m == "s" else 11) for k, (m, c, lab) in styles.items()
               if k in years]
    handles += [marker_handle("D", VERMILION, "Russian military site in Belarus"),
                country_handle(ALLY, f"NATO member in {year}"), country_handle(RUSSIA_BELARUS, "Russia, Belarus"),
                country_handle(LAND, "Other country"), occupied_handle()]
    n17 = int((shown["established"].dt.year < 2022).sum())
    n22 = len(shown) - n17
    title = (f"NATO's forward presence in {year}: no battlegroups yet" if shown.empty
             else f"NATO's forward presence in {year}: {len(shown)} battlegroups")
    listed = "; ".join(f"{r.host} (led by {the(r.framework_nation)}, at {r.base}, since {r.established:%B %Y})"
                       for r in shown.itertuples())
    alt = (f"Map of NATO's eastern flank from the Baltic Sea to the Black Sea in {year}. "
           + (f"{n17} battlegroups of 2017 (squares)" + (f" and {n22} of 2022 (triangles)" if n22 else "")
              + f": {listed}. " if len(shown) else
              "No forward-presence battlegroup existed yet; the first four arrived in 2017. ")
           + f"Diamonds mark two Russian military sites in Belarus: {_SITES_ALT}. Belarus, Russia and its "
           "Kaliningrad exclave are shaded grey, NATO members cream; Crimea is hatched as Ukrainian territory "
           "occupied by Russia.")
    if year >= 2022:
        alt += (" Ukraine's territory occupied by Russia since 2022 is not drawn: the kit has no published, "
                "dated boundary for it.")
    if troops:
        alt += (" Labels give NATO's published strength of 28 June 2022, the last figures published for every "
                "battlegroup at once: "
                + "; ".join(f"{r.host} {int(troops[r.host_iso3]):,}" for r in shown.itertuples()
                            if r.host_iso3 in troops) + ".")
    sources = [*BASEMAP_SOURCES, *CRIMEA_SOURCES, *ids(shown["source"]), *ids(sites["source"]),
               *ids(snapshot["source"])]
    source = source_line(BASEMAP_CREDIT, "battlegroups: NATO and national governments (data/efp_battlegroups.csv)",
                         _SITES_CREDIT + ("; strength: NATO figures of 28 June 2022 via LSM (data/efp_strength.csv)"
                                          if troops else ""))
    subtitle = ("Markers sit at the bases' towns; framework nations rotate. Troops: NATO's June 2022 figures, "
                "the last for all eight." if troops else
                "Markers sit at the bases' towns. Framework nations rotate; labels show those in the kit's data.")
    if year >= 2022:
        name_label(ax, "Areas occupied since 2022\nnot drawn (no sourced,\ndated boundary)", 35.5, 47.6,
                   fontsize=8, crs=crs, fontweight="normal", style="italic")
    return finish(canvas, title, source, sources, alt, handles=handles, ncol=2, subtitle=subtitle)


# --- the Suwałki gap -----------------------------------------------------------------------


@cached
def suwalki_map(scale: str = "10m", *, places: pd.DataFrame | None = None) -> KitFigure:
    """Zoom on the Suwałki gap: the shortest straight line Belarus–Kaliningrad with its length, the
    Polish–Lithuanian border highlighted with its length as drawn, and Vilnius with its distance to
    the Belarusian border. Every length is measured in EPSG:3035 on the basemap of ``scale``.
    ``places`` (the table of ``data/places.csv``) gives the points of Vilnius and Suwałki.
    """
    import shapely
    from matplotlib.lines import Line2D
    from shapely.geometry import Point

    check_extent_in_scale(SUWALKI, scale)
    towns = or_load(places, "load_places").set_index("name").loc[["Vilnius", "Suwałki"]]
    crs = SUWALKI_CRS
    gap = geo.gap_km(scale)
    border_km = geo.border_length_km("POL", "LTU", scale)
    vil_km, vil_line = geo.nearest_line(Point(towns.loc["Vilnius", "lon"], towns.loc["Vilnius", "lat"]), "BLR",
                                        scale)
    canvas = map_canvas(SUWALKI, width=10.0, legend_rows=3, crs=crs)
    (ax,) = canvas.axes
    colour_countries(ax, countries(scale, crs), [(("POL", "LTU", "LVA"), ALLY), (RUS_BLR, RUSSIA_BELARUS)],
                     others_first=False, linewidth=0.8)
    border = geo.reproject(geo.shared_border("POL", "LTU", scale), geo.WGS84, crs)
    for part in shapely.get_parts(border):
        ax.plot(*part.xy, color=ORANGE, linewidth=6, solid_capstyle="round", zorder=3)
        ax.plot(*part.xy, color="#5a3a00", linewidth=0.9, zorder=3.1)
    line = geo.reproject(gap.line, geo.WGS84, crs)
    ax.plot(*line.xy, color="black", linewidth=2.8, zorder=4)
    ax.scatter(*line.xy, s=34, color="black", zorder=4)
    mid = line.interpolate(0.5, normalized=True)
    ax.annotate(f"{gap.km:.0f} km in a straight line\nfrom Belarus to Kaliningrad", (mid.x, mid.y),
                xytext=(-95, -62), textcoords="offset points", fontsize=11, fontweight="bold", ha="center",
                color=TEXT, path_effects=halo(), zorder=8, arrowprops={"arrowstyle": "-", "color": "black", "lw": 0.8})
    longest = max(shapely.get_parts(border), key=lambda p: p.length)
    top = longest.interpolate(0.3, normalized=True)
    ax.annotate(f"Poland–Lithuania border:\n{border_km:.0f} km as drawn at 1:{scale}", (top.x, top.y),
                xytext=(80, 58), textcoords="offset points", fontsize=11, fontweight="bold", ha="center",
                color=TEXT, path_effects=halo(), zorder=8,
                arrowprops={"arrowstyle": "-", "color": "#5a3a00", "lw": 0.9})
    vline = geo.reproject(vil_line, geo.WGS84, crs)
    ax.plot(*vline.xy, color="black", linewidth=2.0, linestyle=(0, (4, 2)), zorder=4)
    pts = geo.points_gdf(towns.reset_index()).to_crs(crs)
    ax.scatter(pts.geometry.x, pts.geometry.y, marker="o", s=60, color="white", edgecolor="black", linewidth=1.5,
               zorder=6)
    for name, p in zip(towns.index, pts.geometry, strict=True):
        off = (-9, 7) if name == "Vilnius" else (-9, -6)
        ax.annotate(name, (p.x, p.y), xytext=off, textcoords="offset points", ha="right", fontsize=11, color=TEXT,
                    path_effects=halo(), zorder=7)
    ax.annotate(f"{vil_km:.0f} km to Belarus", vline.coords[-1], xytext=(-20, -26), textcoords="offset points",
                ha="center", fontsize=11, fontweight="bold", color=TEXT, path_effects=halo(), zorder=8)
    for text, lon, lat, size in (("BELARUS", 25.4, 53.75, 14), ("RUSSIA\n(Kaliningrad)", 21.95, 54.85, 11),
                                 ("POLAND", 22.2, 53.65, 14), ("LITHUANIA", 23.8, 55.0, 14)):
        name_label(ax, text, lon, lat, fontsize=size, crs=crs)
    scale_bar(ax, 50, (25.3, 53.55), crs)
    handles = [
        Line2D([], [], color="black", linewidth=2.8,
               label=f"Shortest straight line, Belarus–Kaliningrad: {gap.km:.0f} km"),
        Line2D([], [], color=ORANGE, linewidth=6, label=f"Poland–Lithuania border: {border_km:.0f} km as drawn"),
        Line2D([], [], color="black", linewidth=2.0, linestyle=(0, (4, 2)),
               label=f"Vilnius to the Belarusian border: {vil_km:.0f} km"),
        marker_handle("o", "white", "Town (GeoNames point)"),
        country_handle(ALLY, "NATO member"), country_handle(RUSSIA_BELARUS, "Russia, Belarus"),
    ]
    alt = (f"Map of the Suwałki gap on the 1:{scale} basemap. A straight black line joins the nearest points of "
           f"Belarus and Russia's Kaliningrad exclave: {gap.km:.0f} km. The Poland–Lithuania border between them "
           f"is highlighted in orange and measures {border_km:.0f} km as drawn on this generalised map (the "
           f"official length is longer). A dashed line shows that Vilnius lies {vil_km:.0f} km from the Belarusian "
           "border. Open circles mark Vilnius and Suwałki, the Polish town that gives the gap its name.")
    source = source_line(f"Natural Earth 4.1 (1:{scale}) via world-atlas 2.0.2", "town points: GeoNames",
                         "lengths measured by the kit in ETRS89-LAEA (EPSG:3035); map drawn in a LAEA centred on "
                         "the gap so that north is up")
    return finish(canvas, "The Suwałki gap, measured on the kit's basemap", source,
                  [*BASEMAP_SOURCES, "geonames-cities500"], alt, handles=handles, ncol=2,
                  subtitle="Three distances, three different things measured: say which one you quote.")


# --- what lies within reach ----------------------------------------------------------------


@cached
def within_reach_map(km: float = 100, iso3: str = "BLR", *, places: pd.DataFrame | None = None,
                     members: pd.DataFrame | None = None) -> KitFigure:
    """The area within ``km`` of a country's border (default: Belarus), and the places in it.

    The band is buffered in EPSG:3035, so its width is a true distance; ``places`` (the table of
    ``data/places.csv``) that lie in it are marked and labelled with their distance; NATO
    ``members`` are cream. Both tables are loaded from ``data/`` when not given.
    """
    import geopandas as gpd
    from matplotlib.patches import Patch

    if isinstance(km, bool) or not isinstance(km, int | float) or not 0 < km <= 400:
        raise ValueError(f"km must be a distance between 1 and 400, got {km!r}.")
    crs = EAST_FLANK_CRS
    near = geo.within_km(geo.points_gdf(or_load(places, "load_places")), iso3, km)
    allies = set(or_load(members, "load_nato_members")["iso3"])
    world = countries("50m", crs)
    name = geo.load_basemap("50m").set_index("iso3").loc[iso3, "name"]
    canvas = map_canvas(REACH, width=9.0, legend_rows=3, crs=crs)
    (ax,) = canvas.axes
    colour_countries(ax, world, [(allies, ALLY), (RUS_BLR, RUSSIA_BELARUS)])
    band = gpd.GeoSeries([geo.buffer_km(iso3, km)], crs=geo.WGS84).to_crs(crs)
    fill_polygons(ax, band, facecolor="none", edgecolor=PURPLE, hatch="...", linewidth=1.4, zorder=2)
    draw_occupied(ax, None, facecolor=LAND, crs=crs)
    label_kaliningrad(ax, crs)
    name_label(ax, name.upper(), 28.0, 53.35, fontsize=11, crs=crs)
    for row in near.itertuples():
        x, y = xy(row.lon, row.lat, crs)
        ax.scatter([x], [y], marker="o", s=45, color="white", edgecolor="black", linewidth=1.2, zorder=6)
        ax.annotate(f"{row.name}\n{row.km:.0f} km", (x, y), xytext=(6, 4), textcoords="offset points",
                    fontsize=9, color=TEXT, path_effects=halo(), zorder=7)
    handles = [Patch(facecolor="none", edgecolor=PURPLE, hatch="...", label=f"Within {km:g} km of {name}"),
               marker_handle("o", "white", "Place named in the course (distance to the border)", size=7),
               country_handle(ALLY, "NATO member (2024)"), country_handle(RUSSIA_BELARUS, "Russia, Belarus"),
               country_handle(LAND, "Other country"), *([occupied_handle()] if occupied_in_view(ax, crs) else [])]
    listed = "; ".join(f"{r.name} ({r.km:.0f} km)" for r in near.itertuples()) or "none of the course's places"
    alt = (f"Map of {name} and its neighbours with a dotted band {km:g} km wide around {name}'s border, "
           f"measured in EPSG:3035. Open circles mark the places of the course within the band: {listed}. "
           "NATO members are cream, Russia and Belarus grey"
           + ("; Crimea is hatched as Ukrainian territory occupied by Russia." if occupied_in_view(ax, crs) else "."))
    sources = [*BASEMAP_SOURCES, *(CRIMEA_SOURCES if occupied_in_view(ax, crs) else []), *ids(near["source"])]
    source = source_line(BASEMAP_CREDIT, "places: data/places.csv",
                         f"band buffered {km:g} km in ETRS89-LAEA (EPSG:3035) on the 1:50m borders")
    return finish(canvas, f"What lies within {km:g} km of {name}?", source, sources, alt, handles=handles, ncol=2,
                  subtitle="Distances run from each place to the nearest point of the border as drawn at 1:50m.")


# --- Russian sites and exercise grounds in Belarus -----------------------------------------

#: Where each ground's label goes (lon, lat of the text), keyed by the first word of its name.
#: The Brest region is crowded, so labels there sit outside the cluster with a line to the point.
_GROUND_LABEL_AT = {
    "Gozhsky": (23.55, 54.45), "Brestsky": (24.25, 51.1), "Ruzhansky": (24.05, 52.65),
    "Domanovsky": (25.55, 51.75), "Obuz-Lesnovsky": (25.55, 53.85), "Osipovichsky": (30.6, 53.0),
    "Borisovsky": (30.55, 54.05), "Lepelsky": (30.35, 55.3),
}
#: Labels of the Russian facilities (lon, lat of the text), keyed by a word of the site's name.
#: The Vileyka label sits inside Belarus, north-east of its point, clear of Lithuania and Vilnius.
_SITE_LABEL_AT = {"Vileyka": ((27.1, 54.8), "Russian Navy\ncommunication centre\nnear Vileyka"),
                  "Baranovichi": ((27.75, 52.25), _SITE_TEXT["Hantsavichy"])}


def _ground_label(name: str, exercises: Sequence[str]) -> str:
    """A ground's label: its short name, then the exercises it was used in, one a line."""
    short = name.replace(" training ground", "").replace(" range", "")
    return short + "\n" + "\n".join(exercises)


def _town(note: str) -> str:
    """The town a ``location_note`` names ("The point is the town of Barysaw (...)" -> "Barysaw")."""
    match = re.search(r"The point is the (?:town|city|urban settlement) of ([^ (.,]+)", note)
    return match.group(1) if match else "a town (see the data)"


@cached
def belarus_military_map(exercise: str | None = None, *, grounds: pd.DataFrame | None = None,
                         sites: pd.DataFrame | None = None, places: pd.DataFrame | None = None,
                         members: pd.DataFrame | None = None, exercises: pd.DataFrame | None = None) -> KitFigure:
    """Russian military facilities in Belarus and the training grounds of the joint exercises.

    Diamonds mark the two Russian facilities of ``sites`` (``data/military_sites.csv``); triangles
    the training ``grounds`` (``data/exercise_grounds.csv``), each labelled with the exercises it
    was used in (Zapad 2017, Zapad 2021, Zapad 2025, Allied Resolve 2022). ``exercise`` (a name
    from ``exercises``, ``data/exercises.csv``) shows only that exercise's grounds. Every marker
    sits at the town the data name (see ``location_note``), not at the range's or facility's own
    position. Tables not given are loaded from ``data/``.
    """
    from shapely.geometry import box

    names = list(dict.fromkeys(or_load(exercises, "load_exercises")["name"]))
    if exercise is not None and not isinstance(exercise, str):
        raise TypeError(f"exercise must be a name such as 'Zapad 2021', not {exercise!r}.")
    if exercise is not None and exercise not in names:
        raise ValueError(f"no exercise {exercise!r} in data/exercises.csv; choose one of: {', '.join(names)}.")
    grounds = or_load(grounds, "load_exercise_grounds")
    if exercise is not None:
        grounds = grounds[grounds["exercises"].map(lambda ex: exercise in ex)]
    sites = or_load(sites, "load_military_sites")
    capitals = or_load(places, "load_places").set_index("name").loc[["Minsk", "Vilnius"]]
    nato = or_load(members, "load_nato_members")

    crs = BELARUS_CRS
    canvas = map_canvas(BELARUS, width=10.0, legend_rows=4, crs=crs)
    (ax,) = canvas.axes
    colour_countries(ax, countries("10m", crs), [(set(nato["iso3"]), ALLY), (RUS_BLR, RUSSIA_BELARUS)])
    basemap = geo.load_basemap("10m")
    in_view = set(basemap.loc[basemap.intersects(box(*BELARUS)), "iso3"])
    for text, lon, lat, size in (("BELARUS", 29.0, 52.55, 12), ("RUSSIA", 32.3, 55.9, 11),
                                 ("UKRAINE", 27.5, 50.95, 10), ("POLAND", 22.95, 52.7, 9),
                                 ("LITHUANIA", 24.3, 55.75, 9), ("LATVIA", 26.0, 56.6, 9)):
        name_label(ax, text, lon, lat, fontsize=size, crs=crs)
    pointer_label(ax, "Kaliningrad\n(Russia)", (22.65, 54.75), (23.35, 55.15), fontsize=8, crs=crs)

    for row in capitals.itertuples():
        x, y = xy(row.lon, row.lat, crs)
        ax.scatter([x], [y], marker="o", s=40, color="white", edgecolor="black", linewidth=1.1, zorder=6)
        ax.annotate(row.Index, (x, y), xytext=(6, -2), textcoords="offset points", ha="left", va="top",
                    fontsize=9, fontstyle="italic", color=TEXT, path_effects=halo(), zorder=7)
    for row in sites.itertuples():
        key = next((k for k in _SITE_LABEL_AT if k in row.name), None)
        text_at, text = _SITE_LABEL_AT[key] if key else ((row.lon + 1.2, row.lat), row.name)
        ax.scatter(*xy(row.lon, row.lat, crs), marker="D", s=75, color=VERMILION, edgecolor="black",
                   linewidth=0.9, zorder=6)
        pointer_label(ax, text, (row.lon, row.lat), text_at, fontsize=8.5, crs=crs)
    for row in grounds.itertuples():
        ax.scatter(*xy(row.lon, row.lat, crs), marker="^", s=120, color=BLUE, edgecolor="black", linewidth=0.9,
                   zorder=6)
        text_at = _GROUND_LABEL_AT.get(row.name.split()[0], (row.lon + 1.2, row.lat))
        pointer_label(ax, _ground_label(row.name, row.exercises), (row.lon, row.lat), text_at, fontsize=8.5,
                      crs=crs, linespacing=1.15)

    used = sorted({e for row in grounds["exercises"] for e in row}, key=lambda e: (e.split()[-1], e))
    which = (f"used in {exercise}" if exercise else
             f"used in at least one of {', '.join(used[:-1])} or {used[-1]}" if len(used) > 1 else f"used in {used[0]}")
    ground_entry = (f"Training ground used in {exercise} (at the nearest town)" if exercise else
                    "Training ground used in one or more joint exercises: its label lists which (at the nearest town)")
    handles = [marker_handle("^", BLUE, ground_entry, size=11),
               marker_handle("D", VERMILION, "Russian military facility (at the nearest town)"),
               marker_handle("o", "white", "Capital", size=7),
               country_handle(ALLY, "NATO member"), country_handle(RUSSIA_BELARUS, "Russia, Belarus"),
               country_handle(LAND, "Other country (Ukraine)")]
    n = len(grounds)
    grounds_word = f"{n} training ground{'' if n == 1 else 's'}"
    title = (f"Russian military sites in Belarus and {grounds_word} used in {exercise}" if exercise
             else f"Russian military sites in Belarus and {grounds_word} of joint exercises")
    listed = "; ".join(f"{r.name} (near {_town(r.location_note)}; {', '.join(r.exercises)})"
                       for r in grounds.itertuples())
    allies = ", ".join(sorted(nato.loc[nato["iso3"].isin(in_view), "country"]))
    alt = (f"Map of Belarus and its neighbours. Triangles mark {n} training grounds in Belarus {which}, each "
           f"labelled with the exercises it was used in: {listed}. Diamonds mark two Russian military facilities: "
           f"{_SITES_ALT}. "
           "Open circles mark the capitals Minsk and Vilnius. Every marker sits at the nearest town, not at the "
           f"site's own position. NATO members ({allies}) are cream; Russia (with its Kaliningrad exclave) and "
           "Belarus grey; Ukraine light grey.")
    sources = [*BASEMAP_SOURCES, *ids(grounds["source"]), *ids(sites["source"]),
               *ids(capitals["source"]), *ids(nato.loc[nato["iso3"].isin(in_view), "source"])]
    source = source_line(BASEMAP_CREDIT,
                         "grounds: Belarusian and Russian defence ministries via state media, Interfax, the "
                         "Lithuanian defence ministry, CNN (data/exercise_grounds.csv)",
                         _SITES_CREDIT, "towns: GeoNames")
    return finish(canvas, title, source, sources, alt, handles=handles, ncol=2,
                  subtitle="Only grounds named by a cited source; markers sit at nearby towns, not at the sites "
                           "themselves.")
