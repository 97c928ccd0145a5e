"""Wrong answers students give to the checked exercises of modules 03 and 04: each gets feedback
that names what is wrong (never a traceback, never a pass), and right answers written another
way still pass."""

from __future__ import annotations

import geopandas as gpd
import matplotlib
import pandas as pd
import pytest

from coursekit.datasets import load_efp_battlegroups
from coursekit.exercises import evaluate
from coursekit.paths import data_file

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402


@pytest.fixture(scope="module")
def table():
    return pd.read_csv(data_file("places.csv"))


@pytest.fixture(scope="module")
def hosts(countries):
    return countries.to_crs(3035).merge(load_efp_battlegroups(), left_on="iso3", right_on="host_iso3")


@pytest.fixture(scope="module")
def zone(countries):
    laea = countries.to_crs(3035)
    return laea[laea["iso3"] == "BLR"].buffer(100_000)


def failed(target, obj) -> dict[str, str]:
    """The checks ``obj`` fails, with their messages (evaluate raises if the checker does)."""
    _bank, _q, _answer, result = evaluate(target, obj)
    return {p.label: p.message for p in result.parts if not p.ok}


def test_a_dissolve_by_a_column_not_named_year_says_so(hosts):
    """The table keeps its `name` column after the dissolve: the checker once compared that
    column with a string and stopped with 'The truth value of a Series is ambiguous'."""
    renamed = hosts.assign(Year=hosts["established"].dt.year).dissolve(by="Year")
    assert "name" in renamed.columns
    problems = failed("04/hosts-dissolve", renamed)
    assert "no column `year`" in problems["exactly"]
    assert failed("04/hosts-dissolve", hosts.assign(year=hosts["established"].dt.year).dissolve(
        by="year", aggfunc={"host": ", ".join})) == {}


def test_a_table_without_geometry_is_told_to_give_one(table):
    problems = failed("03/places-points", gpd.GeoDataFrame(table))
    assert "no geometry column" in problems["crs"] and "geometry=" in problems["crs"]


def test_longitude_and_latitude_swapped_is_caught(table, places):
    swapped = gpd.GeoDataFrame(table, geometry=gpd.points_from_xy(table["lat"], table["lon"]), crs="EPSG:4326")
    problems = failed("03/places-points", swapped)
    assert set(problems) == {"within_box"} and "longitude" in problems["within_box"]
    assert "swapped" in problems["within_box"]
    assert failed("03/places-points", places) == {}


def test_a_layer_in_another_crs_does_not_count_as_on_the_map(countries, places):
    members = countries.merge(pd.read_csv(data_file("nato_members.csv"), parse_dates=["accession_date"]), on="iso3")
    members["year"] = members["accession_date"].dt.year
    fig, ax = plt.subplots()
    countries.to_crs(3035).plot(ax=ax, color="lightgrey")  # metres
    members.plot(ax=ax, column="year", legend=True)  # degrees: a speck near (0, 0)
    places.plot(ax=ax, color="black")
    ax.set_title("NATO members")
    ax.set_xlabel("Source: Natural Earth 4.1; nato_members.csv")  # a source line under the map counts
    problems = failed("03/nato-map", ax)
    assert set(problems) == {"layers"} and "2 layers lie far off the map" in problems["layers"]
    plt.close(fig)
    fig, ax = plt.subplots()
    countries.plot(ax=ax, color="lightgrey")
    members.plot(ax=ax, column="year", legend=True)
    places.plot(ax=ax, color="black")  # a layer of points inside the map
    ax.set_title("NATO members")
    ax.set_xlabel("Source: Natural Earth 4.1; nato_members.csv")
    assert failed("03/nato-map", ax) == {}
    plt.close(fig)


def test_a_categorical_map_of_europe_is_one_map_not_countries_off_it(countries, places):
    """`column="name"` draws one collection per country. Clipped at 60°E, Russia's extent does
    not reach France or Portugal; those countries once counted as layers off the map (35 of 66)."""
    fig, ax = plt.subplots()
    countries.plot(ax=ax, column="name", categorical=True)
    places.plot(ax=ax, color="black")
    ax.set_title("Europe")
    ax.legend(["countries"])
    fig.text(0.01, 0.01, "Source: Natural Earth 4.1")
    assert "layers" not in failed("03/nato-map", ax)
    countries.to_crs(3035).plot(ax=ax, color="lightgrey")  # metres among degrees: still caught
    assert "far off the map" in failed("03/nato-map", ax)["layers"]
    plt.close(fig)


def test_a_figure_of_two_maps_asks_which_one_and_a_colour_bar_is_not_a_map(countries, places):
    fig, (left, right) = plt.subplots(1, 2)
    countries.plot(ax=left)
    countries.to_crs(3035).plot(ax=right)
    problems = failed("03/nato-map", fig)
    assert "2 panels" in problems["kind"] and "fig.axes[1]" in problems["kind"]
    assert set(problems.values()) - {problems["kind"]} == {"not checked (see above)."}
    plt.close(fig)
    fig, ax = plt.subplots()
    countries.plot(ax=ax, color="lightgrey")
    countries.assign(year=range(len(countries))).plot(ax=ax, column="year", legend=True)  # a colour bar: 2 axes
    places.plot(ax=ax, color="black")
    ax.set_title("Countries")
    fig.text(0.01, 0.01, "Source: Natural Earth 4.1")
    assert len(fig.axes) == 2
    assert failed("03/nato-map", fig) == {}
    plt.close(fig)


def test_a_join_that_renamed_the_column_says_why(places, countries, zone):
    laea = countries.to_crs(3035)
    near = gpd.sjoin(places.to_crs(3035), laea[laea["iso3"] == "BLR"].assign(geometry=zone), predicate="within")
    assert "name_left" in near.columns
    assert "`name_left`" in failed("04/within-reach", near)["exactly"]
    right = gpd.sjoin(places.to_crs(3035), gpd.GeoDataFrame(geometry=zone), predicate="within")
    assert failed("04/within-reach", right) == {}


def test_a_series_of_one_distance_is_told_how_to_take_the_number(places):
    p = places.to_crs(3035).set_index("name")
    one = p.loc[["Vilnius"]].distance(p.loc["Kaliningrad", "geometry"]) / 1000
    assert ".item()" in failed("03/vilnius-kaliningrad", one)["value"]
    assert failed("03/vilnius-kaliningrad", one.item()) == {}


def test_messages_of_one_exercise_do_not_talk_of_another(countries):
    """Without a buffer in the exercise, no word of buffers; set_crs is named where it misleads."""
    relabelled = countries.set_crs(3035, allow_override=True)
    problems = failed("03/belarus-laea", relabelled[relabelled["iso3"] == "BLR"])
    assert "buffer" not in " ".join(problems.values()) and ".set_crs only relabels" in problems["area_km2"]
    nato = pd.read_csv(data_file("nato_members.csv"), parse_dates=["accession_date"])
    problems = failed("03/joined-after", nato[nato["accession_date"] > "2017-01-01"])
    assert "buffer" not in " ".join(problems.values()) and "predicate" not in " ".join(problems.values())


def test_an_object_the_checker_cannot_read_gets_feedback_not_a_traceback(monkeypatch):
    from coursekit import exercises

    def broken(ax):
        raise RuntimeError("a canvas from another backend")

    monkeypatch.setattr(exercises, "_axes_facts", broken)
    fig, ax = plt.subplots()
    problems = failed("03/nato-map", ax)
    assert "could not read" in problems["kind"] and "another backend" in problems["kind"]
    assert len(problems) == 5
    plt.close(fig)


def test_a_function_instead_of_its_result_gets_one_message_not_five():
    problems = failed("03/read-countries", gpd.read_file)
    assert "it is a function, not a GeoDataFrame" in problems["kind"]
    assert {m for n, m in problems.items() if n != "kind"} == {"not checked: pass a GeoDataFrame first."}


def test_labels_written_as_a_student_writes_them_are_read(capsys):
    from coursekit.exercises import check

    assert failed("00/three-claims", {"A": "Fact.", "B": "a prediction", "C": "Value judgment"}) == {}
    slip = evaluate("00/three-claims", {"A": "an opinion", "B": "value", "C": "value"})[3]
    assert slip.status == "Not checked" and "A: 'opinion' is not one of this exercise's labels" in slip.error
    assert "fact, prediction or value judgement or recommendation" in slip.error
    problems = failed("00/three-claims", {"A": "fact", "B": "value", "C": "value"})
    assert "Look again" in problems["answers:B"], "a label of the exercise, wrongly placed, gets the nudge"
    assert "no entry 'C'" in failed("00/three-claims", {"A": "fact", "B": "prediction"})["answers:C"]
    check("00/three-claims", {"a": "fact", "b": "prediction", "c": "value"}, save=False)
    assert "none of the entries 'A', 'B', 'C'" in capsys.readouterr().out
    assert "a piece of text" in failed("02/documents-verdict", "partly")["answers"]
    assert "holds, partly or does not hold" in evaluate("02/documents-verdict", {"value": "maybe"})[3].error
    assert failed("02/documents-verdict", {"value": "Partially."}) == {}


@pytest.fixture(scope="module")
def grounds():
    table = pd.read_csv(data_file("exercise_grounds.csv"))
    return gpd.GeoDataFrame(table, geometry=gpd.points_from_xy(table["lon"], table["lat"]), crs=4326).to_crs(3035)


def test_grounds_joined_once_per_member_are_counted_twice(countries, grounds):
    from coursekit.datasets import load_nato_members

    members = countries.to_crs(3035).merge(load_nato_members(), on="iso3")
    per_member = gpd.sjoin(grounds, gpd.GeoDataFrame(geometry=members.buffer(100_000)), predicate="within")
    assert len(per_member) > 4
    assert set(failed("08/grounds-near-nato", per_member)) == {"rows"}
    once = gpd.sjoin(grounds, gpd.GeoDataFrame(geometry=members.dissolve().buffer(100_000)), predicate="within")
    assert failed("08/grounds-near-nato", once) == {}
    assert failed("08/grounds-near-nato", len(once))["crs"] == "not checked: a number has no geometry (and no CRS)."


@pytest.mark.filterwarnings("ignore:No artists with labels found")  # the empty legend, on purpose
def test_a_map_passes_only_with_what_a_reader_sees(countries, grounds):
    def lab_map(*, legend="ax", source="annotate", off_map=False, layers=5):
        fig, ax = plt.subplots()
        laea = countries.to_crs(3035)
        laea.plot(ax=ax, color="lightgrey", label="Countries" if legend != "empty" else None)
        laea[laea["iso3"].isin(["POL", "LTU", "LVA"])].plot(ax=ax, color="lightblue")
        laea[laea["iso3"] == "BLR"].buffer(100_000).boundary.plot(ax=ax, color="black", linestyle="--")
        grounds.plot(ax=ax, color="grey", label=None if legend == "empty" else "Training ground")
        if layers == 5:
            grounds.head(3).plot(ax=ax, color="black", label=None if legend == "empty" else "Near")
        if off_map:
            grounds.to_crs(4326).plot(ax=ax, color="red")
        {"ax": ax.legend, "empty": ax.legend, "figure": fig.legend}[legend]()
        ax.set_title("Training grounds")
        if source == "annotate":
            ax.annotate("Source: kit data", (0.01, 0.01), xycoords="axes fraction")
        else:  # under a map whose axes are switched off: never drawn
            ax.set_axis_off()
            ax.set_xlabel("Source: kit data")
        problems = failed("08/lab-map", ax)
        plt.close(fig)
        return problems

    assert lab_map() == {} and lab_map(legend="figure") == {}
    assert set(lab_map(legend="empty")) == {"legend"}
    assert set(lab_map(source="hidden xlabel")) == {"source_line"}
    assert "1 layer lies far off the map" in lab_map(off_map=True)["layers"]
    assert "fewer than 5" in lab_map(layers=4)["layers"] and "five layers" in lab_map(layers=4)["layers"]


def test_a_misspelled_exercise_id_shows_its_fix_in_a_notebook_not_a_traceback():
    from IPython.core.interactiveshell import InteractiveShell
    from IPython.utils.capture import capture_output

    shell = InteractiveShell.instance()
    with capture_output() as shown:
        result = shell.run_cell('from coursekit.exercises import check\ncheck("00/three_claims", {})')
    assert not result.success, "the cell still fails"
    text = shown.stdout + shown.stderr
    assert "ExerciseError:" in text and "Fix: use one of 00/three-claims" in text
    assert "Traceback" not in text and "exercises.py" not in text


def test_a_worked_answer_that_fails_its_check_fails_its_cell_under_make_test(countries, monkeypatch, capsys, tmp_path):
    """make test runs the notebooks with COURSEKIT_WORKED_ANSWERS_MUST_PASS=1: a key changed without
    its worked answer (08's map once asked for 3 layers while its text asked for 5) fails there."""
    from coursekit.errors import KitError
    from coursekit.exercises import WORKED_ANSWERS_MUST_PASS, check

    fig, ax = plt.subplots()
    countries.plot(ax=ax)
    check("03/nato-map", ax, save=False)  # without the setting: feedback only
    assert "Partly correct: 1 of 5" in capsys.readouterr().out
    monkeypatch.setenv(WORKED_ANSWERS_MUST_PASS, "1")
    with pytest.raises(KitError, match=r"exercise 03/nato-map: the worked answer fails its own check \(layers, title"):
        check("03/nato-map", ax, save=False)
    check("03/read-countries", countries, save=False)  # a right one passes
    monkeypatch.setenv("COURSEKIT_PROGRESS_DB", str(tmp_path / "progress.sqlite"))
    check("03/nato-map", ax)  # a student's own check (saved) never raises
    assert "Partly correct: 1 of 5" in capsys.readouterr().out
    plt.close(fig)


def test_a_source_line_given_as_the_caption_under_the_map_counts(countries, places):
    from coursekit.figures import render

    def drawn():
        fig, ax = plt.subplots()
        countries.plot(ax=ax, color="lightgrey")
        countries.assign(year=range(len(countries))).plot(ax=ax, column="year", legend=True)
        places.plot(ax=ax, color="black")
        ax.set_title("NATO members")
        return fig, ax

    fig, ax = drawn()
    render(fig, alt="A map.", caption="Source: Natural Earth 4.1; nato_members.csv")
    assert failed("03/nato-map", ax) == {}
    fig, ax = drawn()
    render(fig, alt="A map.", caption="NATO members by year")  # a caption that names no source
    assert set(failed("03/nato-map", ax)) == {"source_line"}


def test_a_label_the_exercise_does_not_offer_is_not_checked_nor_saved(tmp_path, capsys):
    """A typing slip ('it partly holds') had been saved as a wrong answer, lowering the first-try
    figures the instructor reads; a quiz's bad input is not recorded, and now neither is this."""
    from coursekit.exercises import check
    from coursekit.quiz.store import ProgressStore

    store = ProgressStore(tmp_path / "progress.db")
    check("02/documents-verdict", {"value": "it partly holds", "because": "x"}, store=store)
    out = capsys.readouterr().out
    assert "not checked" in out and "holds, partly or does not hold" in out and "Saved" not in out
    assert list(store.events(module="02")) == []
    check("02/documents-verdict", {"value": "holds", "because": "x"}, store=store)
    assert "Saved with your progress" in capsys.readouterr().out
    assert len(list(store.events(module="02"))) == 1

