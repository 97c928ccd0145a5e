"""coursekit grade on generated submissions writes the class pre/post and calibration reports;
reviews and check answers are never graded; bad values of the new fields are rejected."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from coursekit.instructor.grade import grade
from coursekit.quiz import discern as dc
from coursekit.quiz.bank import bank_path, load_bank
from coursekit.quiz.progress import export_submission
from coursekit.quiz.store import ProgressStore

KEYS = Path("data/quizzes")


def _csv(path):
    with open(path, newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def _check(store, learner, phase, wrong: int):
    """Answer a phase's form rightly except the first ``wrong`` real claims, judged false."""
    form, module = dc.PHASES[phase]
    items = dc.form_items(form)
    real = [i for i in items if i.real]
    for i in items:
        answer = "false" if (not i.real or i in real[:wrong]) else "real"
        store.append(module=module, question_id=dc.question_id(phase, i), question_hash="h", key_hash=None,
                     mode="formative", answer=answer, score=float(answer == ("real" if i.real else "false")),
                     max_score=1.0, learner=learner, confidence=0.8, kind="discernment")


def _answer(store, learner, qid, answer, conf, kind="answer"):
    bank = load_bank(bank_path("00"))
    q, key = bank.question(qid), bank.key(qid)
    from coursekit.quiz.model import check

    r = check(q, key, answer)
    store.append(module="00", question_id=qid, question_hash=q.digest(), key_hash=key.digest(), mode="formative",
                 answer=answer, score=r.score, max_score=q.points, learner=learner, confidence=conf, kind=kind)


@pytest.fixture
def class_files(tmp_path):
    files = tmp_path / "in"
    plan = {"ana": (3, 0), "ben": (2, 1), "cy": (1, 1)}  # learner: real claims missed before, after
    for learner, (pre, post) in plan.items():
        store = ProgressStore(tmp_path / f"{learner}.sqlite")
        _check(store, learner, "pre", pre)
        _check(store, learner, "post", post)
        _answer(store, learner, "run-cell", "b", 0.9)  # wrong, sure
        _answer(store, learner, "run-cell", "a", 0.6, kind="review")  # a review, right: never graded
        export_submission(store, files / f"{learner}.json", learner)
    return files


def test_grade_writes_the_pre_post_and_calibration_reports(class_files, tmp_path):
    out = tmp_path / "out"
    report = grade([class_files], KEYS, out, show_progress=False)
    book = {r["learner"]: r for r in _csv(out / "gradebook.csv")}
    assert book["ana"]["00"] == "0"  # the wrong graded answer stands; the right review is not graded
    assert not [p for p in report.problems if p.kind != "version"]
    rows = {(r["learner"], r["phase"]): r for r in _csv(out / "discernment.csv")}
    n = len(dc.form_items("A"))
    assert rows[("ana", "pre")]["discernment"] == str(n - 3)
    assert rows[("ana", "pre")]["response_bias"] == "-3" and rows[("ana", "pre")]["distrust"] == "3"
    assert rows[("ana", "post")]["discernment"] == str(n)
    summary = {r["group"]: r for r in _csv(out / "discernment_class.csv")}
    assert summary["pre"]["learners"] == "3" and float(summary["pre"]["discernment"]) == pytest.approx(n - 2)
    change = summary["change (post - pre, learners with both)"]
    assert float(change["discernment"]) == pytest.approx((3 + 1 + 0) / 3, abs=0.01)
    assert float(change["response_bias"]) == pytest.approx((3 + 1 + 0) / 3, abs=0.01)
    assert (out / "discernment.png").read_bytes()[:4] == b"\x89PNG"
    md = (out / "learning.md").read_text(encoding="utf-8")
    assert "![Grouped bar chart" in md and "no control group" in md.lower() and "not that the course caused" in md
    cal = {r["confidence"]: r for r in _csv(out / "calibration.csv")}
    # per learner: 2n check answers at 80% (all right but the missed), run-cell wrong at 90%, review right at 60%
    assert cal["90%"]["answers"] == "3" and cal["90%"]["share_right"] == "0.000"
    assert cal["60%"]["answers"] == "3" and cal["60%"]["share_right"] == "1.000"
    assert cal["80%"]["answers"] == str(3 * 2 * n)
    learners = {r["learner"]: r for r in _csv(out / "calibration_learners.csv")}
    assert set(learners) == {"ana", "ben", "cy"} and learners["ana"]["answers"] == str(2 * n + 2)


def test_the_check_answers_are_handed_in_and_reflections_still_are_not(tmp_path):
    store = ProgressStore(tmp_path / "p.sqlite")
    _check(store, "ana", "pre", 0)
    bank = load_bank(bank_path("01"))
    reflection = next(q for q in bank.questions if not q.graded)
    store.append(module="01", question_id=reflection.id, question_hash=reflection.digest(), key_hash=None,
                 mode="formative", answer="private", score=None, max_score=0, learner="ana")
    result = export_submission(store, tmp_path / "ana.json", "ana")
    kinds = [e["kind"] for e in result.doc["events"]]
    assert kinds == ["discernment"] * len(dc.form_items("A"))
    assert "private" not in (tmp_path / "ana.json").read_text(encoding="utf-8")


@pytest.mark.parametrize("field,value,words", [("confidence", 1.5, "confidence 1.5"),
                                               ("confidence", "sure", "confidence 'sure'"),
                                               ("kind", "bonus", "kind 'bonus'")])
def test_bad_values_of_the_new_fields_are_rejected(class_files, tmp_path, field, value, words):
    path = class_files / "ana.json"
    doc = json.loads(path.read_text(encoding="utf-8"))
    doc["events"][0][field] = value
    path.write_text(json.dumps(doc), encoding="utf-8")
    report = grade([path], KEYS, tmp_path / "out", show_progress=False)
    assert [(p.kind, p.action) for p in report.problems] == [("malformed", "skipped")]
    assert words in report.problems[0].reason


def test_the_class_calibration_counts_first_tries_only():
    """A second attempt follows feedback that may have shown the answer: being sure then is not a
    forecast. A review days later is a first try again."""
    from types import SimpleNamespace

    from coursekit.instructor.learning import Learned

    right, wrong = SimpleNamespace(score=1.0, error=None, correct=True), SimpleNamespace(score=0.0, error=None,
                                                                                          correct=False)
    learned = Learned()
    first = {"module": "03", "question_id": "q", "kind": "answer", "confidence": 0.9, "ts": "2026-11-02T10:00:00"}
    learned.note(first, wrong)
    learned.note({**first, "ts": "2026-11-02T10:01:00", "confidence": 1.0}, right)  # the retry
    learned.note({**first, "kind": "review", "ts": "2026-11-03T09:00:00", "confidence": 0.8}, right)
    learned.note({**first, "kind": "review", "ts": "2026-11-03T09:01:00", "confidence": 1.0}, right)
    assert sorted(learned.pairs()) == [(0.8, True), (0.9, False)]
