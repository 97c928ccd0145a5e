"""Maps of module 03 (Mapping the region): the base map, NATO enlargement, Crimea, projections.

Each recipe takes its data as arguments (frames in, figure out); when a frame is not given, the
kit's own data file is loaded. Each returns a :class:`~coursekit.figures.KitFigure`.
"""

from __future__ import annotations

import textwrap
from collections.abc import Sequence
from typing import TYPE_CHECKING

from coursekit import geo
from coursekit.figcache import cached
from coursekit.figures import KitFigure
from coursekit.maps.style import (
    BASEMAP_CREDIT,
    BASEMAP_SOURCES,
    BLACK_SEA,
    BLACK_SEA_CRS,
    BORDER,
    CRIMEA_SOURCES,
    EUROPE,
    LAND,
    PROJECTION_CRS,
    PROJECTION_EXTENT,
    RUSSIA_BELARUS,
    TEXT,
    UKRAINE,
    VERMILION,
    WAVES,
)
from coursekit.maps.toolkit import (
    MapCanvas,
    check_extent_in_scale,
    colour_countries,
    countries,
    country_handle,
    defer_draws,
    draw_occupied,
    extent_words,
    fill_polygons,
    finish,
    frame,
    halo,
    ids,
    label_kaliningrad,
    largest_part_point,
    map_canvas,
    name_label,
    occupied,
    occupied_handle,
    occupied_in_view,
    pointer_label,
    resume_draws,
    source_line,
    xy,
)

if TYPE_CHECKING:  # pragma: no cover
    import geopandas as gpd
    import pandas as pd
    from matplotlib.axes import Axes

#: Where the year labels of small members go (lon, lat of the text); a thin line joins label and country.
#: The western Balkans' labels stand in a line down the Adriatic and Ionian seas, north to south in the
#: order of their countries (North Macedonia's in the Aegean), so that no two crowd.
_YEAR_LABEL_AT = {"LUX": (1.9, 52.3), "SVN": (12.9, 44.75), "HRV": (14.9, 43.2), "MNE": (17.6, 41.3),
                  "ALB": (18.6, 38.9), "MKD": (25.6, 39.3)}
#: Labels placed inside their country but off its default point, to leave the Adriatic labels room.
_YEAR_INSIDE_AT = {"ITA": (11.95, 42.45)}


@cached
def base_map(ax: Axes | None = None, extent: Sequence[float] = EUROPE, scale: str = "50m", *,
             title: str | None = None, occupied_label_at: tuple[float, float] | None = (34.5, 43.1),
             names: Sequence[str] = ()) -> KitFigure:
    """Countries in light grey with their borders, and occupied Crimea hatched and labelled.

    ``extent`` is (west, south, east, north) in degrees; ``scale`` is ``"50m"`` (Europe) or
    ``"10m"`` (the Suwałki zoom area only, see ``geo.EXTENTS``). ``occupied_label_at`` places the
    Crimea label (lon, lat), or None for no label. ``names`` lists countries (ISO 3166 codes, e.g.
    ``["BLR", "POL"]``) whose names are written on the map. Without ``ax`` a new figure gets a title, a
    legend, a source line and alt text; with ``ax`` the layers are drawn on that axes (with a legend
    inside it). Add points with ``add_points(fig, ...)``, or plot GeoDataFrames in ``geo.METRIC``
    on ``fig.ax``.
    """
    check_extent_in_scale(extent, scale)
    named = _country_names(scale, [names] if isinstance(names, str) else names)  # checked before a figure exists
    title = title or f"Countries of Europe (Natural Earth, 1:{scale})"
    canvas = map_canvas(extent, legend_rows=2, subtitle=False) if ax is None else None
    if canvas is not None:
        (ax,) = canvas.axes
    else:
        frame(ax, extent)
        defer_draws(ax.figure)
    crimea = occupied_in_view(ax)  # the legend and alt text name only what the view shows
    handles = [country_handle(LAND, "Country (borders as drawn by Natural Earth)"),
               *([occupied_handle()] if crimea else [])]
    alt = (f"Map of {extent_words(extent)} showing the countries in light grey with their borders (1:{scale}) as "
           "dark lines"
           + ("; Crimea is drawn as part of Ukraine and hatched as territory occupied by Russia since 2014."
              if crimea else "."))
    sources = [*BASEMAP_SOURCES, *(CRIMEA_SOURCES if crimea else [])]
    fill_polygons(ax, countries(scale), facecolor=LAND, edgecolor=BORDER, linewidth=0.6, zorder=1)
    w, s, e, n = extent
    label_at = occupied_label_at if occupied_label_at and w <= occupied_label_at[0] <= e \
        and s <= occupied_label_at[1] <= n else None
    draw_occupied(ax, label_at)
    label_kaliningrad(ax)
    _name_countries(ax, scale, named)
    if named:
        alt = alt[:-1] + f"; named on the map: {', '.join(named.values())}."
    if canvas is not None:
        return finish(canvas, title, source_line(BASEMAP_CREDIT), sources, alt, handles=handles, ncol=1)
    resume_draws(ax.figure)
    ax.set_xlabel("")
    ax.set_ylabel("")
    ax.legend(handles=handles, loc="lower left", fontsize=9, framealpha=0.95)
    ax.set_title(title, loc="left", fontsize=12)
    return KitFigure(ax.figure, alt, tuple(sources), note=BASEMAP_CREDIT)


#: Where a country's name sits (lon, lat) when its label point would cover a capital
_NAME_AT = {"BLR": (28.3, 52.75)}


def _country_names(scale: str, iso3s: Sequence[str]) -> dict[str, str]:
    """The names of the countries ``iso3s`` on the 1:``scale`` map, by code; an unknown code is an error."""
    world = countries(scale).set_index("iso3")
    unknown = [c for c in iso3s if c not in world.index]
    if unknown:
        raise ValueError(f"names: no country {', '.join(map(repr, unknown))} on the 1:{scale} map; use ISO 3166 "
                         "alpha-3 codes such as 'BLR' or 'POL' (the map's iso3 column).")
    return {c: str(world.loc[c, "name"]) for c in iso3s}


def _name_countries(ax: Axes, scale: str, names: dict[str, str]) -> None:
    """Write each country's name (``names``: ISO code → name) in capitals on it."""
    world = countries(scale).set_index("iso3")
    for iso3, name in names.items():
        x, y = xy(*_NAME_AT[iso3]) if iso3 in _NAME_AT else largest_part_point(world.loc[iso3, "geometry"])
        ax.text(x, y, name.upper(), ha="center", va="center", fontsize=10, fontweight="bold", color=TEXT,
                path_effects=halo(), zorder=7, clip_on=True)


# --- NATO enlargement ----------------------------------------------------------------------


@cached
def nato_enlargement_map(year: int | None = None, *, members: pd.DataFrame | None = None) -> KitFigure:
    """NATO's members, coloured, hatched and labelled by the year they joined.

    ``year`` shows the Alliance at the end of that year (1949 onwards); None shows every member
    in ``members`` (the table of ``data/nato_members.csv``, loaded when not given). Today's borders
    are drawn for every year. Russia and Belarus are shaded and named; occupied Crimea is hatched.
    """
    if members is None:
        from coursekit.datasets import load_nato_members

        members = load_nato_members()
    nato = members
    last = int(nato["accession_date"].dt.year.max())
    if year is not None:
        if isinstance(year, bool) or not isinstance(year, int):
            raise TypeError(f"year must be a whole number such as 2004, not {year!r}.")
        if year < 1949:
            raise ValueError(f"NATO was founded in 1949: choose a year from 1949 on, not {year}.")
    shown = nato if year is None else nato[nato["accession_date"].dt.year <= year]
    joined = dict(zip(shown["iso3"], shown["accession_date"].dt.year, strict=True))

    canvas = map_canvas(EUROPE, width=11.0, legend_rows=5)
    (ax,) = canvas.axes
    world = countries("50m")
    world["joined"] = world["iso3"].map(joined)
    colour_countries(ax, world, [(["RUS", "BLR"], RUSSIA_BELARUS)], skip=joined, linewidth=0.5)
    on_map = world[world["joined"].notna()]
    waves_shown = []
    for wave in WAVES:
        sub = on_map[on_map["joined"].between(wave[0], wave[1])]
        if sub.empty:
            continue
        waves_shown.append(wave)
        fill_polygons(ax, sub, facecolor=wave[3], edgecolor=BORDER, linewidth=0.5, hatch=wave[4], hatchcolor=wave[5],
                      zorder=2)
    occupied_then = year is None or year >= 2014
    if occupied_then:
        draw_occupied(ax, (34.5, 43.1), facecolor=LAND)
    _year_labels(ax, on_map)
    name_label(ax, "RUSSIA", 38.5, 57.0, fontsize=11)
    name_label(ax, "BELARUS", 28.0, 53.4, fontsize=8.5)
    name_label(ax, "UKRAINE", 31.5, 49.0, fontsize=8.5, fontweight="normal")
    pointer_label(ax, "Kaliningrad\n(Russia)", (21.2, 54.75), (18.2, 55.5), fontsize=7.5)
    handles = [country_handle(w[3], _wave_label(w, shown), w[4], w[5]) for w in waves_shown]
    handles += [country_handle(LAND, "Not a NATO member" + (f" at the end of {year}" if year else "")),
                country_handle(RUSSIA_BELARUS, "Russia and Belarus")]
    handles += [occupied_handle()] if occupied_then else []
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
           + ("; Crimea is hatched as Ukrainian territory occupied by Russia since 2014" if occupied_then else "")
           + ". Canada and the United States lie off the map.")
    sources = [*BASEMAP_SOURCES, *CRIMEA_SOURCES, *ids(shown["source"])]
    source = source_line(BASEMAP_CREDIT, "accession dates: NATO and member governments (data/nato_members.csv)")
    lead = f"{n} members. " if year is None else ""
    return finish(canvas, title, source, sources, alt, handles=handles, ncol=2,
                  legend_title="Members by year of joining",
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
        x, y = xy(*_YEAR_INSIDE_AT[row.iso3]) if row.iso3 in _YEAR_INSIDE_AT else largest_part_point(row.geometry)
        text = str(int(row.joined))
        if row.iso3 in _YEAR_LABEL_AT:
            ax.annotate(text, (x, y), xytext=xy(*_YEAR_LABEL_AT[row.iso3]), fontsize=8, ha="center",
                        va="center", color=TEXT, path_effects=halo(2.5), zorder=8,
                        arrowprops={"arrowstyle": "-", "color": "#333333", "lw": 0.6, "shrinkA": 2, "shrinkB": 0})
        else:
            size = 7 if row.iso3 in ("MKD", "NLD", "BEL") else 8
            ax.text(x, y, text, fontsize=size, ha="center", va="center", color=TEXT, path_effects=halo(2.5),
                    zorder=8)


# --- Crimea: what stock maps draw ----------------------------------------------------------


@cached
def crimea_map() -> KitFigure:
    """Two panels: Crimea as Natural Earth 4.1 draws it (in Russia, by de facto control) and as the
    kit draws it (in Ukraine, hatched as occupied). The left panel is rebuilt from the kit's own
    layers (Ukraine minus the occupied outline, Russia plus it): the raw file is not shipped.
    """
    crs = BLACK_SEA_CRS
    world = countries("50m", crs)
    crimea = occupied(crs).geometry.iloc[0]
    ukr = world.loc[world["iso3"] == "UKR", "geometry"].iloc[0]
    rus = world.loc[world["iso3"] == "RUS", "geometry"].iloc[0]
    canvas = map_canvas(BLACK_SEA, width=12.0, panels=2, legend_rows=1, subtitle=True, panel_titles=True, crs=crs)
    others = world[~world["iso3"].isin(["UKR", "RUS"])]
    ukr_stock, rus_stock = ukr.difference(crimea.buffer(3000)), rus.union(crimea)  # the left panel's two countries
    for ax, stock in zip(canvas.axes, (True, False), strict=True):
        fill_polygons(ax, others, facecolor=LAND, edgecolor=BORDER, linewidth=0.6)
        if stock:
            fill_polygons(ax, [ukr_stock], facecolor=UKRAINE, edgecolor=BORDER, linewidth=0.6)
            fill_polygons(ax, [rus_stock], facecolor=RUSSIA_BELARUS, edgecolor=BORDER, linewidth=0.6)
            pointer_label(ax, "Crimea drawn\nas part of Russia", (34.1, 45.3), (32.4, 43.7), fontsize=10.5, crs=crs)
            ax.set_title("As Natural Earth 4.1 draws it (de facto control)", loc="left", fontsize=11.5)
        else:
            fill_polygons(ax, [ukr], facecolor=UKRAINE, edgecolor=BORDER, linewidth=0.6)
            fill_polygons(ax, [rus], facecolor=RUSSIA_BELARUS, edgecolor=BORDER, linewidth=0.6)
            draw_occupied(ax, (32.4, 43.7), fontsize=10.5, facecolor=UKRAINE, crs=crs)
            ax.set_title("As this kit draws it (UN General Assembly resolution 68/262)", loc="left", fontsize=11.5)
        name_label(ax, "UKRAINE", 31.5, 48.6, fontsize=12, crs=crs)
        name_label(ax, "RUSSIA", 39.0, 48.0, fontsize=12, crs=crs)
    handles = [country_handle(UKRAINE, "Ukraine"), country_handle(RUSSIA_BELARUS, "Russia"), occupied_handle(),
               country_handle(LAND, "Other country")]
    alt = ("Two maps of the Black Sea region side by side. Left: Crimea coloured and labelled as part of Russia, the "
           "way Natural Earth 4.1 draws borders by de facto control. Right: the same peninsula coloured as part of "
           "Ukraine and hatched and labelled as territory occupied by Russia since 2014, the way the kit draws it "
           "following UN General Assembly resolution 68/262, which affirms Ukraine's territorial integrity.")
    source = source_line("Natural Earth 4.1 (1:50m) via world-atlas 2.0.2, occupied outline at 1:10m",
                         "left panel rebuilt from the kit's layers", "UN GA resolutions 68/262 and 73/263")
    return finish(canvas, "One peninsula, two maps: who drew the border?", source, [*BASEMAP_SOURCES, *CRIMEA_SOURCES],
                  alt, handles=handles, ncol=4,
                  subtitle="The same data can be drawn two ways; a map maker chooses, and should say so.")


# --- projections ---------------------------------------------------------------------------


@cached
def projection_panels(radius_km: float = 300.0, centres: Sequence[tuple[float, float]] = (
        (-3.0, 40.0), (23.0, 40.0), (5.0, 55.0), (26.0, 55.0), (16.0, 67.0))) -> KitFigure:
    """The same circles on the ground (``radius_km`` around each lon/lat centre) drawn in three
    coordinate reference systems: EPSG:4326 (degrees), EPSG:3857 (Web Mercator) and EPSG:3035
    (ETRS89-LAEA). Equal circles keep an equal size only in the equal-area projection.
    """
    import geopandas as gpd
    import matplotlib.pyplot as plt
    from matplotlib.lines import Line2D
    from pyproj import Geod
    from shapely.geometry import Polygon

    geod = Geod(ellps="WGS84")
    circles = []
    for lon, lat in centres:
        lons, lats, _ = geod.fwd([lon] * 72, [lat] * 72, list(range(0, 360, 5)), [radius_km * 1000.0] * 72)
        circles.append(Polygon(zip(lons, lats, strict=True)))
    rings = gpd.GeoSeries(circles, crs=geo.WGS84)
    _, south, _, north = rings.total_bounds
    mid_lat = (south + north) / 2  # where geopandas' aspect for EPSG:4326 (the last layer plotted) is true
    fig = plt.figure(figsize=(14, 6.9))
    defer_draws(fig)
    axes = []
    for left, (crs, what) in zip((0.01, 0.34, 0.67), PROJECTION_CRS, strict=True):
        ax = fig.add_axes((left, 0.2, 0.32, 0.62))
        world = countries("50m", crs)
        frame(ax, PROJECTION_EXTENT, crs)
        fill_polygons(ax, world, facecolor=LAND, edgecolor=BORDER, linewidth=0.4, zorder=1)
        fill_polygons(ax, world.geometry[world["iso3"] == "BLR"], facecolor=RUSSIA_BELARUS, edgecolor="#555555",
                      linewidth=0.6, hatch="..", zorder=2)
        fill_polygons(ax, rings.to_crs(crs), facecolor="none", edgecolor=VERMILION, linewidth=2, zorder=3)
        ax.set_title(f"{crs}\n{what}", fontsize=11)
        if crs == geo.WGS84:  # geopandas' automatic aspect for a geographic CRS: 1/cos(middle latitude)
            ax.text(0.5, -0.02, f"Aspect set by geopandas: 1/cos({mid_lat:.1f}°) ≈ {ax.get_aspect():.2f}, so a degree\n"
                    f"of longitude is drawn true to scale only near {mid_lat:.1f}°N", transform=ax.transAxes,
                    ha="center", va="top", fontsize=9, color=TEXT)
        axes.append(ax)
    handles = [Line2D([], [], color=VERMILION, linewidth=2, label=f"Circle of {radius_km:g} km radius on the ground"),
               country_handle(RUSSIA_BELARUS, "Belarus", "..")]
    alt = (f"Three maps of Europe side by side, in EPSG:4326, EPSG:3857 and EPSG:3035, each with the same "
           f"{len(circles)} circles of {radius_km:g} km radius on the ground and Belarus shaded. In degrees "
           f"(EPSG:4326), drawn with the aspect geopandas sets for a geographic CRS (1/cos of the middle latitude, "
           f"{mid_lat:.1f}°N, so that a degree of longitude is true to scale there), the circles near that latitude "
           "look round, those to the north wide and those to the south tall: the shapes come partly from that "
           "automatic aspect, not from the CRS alone; in Web Mercator "
           "(EPSG:3857) they stay round but grow towards the north, so that the circle at 67°N looks about twice as "
           "wide as those at 40°N; in ETRS89-LAEA (EPSG:3035) all circles look about the same.")
    return finish(MapCanvas(fig, axes, 0.135), "The same circles on the ground in three coordinate reference systems",
                  source_line(BASEMAP_CREDIT, "CRS definitions: EPSG dataset via pyproj",
                              "circles computed on the WGS84 ellipsoid with pyproj"),
                  [*BASEMAP_SOURCES, *CRIMEA_SOURCES, "iogp-epsg-dataset"], alt, handles=handles, ncol=2,
                  subtitle="Which map would you measure distances on?", tight=True)
