"""Build the kit's basemap (data/geo/) from Natural Earth 4.1, as shipped in world-atlas 2.0.2.

Run from the repository root::

    python scripts/build_basemap.py

What it does, step by step:

1. ``npm pack world-atlas@2.0.2`` into ``build/world-atlas/`` (once; the tarball is reused),
   then checks the tarball's SHA-256 against ``TARBALL_SHA256`` and refuses to build on a
   mismatch.
2. Extracts ``countries-50m.json`` and ``countries-10m.json`` (TopoJSON, read by GDAL).
3. Makes every geometry valid, maps the numeric ids to ISO 3166-1 alpha-3 codes, and merges
   "N. Cyprus" into Cyprus.
4. Moves Crimea from Russia to Ukraine (Natural Earth draws the de facto line) and writes the
   peninsula to its own layer of occupied territory.
5. Clips to the region (1:50m) and to the zoom area around the Suwałki gap (1:10m), rounds
   coordinates to 4 decimals (about 10 m) and writes GeoJSON (EPSG:4326, RFC 7946).

The output is deterministic: running the script twice gives the same bytes.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import shutil
import subprocess
import sys
import tarfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
PACKAGE = "world-atlas@2.0.2"
TARBALL = "world-atlas-2.0.2.tgz"
# SHA-256 of the tarball fetched with `npm pack world-atlas@2.0.2` on 2026-11-27. It matches
# the registry's integrity field (sha512-IXfV0qwlKXpckz1F...ChG0LQ==).
TARBALL_SHA256 = "032e7765f2ce00edaeafec23ff22bc3b77e42987c257da944cc585b452c05b97"
DEFAULT_CACHE = REPO / "build" / "world-atlas"
DEFAULT_OUT = REPO / "data" / "geo"

# (min lon, min lat, max lon, max lat), WGS84. Keep in step with coursekit.geo.EXTENTS.
REGION_BOX = (-25.0, 34.0, 60.0, 72.0)  # Europe and western Russia, 1:50m
ZOOM_BOX = (13.0, 49.5, 33.5, 60.0)  # Baltic states, Poland, Belarus, Kaliningrad, N Ukraine
LAYERS = {
    # out file: (input file in the package, clip box, scale label)
    "countries-50m.geojson": ("countries-50m.json", REGION_BOX, "1:50m"),
    "countries-10m.geojson": ("countries-10m.json", ZOOM_BOX, "1:10m"),
}
OCCUPIED_FROM = "countries-10m.json"
DECIMALS = 4

SIMFEROPOL = (34.10, 44.95)
SEVASTOPOL = (33.52, 44.60)
# Every part of Russia that lies wholly inside this box is on or off the Crimean peninsula
# (Tuzla and other islets would be too); mainland Russia (Taman) reaches further east.
CRIMEA_BOX = (32.3, 44.3, 36.7, 46.3)

BASE_SOURCES = "naturalearth-2018-admin0-4-1 worldatlas-2-0-2 unsd-m49-codes"
EXTRA_SOURCES = {
    "UKR": "un-2014-ga-res-68-262 un-2018-ga-res-73-263",
    "RUS": "un-2014-ga-res-68-262",
    "CYP": "un-1983-sc-res-541",
    "XKX": "eu-council-prado-xkx",
}

# ISO 3166-1 numeric (as world-atlas carries it) -> (alpha-3, short English name), after the
# UN M49 list. Only ids inside the clip boxes are needed; an unknown id stops the build.
ISO = {
    "008": ("ALB", "Albania"),
    "012": ("DZA", "Algeria"),
    "020": ("AND", "Andorra"),
    "031": ("AZE", "Azerbaijan"),
    "040": ("AUT", "Austria"),
    "051": ("ARM", "Armenia"),
    "056": ("BEL", "Belgium"),
    "070": ("BIH", "Bosnia and Herzegovina"),
    "100": ("BGR", "Bulgaria"),
    "112": ("BLR", "Belarus"),
    "191": ("HRV", "Croatia"),
    "196": ("CYP", "Cyprus"),
    "203": ("CZE", "Czechia"),
    "208": ("DNK", "Denmark"),
    "233": ("EST", "Estonia"),
    "234": ("FRO", "Faroe Islands"),
    "246": ("FIN", "Finland"),
    "248": ("ALA", "Åland Islands"),
    "250": ("FRA", "France"),
    "268": ("GEO", "Georgia"),
    "276": ("DEU", "Germany"),
    "292": ("GIB", "Gibraltar"),
    "300": ("GRC", "Greece"),
    "304": ("GRL", "Greenland"),
    "336": ("VAT", "Holy See"),
    "348": ("HUN", "Hungary"),
    "352": ("ISL", "Iceland"),
    "364": ("IRN", "Iran"),
    "368": ("IRQ", "Iraq"),
    "372": ("IRL", "Ireland"),
    "380": ("ITA", "Italy"),
    "398": ("KAZ", "Kazakhstan"),
    "422": ("LBN", "Lebanon"),
    "428": ("LVA", "Latvia"),
    "438": ("LIE", "Liechtenstein"),
    "440": ("LTU", "Lithuania"),
    "442": ("LUX", "Luxembourg"),
    "470": ("MLT", "Malta"),
    "492": ("MCO", "Monaco"),
    "498": ("MDA", "Moldova"),
    "499": ("MNE", "Montenegro"),
    "504": ("MAR", "Morocco"),
    "528": ("NLD", "Netherlands"),
    "578": ("NOR", "Norway"),
    "616": ("POL", "Poland"),
    "620": ("PRT", "Portugal"),
    "642": ("ROU", "Romania"),
    "643": ("RUS", "Russia"),
    "674": ("SMR", "San Marino"),
    "688": ("SRB", "Serbia"),
    "703": ("SVK", "Slovakia"),
    "705": ("SVN", "Slovenia"),
    "724": ("ESP", "Spain"),
    "752": ("SWE", "Sweden"),
    "756": ("CHE", "Switzerland"),
    "760": ("SYR", "Syria"),
    "788": ("TUN", "Tunisia"),
    "792": ("TUR", "Türkiye"),
    "795": ("TKM", "Turkmenistan"),
    "804": ("UKR", "Ukraine"),
    "807": ("MKD", "North Macedonia"),
    "826": ("GBR", "United Kingdom"),
    "831": ("GGY", "Guernsey"),
    "832": ("JEY", "Jersey"),
    "833": ("IMN", "Isle of Man"),
    "860": ("UZB", "Uzbekistan"),
}
# Features world-atlas ships without a numeric id, by their Natural Earth name.
NO_ID = {
    # XKX: the code the EU uses for Kosovo for practical reasons; not an ISO 3166 code.
    "Kosovo": ("XKX", "Kosovo"),
    # Recognised only by Türkiye; UN Security Council resolution 541 (1983) calls its
    # declaration legally invalid. Merged into Cyprus.
    "N. Cyprus": ("CYP", "Cyprus"),
}

OCCUPIED_ROW = {
    "name": "Crimea (Autonomous Republic of Crimea and Sevastopol)",
    "status": "Ukraine, occupied by Russia",
    "since": "2014-02-27",
    "source": (
        "un-2014-ga-res-68-262 un-2018-ga-res-73-263 rferl-2014-02-27-crimea-buildings-seized "
        "independent-2014-02-27-crimea-parliament-seized interfax-ua-2022-04-11-occupation-dates "
        "crimea-platform-occupation-timeline naturalearth-2018-admin0-4-1"
    ),
    "note": (
        "since: armed men seized the Crimean parliament and government buildings in "
        "Simferopol on 2014-02-27; Ukrainian law dates the start of the temporary occupation "
        "to 2014-02-20. Outline: the part of the peninsula Natural Earth 4.1 (1:10m) assigns "
        "to Russia. Areas of Ukraine occupied since 2022 are not drawn: no sourced boundary "
        "was available offline."
    ),
}


class BuildError(RuntimeError):
    """The basemap cannot be built; the message says why and what to do."""


# --- fetching and checking -----------------------------------------------------------------


def sha256_file(path: Path) -> str:
    """Hex SHA-256 of a file."""
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 16), b""):
            digest.update(block)
    return digest.hexdigest()


def check_tarball(path: Path, expected: str = TARBALL_SHA256) -> str:
    """Return the tarball's SHA-256, or raise BuildError if it is not the expected one."""
    if not path.is_file():
        raise BuildError(f"{path}: file not found. Fix: run the script without --offline.")
    actual = sha256_file(path)
    if actual != expected:
        raise BuildError(
            f"{path}: SHA-256 is {actual}, expected {expected}. This is not the {PACKAGE} "
            "tarball the basemap was built from, so nothing was built. Fix: delete the file "
            "and run the script again; if the hash still differs, the package changed on the "
            "registry: review the new data before updating TARBALL_SHA256 in this script."
        )
    return actual


def fetch_tarball(cache: Path, offline: bool = False) -> Path:
    """The world-atlas tarball in ``cache``, fetched with ``npm pack`` if missing."""
    cache.mkdir(parents=True, exist_ok=True)
    path = cache / TARBALL
    if path.is_file() or offline:
        return path
    npm = shutil.which("npm")
    if npm is None:
        raise BuildError(
            f"npm not found, needed once to fetch {PACKAGE}. Fix: install Node.js/npm, or put "
            f"{TARBALL} into {cache} by other means."
        )
    cmd = [npm, "pack", PACKAGE, "--ignore-scripts", "--pack-destination", str(cache)]
    print("fetching:", " ".join(cmd[1:]))
    result = subprocess.run(cmd, capture_output=True, text=True)
    if result.returncode != 0 or not path.is_file():
        raise BuildError(f"`npm pack {PACKAGE}` failed: {result.stderr.strip()}")
    return path


def extract(tarball: Path, name: str, dest: Path) -> Path:
    """Extract ``package/<name>`` from the tarball to ``dest/<name>``."""
    out = dest / name
    with tarfile.open(tarball, "r:gz") as tar:
        try:
            member = tar.extractfile(f"package/{name}")
        except KeyError:
            member = None
        if member is None:
            raise BuildError(f"{tarball}: has no package/{name}.")
        out.write_bytes(member.read())
    return out


# --- geometry ------------------------------------------------------------------------------


def polygons(geom):
    """The polygonal part of a geometry as a MultiPolygon (lines and points dropped)."""
    import shapely
    from shapely.geometry import MultiPolygon, Polygon

    parts = [p for p in shapely.get_parts(geom) if isinstance(p, Polygon | MultiPolygon)]
    flat = []
    for p in parts:
        flat.extend(p.geoms if isinstance(p, MultiPolygon) else [p])
    return MultiPolygon([p for p in flat if not p.is_empty])


def unwrap_antimeridian(geom):
    """Unwrap rings that cross 180° of longitude, by +360° on their western side.

    Russia's outline crosses the antimeridian (Chukotka). A ring with vertices near both
    -180° and +180° otherwise spans the whole map, and make_valid turns it into false bands
    over Scandinavia and the Norwegian Sea. Unwrapped to 180..190° the shape is valid and the
    clip to the region is correct. Rings that do not cross 180° are left as they are.
    """
    import numpy as np
    from shapely.geometry import MultiPolygon, Polygon

    def ring(coords):
        xy = np.asarray(coords, dtype=float)
        if len(xy) and xy[:, 0].max() > 170 and xy[:, 0].min() < -170:
            xy[:, 0] = np.where(xy[:, 0] < 0, xy[:, 0] + 360.0, xy[:, 0])
        return xy

    def poly(p):
        return Polygon(ring(p.exterior.coords), [ring(i.coords) for i in p.interiors])

    if isinstance(geom, Polygon):
        return poly(geom)
    if isinstance(geom, MultiPolygon):
        return MultiPolygon([poly(p) for p in geom.geoms])
    return geom


def read_countries(path: Path):
    """world-atlas countries as a GeoDataFrame (ne_id, ne_name, geometry), valid, EPSG:4326."""
    import geopandas as gpd
    import shapely

    try:
        gdf = gpd.read_file(path, layer="countries", engine="pyogrio")
    except Exception as exc:  # noqa: BLE001 - GDAL raises several types
        raise BuildError(f"{path}: GDAL cannot read the TopoJSON ({exc}).") from exc
    gdf = gdf.set_crs("EPSG:4326", allow_override=True)
    gdf = gdf.rename(columns={"id": "ne_id", "name": "ne_name"})
    geoms = [unwrap_antimeridian(g) for g in gdf.geometry.values]
    valid = shapely.make_valid(geoms, method="structure", keep_collapsed=False)
    gdf["geometry"] = [polygons(g) for g in valid]
    return gdf


def assign_codes(gdf, box, path: Path):
    """Keep features that touch ``box``; add iso3 and name; merge features with one code."""
    import geopandas as gpd
    import pandas as pd
    import shapely
    from shapely.geometry import box as make_box

    sub = gdf[gdf.intersects(make_box(*box))].copy()
    codes = []
    for ne_id, ne_name in zip(sub["ne_id"], sub["ne_name"], strict=True):
        if isinstance(ne_id, str) and ne_id in ISO:
            codes.append(ISO[ne_id])
        elif (ne_id is None or pd.isna(ne_id)) and ne_name in NO_ID:
            codes.append(NO_ID[ne_name])
        else:
            raise BuildError(
                f"{path}: feature {ne_name!r} (id {ne_id!r}) has no ISO code in this script. "
                "Fix: add it to ISO (or NO_ID) in scripts/build_basemap.py, with its source."
            )
    sub["iso3"] = [c[0] for c in codes]
    sub["name"] = [c[1] for c in codes]
    rows = []
    for iso3, group in sub.groupby("iso3", sort=True):
        geom = polygons(shapely.union_all(group.geometry.values))
        rows.append({"name": group["name"].iloc[0], "iso3": iso3, "geometry": geom})
    return gpd.GeoDataFrame(rows, geometry="geometry", crs="EPSG:4326")


def reassign_crimea(gdf, path: Path):
    """Move Crimea from Russia to Ukraine; return (new gdf, Crimea geometry).

    Natural Earth 4.1 draws the de facto line, so Crimea is a part of Russia's multipolygon.
    The parts that lie wholly in CRIMEA_BOX must include the ones holding Simferopol and
    Sevastopol, or the build stops.
    """
    import shapely
    from shapely.geometry import MultiPolygon, Point
    from shapely.geometry import box as make_box

    is_ru, is_ua = gdf["ne_id"] == "643", gdf["ne_id"] == "804"
    if is_ru.sum() != 1 or is_ua.sum() != 1:
        raise BuildError(f"{path}: expected one feature each for Russia (643) and Ukraine (804).")
    ru = gdf.loc[is_ru, "geometry"].iloc[0]
    ua = gdf.loc[is_ua, "geometry"].iloc[0]
    crimea_box = make_box(*CRIMEA_BOX)
    crimea = [p for p in ru.geoms if crimea_box.contains(p)]
    rest = [p for p in ru.geoms if not crimea_box.contains(p)]
    for label, (lon, lat) in (("Simferopol", SIMFEROPOL), ("Sevastopol", SEVASTOPOL)):
        if not any(p.contains(Point(lon, lat)) for p in crimea):
            raise BuildError(
                f"{path}: no separate part of Russia holds {label} ({lon}, {lat}); the data "
                "changed. Fix: look at the Crimea parts and adapt reassign_crimea()."
            )
        if ua.contains(Point(lon, lat)):
            raise BuildError(f"{path}: {label} is already in Ukraine; the correction is moot.")
    crimea_geom = polygons(shapely.union_all(crimea))
    new_ua = polygons(shapely.union_all([ua, crimea_geom]))
    if not new_ua.is_valid or not new_ua.contains(Point(*SIMFEROPOL)):
        raise BuildError(f"{path}: merging Crimea into Ukraine gave an invalid geometry.")
    gdf = gdf.copy()
    gdf.loc[is_ru, "geometry"] = MultiPolygon(rest)
    gdf.loc[is_ua, "geometry"] = new_ua
    print(f"  Crimea: {len(crimea)} part(s) moved from Russia to Ukraine")
    return gdf, crimea_geom


def tidy(geom, box=None):
    """Clip to ``box``, snap to the output grid, keep valid polygons, orient them (RFC 7946)."""
    import shapely
    from shapely.geometry import MultiPolygon
    from shapely.geometry.polygon import orient

    if box is not None:
        geom = shapely.clip_by_rect(geom, *box)
    geom = polygons(shapely.set_precision(polygons(geom), 10.0**-DECIMALS))
    parts = sorted(
        (orient(p, sign=1.0) for p in geom.geoms),
        key=lambda p: (-round(p.area, 8), p.bounds),
    )
    out = MultiPolygon(parts)
    if not out.is_valid:
        raise BuildError(f"a geometry is invalid after rounding: {shapely.is_valid_reason(out)}")
    return out


# --- writing -------------------------------------------------------------------------------


def _num(value: float) -> float:
    out = round(float(value), DECIMALS)
    return 0.0 if out == 0 else out


def geometry_json(geom) -> dict:
    """A (Multi)Polygon as a GeoJSON MultiPolygon with rounded coordinates."""
    def ring(r):
        return [[_num(x), _num(y)] for x, y in r.coords]

    polys = [[ring(p.exterior), *[ring(i) for i in p.interiors]] for p in geom.geoms]
    return {"type": "MultiPolygon", "coordinates": polys}


def write_geojson(path: Path, rows: list[dict], name: str, description: str) -> int:
    """Write a FeatureCollection, one feature a line; return the size in bytes."""
    head = {"type": "FeatureCollection", "name": name, "description": description}
    lines = []
    for row in rows:
        props = {k: v for k, v in row.items() if k != "geometry"}
        feature = {"type": "Feature", "properties": props, "geometry": geometry_json(row["geometry"])}
        lines.append(json.dumps(feature, ensure_ascii=False, separators=(",", ":")))
    text = json.dumps(head, ensure_ascii=False)[:-1] + ',"features":[\n'
    text += ",\n".join(lines) + "\n]}\n"
    path.write_text(text, encoding="utf-8")
    return path.stat().st_size


def describe(scale: str, box, sha: str) -> str:
    return (
        f"Country polygons, Natural Earth 4.1 admin-0 at {scale} via npm world-atlas 2.0.2 "
        f"({TARBALL} sha256 {sha}), clipped to lon {box[0]}..{box[2]}, lat {box[1]}..{box[3]}. "
        "Crimea is shown as part of Ukraine (see occupied.geojson); N. Cyprus merged into "
        "Cyprus; Kosovo coded XKX. Built by scripts/build_basemap.py. Natural Earth is public "
        "domain; the corrections are CC BY 4.0. Source ids per feature in 'source'."
    )


# --- main ----------------------------------------------------------------------------------


def build(cache: Path = DEFAULT_CACHE, out: Path = DEFAULT_OUT, offline: bool = False) -> dict:
    """Build every layer into ``out``; return {file name: size in bytes}."""
    tarball = fetch_tarball(cache, offline=offline)
    sha = check_tarball(tarball)
    print(f"{tarball.relative_to(REPO) if tarball.is_relative_to(REPO) else tarball}: "
          f"sha256 {sha} (ok)")
    out.mkdir(parents=True, exist_ok=True)
    sizes: dict[str, int] = {}
    crimea_10m = None
    for out_name, (in_name, box, scale) in LAYERS.items():
        src = extract(tarball, in_name, cache)
        print(f"{in_name}: reading")
        gdf = read_countries(src)
        gdf, crimea = reassign_crimea(gdf, src)
        if in_name == OCCUPIED_FROM:
            crimea_10m = crimea
        coded = assign_codes(gdf, box, src)
        rows = []
        for rec in coded.itertuples(index=False):
            geom = tidy(rec.geometry, box)
            if geom.is_empty:
                continue
            source = BASE_SOURCES
            if rec.iso3 in EXTRA_SOURCES:
                source += " " + EXTRA_SOURCES[rec.iso3]
            rows.append({"name": rec.name, "iso3": rec.iso3, "source": source, "geometry": geom})
        sizes[out_name] = write_geojson(
            out / out_name, rows, out_name.removesuffix(".geojson"), describe(scale, box, sha)
        )
    occupied = {**OCCUPIED_ROW, "geometry": tidy(crimea_10m)}
    sizes["occupied.geojson"] = write_geojson(
        out / "occupied.geojson",
        [occupied],
        "occupied",
        "Territory of Ukraine under Russian occupation, as far as drawn here: Crimea only. "
        "Areas occupied since 2022 are not drawn (no sourced boundary available offline). "
        f"Outline from Natural Earth 4.1 1:10m via world-atlas 2.0.2 (sha256 {sha}).",
    )
    return sizes


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cache", type=Path, default=DEFAULT_CACHE, help="download folder")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="output folder")
    parser.add_argument("--offline", action="store_true", help="never call npm")
    args = parser.parse_args(argv)
    try:
        sizes = build(args.cache, args.out, offline=args.offline)
    except BuildError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    total = 0
    for name, size in sizes.items():
        total += size
        print(f"wrote {args.out / name}: {size / 1024:.0f} KiB")
    print(f"total: {total / 1024:.0f} KiB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
