"""The shipped basemap (data/geo/) and coursekit.geo. No network."""

from __future__ import annotations

import datetime as dt
import hashlib
import importlib.util
import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from shapely.geometry import Point

from coursekit import geo
from coursekit.errors import DataError
from coursekit.paths import data_file
from coursekit.sources import load_sources, require_ids
from tests.conftest import use_course

REPO = Path(__file__).resolve().parent.parent
SCRIPT = REPO / "scripts" / "build_basemap.py"
GEO_FILES = ("countries-50m.geojson", "countries-10m.geojson", "occupied.geojson")


@pytest.fixture(scope="module")
def build_script():
    spec = importlib.util.spec_from_file_location("build_basemap", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    sys.modules["build_basemap"] = module
    spec.loader.exec_module(module)
    return module


# --- places fall where they should -----------------------------------------------------------


@pytest.mark.parametrize("scale", geo.SCALES)
def test_simferopol_is_ukraine_and_occupied(scale):
    assert geo.country_at(34.10, 44.95, scale) == "UKR"
    assert geo.country_at(33.52, 44.60, scale) == "UKR"  # Sevastopol
    occupied = geo.load_occupied()
    assert occupied.contains(Point(34.10, 44.95)).any()
    assert not occupied.contains(Point(30.52, 50.45)).any()  # Kyiv is not


def test_crimea_is_not_in_russia():
    world = geo.load_basemap("50m")
    russia = world.loc[world.iso3 == "RUS", "geometry"].item()
    assert not russia.intersects(geo.load_occupied().geometry.item().buffer(-0.01))


@pytest.mark.parametrize("scale", geo.SCALES)
@pytest.mark.parametrize(
    ("place", "lon", "lat", "iso3"),
    [
        ("Kaliningrad", 20.51, 54.71, "RUS"),
        ("Vilnius", 25.28, 54.69, "LTU"),
        ("Minsk", 27.56, 53.90, "BLR"),
        ("Warsaw", 21.01, 52.23, "POL"),
        ("Kyiv", 30.52, 50.45, "UKR"),
        ("Baltic Sea", 19.5, 56.0, None),
    ],
)
def test_country_at(scale, place, lon, lat, iso3):
    assert geo.country_at(lon, lat, scale) == iso3, place


def test_country_at_off_the_map():
    assert geo.country_at(-70.0, 40.0, "50m") is None
    # outside the 10m zoom area the 50m map answers
    assert geo.country_at(2.35, 48.86, "10m") == "FRA"


# --- the files themselves ---------------------------------------------------------------------


@pytest.mark.parametrize("name", GEO_FILES)
def test_every_geometry_is_valid(name):
    import geopandas as gpd

    gdf = gpd.read_file(data_file(f"geo/{name}"))
    assert len(gdf) > 0
    assert gdf.crs.to_epsg() == 4326
    assert gdf.is_valid.all(), gdf.loc[~gdf.is_valid].iloc[:, 0].tolist()
    assert (~gdf.is_empty).all()


def test_basemaps_have_codes_and_sources():
    known = load_sources()
    for scale in geo.SCALES:
        gdf = geo.load_basemap(scale)
        assert list(gdf.columns) == ["name", "iso3", "source", "geometry"]
        assert gdf["iso3"].is_unique
        for n, ids in enumerate(gdf["source"], start=1):
            require_ids(ids, path=geo.basemap_path(scale), row=f"feature {n}", known=known)
    codes = set(geo.load_basemap("50m")["iso3"])
    assert {"BLR", "UKR", "RUS", "POL", "LTU", "LVA", "EST", "XKX", "CYP"} <= codes


def test_geo_folder_fits_its_budget():
    total = sum(data_file(f"geo/{name}").stat().st_size for name in GEO_FILES)
    assert total < 2 * 1024 * 1024


def test_extents_match_the_build_script(build_script):
    assert geo.EXTENTS["50m"] == build_script.REGION_BOX
    assert geo.EXTENTS["10m"] == build_script.ZOOM_BOX


def test_occupied_rows_are_sourced():
    known = load_sources()
    occupied = geo.load_occupied()
    path = data_file(geo.OCCUPIED_FILE)
    for n, row in enumerate(occupied.itertuples(), start=1):
        assert row.name and row.status == "Ukraine, occupied by Russia"
        assert dt.date.fromisoformat(row.since) <= dt.date.today()
        ids = require_ids(row.source, path=path, row=f"feature {n}", known=known)
        assert "un-2014-ga-res-68-262" in ids


# --- measuring ----------------------------------------------------------------------------------


@pytest.mark.parametrize("scale", geo.SCALES)
def test_suwalki_gap(scale):
    gap = geo.gap_km(scale)
    assert 60 < gap.km < 72
    # the two points lie on Belarus and on the Kaliningrad exclave
    world = geo.load_basemap(scale)
    belarus = world.loc[world.iso3 == "BLR", "geometry"].item()
    assert geo.distance_km(gap.belarus, belarus) < 0.01
    assert geo.distance_km(gap.kaliningrad, geo.kaliningrad(scale)) < 0.01
    assert gap.line.length > 0
    assert geo.distance_km(gap.belarus, gap.kaliningrad) == pytest.approx(gap.km, abs=0.01)


@pytest.mark.parametrize("scale", geo.SCALES)
def test_pol_ltu_border_is_shortened_by_generalisation(scale):
    length = geo.border_length_km("POL", "LTU", scale)
    assert 60 < length < 104  # official length 104 km
    assert geo.border_length_km("POL", "EST", scale) == 0.0


def test_finer_scale_gives_longer_border():
    assert geo.border_length_km("POL", "LTU", "10m") > geo.border_length_km("POL", "LTU", "50m")


def test_border_with_unknown_country():
    with pytest.raises(KeyError, match="FRA"):
        geo.border_length_km("POL", "FRA", "10m")


def test_distance_km_uses_a_metric_crs():
    # Vilnius to Minsk, about 172 km; in degrees the "distance" would be about 2.4
    assert geo.distance_km(Point(25.28, 54.69), Point(27.56, 53.90)) == pytest.approx(172, abs=2)


def test_bad_scale():
    with pytest.raises(ValueError, match="50m, 10m"):
        geo.load_basemap("110m")


# --- errors name the file, row and field ----------------------------------------------------------


def _copy_root(tmp_path, monkeypatch) -> Path:
    (tmp_path / "data" / "geo").mkdir(parents=True)
    for name in GEO_FILES:
        shutil.copy(data_file(f"geo/{name}"), tmp_path / "data" / "geo" / name)
    use_course(monkeypatch, tmp_path)
    return tmp_path / "data" / "geo"


def test_missing_basemap_names_the_file(tmp_path, monkeypatch):
    folder = _copy_root(tmp_path, monkeypatch)
    (folder / "countries-10m.geojson").unlink()
    with pytest.raises(DataError, match=r"countries-10m\.geojson: file not found.*build_basemap"):
        geo.load_basemap("10m")


def test_broken_basemap_names_file_feature_and_field(tmp_path, monkeypatch):
    folder = _copy_root(tmp_path, monkeypatch)
    path = folder / "countries-50m.geojson"
    path.write_text(path.read_text().replace('"iso3":"BLR"', '"iso3":"by"'), encoding="utf-8")
    with pytest.raises(DataError) as err:
        geo.load_basemap("50m")
    assert str(path) in str(err.value)
    assert "feature" in str(err.value) and "field 'iso3'" in str(err.value)


def test_unreadable_basemap_names_the_file(tmp_path, monkeypatch):
    folder = _copy_root(tmp_path, monkeypatch)
    (folder / "occupied.geojson").write_text("{not json", encoding="utf-8")
    with pytest.raises(DataError, match=r"occupied\.geojson"):
        geo.load_occupied()


def test_bad_occupied_date_names_feature_and_field(tmp_path, monkeypatch):
    folder = _copy_root(tmp_path, monkeypatch)
    path = folder / "occupied.geojson"
    path.write_text(path.read_text().replace('"since":"2014-02-27"', '"since":"27.02.2014"'),
                    encoding="utf-8")
    with pytest.raises(DataError, match=r"occupied\.geojson, feature 1, field 'since'"):
        geo.load_occupied()


def test_points_gdf():
    df = pd.DataFrame({"place": ["Minsk", "Vilnius"], "lon": [27.56, 25.28], "lat": [53.9, 54.69]})
    gdf = geo.points_gdf(df)
    assert gdf.crs.to_epsg() == 4326
    assert gdf.geometry.iloc[1].equals(Point(25.28, 54.69))
    assert list(gdf["place"]) == ["Minsk", "Vilnius"]


def test_points_gdf_names_row_and_field():
    df = pd.DataFrame({"x": [27.56, 25.28], "y": [53.9, 154.69]})
    with pytest.raises(DataError, match=r"data/sites\.csv, row 2, field 'y'"):
        geo.points_gdf(df, lon="x", lat="y", path="data/sites.csv")
    with pytest.raises(DataError, match="field 'lon'"):
        geo.points_gdf(df)


def test_geo_does_not_import_geopandas_eagerly():
    code = "import sys, coursekit.geo; assert 'geopandas' not in sys.modules"
    subprocess.run([sys.executable, "-c", code], check=True)


# --- the build script ---------------------------------------------------------------------------


def test_checksum_rejects_a_tampered_tarball(build_script, tmp_path):
    cache = tmp_path / "cache"
    cache.mkdir()
    fake = cache / build_script.TARBALL
    fake.write_bytes(b"not the world-atlas tarball")
    with pytest.raises(build_script.BuildError, match="SHA-256") as err:
        build_script.check_tarball(fake)
    assert str(fake) in str(err.value)
    # the right hash passes
    good = hashlib.sha256(fake.read_bytes()).hexdigest()
    assert build_script.check_tarball(fake, expected=good) == good
    # and the build refuses to write anything
    out = tmp_path / "out"
    with pytest.raises(build_script.BuildError):
        build_script.build(cache, out, offline=True)
    assert not out.exists()


def test_rebuild_gives_the_shipped_bytes(build_script, tmp_path):
    cached = build_script.DEFAULT_CACHE / build_script.TARBALL
    if not cached.is_file():
        pytest.skip("world-atlas tarball not cached; run scripts/build_basemap.py once")
    build_script.build(build_script.DEFAULT_CACHE, tmp_path, offline=True)
    for name in GEO_FILES:
        assert (tmp_path / name).read_bytes() == data_file(f"geo/{name}").read_bytes(), name


@pytest.mark.parametrize("scale", ["50m", "10m"])
def test_russia_has_no_false_bands_across_the_antimeridian(scale):
    """Russia's outline crosses 180°; unwrapped badly it paints bands over Scandinavia."""
    import shapely

    world = geo.load_basemap(scale)
    russia = world.loc[world["iso3"] == "RUS", "geometry"].iloc[0]
    assert min(p.bounds[0] for p in shapely.get_parts(russia)) > 19.5  # Kaliningrad is the westernmost part
    if scale == "50m":
        assert geo.country_at(20.0, 67.0, scale) == "SWE"  # northern Sweden
        assert geo.country_at(33.0, 64.0, scale) == "RUS"  # Karelia


def test_buffer_and_within_km():
    from coursekit.datasets import load_places

    ring = geo.buffer_km("BLR", 100)
    assert not ring.contains(geo._country("50m", "BLR").representative_point())  # the country itself is out
    near = geo.within_km(geo.points_gdf(load_places()), "BLR", 100)
    assert near["name"].tolist()[:2] == ["Vilnius", "Suwałki"]  # nearest first
    assert 20 < near["km"].iloc[0] < 40 and (near["km"] <= 100).all()
    assert "Minsk" not in near["name"].tolist()  # inside Belarus, not near it
    with pytest.raises(ValueError, match="positive"):
        geo.buffer_km("BLR", 0)


def test_the_public_api_maps_build_on_agrees_with_the_measures():
    from coursekit.datasets import load_places

    row = load_places().set_index("name").loc["Vilnius"]
    vilnius = Point(row["lon"], row["lat"])
    km, line = geo.nearest_line(vilnius, "BLR", "10m")
    assert km == pytest.approx(geo.distance_km(vilnius, geo.country("BLR", "10m")), abs=0.01)
    assert line.coords[0] == pytest.approx((row["lon"], row["lat"]))
    border = geo.shared_border("POL", "LTU", "10m")
    assert geo.border_length_km("POL", "LTU", "10m") == pytest.approx(geo.to_metric(border).length / 1000)
    assert geo.shared_border("POL", "EST").is_empty and geo.border_length_km("POL", "EST") == 0.0
    m = geo.measures().set_index("key")
    assert m.loc["vilnius_10m", "km"] == pytest.approx(km)
    with pytest.raises(ValueError, match="10m"):
        geo.check_scale("1m")


def test_the_kit_and_to_crs_share_one_transformer_per_pair():
    """PROJ takes about 0.1 s to choose an operation between two CRSs: a student's to_crs(3035)
    and the kit's maps choose it once per kernel."""
    import geopandas as gpd
    from pyproj import CRS
    from shapely.geometry import Point

    from coursekit import geo

    geo.transformer.cache_clear()
    student = gpd.GeoSeries([Point(25.28, 54.69)], crs=4326).to_crs(3035)
    kit = geo.transformer(geo.WGS84, geo.METRIC)
    from geopandas.array import TransformerFromCRS

    assert kit is TransformerFromCRS(CRS.from_epsg(4326), CRS.from_epsg(3035), always_xy=True)
    assert kit.transform(25.28, 54.69) == (student.iloc[0].x, student.iloc[0].y)
