"""Checked code exercises: feedback that says what to look at, recorded, exported and graded."""

from __future__ import annotations

import csv
import json
import subprocess
import sys

import matplotlib
import pandas as pd
import pytest

from coursekit.errors import DataError
from coursekit.exercises import ExerciseError, check, evaluate, exercise_ids
from coursekit.instructor.grade import grade
from coursekit.paths import data_file
from coursekit.quiz.bank import bank_path, load_bank
from coursekit.quiz.model import Question
from coursekit.quiz.model import check as check_answer
from coursekit.quiz.store import ProgressStore
from coursekit.quiz.types import get as get_type
from coursekit.quiz.types.code import snapshot_digest
from tests.conftest import REPO

matplotlib.use("Agg")


@pytest.fixture
def store(tmp_path, monkeypatch):
    monkeypatch.setenv("COURSEKIT_LEARNER", "test-learner")
    return ProgressStore(tmp_path / "progress.sqlite")


def _parts(result):
    return {p.label: p for p in result.parts}


def test_a_right_object_passes_every_check_and_is_recorded(countries, store, capsys):
    check("03/read-countries", countries, store=store)
    out = capsys.readouterr().out
    assert "Exercise 03/read-countries: Correct: 5 of 5 checks passed" in out
    assert "Saved with your progress." in out
    (event,) = store.events()
    assert (event.module, event.question_id, event.mode, event.score) == ("03", "read-countries", "formative", 1.0)
    assert event.answer["observed"]["rows"] == 66 and event.answer["failed"] == []
    assert event.answer["digest"] == snapshot_digest(event.answer["observed"])


def test_each_wrong_object_is_told_what_to_look_at(countries, places):
    cases = [  # (exercise, object, the failing check, words the feedback must contain)
        ("03/belarus-laea", countries[countries["iso3"] == "BLR"], "crs", ["EPSG:4326, not EPSG:3035", ".to_crs()"]),
        ("03/read-countries", countries.head(10), "rows", ["10 rows, too few", "filter"]),
        ("03/read-countries", pd.DataFrame(countries.drop(columns="geometry")), "kind",
         ["DataFrame, not a GeoDataFrame"]),
        ("03/nato-join", countries, "columns", ["`accession_date`", ".columns"]),
        ("03/places-points", places.set_crs(None, allow_override=True), "crs", ["not set"]),
        ("03/vilnius-kaliningrad", 2.42, "value", ["too low", "degrees are not a length"]),
        ("04/belarus-buffer", countries[countries["iso3"] == "BLR"].to_crs(3035).buffer(100),
         "area_km2", ["too low", "metres", "100_000"]),
        ("04/within-reach", places.to_crs(3035), "exactly", ["should not be there", "predicate"]),
    ]
    for target, obj, failing, words in cases:
        _bank, _q, answer, result = evaluate(target, obj)
        part = _parts(result)[failing]
        assert not part.ok, (target, failing)
        for w in words:
            assert w in part.message, (target, w, part.message)
        assert result.status in ("Partly correct", "Not correct")
        assert failing in answer["failed"]
        assert result.message.startswith(f"{sum(p.ok for p in result.parts)} of {len(result.parts)} checks passed. "
                                         "Look at: ")


def test_a_map_is_checked_for_layers_title_legend_and_source(countries, places):
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots()
    countries.plot(ax=ax, color="lightgrey")
    _b, _q, _a, bare = evaluate("03/nato-map", ax)
    assert {n: p.ok for n, p in _parts(bare).items()} == {
        "kind": True, "layers": False, "title": False, "legend": False, "source_line": False}
    assert "same `ax=`" in _parts(bare)["layers"].message
    nato = pd.read_csv(data_file("nato_members.csv"), parse_dates=["accession_date"])
    members = countries.merge(nato, on="iso3")
    members["year"] = members["accession_date"].dt.year
    members.plot(ax=ax, column="year", legend=True)
    places.plot(ax=ax, color="black", markersize=4)
    ax.set_title("NATO members by year of accession")
    ax.annotate("Source: Natural Earth; NATO", (0, 0), xycoords="figure fraction")
    _b, _q, _a, done = evaluate("03/nato-map", fig)  # a Figure is read through its first axes
    assert done.correct, done.message
    plt.close(fig)


def test_check_prints_the_hint_after_a_wrong_try_and_the_latest_result_counts(countries, store, capsys):
    check("03/nato-join", countries, store=store)
    wrong = capsys.readouterr().out
    assert "✗ not yet" in wrong and "Hint: Call `merge` on the GeoDataFrame" in wrong
    assert "countries.merge(nato, on=" not in wrong, "the hint points the way; the worked answer stays hidden"
    nato = pd.read_csv(data_file("nato_members.csv"), parse_dates=["accession_date"])
    members = countries.merge(nato, on="iso3")
    check("03/nato-join", members, store=store)
    no_year = capsys.readouterr().out
    assert "Partly correct" in no_year and "`year`" in no_year, "the year the next map needs is checked"
    members["year"] = members["accession_date"]  # a whole date is not a year
    check("03/nato-join", members, store=store)
    assert ".dt.year" in capsys.readouterr().out
    members["year"] = members["accession_date"].dt.year
    check("03/nato-join", members, store=store)
    right = capsys.readouterr().out
    assert "Correct: 6 of 6" in right and "Why it matters:" in right
    latest = store.latest()[("03", "nato-join")]
    assert latest.score == 1.0 and len(store.events()) == 4


def test_an_unknown_exercise_names_the_ones_that_exist(countries):
    with pytest.raises(ExerciseError) as err:
        check("03/nato-joins", countries)
    assert "03/nato-join" in str(err.value) and "Fix:" in str(err.value)
    assert "03/read-countries" in exercise_ids("03")


def test_an_altered_stored_result_is_not_valid():
    bank = load_bank(bank_path("03"))
    q, key = bank.question("read-countries"), bank.key("read-countries")
    observed = {"kind": "GeoDataFrame", "rows": 66, "crs": "EPSG:4326", "columns": ["name", "iso3", "geometry"],
                "geom_types": ["MultiPolygon"]}
    good = {"observed": observed, "digest": snapshot_digest(observed)}
    assert check_answer(q, key, good).correct
    forged = {"observed": {**observed, "rows": 1}, "digest": good["digest"]}
    assert "does not match its digest" in check_answer(q, key, forged).error
    assert check_answer(q, key, {"nothing": 1}).error.startswith("This exercise is answered in code")


def test_a_bad_key_is_reported_with_its_field(tmp_path):
    q = Question(id="x", type="code_check", prompt="p")
    qtype = get_type("code_check")
    for spec, field in [({"rows": "many"}, "correct.rows"), ({"colour": True}, "correct.colour"),
                        ({"value": {"value": 3}}, "correct.value"), ({"crs": "3035"}, "correct.crs"),
                        ({"within_box": [30, 60, -30, 75]}, "correct.within_box"),
                        ({"answers": {"A": {"accept": ["fact"], "labels": "fact, value"}}}, "correct.answers"),
                        ([], "correct")]:
        with pytest.raises(Exception) as err:
            qtype.check_key(q, spec, None)
        assert err.value.field == field
    bank = tmp_path / "data" / "quizzes"
    (bank / "keys").mkdir(parents=True)
    (bank / "09.yml").write_text("schema: coursekit-quiz/1\nmodule: '09'\ntitle: T\nquestions:\n"
                                 "  - {id: ex, type: code_check, prompt: Do it.}\n", encoding="utf-8")
    (bank / "keys" / "09.yml").write_text("schema: coursekit-quiz-key/1\nmodule: '09'\nkeys:\n"
                                          "  ex: {correct: {rows: -1}, explanation: E.}\n", encoding="utf-8")
    with pytest.raises(DataError) as err:
        load_bank(bank / "09.yml", known_sources={})
    assert "question ex" in str(err.value) and "correct.rows" in str(err.value)


def test_quiz_show_leaves_code_exercises_out(store):
    from coursekit import quiz

    shown = {w._q.id for w in quiz.show("03", store=store).widgets}
    assert "un-resolution" in shown and not shown & {i.split("/")[1] for i in exercise_ids("03")}


def test_a_checked_exercise_is_exported_and_graded(countries, store, tmp_path, capsys):
    check("03/read-countries", countries.head(3), store=store)  # wrong first: 4 of 5 checks
    check("03/read-countries", countries, store=store)  # then right
    check("04/belarus-buffer", countries[countries["iso3"] == "BLR"].to_crs(3035).buffer(100), store=store)
    capsys.readouterr()
    export = tmp_path / "hand-in" / "test-learner.json"
    doc = store.export(export)
    latest_ids = {e["question_id"]: e for e in doc["events"] if e["id"] in doc["latest"].values()}
    assert latest_ids["read-countries"]["answer"]["observed"]["rows"] == 66
    report = grade([export], REPO / "data" / "quizzes", tmp_path / "out", show_progress=False)
    assert not [p for p in report.problems if p.action == "skipped"], report.problems
    with open(report.outputs["questions"], newline="", encoding="utf-8") as fh:
        rows = {(r["module"], r["question_id"]): r for r in csv.DictReader(fh)}
    assert rows[("03", "read-countries")]["correct"] == "1" and rows[("03", "read-countries")]["type"] == "code_check"
    buffer = rows[("04", "belarus-buffer")]
    assert buffer["correct"] == "0" and buffer["mean_score"] == "0.75"  # crs, rows, geometry right; area not
    book = {r["learner"]: r for r in csv.DictReader(open(report.outputs["gradebook"], newline="", encoding="utf-8"))}
    assert float(book["test-learner"]["03"]) == 1.0 and float(book["test-learner"]["04"]) == 0.75
    # a stored result edited after the check is caught, and the file is not graded
    tampered = json.loads(export.read_text(encoding="utf-8"))
    for e in tampered["events"]:
        if e["question_id"] == "belarus-buffer":
            e["answer"]["observed"]["area_km2"] = 449417.0
    bad = tmp_path / "tampered" / "test-learner.json"
    bad.parent.mkdir()
    bad.write_text(json.dumps(tampered), encoding="utf-8")
    report = grade([bad], REPO / "data" / "quizzes", tmp_path / "out2", show_progress=False)
    (problem,) = report.problems
    assert problem.kind == "tampered" and "digest" in problem.reason


def test_importing_the_exercises_module_stays_light():
    code = ("import sys, coursekit.exercises, coursekit.quiz.types; "
            "print(sorted(m for m in ('geopandas', 'pandas', 'matplotlib') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         env={"PYTHONPATH": str(REPO / "src"), "PATH": "/usr/bin:/bin"}).stdout
    assert out.strip() == "[]"


def test_typed_labels_are_checked_one_by_one_and_placeholders_are_not_recorded(store, capsys):
    check("00/three-claims", {"A": "?", "B": "?", "C": "?"}, store=store)
    assert "not checked yet" in capsys.readouterr().out and store.events() == []
    _b, _q, answer, result = evaluate("00/three-claims", {"A": "Fact", "B": "value", "C": "?"})
    parts = _parts(result)
    assert parts["answers:A"].ok  # case is ignored
    assert not parts["answers:B"].ok and "Look again: Is it about what may happen later?" in parts["answers:B"].message
    assert "replace the \"?\"" in parts["answers:C"].message
    assert result.score == pytest.approx(1 / 3, abs=1e-3)
    assert answer["observed"]["answers"] == {"A": "fact", "B": "value", "C": "?"}
    check("02/documents-verdict", {"value": "partly", "because": "my private reason"}, store=store)
    (event,) = store.events()
    assert event.score == 1.0 and "my private reason" not in json.dumps(event.answer)  # the reason is not stored
    _b, _q, _a, wrong_kind = evaluate("00/three-claims", "fact, prediction, value")
    assert "not a dictionary of answers" in wrong_kind.message and wrong_kind.score == 0
