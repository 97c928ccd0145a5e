"""coursekit grade reads a large class with several processes: every output file is byte for byte
the one a single process writes, good and hostile files alike."""

from __future__ import annotations

import csv
import io
import json
import os
import shutil
import sys
from pathlib import Path

import pytest

from coursekit.instructor import grade as grade_mod
from coursekit.instructor import reading
from coursekit.instructor.grade import grade
from coursekit.quiz.bank import load_bank
from coursekit.quiz.model import full_marks_answer
from coursekit.quiz.pools import for_learner
from tests.conftest import REPO
from tests.quizkit import key_folder, submit
from tests.test_attacks_grade import HOSTILE_TEXT, NOW, _good, _relabel
from tests.test_pools import BANK, KEY

HERE = REPO / "tests" / "data" / "instructor"
SUBMISSIONS = HERE / "submissions"
KIT = "0.1.0"


class _Any:
    def __contains__(self, item: object) -> bool:
        return True


def _keys(tmp_path: Path) -> Path:
    """The fixture course's banks 01 and 02 (formative and assessed) and a bank of pools and variants."""
    keys = key_folder(tmp_path / "course", {"05": (BANK.format(mode="formative"), KEY)})
    for name in ("01.yml", "02.yml"):
        shutil.copy(HERE / "course" / "data" / "quizzes" / name, keys / name)
        shutil.copy(HERE / "course" / "data" / "quizzes" / "keys" / name, keys / "keys" / name)
    return keys


def _class(tmp_path: Path, keys: Path) -> Path:
    """A class of good files with varied answers and confidences, and every kind of bad file."""
    folder = tmp_path / "subs"
    folder.mkdir()
    for path in SUBMISSIONS.glob("*.json"):  # good, duplicate, stale, tampered, malformed, other versions
        shutil.copy(path, folder / path.name)
    ana, ben = _good("ana"), json.loads((SUBMISSIONS / "good_ben.json").read_text(encoding="utf-8"))
    for n in range(40):
        doc = _relabel(ana if n % 2 else ben, f"learner{n:02d}")
        for e in doc["events"]:
            if n % 3 == 0:
                e["confidence"] = 0.5 + (n % 6) / 10  # counted in calibration.csv
            if e["mode"] == "assessed" and e["question_id"] == "a-num":
                e["answer"] = 4000 + 50 * (n % 7)  # assessed: any valid answer, many distinct ones
        if n % 10 == 9:
            doc["exported_at"] = "2099-01-01T00:00:00+00:00"  # future-dated: flagged
        (folder / f"learner{n:02d}.json").write_text(json.dumps(doc), encoding="utf-8")
    fake = _relabel(ana, "learner01")
    fake["exported_at"] = "2099-01-01T00:00:00+00:00"  # a future-dated copy never wins the duplicate contest
    (folder / "learner01_again.json").write_text(json.dumps(fake), encoding="utf-8")
    for name, make in HOSTILE_TEXT.items():
        content = make()
        (folder / f"hostile_{name}").write_bytes(content.encode("latin-1" if name == "latin1.json" else "utf-8"))
    (folder / "=formula.json").write_text(json.dumps(_good("=HYPERLINK(1)")), encoding="utf-8")
    bank = load_bank(keys / "05.yml", keys=True, known_sources=_Any())
    for n in range(12):  # pools and variants: right, wrong, and a neighbour's variant
        learner = f"pooled{n:02d}"
        answers = {}
        for q in for_learner(bank, learner):
            right = full_marks_answer(q, bank.key(q.id))
            answers[q.id] = right if n % 2 == 0 or q.id.startswith("alt-") else right * 2
        submit(folder / f"{learner}.json", learner, keys / "05.yml", answers)
    return folder


def _outputs(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="several processes only where they fork (Linux)")
def test_several_processes_write_the_same_files_as_one(tmp_path):
    keys = _keys(tmp_path)
    folder = _class(tmp_path, keys)
    assert grade_mod.worker_count(80, 2) == 2 and grade_mod.worker_count(80) == 1  # a small class: one
    serial = grade([folder], keys, tmp_path / "one", kit_version=KIT, show_progress=False, now=NOW, jobs=1)
    for jobs in (2, 3):
        out = tmp_path / f"jobs{jobs}"
        report = grade([folder], keys, out, kit_version=KIT, show_progress=False, now=NOW, jobs=jobs)
        assert _outputs(out) == _outputs(tmp_path / "one"), jobs
        assert report.rows == serial.rows and report.problems == serial.problems
        assert [s.path for s in report.graded] == [s.path for s in serial.graded]
    # the class is what it should be: graded files, each hostile file a problem, every report written
    names = set(_outputs(tmp_path / "one"))
    assert {"gradebook.csv", "problems.csv", "questions.csv", "misconceptions.csv", "variants.csv",
            "calibration.csv", "questions.png", "discernment.png"} <= names
    kinds = {p.kind for p in serial.problems}
    assert {"duplicate", "future-date", "stale-question", "tampered", "malformed"} <= kinds
    skipped = {Path(p.file).name for p in serial.problems if p.action == "skipped"}
    assert {f"hostile_{name}" for name in HOSTILE_TEXT} <= skipped
    assert len(serial.graded) >= 50
    firsts = [(r["share_correct"], r["share_right_first_try"]) for r in
              csv.DictReader(io.StringIO((tmp_path / "one" / "questions.csv").read_text(encoding="utf-8")))]
    assert any(first and first != latest for latest, first in firsts)  # retries after feedback, told apart


_REAL_CHUNK = reading._grade_chunk


def _dies_on_learner07(paths):
    """A worker's task that dies with the file learner07.json (the pool finds it by name)."""
    if any(p.name == "learner07.json" for p in paths):
        os._exit(1)  # as if killed (out of memory, a crash in a library)
    return _REAL_CHUNK(paths)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="several processes only where they fork (Linux)")
def test_a_worker_that_dies_leaves_its_files_to_the_grading_process(tmp_path, monkeypatch):
    keys = _keys(tmp_path)
    folder = _class(tmp_path, keys)
    grade([folder], keys, tmp_path / "one", kit_version=KIT, show_progress=False, now=NOW, jobs=1)
    monkeypatch.setattr(reading, "_grade_chunk", _dies_on_learner07)
    report = grade([folder], keys, tmp_path / "two", kit_version=KIT, show_progress=False, now=NOW, jobs=2)
    assert _outputs(tmp_path / "two") == _outputs(tmp_path / "one")
    assert "learner07" in {s.learner for s in report.graded}
