"""Reflections stay private: a default export carries graded answers and the capstone brief only."""

from __future__ import annotations

import json

import pytest

from coursekit.cli import main
from coursekit.instructor.grade import grade
from coursekit.quiz.bank import bank_path, load_bank
from coursekit.quiz.model import check
from coursekit.quiz.progress import export_submission
from coursekit.quiz.store import ProgressStore
from tests.conftest import REPO

REFLECTION = "My grandmother lives in Hrodna and I worry about her."
BRIEF = "Claim 3 in paragraph 4 says the union state is a threat. " * 30


def _say(store: ProgressStore, module: str, qid: str, answer: object) -> None:
    bank = load_bank(bank_path(module), keys=True)
    q, key = bank.question(qid), bank.key(qid)
    result = check(q, key, answer)
    store.append(module=module, question_id=qid, question_hash=q.digest(), key_hash=key.digest() if key else None,
                 mode=bank.mode, answer=answer, score=result.score if bank.mode == "formative" else None,
                 max_score=q.points, learner="ana")


@pytest.fixture
def store(tmp_path, monkeypatch) -> ProgressStore:
    monkeypatch.setenv("COURSEKIT_LEARNER", "ana")
    monkeypatch.setenv("COURSEKIT_PROGRESS_DB", str(tmp_path / "progress.sqlite"))
    s = ProgressStore()
    _say(s, "00", "run-cell", "b")
    _say(s, "00", "reflect-author", REFLECTION)
    _say(s, "08", "brief", BRIEF)
    _say(s, "08", "peer-review", "A useful and specific review of the brief " * 10)
    return s


def test_a_default_export_leaves_the_module_00_reflection_out(store, tmp_path, capsys):
    from coursekit.quiz import export_progress

    out = export_progress(str(tmp_path / "mine.json"))
    text = (tmp_path / "mine.json").read_text(encoding="utf-8")
    assert REFLECTION not in text and "reflect-author" not in text
    doc = json.loads(text)
    assert {(e["module"], e["question_id"]) for e in doc["events"]} == {
        ("00", "run-cell"), ("08", "brief"), ("08", "peer-review")}
    assert BRIEF.strip() in text  # the capstone brief is handed in
    printed = capsys.readouterr().out
    assert "reflections are not included" in printed and "00/reflect-author" in printed
    assert "your hand-in texts (08/brief, 08/peer-review)" in printed
    assert "include_reflections=True" in printed
    assert out.endswith("mine.json")


def test_a_judgement_stays_private_like_a_reflection(store, tmp_path, capsys):
    """Module 07's "your call" is the learner's own verdict on each forecast: never scored, and
    the screen counts it among the reflections. It was in every default export."""
    from coursekit.quiz import export_progress

    calls = {"c06": "did-not", "c09": "partly", "s02": "did-not", "c19": "did-not", "c26": "partly",
             "c37": "happened", "s05": "too-early"}
    _say(store, "07", "your-call", calls)
    _say(store, "07", "hindsight-bias", load_bank(bank_path("07"), keys=True).key("hindsight-bias").correct)
    export_progress(str(tmp_path / "mine.json"))
    handed = {(e["module"], e["question_id"]) for e in json.loads((tmp_path / "mine.json").read_text())["events"]}
    assert ("07", "hindsight-bias") in handed and ("07", "your-call") not in handed
    assert "07/your-call" in capsys.readouterr().out  # named among what stays on this computer
    export_progress(str(tmp_path / "all.json"), include_reflections=True)
    assert "your-call" in (tmp_path / "all.json").read_text(encoding="utf-8")


def test_reflections_only_when_the_learner_asks(store, tmp_path, capsys):
    from coursekit.quiz import export_progress

    export_progress(str(tmp_path / "all.json"), include_reflections=True)
    assert REFLECTION in (tmp_path / "all.json").read_text(encoding="utf-8")
    assert "reflections included" in capsys.readouterr().out


def test_the_cli_export_is_private_by_default(store, tmp_path, capsys):
    assert main(["progress", "export", "--out", str(tmp_path / "a.json")]) == 0
    assert REFLECTION not in (tmp_path / "a.json").read_text(encoding="utf-8")
    assert "--include-reflections" in capsys.readouterr().out
    assert main(["progress", "export", "--out", str(tmp_path / "b.json"), "--include-reflections"]) == 0
    assert REFLECTION in (tmp_path / "b.json").read_text(encoding="utf-8")


def test_a_private_export_still_grades_without_problems(store, tmp_path):
    export_submission(store, tmp_path / "subs" / "ana.json")
    report = grade([tmp_path / "subs"], REPO / "data" / "quizzes", tmp_path / "out", show_progress=False)
    assert report.problems == [] and [s.learner for s in report.graded] == ["ana"]


def test_answers_to_questions_this_copy_lacks_are_left_out_and_named(store, tmp_path):
    store.append(module="99", question_id="gone", question_hash="h", key_hash=None, mode="formative",
                 answer="private words", score=None, max_score=0, learner="ana")
    result = export_submission(store, tmp_path / "x.json")
    assert "private words" not in (tmp_path / "x.json").read_text(encoding="utf-8")
    assert "99/gone" in result.message() and "COURSEKIT_ROOT" in result.message()


def test_only_the_capstone_texts_are_marked_for_hand_in():
    marked = {(b.module, q.id) for b in map(load_bank, sorted((REPO / "data/quizzes").glob("*.yml")))
              for q in b.questions if q.type == "text" and q.hand_in}
    assert marked == {("08", "brief"), ("08", "peer-review")}


def test_an_export_under_a_name_with_no_answers_is_refused_and_names_the_right_one(store, tmp_path, capsys):
    """A learner who answered as 'ana' (the login name) and exports with --learner ana2 used to get
    "Saved 0 answers" and a file that grades as 0."""
    assert main(["progress", "export", "--out", str(tmp_path / "empty.json"), "--learner", "ana2"]) != 0
    err = capsys.readouterr().err
    assert "no answers are saved under the name 'ana2'" in err and "ana (4 answers)" in err
    assert "--learner ana" in err
    assert not (tmp_path / "empty.json").exists()
    # a fresh computer with nothing saved yet still exports (an empty hand-in), as before
    fresh = ProgressStore(tmp_path / "fresh.sqlite")
    assert export_submission(fresh, tmp_path / "nothing.json", learner="ana2").doc["events"] == []


def test_the_export_message_names_hand_in_texts_only_when_there_are_some(tmp_path, monkeypatch):
    monkeypatch.setenv("COURSEKIT_LEARNER", "ana")
    s = ProgressStore(tmp_path / "p.sqlite")
    _say(s, "00", "run-cell", "b")
    message = export_submission(s, tmp_path / "x.json").message()
    assert "graded answers; your reflections are not included" in message and "hand-in" not in message
