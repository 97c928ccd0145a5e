"""Coordinate systems, the basemap, and distances measured the right way.

The basemap ships in ``data/geo/`` (built by ``scripts/build_basemap.py`` from Natural Earth
4.1; see data/README.md):

- ``countries-50m.geojson``: Europe and western Russia at 1:50m (lon -25..60, lat 34..72);
- ``countries-10m.geojson``: the zoom area around the Suwałki gap at 1:10m (lon 13..33.5,
  lat 49.5..60): the Baltic states, Poland, Belarus, Kaliningrad, northern Ukraine;
- ``occupied.geojson``: territory of Ukraine under Russian occupation (Crimea only).

Coordinates are stored in WGS84 longitude/latitude (``WGS84``). Degrees are not a length, so
every distance, length and area here is computed in ETRS89-LAEA (``METRIC``, EPSG:3035), the
equal-area projection the EU uses for statistics on Europe.

>>> from coursekit import geo
>>> geo.country_at(25.28, 54.69)            # Vilnius
'LTU'
>>> round(geo.gap_km("10m").km)             # Belarus to Kaliningrad, straight line
66
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from coursekit.errors import DataError
from coursekit.paths import data_file

if TYPE_CHECKING:  # pragma: no cover
    import geopandas as gpd
    import pandas as pd
    from shapely.geometry import LineString, Point
    from shapely.geometry.base import BaseGeometry

WGS84 = "EPSG:4326"
"""Longitude/latitude in degrees: how the data files store coordinates."""
METRIC = "EPSG:3035"
"""ETRS89-LAEA Europe, in metres: used for every distance, length and area."""

SCALES = ("50m", "10m")
BASEMAP_FILES = {"50m": "geo/countries-50m.geojson", "10m": "geo/countries-10m.geojson"}
OCCUPIED_FILE = "geo/occupied.geojson"
EXTENTS = {
    "50m": (-25.0, 34.0, 60.0, 72.0),
    "10m": (13.0, 49.5, 33.5, 60.0),
}
"""Clip box of each basemap: (min lon, min lat, max lon, max lat)."""
KALININGRAD_MAX_LON = 24.0
"""Parts of Russia wholly west of this longitude are the Kaliningrad exclave."""

REBUILD = "rebuild it with `python scripts/build_basemap.py` or restore it from git."


# --- loading -------------------------------------------------------------------------------


def check_scale(scale: str) -> str:
    """``scale`` itself if a basemap exists at that scale; otherwise a ValueError naming the choices."""
    if scale not in SCALES:
        raise ValueError(f"scale {scale!r} is not available; use one of {', '.join(SCALES)}.")
    return scale


def _read(path: Path, required: tuple[str, ...]) -> gpd.GeoDataFrame:
    """Read a GeoJSON layer and check its columns and geometries (dates stay ISO strings)."""
    import geopandas as gpd
    import shapely

    if not path.is_file():
        raise DataError(path, "file not found.", fix=REBUILD)
    try:
        gdf = gpd.read_file(path, engine="pyogrio", DATE_AS_STRING="YES")
    except Exception as exc:  # noqa: BLE001 - GDAL raises several types
        raise DataError(path, f"cannot be read as GeoJSON ({exc}).", fix=REBUILD) from exc
    for field in required:
        if field not in gdf.columns:
            raise DataError(path, "column is missing.", field=field, fix=REBUILD)
    if gdf.crs is None or gdf.crs.to_epsg() != 4326:
        raise DataError(path, f"coordinates must be WGS84 (EPSG:4326), not {gdf.crs}.", fix=REBUILD)
    for n, (geom, reason) in enumerate(
        zip(gdf.geometry, shapely.is_valid_reason(gdf.geometry.values), strict=True), start=1
    ):
        if geom is None or geom.is_empty:
            raise DataError(path, "has no geometry.", row=f"feature {n}", field="geometry",
                            fix=REBUILD)
        if reason != "Valid Geometry":
            raise DataError(path, f"invalid geometry ({reason}).", row=f"feature {n}",
                            field="geometry", fix=REBUILD)
    return gdf


@lru_cache(maxsize=8)
def _basemap(path: Path, mtime: float) -> gpd.GeoDataFrame:
    gdf = _read(path, ("name", "iso3"))
    for n, code in enumerate(gdf["iso3"], start=1):
        if not (isinstance(code, str) and len(code) == 3 and code.isalpha() and code.isupper()):
            raise DataError(path, f"{code!r} is not a 3-letter code.", row=f"feature {n}",
                            field="iso3", fix=REBUILD)
    if gdf["iso3"].duplicated().any():
        dup = gdf.loc[gdf["iso3"].duplicated(), "iso3"].iloc[0]
        raise DataError(path, f"code {dup!r} appears twice.", field="iso3", fix=REBUILD)
    keep = [c for c in ("name", "iso3", "source") if c in gdf.columns]
    return gdf[[*keep, "geometry"]]


def basemap_path(scale: str = "50m") -> Path:
    """Path of the basemap file for a scale."""
    return data_file(BASEMAP_FILES[check_scale(scale)])


def load_basemap(scale: str = "50m") -> gpd.GeoDataFrame:
    """Country polygons: columns ``name``, ``iso3``, ``source`` (source ids), ``geometry``.

    ``scale="50m"`` covers Europe and western Russia; ``"10m"`` only the zoom area around
    the Suwałki gap (see ``EXTENTS``). Crimea is part of Ukraine; see ``load_occupied()``.

    >>> world = load_basemap("50m")
    >>> world.loc[world.iso3 == "BLR", "name"].item()
    'Belarus'
    >>> world.to_crs(METRIC).plot()        # doctest: +SKIP
    """
    return _basemap_frame(scale).copy()


def _mtime(path: Path) -> float:
    return path.stat().st_mtime if path.is_file() else 0.0


def _basemap_frame(scale: str) -> gpd.GeoDataFrame:
    """The cached basemap itself: read it, never change it (``load_basemap`` gives a copy)."""
    path = basemap_path(scale)
    return _basemap(path, _mtime(path))


def load_occupied() -> gpd.GeoDataFrame:
    """Territory of Ukraine under Russian occupation: Crimea only (areas occupied since 2022
    are not drawn). Columns ``name``, ``status``, ``since`` (ISO date), ``source``, ``note``.

    >>> occ = load_occupied()
    >>> occ.loc[0, "status"]
    'Ukraine, occupied by Russia'
    """
    import datetime as dt

    path = data_file(OCCUPIED_FILE)
    gdf = _read(path, ("name", "status", "since", "source"))
    for n, row in enumerate(gdf.itertuples(), start=1):
        for field in ("name", "status", "source"):
            if not isinstance(getattr(row, field), str) or not getattr(row, field).strip():
                raise DataError(path, "is empty.", row=f"feature {n}", field=field, fix=REBUILD)
        try:
            dt.date.fromisoformat(str(row.since))
        except ValueError:
            raise DataError(path, f"{row.since!r} is not an ISO date.", row=f"feature {n}",
                            field="since", fix="write the date as YYYY-MM-DD.") from None
    return gdf


# --- projections ---------------------------------------------------------------------------


@lru_cache(maxsize=16)
def transformer(src: str, dst: str):
    """A cached pyproj ``Transformer`` from CRS ``src`` to ``dst`` (x = longitude/easting first).

    It is the one ``GeoSeries.to_crs`` uses for the same pair when geopandas keeps a cache of them
    (as 1.x does): PROJ takes about 0.1 s to choose the operation between two CRSs, and a student's
    ``to_crs(3035)`` and the kit's maps then choose it once per kernel, not once each.
    """
    from pyproj import CRS, Transformer

    try:
        from geopandas.array import TransformerFromCRS as make  # geopandas' own cache
    except ImportError:
        make = Transformer.from_crs
    return make(CRS.from_user_input(src), CRS.from_user_input(dst), always_xy=True)


def reproject(geom: BaseGeometry, src: str, dst: str) -> BaseGeometry:
    """One shapely geometry moved from CRS ``src`` to CRS ``dst``.

    >>> from shapely.geometry import Point
    >>> reproject(Point(25.28, 54.69), WGS84, METRIC).geom_type
    'Point'
    """
    import numpy as np
    import shapely

    tr = transformer(src, dst)

    def fn(coords):
        x, y = tr.transform(coords[:, 0], coords[:, 1])
        return np.column_stack([x, y])

    return shapely.transform(geom, fn)


def to_metric(obj: Any) -> BaseGeometry:
    """One shapely geometry in ``METRIC`` metres.

    ``obj`` is a shapely geometry in lon/lat (WGS84), or a GeoSeries/GeoDataFrame with a CRS
    (all its rows are merged into one geometry).
    """
    from shapely.geometry.base import BaseGeometry

    if isinstance(obj, BaseGeometry):
        return reproject(obj, WGS84, METRIC)
    crs = getattr(obj, "crs", None)
    if hasattr(obj, "to_crs"):
        if crs is None:
            raise ValueError("the GeoSeries/GeoDataFrame has no CRS; set it, e.g. "
                             ".set_crs('EPSG:4326') for lon/lat.")
        return obj.to_crs(METRIC).geometry.union_all()
    raise TypeError(f"expected a shapely geometry or a GeoSeries/GeoDataFrame, got {type(obj)}")


def distance_km(geom_a: Any, geom_b: Any) -> float:
    """Shortest distance between two geometries in km, measured in ``METRIC`` (EPSG:3035).

    Shapely geometries are taken as lon/lat; GeoSeries/GeoDataFrames use their own CRS.

    >>> from shapely.geometry import Point
    >>> round(distance_km(Point(25.28, 54.69), Point(27.56, 53.90)))  # Vilnius-Minsk
    172
    """
    return float(to_metric(geom_a).distance(to_metric(geom_b)) / 1000.0)


# --- the basemap's questions ---------------------------------------------------------------


def country(iso3: str, scale: str = "50m") -> BaseGeometry:
    """A country's polygon(s) on the basemap of ``scale``, in lon/lat (KeyError if not there)."""
    gdf = _basemap_frame(scale)
    match = gdf.loc[gdf["iso3"] == iso3, "geometry"]
    if match.empty:
        raise KeyError(
            f"{iso3!r} is not on the {scale} basemap ({basemap_path(scale)}); codes there: "
            + ", ".join(sorted(gdf["iso3"]))
        )
    return match.iloc[0]


def country_at(lon: float, lat: float, scale: str = "10m") -> str | None:
    """ISO alpha-3 code of the country at a point, or None (sea, or off the map).

    At ``scale="10m"`` a point outside the zoom area is looked up on the 50m map.

    >>> country_at(34.10, 44.95)   # Simferopol, Crimea
    'UKR'
    >>> country_at(20.0, 55.5) is None   # Baltic Sea
    True
    """
    from shapely.geometry import Point

    check_scale(scale)
    x0, y0, x1, y1 = EXTENTS[scale]
    if not (x0 <= lon <= x1 and y0 <= lat <= y1):
        return country_at(lon, lat, "50m") if scale == "10m" else None
    gdf = _basemap_frame(scale)
    hits = gdf.iloc[gdf.sindex.query(Point(lon, lat), predicate="intersects")]
    return None if hits.empty else sorted(hits["iso3"])[0]


def shared_border(iso_a: str, iso_b: str, scale: str = "50m") -> BaseGeometry:
    """The border two countries share on the basemap, as lines in lon/lat (empty if none).

    >>> shared_border("POL", "LTU", "10m").geom_type
    'LineString'
    """
    import shapely

    a, b = country(iso_a, scale), country(iso_b, scale)
    shared = a.boundary.intersection(b.boundary)
    lines = [g for g in shapely.get_parts(shared) if g.geom_type in ("LineString", "LinearRing")]
    return shapely.line_merge(shapely.multilinestrings(lines))


def border_length_km(iso_a: str, iso_b: str, scale: str = "50m") -> float:
    """Length in km of the border two countries share on the basemap (0 if none).

    Generalised maps shorten wiggly borders, so this is less than the official length.

    >>> round(border_length_km("POL", "LTU", "10m"))   # official length: 104 km
    88
    """
    border = shared_border(iso_a, iso_b, scale)
    return 0.0 if border.is_empty else float(to_metric(border).length / 1000.0)


def metric_country(iso3: str, scale: str = "50m") -> BaseGeometry:
    """A country's polygon(s) in ``METRIC`` metres (cached: every distance to a country starts here)."""
    path = basemap_path(scale)
    return _metric_country(iso3, scale, path, _mtime(path))


@lru_cache(maxsize=32)
def _metric_country(iso3: str, scale: str, path: Path, mtime: float) -> BaseGeometry:
    return to_metric(country(iso3, scale))


def nearest_line(point: Point, iso3: str, scale: str = "50m") -> tuple[float, LineString]:
    """The shortest line from a lon/lat ``point`` to a country: its length in km (EPSG:3035) and the
    line itself in lon/lat, for drawing.

    >>> from shapely.geometry import Point
    >>> km, line = nearest_line(Point(25.28, 54.69), "BLR", "10m")   # Vilnius
    >>> 20 < km < 45
    True
    """
    import shapely

    line = shapely.shortest_line(to_metric(point), metric_country(iso3, scale))
    return float(line.length / 1000.0), reproject(line, METRIC, WGS84)


@dataclass(frozen=True)
class Gap:
    """The Suwałki gap as a straight line: its length and its two ends (lon/lat)."""

    km: float
    belarus: Point
    kaliningrad: Point

    @property
    def line(self) -> LineString:
        """The line between the two ends, in lon/lat, for drawing on a map."""
        from shapely.geometry import LineString

        return LineString([self.belarus, self.kaliningrad])


def kaliningrad(scale: str = "50m") -> BaseGeometry:
    """The Kaliningrad exclave of Russia on the basemap (parts west of 24° E)."""
    import shapely

    parts = [
        p for p in shapely.get_parts(country("RUS", scale))
        if p.bounds[2] < KALININGRAD_MAX_LON
    ]
    if not parts:
        raise DataError(basemap_path(scale), "Russia has no part west of 24° E (Kaliningrad).",
                        field="geometry", fix=REBUILD)
    return shapely.union_all(parts)


def gap_km(scale: str = "50m") -> Gap:
    """The Suwałki gap as the shortest straight line from Belarus to Kaliningrad.

    Returns a ``Gap``: ``km`` (measured in EPSG:3035), the nearest points ``belarus`` and
    ``kaliningrad`` (lon/lat), and ``line`` to draw on a map.

    >>> gap = gap_km("50m")
    >>> 60 < gap.km < 72
    True
    >>> gap.line.wkt                    # doctest: +SKIP
    'LINESTRING (23.5 53.9, 22.8 54.4)'
    """
    path = basemap_path(scale)
    return _gap(scale, path, _mtime(path))


@lru_cache(maxsize=4)
def _gap(scale: str, path: Path, mtime: float) -> Gap:
    import shapely
    from shapely.geometry import Point

    blr = metric_country("BLR", scale)
    kal = to_metric(kaliningrad(scale))
    line = shapely.shortest_line(blr, kal)
    back = reproject(line, METRIC, WGS84)
    (ax, ay), (bx, by) = (tuple(round(v, 6) for v in xy) for xy in back.coords)
    return Gap(km=float(line.length / 1000.0), belarus=Point(ax, ay), kaliningrad=Point(bx, by))


def points_gdf(
    df: pd.DataFrame, lon: str = "lon", lat: str = "lat", *, path: str | Path | None = None
) -> gpd.GeoDataFrame:
    """A GeoDataFrame of points (WGS84) from a table with longitude and latitude columns.

    ``path`` names the table's file in error messages; rows count from 1 (the first data row).

    >>> import pandas as pd
    >>> cities = pd.DataFrame({"city": ["Minsk"], "lon": [27.56], "lat": [53.90]})
    >>> points_gdf(cities).geometry.iloc[0].wkt
    'POINT (27.56 53.9)'
    """
    import geopandas as gpd
    import pandas as pd

    where = path if path is not None else "the table"
    for col in (lon, lat):
        if col not in df.columns:
            raise DataError(where, "column is missing.", field=col,
                            fix=f"add it, or pass the column name (columns: {list(df.columns)}).")
    limits = {lon: 180.0, lat: 90.0}
    values = {}
    for col, limit in limits.items():
        num = pd.to_numeric(df[col], errors="coerce")
        for n, (raw, val) in enumerate(zip(df[col], num, strict=True), start=1):
            if pd.isna(val):
                raise DataError(where, f"{raw!r} is not a number.", row=n, field=col,
                                fix="write decimal degrees, e.g. 27.56.")
            if abs(val) > limit:
                raise DataError(where, f"{val} is outside -{limit:g}..{limit:g}.", row=n,
                                field=col, fix="check the order of longitude and latitude.")
        values[col] = num.astype(float)
    geometry = gpd.points_from_xy(values[lon], values[lat], crs=WGS84)
    return gpd.GeoDataFrame(df.copy(), geometry=geometry, crs=WGS84)


def buffer_km(iso3: str, km: float, scale: str = "50m") -> BaseGeometry:
    """The area within ``km`` of a country's border, outside the country (lon/lat polygon).

    The buffer is drawn in ``METRIC`` (EPSG:3035), so ``km`` is a true distance.

    >>> ring = buffer_km("BLR", 100)
    >>> ring.contains(Point(25.28, 54.69))  # Vilnius lies within 100 km of Belarus  # doctest: +SKIP
    True
    """
    if km <= 0:
        raise ValueError(f"km must be positive, got {km}")
    shape = metric_country(iso3, scale)
    ring = shape.buffer(km * 1000.0, quad_segs=16).difference(shape)
    return reproject(ring, METRIC, WGS84)


def within_km(points: gpd.GeoDataFrame, iso3: str, km: float, scale: str = "50m") -> gpd.GeoDataFrame:
    """The points that lie within ``km`` of a country (outside it), nearest first, with ``km`` added.

    ``points`` is a GeoDataFrame with a CRS (e.g. from :func:`points_gdf`).

    >>> from coursekit.datasets import load_places           # doctest: +SKIP
    >>> within_km(points_gdf(load_places()), "BLR", 50)[["name", "km"]]   # doctest: +SKIP
    """
    if km <= 0:
        raise ValueError(f"km must be positive, got {km}")
    if points.crs is None:
        raise ValueError("the points have no CRS; make them with points_gdf() or set_crs('EPSG:4326').")
    shape = metric_country(iso3, scale)
    metric = points.to_crs(METRIC)
    dist = metric.geometry.distance(shape) / 1000.0
    out = points.assign(km=dist.round(1).values)
    outside = ~metric.geometry.within(shape)
    return out[outside.values & (dist.values <= km)].sort_values("km")


def measures(places: pd.DataFrame | None = None) -> pd.DataFrame:
    """The kit's own measures around the Suwałki gap, each computed in EPSG:3035.

    Columns: ``key``, ``measure`` (what is measured), ``scale`` (of the basemap) and ``km``.
    Straight lines barely change with the scale; borders grow longer on the more detailed map.
    ``places`` is the table of ``data/places.csv`` (loaded when not given), for Vilnius's point.

    >>> m = measures().set_index("key")
    >>> bool(60 < m.loc["gap_10m", "km"] < 72)
    True
    """
    import pandas as pd
    from shapely.geometry import Point

    if places is None:
        from coursekit.datasets import load_places

        places = load_places()
    vilnius = places.set_index("name").loc["Vilnius"]
    rows = [(f"gap_{s}", "Straight line, Belarus to Kaliningrad (shortest)", s, gap_km(s).km) for s in SCALES]
    rows += [(f"border_{s}", "Poland–Lithuania border, length as drawn", s, border_length_km("POL", "LTU", s))
             for s in SCALES]
    rows.append(("vilnius_10m", "Vilnius (city-centre point) to the nearest point of Belarus", "10m",
                 nearest_line(Point(vilnius["lon"], vilnius["lat"]), "BLR", "10m")[0]))
    df = pd.DataFrame(rows, columns=["key", "measure", "scale", "km"])
    df["scale"] = "1:" + df["scale"]
    return df


def _country(scale: str, iso3: str) -> BaseGeometry:
    """``country(iso3, scale)`` under its name before it was public (arguments in the old order)."""
    return country(iso3, scale)
