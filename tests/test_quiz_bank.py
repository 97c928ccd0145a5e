"""Banks validate against the schema and their keys; broken ones are named precisely."""

import shutil
import subprocess
import sys

import pytest
import yaml

from coursekit.errors import DataError
from coursekit.quiz.bank import bank_paths, key_path_for, load_bank
from tests.conftest import REPO

QUIZZES = REPO / "data" / "quizzes"


def cli(*args):
    return subprocess.run([sys.executable, "-m", "coursekit.cli", *args], capture_output=True, text=True)


@pytest.mark.parametrize("path", bank_paths(), ids=lambda p: p.name)
def test_shipped_bank_loads_with_its_key(path):
    bank = load_bank(path, keys=True)
    assert bank.questions and bank.keys is not None


@pytest.mark.slow
def test_cli_validate_and_simulate_shipped_banks():
    result = cli("quiz", "validate")
    assert result.returncode == 0, result.stdout
    for path in bank_paths():
        sim = cli("quiz", "simulate", path.stem)
        assert sim.returncode == 0, sim.stdout
        assert "FAIL" not in sim.stdout


def broken_copy(tmp_path, edit_bank=None, edit_key=None):
    (tmp_path / "keys").mkdir()
    bank = yaml.safe_load((QUIZZES / "00.yml").read_text(encoding="utf-8"))
    key = yaml.safe_load((QUIZZES / "keys" / "00.yml").read_text(encoding="utf-8"))
    if edit_bank:
        edit_bank(bank)
    if edit_key:
        edit_key(key)
    path = tmp_path / "00.yml"
    path.write_text(yaml.safe_dump(bank, allow_unicode=True), encoding="utf-8")
    key_path_for(path).write_text(yaml.safe_dump(key, allow_unicode=True), encoding="utf-8")
    return path


def question(bank, qid):
    return next(q for q in bank["questions"] if q["id"] == qid)


CASES = [
    # (edit bank, edit key, file, question, field, words in the message)
    (lambda b: question(b, "run-cell").pop("prompt"), None, "00.yml", "run-cell", "prompt", "required"),
    (lambda b: question(b, "run-cell").update(type="essay"), None, "00.yml", "run-cell", "type", "unknown question"),
    (lambda b: question(b, "dating-order").update(sources=["no-such-source"]), None, "00.yml",
     "dating-order", "sources", "unknown source id"),
    (lambda b: question(b, "run-cell").update(options=[{"id": "a", "text": "x"}]), None, "00.yml",
     "run-cell", "options", "at least two options"),
    (lambda b: question(b, "run-cell").update(colour="red"), None, "00.yml", "run-cell", "colour",
     "Extra inputs"),
    (None, lambda k: k["keys"]["run-cell"].update(correct="z"), "keys/00.yml", "run-cell", "correct",
     "not an option id"),
    (None, lambda k: k["keys"]["dating-window"].pop("tolerance"), "keys/00.yml", "dating-window",
     "tolerance", "tolerance"),
    (None, lambda k: k["keys"].pop("claim-kinds"), "keys/00.yml", "claim-kinds", None, "has no key"),
    (None, lambda k: k["keys"]["claim-kinds"]["correct"].update(nato="opinion"), "keys/00.yml",
     "claim-kinds", "correct", "category"),
    (None, lambda k: k["keys"]["run-cell"].update(explanation=""), "keys/00.yml", "run-cell",
     "explanation", "explanation"),
]


@pytest.mark.parametrize(("edit_bank", "edit_key", "file", "qid", "field", "words"), CASES)
def test_broken_bank_names_file_question_and_field(tmp_path, edit_bank, edit_key, file, qid, field, words):
    path = broken_copy(tmp_path, edit_bank, edit_key)
    with pytest.raises(DataError) as err:
        load_bank(path, keys=True)
    msg = str(err.value)
    assert str(tmp_path / file) in msg
    assert f"question {qid}" in msg
    if field:
        assert f"field '{field}'" in msg
    assert words in msg and "Fix:" in msg


def test_cli_validate_fails_on_a_broken_copy(tmp_path):
    path = broken_copy(tmp_path, None, lambda k: k["keys"]["run-cell"].update(correct="z"))
    result = cli("quiz", "validate", str(path))
    assert result.returncode == 1
    assert "question run-cell" in result.stdout and "field 'correct'" in result.stdout


def test_simulate_gives_full_marks_and_catches_a_contradicting_key():
    import dataclasses

    from coursekit.quiz.bank import simulate

    bank = load_bank(QUIZZES / "00.yml", keys=True)
    assert all(r.correct for _, r in simulate(bank))
    # A key the checker disagrees with: an ordering key that is not a permutation of the items.
    keys = dict(bank.keys)
    keys["dating-order"] = dataclasses.replace(keys["dating-order"], correct=["rasmussen", "essay"])
    keys["run-cell"] = dataclasses.replace(keys["run-cell"], correct="z")
    bad = {q.id for q, r in simulate(dataclasses.replace(bank, keys=keys)) if not r.correct}
    assert bad == {"dating-order", "run-cell"}


def test_a_release_copy_without_keys_loads_and_records(tmp_path):
    shutil.copy(QUIZZES / "00.yml", tmp_path / "00.yml")
    bank = load_bank(tmp_path / "00.yml")
    assert bank.keys is None and bank.key("run-cell") is None
    with pytest.raises(DataError, match="key file is missing"):
        load_bank(tmp_path / "00.yml", keys=True)


def test_a_bank_is_read_once_until_it_or_the_data_changes(course_copy, monkeypatch):
    """check() and the quiz load a module's bank many times; it is read again only after a change
    to the bank, its key file or the course's data, however soon after the last read."""
    import coursekit.quiz.bank as bank_module

    reads = []
    real = bank_module.read_yaml
    monkeypatch.setattr(bank_module, "read_yaml", lambda p: reads.append(p) or real(p))
    path = course_copy / "data" / "quizzes" / "00.yml"
    first = load_bank(path)
    assert load_bank(path) is first and len(reads) == 2  # the bank and its key file, once

    text = path.read_text(encoding="utf-8")
    prompt = question(yaml.safe_load(text), "run-cell")["prompt"].strip()
    assert text.count(prompt) == 1
    path.write_text(text.replace(prompt, prompt.upper()), encoding="utf-8")  # same size, same moment
    assert load_bank(path).question("run-cell").prompt == prompt.upper()

    key_path = key_path_for(path)
    key = yaml.safe_load(key_path.read_text(encoding="utf-8"))
    key["keys"]["run-cell"]["explanation"] = "A new explanation."
    key_path.write_text(yaml.safe_dump(key, allow_unicode=True), encoding="utf-8")
    assert load_bank(path).keys["run-cell"].explanation == "A new explanation."

    cited = question(yaml.safe_load(path.read_text(encoding="utf-8")), "dating-order")["sources"][0]
    sources_path = course_copy / "data" / "sources.yml"
    sources = yaml.safe_load(sources_path.read_text(encoding="utf-8"))
    entries = sources["sources"] if isinstance(sources, dict) and "sources" in sources else sources
    if isinstance(entries, dict):
        entries.pop(cited)
    else:
        entries[:] = [s for s in entries if s.get("id") != cited]
    sources_path.write_text(yaml.safe_dump(sources, allow_unicode=True), encoding="utf-8")
    with pytest.raises(DataError, match="unknown source id"):
        load_bank(path)
