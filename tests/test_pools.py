"""Pools and variants: one learner, one variant, on every run and machine; grade reproduces the scores."""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from coursekit.errors import DataError
from coursekit.instructor.grade import grade
from coursekit.instructor.quiz_html import bank_html
from coursekit.quiz.bank import bank_path, load_bank, simulate
from coursekit.quiz.model import full_marks_answer
from coursekit.quiz.pools import assigned, every_question, for_learner, stable_hash
from tests.conftest import REPO
from tests.quizkit import key_folder, submit

BANK = """\
schema: coursekit-quiz/1
module: "05"
title: Pools and variants
mode: {mode}
pools:
  - {{id: one-of-three, choose: 1, questions: [alt-a, alt-b, alt-c]}}
questions:
  - id: how-far
    type: numeric
    unit: km
    prompt: How far is it from {{a}} to {{b}}?
    variants: {{from: places, pairs: [[Minsk, Vilnius], [Warsaw, Riga], [Kyiv, Tallinn], [Minsk, Moscow]]}}
  - id: alt-a
    type: true_false
    prompt: A is true.
  - id: alt-b
    type: true_false
    prompt: B is true.
  - id: alt-c
    type: true_false
    prompt: C is false.
"""
KEY = """\
schema: coursekit-quiz-key/1
module: "05"
keys:
  how-far: {tolerance: {rel: 0.02}, explanation: "{a} to {b} is {answer} km."}
  alt-a: {correct: true, explanation: "A."}
  alt-b: {correct: true, explanation: "B."}
  alt-c: {correct: false, explanation: "C."}
"""
LEARNERS = [f"learner-{n:02d}" for n in range(12)]


def _csv(path: Path) -> list[dict[str, str]]:
    with open(path, newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def _keys(tmp_path: Path, mode: str = "formative", bank: str = BANK, key: str = KEY) -> Path:
    return key_folder(tmp_path / "course", {"05": (bank.format(mode=mode), key)})


# --- the same variant for the same learner ------------------------------------------------------


def _assignment_in_a_new_process(seed: str) -> dict:
    code = ("import json; from coursekit.quiz.bank import bank_path, load_bank; "
            "from coursekit.quiz.pools import assigned; "
            "print(json.dumps({m: {lr: assigned(load_bank(bank_path(m), keys=False), lr) "
            "for lr in ['ana', 'ben', 'x' * 40]} for m in ['01', '03']}))")
    env = {**os.environ, "PYTHONHASHSEED": seed, "PYTHONPATH": str(REPO / "src")}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True,
                         cwd=REPO)
    return json.loads(out.stdout)


def test_one_learner_gets_the_same_variant_across_runs_and_processes():
    here = {m: {lr: assigned(load_bank(bank_path(m), keys=False), lr) for lr in ["ana", "ben", "x" * 40]}
            for m in ["01", "03"]}
    # other processes with other str-hash salts: Python's hash() would differ, the choice may not
    assert _assignment_in_a_new_process("1") == here == _assignment_in_a_new_process("12345")
    assert here["01"]["ana"] == assigned(load_bank(bank_path("01"), keys=True), "ana")  # keys change nothing


def test_the_choice_is_pinned_across_machines_and_versions():
    # SHA-256 of "learner\x1fmodule\x1fquestion\x1fcandidate": these must never change, or learners
    # would find another variant after an update (and grade would flag their answers). The number
    # is also what `printf 'ana\x1f01\x1fclassify-claim' | sha256sum` starts with.
    assert stable_hash("ana", "01", "classify-claim") == 0x59D1FF45D4057396
    bank = load_bank(bank_path("03"), keys=False)
    assert assigned(bank, "ana")["measure-pair"] == PINNED_ANA_03


PINNED_ANA_03 = "measure-pair~kaliningrad-suwalki"


def test_neighbours_mostly_get_different_variants():
    bank = load_bank(bank_path("01"), keys=False)
    got = [assigned(bank, f"student{n}")["classify-claim"] for n in range(200)]
    assert len(set(got)) >= 30  # 40 claims; 200 learners spread over nearly all of them
    assert max(got.count(v) for v in set(got)) <= 15


def test_alternatives_choose_k_of_n_for_each_learner(tmp_path):
    bank = load_bank(_keys(tmp_path) / "05.yml", keys=True)
    counts = {"alt-a": 0, "alt-b": 0, "alt-c": 0}
    for lr in [f"s{n}" for n in range(60)]:
        ids = [q.id for q in for_learner(bank, lr)]
        alts = [i for i in ids if i.startswith("alt-")]
        assert len(alts) == 1 and ids[0].startswith("how-far~")
        counts[alts[0]] += 1
    assert all(n >= 8 for n in counts.values())  # each alternative is used
    assert bank.max_points == 2  # one variant of how-far + one alternative


# --- validate, simulate, the site -----------------------------------------------------------------


def test_simulate_covers_every_variant_with_its_generated_key():
    bank = load_bank(bank_path("03"), keys=True)
    results = {q.id: r for q, r in simulate(bank)}
    variants = [q.id for q in bank.variants["measure-pair"]]
    assert len(variants) == 28 and set(variants) <= set(results)
    assert all(results[v].correct for v in variants)
    vilnius_minsk = bank.key("measure-pair~minsk-vilnius")
    assert vilnius_minsk.correct == 173  # as the key of 03 `degrees` says: "about 173 km apart"
    assert "Minsk to Vilnius: about 173 km" in vilnius_minsk.explanation


def test_claim_variants_take_their_answer_from_claims_yml():
    from coursekit.claims import load_claims

    bank = load_bank(bank_path("01"), keys=True)
    types = dict(zip(load_claims()["id"], load_claims()["type"], strict=True))
    for q in bank.variants["classify-claim"]:
        claim = q.id.split("~")[1]
        assert bank.key(q.id).correct == types[claim]
        assert full_marks_answer(q, bank.key(q.id)) == types[claim]
        assert "{" not in q.prompt and types[claim] not in q.prompt.split(">")[0]


def test_the_site_shows_one_variant_and_says_how_many():
    bank = load_bank(bank_path("01"), keys=True)
    page = bank_html(bank)
    assert "One of 40 variants" in page
    assert page.count("id='q-classify-claim~") == 1


def test_a_student_release_of_an_assessed_bank_holds_no_variant_key(tmp_path):
    keys = _keys(tmp_path, mode="assessed")
    (keys / "keys" / "05.yml").unlink()  # what coursekit release leaves out for an assessed bank
    bank = load_bank(keys / "05.yml", keys=None)
    assert bank.keys is None and len(bank.variants["how-far"]) == 4
    public = json.dumps([q.to_public() for q in every_question(bank)])
    assert "Minsk" in public and "173" not in public
    page = bank_html(bank)
    assert "One of 4 variants" in page and "173" not in page and "Show answer" not in page


@pytest.mark.parametrize("bank, key, words", [
    (BANK.replace("choose: 1", "choose: 3"), KEY, "choose 3 of 3"),
    (BANK.replace("[alt-a, alt-b, alt-c]", "[alt-a, alt-z]"), KEY, "no question 'alt-z'"),
    (BANK.replace("prompt: B is true.", "prompt: B is true.\n    points: 2"), KEY, "the same points"),
    (BANK.replace("{{a}} to {{b}}", "{{a}} to {{c}}"), KEY, "unknown placeholder {c}"),
    (BANK.replace("[Warsaw, Riga]", "[Warsaw, Atlantis]"), KEY, "no place 'Atlantis'"),
    (BANK, KEY.replace("how-far: {", "how-far: {correct: 5, "), "comes from the data"),
])
def test_a_broken_pool_or_template_is_refused_with_a_fix(tmp_path, bank, key, words):
    keys = _keys(tmp_path, bank=bank, key=key)
    with pytest.raises(DataError) as info:
        load_bank(keys / "05.yml", keys=True, known_sources=_Any())
    assert words in str(info.value) and info.value.fix


class _Any:
    def __contains__(self, item: object) -> bool:
        return True


# --- grade reproduces the variant scores ----------------------------------------------------------


@pytest.mark.parametrize("mode", ["formative", "assessed"])
def test_grade_reproduces_variant_scores_and_records_the_variant(tmp_path, mode):
    keys = _keys(tmp_path, mode=mode)
    bank = load_bank(keys / "05.yml", keys=True, known_sources=_Any())
    subs, expected = tmp_path / "subs", {}
    for n, lr in enumerate(LEARNERS):
        answers = {}
        for q in for_learner(bank, lr):
            right = full_marks_answer(q, bank.key(q.id))
            answers[q.id] = right if n % 2 == 0 or q.id.startswith("alt-") else right * 2  # odd: distance wrong
        submit(subs / f"{lr}.json", lr, keys / "05.yml", answers)
        expected[lr] = "2" if n % 2 == 0 else "1"
    grade([subs], keys, tmp_path / "out", show_progress=False)
    book = {r["learner"]: r["05"] for r in _csv(tmp_path / "out" / "gradebook.csv")}
    assert book.pop("Points possible") == "2"
    assert book == expected
    rows = _csv(tmp_path / "out" / "variants.csv")
    assert len(rows) == 2 * len(LEARNERS)
    mine = assigned(bank, LEARNERS[1])
    row = next(r for r in rows if r["learner"] == LEARNERS[1] and r["question_id"] == "how-far")
    assert row["answered"] == row["assigned"] == mine["how-far"] and row["score"] == "0"


def test_an_answer_to_a_neighbours_variant_is_flagged_not_graded(tmp_path):
    keys = _keys(tmp_path)
    bank = load_bank(keys / "05.yml", keys=True, known_sources=_Any())
    ana, ben = assigned(bank, "ana"), assigned(bank, "ben")
    other = next(lr for lr in LEARNERS if assigned(bank, lr)["how-far"] != ana["how-far"])
    theirs = assigned(bank, other)["how-far"]
    answers = {theirs: full_marks_answer(bank.question(theirs), bank.key(theirs))}
    submit(tmp_path / "subs" / "ana.json", "ana", keys / "05.yml", answers)
    not_bens = next(a for a in ("alt-a", "alt-b", "alt-c") if a not in ben)  # an alternative ben is not given
    submit(tmp_path / "subs" / "ben.json", "ben", keys / "05.yml", {not_bens: not_bens != "alt-c"})
    report = grade([tmp_path / "subs"], keys, tmp_path / "out", show_progress=False)
    book = {r["learner"]: r["05"] for r in _csv(report.outputs["gradebook"])}
    assert book["ana"] == book["ben"] == ""  # right answers, but not to their own questions
    flags = [p for p in report.problems if p.kind == "not-assigned"]
    assert any(p.learner == "ana" and theirs in p.reason and ana["how-far"] in p.reason for p in flags)
    assert any(p.learner == "ben" and f"answered {not_bens} of pool one-of-three" in p.reason for p in flags)
    row = next(r for r in _csv(report.outputs["variants"]) if r["learner"] == "ana")
    assert (row["answered"], row["assigned"], row["graded"]) == (theirs, ana["how-far"], "no")


def test_quiz_show_and_export_use_the_learners_own_variant(tmp_path, monkeypatch):
    from coursekit import quiz
    from coursekit.quiz.progress import export_submission
    from coursekit.quiz.store import ProgressStore

    monkeypatch.setenv("COURSEKIT_LEARNER", "ana")
    store = ProgressStore(tmp_path / "p.sqlite")
    view = quiz.show("03", store=store)
    ids = [w._q.id for w in view.widgets]
    mine = assigned(load_bank(bank_path("03"), keys=False), "ana")["measure-pair"]
    assert mine in ids and not any(i.startswith("measure-pair~") and i != mine for i in ids)
    w = view.widgets[ids.index(mine)]
    w.value = w._key.correct
    assert w.submit().correct
    assert quiz.show("03/measure-pair", store=store).widgets[0]._q.id == mine
    other = next(q.id for q in load_bank(bank_path("03"), keys=False).variants["measure-pair"] if q.id != mine)
    assert [w._q.id for w in quiz.show(f"03/{other}", store=store).widgets] == [mine]  # never a neighbour's
    doc = export_submission(store, tmp_path / "out.json").doc
    assert [e["question_id"] for e in doc["events"]] == [mine]  # the export names the variant answered
