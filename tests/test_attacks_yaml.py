"""Hostile YAML banks and keys: each gets the kit's clear error, fast and in bounded memory."""

from __future__ import annotations

import shutil
import time
import tracemalloc
from pathlib import Path

import pytest

from coursekit import safeyaml
from coursekit.cli import main
from coursekit.errors import DataError, read_yaml
from coursekit.instructor.grade import load_keys
from coursekit.quiz.bank import load_bank
from tests.conftest import REPO

FIXTURE = REPO / "tests" / "data" / "instructor" / "course" / "data" / "quizzes"
LAUGHS = "\n".join(
    ['a0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    + [f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 9) + "]" for i in range(1, 10)]
) + "\n"
DOUBLING = "\n".join(["d0: &d0 [x, x]"] + [f"d{i}: &d{i} [*d{i - 1}, *d{i - 1}]" for i in range(1, 60)]) + "\n"


@pytest.fixture
def quizzes(tmp_path) -> Path:
    shutil.copytree(FIXTURE, tmp_path / "quizzes")
    return tmp_path / "quizzes"


def _bounded(fn, *, seconds: float = 30.0, mb: float = 50.0):
    """Run ``fn`` expecting a DataError; check it came fast and allocated little."""
    tracemalloc.start()
    started = time.perf_counter()
    try:
        with pytest.raises(DataError) as info:
            fn()
    finally:
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
    assert time.perf_counter() - started < seconds
    assert peak < mb * 1e6, f"peak {peak / 1e6:.0f} MB"
    return info.value


@pytest.mark.parametrize("bomb", [LAUGHS, DOUBLING], ids=["nine-by-nine", "doubling"])
def test_an_alias_bomb_in_a_bank_is_refused(quizzes, bomb):
    bank = quizzes / "01.yml"
    text = bank.read_text(encoding="utf-8") + "x_" + bomb.strip().replace("\n", "\nx_") + "\n"
    bank.write_text(text, encoding="utf-8")
    err = _bounded(lambda: load_bank(bank, keys=True, known_sources={"nato-2016-warsaw-communique"}))
    assert "01.yml" in str(err) and "alias" in str(err) and "Fix:" in str(err)


def test_an_alias_bomb_in_a_key_file_stops_grading_with_the_reason(quizzes):
    key = quizzes / "keys" / "01.yml"
    text = key.read_text(encoding="utf-8").replace("  q-choice:\n    correct: b\n",
                                                   "  q-choice:\n    correct: b\n    junk: *a9\n")
    key.write_text(LAUGHS.replace("a0:", "x0:", 1).replace("\na", "\nx") + text, encoding="utf-8")
    err = _bounded(lambda: load_keys(quizzes))
    assert "keys/01.yml" in str(err) and "alias" in str(err)


def test_too_many_aliases_are_refused_before_building_anything(tmp_path):
    path = tmp_path / "many.yml"
    path.write_text("base: &b 1\nlist: [" + ", ".join(["*b"] * (safeyaml.MAX_ALIASES + 1)) + "]\n",
                    encoding="utf-8")
    err = _bounded(lambda: read_yaml(path))
    assert f"more than {safeyaml.MAX_ALIASES} aliases" in str(err)


def test_a_few_aliases_are_fine(tmp_path):
    path = tmp_path / "ok.yml"
    path.write_text("base: &b {x: 1}\nuse: [*b, *b]\nurl: https://e.example/?a=1&b=2\n", encoding="utf-8")
    assert read_yaml(path) == {"base": {"x": 1}, "use": [{"x": 1}, {"x": 1}], "url": "https://e.example/?a=1&b=2"}


def test_cli_validate_reports_the_bomb_without_expanding_it(quizzes, capsys):
    bank = quizzes / "01.yml"
    bank.write_text(bank.read_text(encoding="utf-8").replace("title: Sample practice quiz",
                                                             "title: *a9") .replace("schema:", LAUGHS + "schema:", 1),
                    encoding="utf-8")
    started = time.perf_counter()
    assert main(["quiz", "validate", str(bank)]) == 1
    out = capsys.readouterr().out
    assert time.perf_counter() - started < 30 and len(out) < 2000
    assert "FAIL" in out and "alias" in out


@pytest.mark.parametrize("encoding", ["latin-1", "binary"])
def test_a_bank_that_is_not_utf8_names_the_line_and_the_fix(quizzes, encoding):
    bank = quizzes / "01.yml"
    if encoding == "latin-1":
        bank.write_bytes(bank.read_text(encoding="utf-8").replace("Bravo", "Br\xe4vo").encode("latin-1"))
    else:
        bank.write_bytes(bytes(range(256)) * 4)
    err = _bounded(lambda: load_bank(bank, keys=False, known_sources={"nato-2016-warsaw-communique"}))
    assert "not UTF-8" in str(err) and "line" in str(err) and "Fix: save the file as UTF-8" in str(err)
    if encoding == "latin-1":
        assert "line 11" in str(err)


def test_points_of_five_thousand_digits(quizzes):
    bank = quizzes / "01.yml"
    bank.write_text(bank.read_text(encoding="utf-8").replace("points: 2", "points: " + "9" * 5000),
                    encoding="utf-8")
    err = _bounded(lambda: load_bank(bank, keys=False, known_sources={"nato-2016-warsaw-communique"}))
    assert "5000 digits" in str(err) and "line 16" in str(err)


def test_points_beyond_a_hundred_are_refused(quizzes):
    bank = quizzes / "01.yml"
    bank.write_text(bank.read_text(encoding="utf-8").replace("points: 2", "points: 1e300"), encoding="utf-8")
    with pytest.raises(DataError, match="points"):
        load_bank(bank, keys=False, known_sources={"nato-2016-warsaw-communique"})


def test_a_question_keyed_twice_is_an_error_not_the_second_key(quizzes):
    key = quizzes / "keys" / "01.yml"
    key.write_text(key.read_text(encoding="utf-8") + "  q-choice:\n    correct: c\n    explanation: Wrong.\n",
                   encoding="utf-8")
    with pytest.raises(DataError, match=r"keys/01.yml, line \d+: key 'q-choice' appears twice.*Fix"):
        load_bank(quizzes / "01.yml", keys=True, known_sources={"nato-2016-warsaw-communique"})


@pytest.mark.parametrize("edit", [
    ("tolerance: {abs: 5}", "tolerance: {abs: .inf}"),
    ("tolerance: {abs: 5}", "tolerance: {abs: .nan}"),
    ("tolerance: {abs: 5}", "tolerance: {rel: -.inf}"),
    ("correct: 65", "correct: .nan"),
    ("correct: 65", "correct: .inf"),
    ("correct: [a, c]", "correct: [a, .nan]"),
], ids=["abs-inf", "abs-nan", "rel-minus-inf", "nan-key", "inf-key", "nan-in-list"])
def test_infinite_or_nan_keys_and_tolerances_are_refused(quizzes, edit):
    key = quizzes / "keys" / "01.yml"
    text = key.read_text(encoding="utf-8")
    assert edit[0] in text
    key.write_text(text.replace(edit[0], edit[1]), encoding="utf-8")
    with pytest.raises(DataError, match=r"keys/01.yml.*question q-(num|multi).*finite"):
        load_bank(quizzes / "01.yml", keys=True, known_sources={"nato-2016-warsaw-communique"})
    assert main(["quiz", "validate", str(quizzes / "01.yml")]) == 1


def test_a_file_over_the_size_limit_is_not_parsed(tmp_path, monkeypatch):
    path = tmp_path / "big.yml"
    path.write_text("a: " + "x" * (safeyaml.MAX_BYTES + 1) + "\n", encoding="utf-8")
    err = _bounded(lambda: read_yaml(path), mb=5)  # never read whole
    assert "over the limit" in str(err) and "big.yml" in str(err)


def test_the_shipped_data_still_loads_as_before():
    import yaml

    for path in sorted((REPO / "data").rglob("*.yml")):
        expected = yaml.safe_load(path.read_text(encoding="utf-8"))
        assert read_yaml(path) == expected, path


def test_feedback_that_is_not_a_mapping_is_a_data_error(quizzes):
    key = quizzes / "keys" / "01.yml"
    text = key.read_text(encoding="utf-8")
    key.write_text(text.replace("    feedback:\n      a: Alpha comes first.\n      b: Yes, Bravo is second.\n"
                                "      c: Charlie is third.\n", "    feedback: 1\n"), encoding="utf-8")
    with pytest.raises(DataError, match=r"keys/01.yml.*q-choice.*feedback"):
        load_bank(quizzes / "01.yml", keys=True, known_sources={"nato-2016-warsaw-communique"})
