"""grade --format canvas|moodle: the documented import headers, learners mapped, nobody dropped silently."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from coursekit.cli import main
from coursekit.instructor.common import InstructorError
from coursekit.instructor.grade import grade
from coursekit.instructor.lms import CANVAS_IDENTITY, MOODLE_IDENTITY, parse_assignment_ids, read_roster
from tests.test_grade import KEYS, KIT, SUBMISSIONS

# from the gradebook of tests/data/instructor: learner -> (01, 02)
SCORES = {"ana": ("3", "6"), "ben": ("2", "3"), "eve": ("", "3"), "fay": ("1", "")}
TITLES = ["Quiz 01: Sample practice quiz", "Quiz 02: Sample assessed quiz"]


def _rows(path: Path) -> list[list[str]]:
    with open(path, newline="", encoding="utf-8") as fh:
        return list(csv.reader(fh))


def _grade(tmp_path: Path, fmt: str, **kw):
    return grade([SUBMISSIONS], KEYS, tmp_path / "out", kit_version=KIT, show_progress=False, lms=fmt, **kw)


def test_titles_of_the_fixture_banks():
    from coursekit.instructor.grade import load_keys

    assert [f"Quiz {m}: {b.title}" for m, b in sorted(load_keys(KEYS).banks.items())] == TITLES


def test_canvas_file_has_the_documented_header_and_points_possible_and_parses_back(tmp_path):
    report = _grade(tmp_path, "canvas", assignment_ids={"02": "4711"})
    rows = _rows(report.outputs["canvas"])
    assert rows[0] == ["Student", "ID", "SIS User ID", "SIS Login ID", "Section", TITLES[0], TITLES[1] + " (4711)"]
    assert rows[0][:5] == CANVAS_IDENTITY
    assert rows[1] == ["Points Possible", "", "", "", "", "4", "7"]
    back = {r[3]: (r[5], r[6]) for r in rows[2:]}  # keyed by SIS Login ID: the hub user name
    assert back == SCORES
    assert all(r[0] == r[3] for r in rows[2:])  # no roster: the name shown is the hub user name


def test_moodle_file_has_a_user_column_to_map_and_one_column_per_grade_item(tmp_path):
    report = _grade(tmp_path, "moodle")
    rows = _rows(report.outputs["moodle"])
    assert rows[0] == MOODLE_IDENTITY + TITLES
    assert rows[0][:5] == ["First name", "Last name", "ID number", "Username", "Email address"]
    with open(report.outputs["moodle"], newline="", encoding="utf-8") as fh:
        back = {r["Username"]: (r[TITLES[0]], r[TITLES[1]]) for r in csv.DictReader(fh)}
    assert back == SCORES  # no Points Possible row: Moodle takes the maximum from the grade item


def test_a_roster_maps_learners_and_reports_the_unmatched(tmp_path):
    roster = tmp_path / "roster.csv"
    roster.write_text("learner,name,canvas_id,sis_user_id,sis_login_id,section,email\n"
                      "ana,\"Lopez, Ana\",101,S-1,ana.lopez,Group A,ana@example.edu\n"
                      "ben,=HYPERLINK(\"x\"),102,S-2,ben.b,Group B,ben@example.edu\n"
                      "zoe,Zoe Z,103,S-3,zoe.z,Group A,zoe@example.edu\n", encoding="utf-8")
    report = _grade(tmp_path, "canvas", roster=roster)
    rows = _rows(report.outputs["canvas"])
    body = {r[1]: r for r in rows[2:]}
    assert set(body) == {"101", "102"}  # eve and fay are not in the roster; zoe has no file
    assert body["101"] == ["Lopez, Ana", "101", "S-1", "ana.lopez", "Group A", "3", "6"]
    assert body["102"][0] == "'=HYPERLINK(\"x\")"  # a formula from the roster is neutralised
    with open(report.outputs["problems"], newline="", encoding="utf-8") as fh:
        left = {(p["learner"], p["kind"]) for p in csv.DictReader(fh) if p["action"] == "not in canvas.csv"}
    assert left == {("eve", "unmatched-learner"), ("fay", "unmatched-learner"), ("zoe", "no-submission")}
    assert "left out of the LMS file (see problems.csv): eve, fay, zoe" in report.summary()
    moodle = _grade(tmp_path / "m", "moodle", roster=roster)
    rows = _rows(moodle.outputs["moodle"])
    assert {r[4]: r[5:] for r in rows[1:]} == {"ana@example.edu": ["3", "6"], "ben@example.edu": ["2", "3"]}


@pytest.mark.parametrize("text, words", [
    ("name,email\nana,a@x\n", "no 'learner' column"),
    ("learner,emial\nana,a@x\n", "unknown column(s) ['emial']"),
    ("learner,email\nana,a@x\nana,b@x\n", "line 3: learner 'ana' is listed twice"),
    ("learner,email\n,a@x\n", "line 2: the learner cell is empty"),
    ("learner,email\nana,a@x,extra\n", "line 2: more cells than columns"),
])
def test_a_bad_roster_is_refused_with_the_line_and_the_fix(tmp_path, text, words):
    path = tmp_path / "roster.csv"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InstructorError) as info:
        read_roster(path)
    assert words in str(info.value) and "Fix:" in str(info.value)


def test_assignment_ids_and_roster_need_the_right_form(tmp_path):
    assert parse_assignment_ids("01=12, 04=5678") == {"01": "12", "04": "5678"}
    with pytest.raises(InstructorError, match="MODULE=ID"):
        parse_assignment_ids("01:12")
    with pytest.raises(InstructorError, match="module\\(s\\) \\['09'\\]"):
        _grade(tmp_path, "canvas", assignment_ids={"09": "1"})
    with pytest.raises(InstructorError, match="--format"):
        grade([SUBMISSIONS], KEYS, tmp_path / "o", kit_version=KIT, show_progress=False, roster=tmp_path / "r.csv")


def test_the_command_line_writes_the_lms_file(tmp_path, capsys):
    code = main(["grade", str(SUBMISSIONS), "--key", str(KEYS), "--out", str(tmp_path / "o"), "--quiet",
                 "--format", "moodle"])
    assert code == 0
    assert (tmp_path / "o" / "moodle.csv").is_file()
    assert "moodle.csv" in capsys.readouterr().out
