"""coursekit grade under attack: a hostile file is one problems.csv row, never the end of the run.

Each test is one attack a careless or cheating student (or a hurried instructor) can make.
"""

from __future__ import annotations

import copy
import csv
import datetime as dt
import json
import os
from pathlib import Path

import pytest

from coursekit.cli import main
from coursekit.instructor import files, reports
from coursekit.instructor import grade as grade_mod
from coursekit.instructor.grade import grade, load_keys, read_submission
from tests.conftest import REPO

HERE = REPO / "tests" / "data" / "instructor"
SUBMISSIONS = HERE / "submissions"
KEYS = HERE / "course" / "data" / "quizzes"
KIT = "0.1.0"
NOW = dt.datetime(2026, 12, 1, 12, 0, tzinfo=dt.UTC)
DANGEROUS = ("=", "+", "-", "@", "\t", "\r")


def _good(learner: str = "ana") -> dict:
    doc = json.loads((SUBMISSIONS / "good_ana.json").read_text(encoding="utf-8"))
    return _relabel(doc, learner) if learner != "ana" else doc


def _relabel(doc: dict, learner: str) -> dict:
    doc = copy.deepcopy(doc)
    doc["learner"] = learner
    for e in doc["events"]:
        e["learner"] = learner
    return doc


def _csv(path: Path) -> list[list[str]]:
    with open(path, newline="", encoding="utf-8") as fh:
        return list(csv.reader(fh))


def _dicts(path: Path) -> list[dict[str, str]]:
    with open(path, newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def _run(tmp_path: Path, files: dict[str, str | bytes]) -> grade_mod.GradeReport:
    folder = tmp_path / "subs"
    folder.mkdir(exist_ok=True)
    for name, content in files.items():
        target = folder / name
        if isinstance(content, bytes):
            target.write_bytes(content)
        else:
            target.write_text(content, encoding="utf-8")
    return grade([folder], KEYS, tmp_path / "out", kit_version=KIT, show_progress=False, now=NOW)


def _one_problem(report, name: str):
    rows = [p for p in report.problems if Path(p.file).name == name]
    assert len(rows) == 1, rows
    return rows[0]


# --- 1. one bad file never stops the run -------------------------------------------------------


def _deep_answer(depth: int) -> dict:
    doc = _good("deep")
    answer: object = "b"
    for _ in range(depth):
        answer = [answer]
    doc["events"][0]["answer"] = answer
    return doc


HOSTILE_TEXT = {
    "far_future_export.json": lambda: json.dumps({**_good("ben"), "exported_at": "9999-12-31T23:59:59.999999+00:00"}),
    "huge_id.json": lambda: json.dumps(_good("huge")).replace('"id": 1,', '"id": ' + "9" * 5000 + ",", 1),
    "deep_json.json": lambda: "[" * 100_000 + "]" * 100_000,
    "deep_answer.json": lambda: json.dumps(_deep_answer(900)),
    "nan_score.json": lambda: json.dumps(_good("nan")).replace('"score": 1.0', '"score": NaN', 1),
    "huge_score.json": lambda: json.dumps(_good("big")).replace('"score": 1.0', '"score": 1e400', 1),
    "latin1.json": lambda: "{'learner': 'J\xf6rg'}",
    "min_date.json": lambda: json.dumps({**_good("old"), "exported_at": "0001-01-01T00:00:00+14:00"}),
    "future_event.json": lambda: json.dumps(_good("tick")).replace(
        '"ts": "', '"ts": "9999-12-31T23:59:59.999999+00:00", "x": "', 1),
}


@pytest.mark.parametrize("name", sorted(HOSTILE_TEXT))
def test_a_hostile_file_is_one_problem_row_and_the_rest_is_graded(tmp_path, name):
    content = HOSTILE_TEXT[name]()
    files = {"good_ben.json": json.dumps(_good("ben")), name: content.encode("latin-1") if name == "latin1.json"
             else content}
    report = _run(tmp_path, files)
    problem = _one_problem(report, name)
    assert problem.action == "skipped" and problem.reason, problem
    assert [s.learner for s in report.graded] == ["ben"]
    assert Path(report.graded[0].path).name == "good_ben.json"
    assert (tmp_path / "out" / "gradebook.csv").is_file()


def test_the_reasons_say_what_is_wrong(tmp_path):
    keys = load_keys(KEYS)
    folder = tmp_path / "subs"
    folder.mkdir()
    cases = {
        "huge_id.json": "digits",
        "deep_json.json": "nested",
        "deep_answer.json": "nested",
        "nan_score.json": "field 'score'",
        "huge_score.json": "field 'score'",
        "future_event.json": "after the export",
    }
    for name, words in cases.items():
        (folder / name).write_text(HOSTILE_TEXT[name](), encoding="utf-8")
        with pytest.raises(grade_mod.Rejected) as info:
            read_submission(folder / name, keys, KIT)
        assert words in info.value.reason, (name, info.value.reason)


def test_a_file_over_the_size_limit_is_not_read(tmp_path, monkeypatch):
    monkeypatch.setattr(files, "MAX_FILE_BYTES", 50_000)  # where files are read
    big = _good("big")
    big["events"][0]["answer"] = "b" + " " * 60_000
    report = _run(tmp_path, {"good_ben.json": json.dumps(_good("ben")), "big.json": json.dumps(big)})
    problem = _one_problem(report, "big.json")
    assert problem.kind == "too-large" and "50,000" in problem.reason


def test_folders_fifos_and_links_out_of_the_folder_are_reported(tmp_path):
    folder = tmp_path / "subs"
    folder.mkdir()
    (folder / "good_ben.json").write_text(json.dumps(_good("ben")), encoding="utf-8")
    (folder / "carol.json").mkdir()
    (folder / "carol.json" / "inner.txt").write_text("x", encoding="utf-8")
    os.mkfifo(folder / "pipe.json")
    outside = tmp_path / "secret.json"
    outside.write_text(json.dumps(_good("mallory")), encoding="utf-8")
    (folder / "link_out.json").symlink_to(outside)
    (folder / "link_in.json").symlink_to(folder / "good_ben.json")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "eve.json").write_text(json.dumps(_good("eve")), encoding="utf-8")
    (folder / "more").symlink_to(elsewhere)
    report = grade([folder], KEYS, tmp_path / "out", kit_version=KIT, show_progress=False, now=NOW)
    kinds = {Path(p.file).name: p.kind for p in report.problems}
    assert kinds["more"] == "outside-folder" and "eve" not in {s.learner for s in report.graded}
    assert kinds["carol.json"] == "not-a-file"
    assert kinds["pipe.json"] == "not-a-file"
    assert kinds["link_out.json"] == "outside-folder"
    assert "mallory" not in {s.learner for s in report.graded}
    assert report.files == 6


# --- 2. formula injection ------------------------------------------------------------------------

FORMULAS = ["=HYPERLINK(\"http://evil.example\",\"x\")", "+cmd|' /C calc'!A0", "-2+3", "@SUM(A1:A9)",
            "\tTAB", "\rCR"]


def test_no_cell_the_kit_writes_starts_a_formula(tmp_path):
    files = {f"learner{i}.json": json.dumps(_good(name)) for i, name in enumerate(FORMULAS)}
    files["=cmd.json"] = "{broken"
    files["plain.json"] = json.dumps(_good("plain"))
    report = _run(tmp_path, files)
    assert len(report.graded) == len(FORMULAS) + 1
    out = tmp_path / "out"
    for name in ("gradebook.csv", "questions.csv", "problems.csv", "misconceptions.csv"):
        for row in _csv(out / name):
            for cell in row:
                assert not cell.startswith(DANGEROUS), (name, cell)
    learners = {r["learner"] for r in _dicts(out / "gradebook.csv")}
    assert {"'" + f for f in FORMULAS} <= learners  # kept readable, neutralised by a leading quote
    assert "plain" in learners


def test_the_csv_writer_neutralises_every_dangerous_start(tmp_path):
    path = tmp_path / "x.csv"
    reports.write_csv(path, ["a", "=b"], [[f, "plain", "3.5", ""] for f in FORMULAS])
    rows = _csv(path)
    assert rows[0] == ["a", "'=b"]
    assert [r[0] for r in rows[1:]] == ["'" + f for f in FORMULAS]
    assert all(r[1:] == ["plain", "3.5", ""] for r in rows[1:])


# --- 3. a future-dated export never wins --------------------------------------------------------


def test_a_relabelled_future_export_does_not_replace_a_classmates_grade(tmp_path):
    real = _good("ben")
    fake = _good("ben")
    fake["exported_at"] = "2099-01-01T00:00:00+00:00"
    report = _run(tmp_path, {"ben.json": json.dumps(real), "mallory_as_ben.json": json.dumps(fake)})
    assert [Path(s.path).name for s in report.graded] == ["ben.json"]
    problem = _one_problem(report, "mallory_as_ben.json")
    assert problem.kind == "duplicate" and problem.action == "skipped"
    assert "ben.json" in problem.reason and "future" in problem.reason and "2099" in problem.reason


def test_a_single_future_export_is_graded_and_flagged(tmp_path):
    doc = _good("ben")
    doc["exported_at"] = "2099-01-01T00:00:00+00:00"
    report = _run(tmp_path, {"ben.json": json.dumps(doc)})
    assert [s.learner for s in report.graded] == ["ben"]
    problem = _one_problem(report, "ben.json")
    assert problem.kind == "future-date" and problem.action == "graded"
    assert "clock slack" in problem.reason


def test_an_export_within_the_clock_slack_is_not_flagged(tmp_path):
    doc = _good("ben")
    doc["exported_at"] = (NOW + grade_mod.EXPORT_SLACK - dt.timedelta(minutes=1)).isoformat()
    report = _run(tmp_path, {"ben.json": json.dumps(doc)})
    assert report.problems == []


def test_two_files_claiming_one_learner_are_named_together(tmp_path):
    a, b = _good("ben"), _good("ben")
    b["exported_at"] = "2026-11-30T09:00:00+00:00"
    report = _run(tmp_path, {"a.json": json.dumps(a), "b.json": json.dumps(b)})
    problem = _one_problem(report, "a.json")
    assert "2 files" in problem.reason and "a.json" in problem.reason and "b.json" in problem.reason
    assert [Path(s.path).name for s in report.graded] == ["b.json"]


# --- must show: 9 good files and one of each hostile kind -----------------------------------------


def test_cli_grades_nine_good_files_and_reports_each_hostile_one(tmp_path, capsys):
    folder = tmp_path / "subs"
    folder.mkdir()
    names = [f"student{i}" for i in range(9)]
    for name in names:
        (folder / f"{name}.json").write_text(json.dumps(_good(name)), encoding="utf-8")
    hostile = {name: make() for name, make in HOSTILE_TEXT.items()}
    hostile["far_future_export.json"] = json.dumps({**_good("student3"),
                                                    "exported_at": "9999-12-31T23:59:59.999999+00:00"})
    hostile["truncated.json"] = json.dumps(_good("trunc"))[:500]
    hostile["binary.json"] = bytes(range(256)).decode("latin-1")
    for name, text in hostile.items():
        (folder / name).write_bytes(text.encode("latin-1" if name in ("latin1.json", "binary.json") else "utf-8"))
    big = _good("big")
    big["events"][0]["answer"] = "b" + " " * (grade_mod.MAX_FILE_BYTES + 10)
    (folder / "oversized.json").write_text(json.dumps(big), encoding="utf-8")
    (folder / "carol.json").mkdir()
    os.mkfifo(folder / "pipe.json")
    (tmp_path / "outside.json").write_text(json.dumps(_good("outsider")), encoding="utf-8")
    (folder / "link_out.json").symlink_to(tmp_path / "outside.json")
    hostile_names = {*hostile, "oversized.json", "carol.json", "pipe.json", "link_out.json"}

    code = main(["grade", str(folder), "--key", str(KEYS), "--out", str(tmp_path / "out"), "--quiet"])
    assert code == 0
    book = _dicts(tmp_path / "out" / "gradebook.csv")
    assert sorted(r["learner"] for r in book if r["learner"] != "Points possible") == names
    problems = _dicts(tmp_path / "out" / "problems.csv")
    per_file = {}
    for p in problems:
        per_file.setdefault(Path(p["file"]).name, []).append(p)
    assert set(per_file) == hostile_names
    assert all(len(rows) == 1 for rows in per_file.values()), per_file
    assert "9 graded" in capsys.readouterr().out
