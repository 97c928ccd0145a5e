"""The security datasets: the shipped files load and agree with each other and the basemap;
broken copies fail with the file, the line and the field named."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from coursekit import datasets
from coursekit.errors import DataError
from coursekit.paths import data_file

EFP_HOSTS = {"EST", "LVA", "LTU", "POL", "BGR", "HUN", "ROU", "SVK"}


# --- the shipped files ---------------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(datasets.FILES))
def test_shipped_file_loads_with_parsed_types(name):
    df = datasets.FILES[name]()
    assert len(df) > 0
    assert df.index.name == "line" and df.index.min() == 2      # header is line 1
    assert Path(df.attrs["path"]).name == name
    assert all(isinstance(ids, list) and ids for ids in df["source"])
    for col in ("lat", "lon"):
        if col in df.columns:
            assert df[col].dtype == float
    for col in ("accession_date", "established", "published", "start", "end", "since"):
        if col in df.columns:
            assert pd.api.types.is_datetime64_any_dtype(df[col])


def test_nato_has_32_members_with_sweden_last():
    nato = datasets.load_nato_members()
    assert len(nato) == 32
    assert nato["iso3"].is_unique
    last = nato.iloc[-1]
    assert (last["country"], last["iso3"]) == ("Sweden", "SWE")
    assert last["accession_date"] == pd.Timestamp("2024-03-07")
    founders = nato[nato["accession_date"] == pd.Timestamp("1949-04-04")]
    assert len(founders) == 12
    germany = nato.set_index("iso3").loc["DEU"]
    assert germany["accession_date"] == pd.Timestamp("1955-05-06")
    assert "1990" in germany["note"]                               # reunification noted


def test_four_battlegroups_from_2017_and_four_from_2022():
    bgs = datasets.load_efp_battlegroups()
    assert set(bgs["host_iso3"]) == EFP_HOSTS
    assert sorted(bgs["established"].dt.year.value_counts().items()) == [(2017, 4), (2022, 4)]
    original = set(bgs.loc[bgs["established"].dt.year == 2017, "host_iso3"])
    assert original == {"EST", "LVA", "LTU", "POL"}
    members = set(datasets.load_nato_members()["iso3"])
    assert set(bgs["host_iso3"]) <= members


def test_nato_june_2022_figures_add_up_to_the_published_total():
    strength = datasets.load_efp_strength()
    assert set(strength["host_iso3"]) <= EFP_HOSTS
    june = strength[(strength["published"] == pd.Timestamp("2022-06-28"))
                    & (strength["figure_kind"] == "NATO published")]
    assert set(june["host_iso3"]) == EFP_HOSTS
    assert int(june["troops"].sum()) == 9641                      # NATO's total that day


def test_each_exercise_has_an_official_and_another_estimate_with_a_scope():
    ex = datasets.load_exercises()
    assert set(ex["name"]) == {"Zapad 2017", "Zapad 2021", "Zapad 2025", "Allied Resolve 2022"}
    for name in ("Zapad 2017", "Zapad 2025"):
        kinds = set(ex.loc[ex["name"] == name, "estimate_kind"])
        assert "official" in kinds and kinds - {"official"}
    assert (ex["end"] >= ex["start"]).all()
    assert ex["scope"].str.len().gt(0).all()
    ranges = ex.dropna(subset=["troops_max"])
    assert (ranges["troops_max"] >= ranges["troops"]).all()


def test_military_sites_are_the_two_russian_facilities_in_belarus():
    sites = datasets.load_military_sites()
    assert len(sites) == 2
    assert set(sites["country_iso3"]) == {"BLR"}
    assert set(sites["operator"]) == {"Russian Navy", "Russian Space Forces"}


def test_every_efp_base_is_also_a_place_at_the_same_point():
    places = datasets.load_places().set_index(["lat", "lon"])
    for _, bg in datasets.load_efp_battlegroups().iterrows():
        assert (bg["lat"], bg["lon"]) in places.index, bg["base"]


@pytest.mark.parametrize("name", ["efp_battlegroups.csv", "places.csv", "military_sites.csv"])
def test_every_point_lies_in_its_country_on_the_shipped_basemap(name):
    datasets.check_points_in_countries(datasets.FILES[name]())


# --- broken copies -------------------------------------------------------------------------


def broken_copy(tmp_path: Path, name: str, starts: str, old: str, new: str) -> tuple[Path, int]:
    """Copy data/<name> to tmp_path with ``old`` replaced by ``new`` on the first line that
    starts with ``starts``; return the copy and that line's number."""
    lines = data_file(name).read_text(encoding="utf-8").splitlines(keepends=True)
    n = next(i for i, text in enumerate(lines) if text.startswith(starts))
    assert old in lines[n], f"{old!r} not on line {n + 1} of {name}"
    lines[n] = lines[n].replace(old, new, 1)
    out = tmp_path / name
    out.write_text("".join(lines), encoding="utf-8")
    return out, n + 1


def assert_names(err: pytest.ExceptionInfo, path: Path, line: int, field: str) -> None:
    text = str(err.value)
    assert path.name in text
    assert f"line {line}," in text
    assert f"field '{field}'" in text
    assert "Fix:" in text


def _fails_naming(tmp_path, name, starts, old, new, field):
    """A copy of ``name`` with one cell changed fails to load, naming the file, line and field."""
    path, line = broken_copy(tmp_path, name, starts, old, new)
    with pytest.raises(DataError) as err:
        datasets.FILES[name](path)
    assert_names(err, path, line, field)


@pytest.mark.parametrize(
    ("name", "starts", "old", "new", "field"),
    [
        ("nato_members.csv", "Sweden,", "2024-03-07", "2024-13-07", "accession_date"),
        ("nato_members.csv", "Spain,", "1982-05-30", "30/05/1982", "accession_date"),
        ("efp_battlegroups.csv", "Estonia,", "2017-04-20", "2017-02-30", "established"),
        ("efp_strength.csv", "LVA,2022-06-28", "2022-06-28", "June 2022", "published"),
        ("exercises.csv", "Zapad 2021,", "2021-09-16", "2021-16-09", "end"),
        ("military_sites.csv", "Baranovichi", ",2003,", ",03/2003,", "since"),
    ],
)
def test_bad_date_names_file_line_and_field(tmp_path, name, starts, old, new, field):
    _fails_naming(tmp_path, name, starts, old, new, field)


def test_point_outside_its_country_names_the_row(tmp_path):
    # Vilnius moved to Minsk's coordinates: still Lithuania in the table, Belarus on the map.
    path, line = broken_copy(tmp_path, "places.csv", "Vilnius,", "54.68916,25.2798",
                             "53.90019,27.56653")
    places = datasets.load_places(path)                           # the file itself is valid
    with pytest.raises(DataError) as err:
        datasets.check_points_in_countries(places)
    assert_names(err, path, line, "lat/lon")
    assert "BLR" in str(err.value) and "LTU" in str(err.value)


def test_base_at_sea_names_the_row(tmp_path):
    # Tapa moved into the Gulf of Finland.
    path, line = broken_copy(tmp_path, "efp_battlegroups.csv", "Estonia,",
                             "59.26056,25.95861", "59.80000,25.50000")
    with pytest.raises(DataError) as err:
        datasets.check_points_in_countries(datasets.load_efp_battlegroups(path))
    assert_names(err, path, line, "lat/lon")
    assert "no country" in str(err.value)


@pytest.mark.parametrize(
    ("name", "starts", "old", "new"),
    [
        ("nato_members.csv", "Sweden,", "wion-2024-03-07-sweden-joins-nato",
         "wion-2024-sweden-typo"),
        ("exercises.csv", "Allied Resolve", "politico-2022-02-03-belarus-buildup",
         "politico-2099-01-01-nothing"),
        ("places.csv", "Minsk,", "geonames-cities500", "geonames"),
    ],
)
def test_unknown_source_id_names_file_line_and_field(tmp_path, name, starts, old, new):
    path, line = broken_copy(tmp_path, name, starts, old, new)
    with pytest.raises(DataError) as err:
        datasets.FILES[name](path)
    assert_names(err, path, line, "source")
    assert repr(new) in str(err.value)


@pytest.mark.parametrize(
    ("name", "column"),
    [
        ("nato_members.csv", "accession_date"),
        ("efp_battlegroups.csv", "framework_nation"),
        ("efp_strength.csv", "troops"),
        ("exercises.csv", "estimate_kind"),
        ("places.csv", "source"),
    ],
)
def test_missing_column_names_file_header_and_field(tmp_path, name, column):
    path, line = broken_copy(tmp_path, name, "", f"{column},", f"{column}_renamed,")
    assert line == 1
    with pytest.raises(DataError) as err:
        datasets.FILES[name](path)
    assert_names(err, path, 1, column)


@pytest.mark.parametrize(
    ("name", "starts", "old", "new", "field"),
    [
        ("places.csv", "Riga,", "56.946,24.10589", "96.946,24.10589", "lat"),
        ("places.csv", "Riga,", "56.946,24.10589", "56.946,east", "lon"),
        ("efp_strength.csv", "POL,2022-06-28", ",1033,", ",0,", "troops"),
        ("exercises.csv", "Zapad 2017,2017-09-14,2017-09-20,official,12700",
         ",12700,", ",\"12,700\",", "troops"),
        ("exercises.csv", "Zapad 2025,2025-09-12,2025-09-16,western_official,6000",
         ",6000,8000,", ",9000,8000,", "troops_max"),
        ("exercises.csv", "Zapad 2021,", ",official,", ",russian,", "estimate_kind"),
        ("efp_battlegroups.csv", "Latvia,", ",LVA,", ",Lva,", "host_iso3"),
    ],
)
def test_bad_values_name_file_line_and_field(tmp_path, name, starts, old, new, field):
    _fails_naming(tmp_path, name, starts, old, new, field)


def test_duplicate_host_names_the_second_line(tmp_path):
    path, line = broken_copy(tmp_path, "efp_battlegroups.csv", "Romania,", ",ROU,", ",BGR,")
    with pytest.raises(DataError) as err:
        datasets.load_efp_battlegroups(path)
    assert_names(err, path, line, "host_iso3")
    assert "already appears" in str(err.value)


def test_members_out_of_accession_order_are_rejected(tmp_path):
    path, line = broken_copy(tmp_path, "nato_members.csv", "Montenegro,", "2017-06-05",
                             "2021-06-05")
    with pytest.raises(DataError) as err:
        datasets.load_nato_members(path)
    assert_names(err, path, line + 1, "accession_date")           # North Macedonia, 2020


def test_missing_file_is_named(tmp_path):
    missing = tmp_path / "places.csv"
    with pytest.raises(DataError) as err:
        datasets.load_places(missing)
    assert str(missing) in str(err.value) and "Fix:" in str(err.value)


# --- exercise grounds ----------------------------------------------------------------------


def test_exercise_grounds_lie_in_belarus_and_name_known_exercises():
    grounds = datasets.load_exercise_grounds()
    assert len(grounds) >= 6 and grounds["name"].is_unique
    assert set(grounds["country_iso3"]) == {"BLR"}
    datasets.check_points_in_countries(grounds)                  # every point in Belarus
    exercises = set(datasets.load_exercises()["name"])
    named = {e for names in grounds["exercises"] for e in names}
    assert named == exercises                                    # each exercise has a ground
    assert grounds["location_note"].str.startswith("The point is the").all()
    borisov = grounds.set_index("name").loc["Borisovsky training ground"]
    assert borisov["exercises"] == ["Zapad 2017", "Zapad 2025"]


def test_exercise_ground_outside_belarus_names_the_row(tmp_path):
    # Gozhsky moved to Vilnius: the table still says BLR.
    path, line = broken_copy(tmp_path, "exercise_grounds.csv", "Gozhsky", "53.6758,23.82887",
                             "54.68916,25.2798")
    grounds = datasets.load_exercise_grounds(path)
    with pytest.raises(DataError) as err:
        datasets.check_points_in_countries(grounds)
    assert_names(err, path, line, "lat/lon")
    assert "LTU" in str(err.value) and "Gozhsky" in str(err.value)


@pytest.mark.parametrize(
    ("old", "new", "field", "words"),
    [
        (",Allied Resolve 2022,", ",Allied Resolve 2021,", "exercises", "'Allied Resolve 2021'"),
        (",Allied Resolve 2022,", ",Zapad 2017;Zapad 2017,", "exercises", "twice"),
        (",Allied Resolve 2022,", ",,", "exercises", "empty"),
        ("reform-news-2022-02-gozhsky", "reform-news-2099-nothing", "source",
         "'reform-news-2099-nothing'"),
        (",BLR,", ",Belarus,", "country_iso3", "alpha-3"),
    ],
)
def test_bad_exercise_ground_names_file_line_and_field(tmp_path, old, new, field, words):
    path, line = broken_copy(tmp_path, "exercise_grounds.csv", "Gozhsky", old, new)
    with pytest.raises(DataError) as err:
        datasets.load_exercise_grounds(path)
    assert_names(err, path, line, field)
    assert words in str(err.value)


# --- reading a table again -----------------------------------------------------------------


def test_a_table_read_again_is_parsed_once_and_every_change_is_seen(course_copy, monkeypatch):
    """A kernel reads the same tables for every map: the second read parses nothing, gives the
    caller a copy of its own, and an edit to the file (even at the same size and moment) or to the
    bibliography is read as it is."""
    import os

    from coursekit import schema

    parsed = []
    real = schema._read_csv
    monkeypatch.setattr(schema, "_read_csv", lambda *a: parsed.append(a[1]) or real(*a))
    first = datasets.load_efp_battlegroups()
    first.loc[first.index[0], "host_iso3"] = "XXX"  # the caller's copy, changed
    again = datasets.load_efp_battlegroups()
    assert len(parsed) == 1 and "XXX" not in set(again["host_iso3"])

    path = course_copy / "data" / "efp_battlegroups.csv"
    stat = path.stat()
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("Rukla", "Ruklx", 1), encoding="utf-8")  # same size
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))                 # same moment
    assert (path.stat().st_size, path.stat().st_mtime_ns) == (stat.st_size, stat.st_mtime_ns)
    assert "Ruklx" in " ".join(map(str, datasets.load_efp_battlegroups().to_numpy().ravel()))
    assert len(parsed) == 2

    cited = again["source"].iloc[0][0]
    bib = course_copy / "data" / "sources.yml"
    lines = bib.read_text(encoding="utf-8").splitlines(keepends=True)
    bib.write_text("".join(line.replace(f"id: {cited}\n", "id: renamed-source\n") for line in lines),
                   encoding="utf-8")
    with pytest.raises(DataError, match=cited):
        datasets.load_efp_battlegroups()


def test_one_file_read_with_two_schemas_is_parsed_by_each():
    """The kept table belongs to the schema that parsed it: the same file read with a schema that
    makes a column a plain text is not handed the other's parsed dates."""
    from dataclasses import replace

    from coursekit import schema

    strict = datasets.EFP_BATTLEGROUPS
    as_text = replace(strict, columns=tuple(replace(c, kind="text") if c.name == "established" else c
                                            for c in strict.columns))
    for _ in range(2):
        parsed = schema.read_csv(strict, None)
        plain = schema.read_csv(as_text, None)
        assert pd.api.types.is_datetime64_any_dtype(parsed["established"])
        assert plain["established"].map(type).eq(str).all()
