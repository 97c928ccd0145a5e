"""Shared fixtures: a throw-away copy of the course for tests that change files."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
# tests/data holds fixtures and the scripts that made them, not tests (nor doctests to import)
collect_ignore_glob = ["data/*"]
# Figures are drawn, not read from a user's figure cache, unless a test sets up a cache itself
# (tests/test_figcache.py); kernels and commands the tests start inherit this.
os.environ["COURSEKIT_FIGURE_CACHE"] = "off"
os.environ.pop("COURSEKIT_FIGURE_CACHE_SHARED", None)


def use_course(monkeypatch, root: Path) -> None:
    """Work in the course at ``root``: the kit finds the course from the working directory first
    (then COURSEKIT_ROOT), so a test that points at another copy moves into it as a student would."""
    monkeypatch.setenv("COURSEKIT_ROOT", str(root))
    monkeypatch.chdir(root)


@pytest.fixture
def course_copy(tmp_path, monkeypatch):
    """A copy of data/ and notebooks/ in tmp_path, with COURSEKIT_ROOT pointing at it."""
    root = tmp_path / "course"
    shutil.copytree(REPO / "data", root / "data")
    shutil.copytree(REPO / "notebooks", root / "notebooks",
                    ignore=shutil.ignore_patterns(".ipynb_checkpoints"))
    use_course(monkeypatch, root)
    return root


@pytest.fixture(scope="module")
def countries():
    """The kit's 1:50m outlines as a student reads them in module 03 (a GeoDataFrame in degrees)."""
    import geopandas as gpd

    from coursekit.paths import data_file

    return gpd.read_file(data_file("geo/countries-50m.geojson"))


@pytest.fixture(scope="module")
def places():
    """data/places.csv as the points a student builds in module 03."""
    import geopandas as gpd
    import pandas as pd

    from coursekit.paths import data_file

    df = pd.read_csv(data_file("places.csv"))
    return gpd.GeoDataFrame(df, geometry=gpd.points_from_xy(df["lon"], df["lat"]), crs="EPSG:4326")
