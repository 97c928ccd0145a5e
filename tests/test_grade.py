"""coursekit grade: right scores for good files; every bad file reported with its reason, never a crash."""

from __future__ import annotations

import copy
import csv
import json
import shutil
import sys
from pathlib import Path

import pytest

from coursekit.cli import main
from coursekit.errors import DataError
from coursekit.instructor.common import progress
from coursekit.instructor.grade import grade, load_keys, read_submission
from tests.conftest import REPO, use_course

HERE = REPO / "tests" / "data" / "instructor"
SUBMISSIONS = HERE / "submissions"
KEYS = HERE / "course" / "data" / "quizzes"
KIT = "0.1.0"  # the version the fixtures were exported with

EXPECTED_ROWS = {  # learner: (01, 02, total, formative, flagged)
    "Points possible": ("4", "7", "7", "4", ""),
    "ana": ("3", "6", "6", "3", "0"),  # 01: b right on 2nd try, [a,c] 2, 80 km wrong; 02: 1 + 3 + 1 + 1
    "ben": ("2", "3", "3", "2", "0"),  # 01: 0 + (2-1)/2*2 + 1; 02: 0 + 1/3*3 + 2 (a-num unanswered)
    "eve": ("", "3", "3", "0", "1"),  # a-tf answered to an earlier wording: flagged, not graded
    "fay": ("1", "", "0", "1", "0"),  # kit 0.2.0: a warning, still graded
}
EXPECTED_PROBLEMS = {  # file: (kind, action, words in the reason)
    "dup_ben_earlier.json": ("duplicate", "skipped", "good_ben.json"),
    "malformed_missing_field_gus.json": ("malformed", "skipped", "field 'score' is missing"),
    "malformed_truncated_ivy.json": ("malformed", "skipped", "not valid JSON"),
    "minor_version_fay.json": ("version", "graded", "another minor version"),
    "schema_hal.json": ("schema", "skipped", "coursekit-submission/9"),
    "stale_eve.json": ("stale-question", "answer not graded", "02/a-tf: answered an earlier version"),
    "tampered_over_max_dan.json": ("tampered", "skipped", "outside 0..1"),
    "tampered_score_cara.json": ("tampered", "skipped", "stored score 1 but the stored answer scores 0"),
}


def _csv(path: Path) -> list[dict[str, str]]:
    with open(path, newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def test_gradebook_is_right_and_every_bad_file_is_reported(tmp_path):
    report = grade([SUBMISSIONS], KEYS, tmp_path / "out", kit_version=KIT, show_progress=False)
    book = _csv(tmp_path / "out" / "gradebook.csv")
    got = {r["learner"]: (r["01"], r["02"], r["total"], r["formative"], r["flagged"]) for r in book}
    assert got == EXPECTED_ROWS
    assert next(r for r in book if r["learner"] == "ben")["file"].endswith("good_ben.json")
    problems = _csv(tmp_path / "out" / "problems.csv")
    by_file = {Path(p["file"]).name: p for p in problems}
    assert set(by_file) == set(EXPECTED_PROBLEMS)
    for name, (kind, action, words) in EXPECTED_PROBLEMS.items():
        p = by_file[name]
        assert (p["kind"], p["action"]) == (kind, action), name
        assert words in p["reason"], (name, p["reason"])
        assert p["what_to_do"], name  # each row says what the instructor does about it
    assert report.files == 10  # readme.txt in the folder is not read
    assert "4 graded, 6 skipped" in report.summary()


def test_questions_csv_and_chart(tmp_path):
    grade([SUBMISSIONS], KEYS, tmp_path, kit_version=KIT, show_progress=False)
    rows = {r["question_id"]: r for r in _csv(tmp_path / "questions.csv")}
    assert rows["q-choice"]["answered"] == "3" and rows["q-choice"]["share_correct"] == "0.667"
    assert rows["q-choice"]["most_common_wrong"] == "c: Charlie"
    assert rows["a-order"]["most_common_wrong"] == "x > y > z"
    assert rows["a-tf"]["stale_answers"] == "1"
    assert rows["q-reflect"]["type"] == "text" and rows["q-reflect"]["share_correct"] == ""
    assert (tmp_path / "questions.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_questions_csv_counts_first_tries_apart_from_latest_answers(tmp_path):
    # q-choice: ana a (wrong) then b (right), ben c (wrong), fay b (right; an export of another minor
    # version, read by the slower path): 2 of 3 right at the end, 1 of 3 before any feedback
    grade([SUBMISSIONS], KEYS, tmp_path, kit_version=KIT, show_progress=False)
    rows = {r["question_id"]: r for r in _csv(tmp_path / "questions.csv")}
    assert (rows["q-choice"]["share_correct"], rows["q-choice"]["first_tries"],
            rows["q-choice"]["share_right_first_try"]) == ("0.667", "3", "0.333")
    assert (rows["q-multi"]["first_tries"], rows["q-multi"]["share_right_first_try"]) == ("2", "0.5")
    # assessed questions give no feedback between tries; text answers are not graded
    assert rows["a-tf"]["first_tries"] == rows["a-tf"]["share_right_first_try"] == ""
    assert rows["q-reflect"]["first_tries"] == rows["q-reflect"]["share_right_first_try"] == ""


def _good() -> dict:
    return json.loads((SUBMISSIONS / "good_ana.json").read_text(encoding="utf-8"))


def _edit(doc: dict, how: str) -> dict | list | str:
    doc = copy.deepcopy(doc)
    ev = doc["events"]
    if how == "other-learner":
        ev[2]["learner"] = "zed"
    elif how == "duplicate-id":
        ev[3]["id"] = ev[2]["id"]
    elif how == "latest-mismatch":
        doc["latest"]["01/q-choice"] = 1
    elif how == "assessed-score":
        ev[5]["score"] = 1.0
    elif how == "max-score":
        ev[2]["max_score"] = 9.0
        ev[2]["score"] = 9.0
    elif how == "invalid-answer":
        ev[1]["answer"] = "zz"
    elif how == "after-export":
        ev[4]["ts"] = "2027-01-01T00:00:00+00:00"
    elif how == "negative-score":
        ev[0]["score"] = -1
    elif how == "bool-score":
        ev[0]["score"] = True
    elif how == "bad-mode":
        ev[0]["mode"] = "exam"
    elif how == "no-learner":
        doc["learner"] = " "
    elif how == "major-version":
        doc["kit_version"] = "1.0.0"
    elif how == "bad-date":
        doc["exported_at"] = "yesterday"
    elif how == "not-an-object":
        return [doc]
    return doc


@pytest.mark.parametrize("how,kind,words", [
    ("other-learner", "tampered", "belongs to learner 'zed'"),
    ("duplicate-id", "tampered", "appears twice"),
    ("latest-mismatch", "tampered", "'latest' does not point"),
    ("assessed-score", "tampered", "an assessed answer carries a score"),
    ("max-score", "tampered", "max_score 9 differs"),
    ("invalid-answer", "tampered", "not a valid answer"),
    ("after-export", "tampered", "after the export"),
    ("negative-score", "tampered", "outside 0..1"),
    ("bool-score", "malformed", "field 'score' has the wrong type"),
    ("bad-mode", "malformed", "is not formative or assessed"),
    ("no-learner", "malformed", "'learner' is empty"),
    ("major-version", "version", "another major version"),
    ("bad-date", "malformed", "exported_at 'yesterday'"),
    ("not-an-object", "malformed", "not an object"),
])
def test_each_kind_of_bad_file_is_detected(tmp_path, how, kind, words):
    sub_dir = tmp_path / "subs"
    sub_dir.mkdir()
    (sub_dir / "good.json").write_text(json.dumps(_good()), encoding="utf-8")
    (sub_dir / "bad.json").write_text(json.dumps(_edit(_good(), how)), encoding="utf-8")
    report = grade([sub_dir], KEYS, tmp_path / "out", kit_version=KIT, show_progress=False)
    bad = [p for p in report.problems if p.file.endswith("bad.json")]
    assert len(bad) == 1 and bad[0].kind == kind and words in bad[0].reason, bad
    assert bad[0].action == "skipped"
    assert [s.path.name for s in report.graded] == ["good.json"]  # the good copy is still graded


def test_an_unchanged_good_file_passes_every_check():
    keys = load_keys(KEYS)
    sub = read_submission(SUBMISSIONS / "good_ana.json", keys, KIT)
    assert sub.learner == "ana" and len(sub.latest) == 8 and not sub.warnings


def test_a_corrected_key_regrades_instead_of_calling_it_tampering(tmp_path):
    keys_dir = tmp_path / "quizzes"
    shutil.copytree(KEYS, keys_dir)
    key = keys_dir / "keys" / "01.yml"
    key.write_text(key.read_text(encoding="utf-8").replace("correct: b", "correct: c"), encoding="utf-8")
    report = grade([SUBMISSIONS / "good_ana.json", SUBMISSIONS / "good_ben.json"], keys_dir, tmp_path / "out",
                   kit_version=KIT, show_progress=False)
    assert report.problems == []
    rows = {r["learner"]: r for r in report.rows}
    assert rows["ben"]["01"] == "3"  # ben's "c" is now right: 1 + 1 + 1
    assert rows["ana"]["01"] == "2"


def test_a_real_export_round_trips(tmp_path, monkeypatch):
    """Answers submitted through the widgets and exported by the store grade as expected."""
    shutil.copytree(HERE / "course", tmp_path / "course")
    use_course(monkeypatch, tmp_path / "course")
    monkeypatch.setenv("COURSEKIT_LEARNER", "kim")
    from coursekit.quiz.bank import load_bank
    from coursekit.quiz.store import ProgressStore
    from coursekit.quiz.widgets import QuestionWidget

    store = ProgressStore(tmp_path / "progress.sqlite")
    answers = {("01", "q-choice"): "b", ("01", "q-multi"): ["a"], ("02", "a-order"): ["z", "y", "x"],
               ("02", "a-num"): 4290}
    for (module, qid), value in answers.items():
        bank = load_bank(tmp_path / "course" / "data" / "quizzes" / f"{module}.yml")
        w = QuestionWidget(bank.question(qid), bank.key(qid), module=module, mode=bank.mode, store=store,
                           restore=False)
        w.value = value
        assert w.submit().error is None
    store.export(tmp_path / "subs" / "kim.json")
    report = grade([tmp_path / "subs"], KEYS, tmp_path / "out", show_progress=False)
    assert report.problems == []
    row = next(r for r in report.rows if r["file"].endswith("kim.json"))
    assert (row["01"], row["02"]) == ("2", "3")  # 1 + 0.5*2; ordering z,y,x: 2 of 3 pairs of 3 pt, + 1


def test_a_key_folder_without_keys_is_refused_with_the_fix(tmp_path):
    keys_dir = tmp_path / "quizzes"
    shutil.copytree(KEYS, keys_dir)
    (keys_dir / "keys" / "02.yml").unlink()
    with pytest.raises(DataError, match=r"02.yml.*key file is missing.*Fix"):
        grade([SUBMISSIONS], keys_dir, tmp_path / "out", show_progress=False)


def test_progress_counter_without_tqdm(monkeypatch, capsys):
    monkeypatch.setitem(sys.modules, "tqdm", None)  # as in a venv without tqdm
    assert list(progress(list(range(60)), "checking")) == list(range(60))
    assert "checking: 60/60" in capsys.readouterr().err
    assert list(progress([1, 2], "checking")) == [1, 2]
    assert capsys.readouterr().err == ""  # short runs print nothing


def test_cli_grade(tmp_path, capsys):
    code = main(["grade", str(SUBMISSIONS), "--key", str(KEYS), "--out", str(tmp_path / "out"), "--quiet"])
    assert code == 0
    out = capsys.readouterr().out
    assert "graded" in out and "gradebook.csv" in out
    assert main(["grade", str(tmp_path / "missing"), "--key", str(KEYS), "--out", str(tmp_path / "o")]) == 2
    assert "does not exist" in capsys.readouterr().err


def test_grading_without_key_says_which_course_and_a_mode_mismatch_is_flagged(tmp_path, capsys, monkeypatch):
    # an instructor who grades outside the course folder, against a course where 02 is practice
    other = tmp_path / "other-course"
    shutil.copytree(HERE / "course", other)
    bank = other / "data" / "quizzes" / "02.yml"
    bank.write_text(bank.read_text(encoding="utf-8").replace("mode: assessed", "mode: formative"), encoding="utf-8")
    use_course(monkeypatch, other)
    assert main(["grade", str(SUBMISSIONS / "good_ana.json"), "--out", str(tmp_path / "out"), "--quiet"]) == 0
    err = capsys.readouterr().err
    assert f"keys: {other / 'data' / 'quizzes'}" in err and "--key" in err
    flags = [p for p in _csv(tmp_path / "out" / "problems.csv") if p["kind"] == "mode-mismatch"]
    assert len(flags) == 1  # one per module, not one per answer
    assert "02: answered as assessed, but the bank in the key folder is formative" in flags[0]["reason"]


def test_every_kind_of_problem_the_kit_reports_says_what_to_do():
    import ast

    from coursekit.instructor.reports import WHAT_TO_DO

    kinds = {"unmatched-learner", "no-submission"}  # the LMS's, named in lms.Unmatched
    for path in (REPO / "src" / "coursekit" / "instructor").rglob("*.py"):  # grade's problems
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
                at = {"Problem": 2, "Rejected": 0}.get(node.func.id)
                if at is not None and len(node.args) > at and isinstance(node.args[at], ast.Constant):
                    kinds.add(node.args[at].value)
    assert len(kinds) >= 15 and kinds <= set(WHAT_TO_DO), sorted(kinds - set(WHAT_TO_DO))
