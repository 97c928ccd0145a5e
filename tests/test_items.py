"""Item analysis: discrimination on a fixture with a known answer, and misconceptions linked to the guide."""

from __future__ import annotations

import csv
import math
import random
import statistics
from pathlib import Path

import pytest

from coursekit.errors import DataError
from coursekit.instructor.grade import grade
from coursekit.instructor.items import GUIDE, check_guide, correlation, guide_anchors
from coursekit.quiz.bank import bank_paths, load_bank
from tests.conftest import REPO
from tests.quizkit import key_folder, submit

BANK = """\
schema: coursekit-quiz/1
module: "01"
title: Three questions
mode: {mode}
questions:
  - id: q1
    type: single_choice
    prompt: Pick a.
    options:
      - {{id: a, text: "A"}}
      - {{id: b, text: "B"{tag}}}
      - {{id: c, text: "C"}}
  - id: q2
    type: true_false
    prompt: True?
  - id: q3
    type: true_false
    prompt: Also true?
"""
KEY = """\
schema: coursekit-quiz-key/1
module: "01"
keys:
  q1: {{correct: a, explanation: "A is right."{extra}}}
  q2: {{correct: true, explanation: "It is."}}
  q3: {{correct: true, explanation: "It is."}}
"""
# learner: answers to q1, q2, q3. q1 right for ana and ben; the rest (q2 + q3): 2, 1, 1, 0.
ANSWERS = {
    "ana": {"q1": "a", "q2": True, "q3": True},
    "ben": {"q1": "a", "q2": True, "q3": False},
    "cy": {"q1": "b", "q2": True, "q3": False},
    "dee": {"q1": "b", "q2": False, "q3": False},
    "eli": {"q2": False},  # did not answer q1
}


def _csv(path: Path) -> list[dict[str, str]]:
    with open(path, newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def _run(tmp_path: Path, mode: str = "formative", tag: str = ", misconception: picks-b", extra: str = ""):
    keys = key_folder(tmp_path / "course", {"01": (BANK.format(mode=mode, tag=tag), KEY.format(extra=extra))})
    subs = tmp_path / "subs"
    for learner, answers in ANSWERS.items():
        submit(subs / f"{learner}.json", learner, keys / "01.yml", answers)
    grade([subs], keys, tmp_path / "out", show_progress=False)
    return {r["question_id"]: r for r in _csv(tmp_path / "out" / "questions.csv")}, tmp_path / "out"


def test_discrimination_on_a_fixture_with_a_known_answer(tmp_path):
    rows, _ = _run(tmp_path)
    # q1 (1, 1, 0, 0) against the rest of the bank (2, 1, 1, 0): r = 1 / sqrt(2)
    assert rows["q1"]["discrimination"] == f"{round(1 / math.sqrt(2), 3):g}" == "0.707"
    assert rows["q1"]["discrimination_n"] == "4"  # eli did not answer q1
    # q3 (ana, ben, cy, dee) is right only for ana; their rest (q1 + q2) is 2, 2, 1, 0
    q3 = [1, 0, 0, 0]
    rest = [2, 2, 1, 0]
    assert rows["q3"]["discrimination"] == f"{round(statistics.correlation(q3, rest), 3):g}"


def test_correlation_agrees_with_the_standard_library():
    rng = random.Random(7)
    for _ in range(50):
        n = rng.randint(3, 30)
        xs = [rng.choice([0, 0.5, 1]) for _ in range(n)]
        ys = [rng.uniform(0, 10) for _ in range(n)]
        if len(set(xs)) == 1:
            assert correlation(xs, ys) is None
        else:
            assert correlation(xs, ys) == pytest.approx(statistics.correlation(xs, ys))
    assert correlation([1, 1, 1], [1, 2, 3]) is None  # an item everyone got right says nothing


def test_misconceptions_report_share_of_class_with_a_link(tmp_path):
    rows, out = _run(tmp_path)
    assert rows["q1"]["misconceptions"] == "picks-b 2/4"
    (m,) = _csv(out / "misconceptions.csv")
    assert (m["misconception"], m["question_id"], m["option"]) == ("picks-b", "q1", "b")
    assert (m["learners"], m["answered"], m["share_of_answered"]) == ("2", "4", "0.5")
    assert (m["class_size"], m["share_of_class"]) == ("5", "0.4")
    assert m["guide"] == f"{GUIDE}#picks-b"


def test_an_assessed_bank_names_misconceptions_in_its_key_only(tmp_path):
    with pytest.raises(DataError) as info:
        _run(tmp_path / "a", mode="assessed")
    assert info.value.field == "options.misconception" and "keys/01.yml" in info.value.fix
    rows, out = _run(tmp_path / "b", mode="assessed", tag="", extra=", misconceptions: {b: picks-b}")
    assert rows["q1"]["misconceptions"] == "picks-b 2/4"


def test_a_misconception_on_the_right_answer_is_refused(tmp_path):
    with pytest.raises(DataError, match="part of the right answer"):
        _run(tmp_path, tag="", extra=", misconceptions: {a: picks-a}")
    with pytest.raises(DataError, match="unknown option"):
        _run(tmp_path / "x", tag="", extra=", misconceptions: {z: picks-z}")


def test_every_misconception_in_the_kit_has_an_entry_in_the_guide():
    anchors = guide_anchors(REPO / GUIDE)
    named = 0
    for path in bank_paths():
        bank = load_bank(path, keys=True)
        check_guide(bank, anchors)
        named += sum(1 for q in bank.questions for o in q.options if o.misconception)
    assert named >= 6
    # misconceptions.csv shows the entry's bold title, not the line up to where the guide wraps it
    assert anchors["union-state-merged"] == "The Union State merged Belarus into Russia"
    assert anchors["checking-is-close-reading"] == "Checking a source means reading it carefully"


def test_check_guide_names_the_missing_entry(tmp_path):
    keys = key_folder(tmp_path, {"01": (BANK.format(mode="formative", tag=", misconception: nowhere"),
                                        KEY.format(extra=""))})
    with pytest.raises(DataError) as info:
        check_guide(load_bank(keys / "01.yml", keys=True, known_sources={}), {"elsewhere": "x"})
    assert "nowhere" in str(info.value) and "instructor-guide.md" in str(info.value)
