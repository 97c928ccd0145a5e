"""The progress store under attack: reading never writes, permission problems are not damage.

Permission problems are produced two ways: for real with chmod when the tests do not run as
root (root ignores file modes), and everywhere by opening the database the way a read-only
file opens (SQLite's own "attempt to write a readonly database").
"""

from __future__ import annotations

import json
import os
import sqlite3
import warnings
from pathlib import Path

import pytest

from coursekit.cli import main
from coursekit.quiz import store as store_mod
from coursekit.quiz.store import DamagedStoreWarning, ProgressStore, StoreError

ROOT = os.geteuid() == 0


def _answer(store: ProgressStore, qid: str = "a", answer: object = "x") -> int:
    return store.append(module="00", question_id=qid, question_hash="h", key_hash=None, mode="formative",
                        answer=answer, score=1, max_score=1, learner="ana")


def _snapshot(folder: Path) -> dict[str, tuple[bytes, int]]:
    return {p.name: (p.read_bytes(), p.stat().st_mtime_ns) for p in sorted(folder.iterdir())}


@pytest.fixture
def filled(tmp_path) -> ProgressStore:
    store = ProgressStore(tmp_path / "store" / "progress.sqlite")
    _answer(store, "a")
    _answer(store, "b")
    return store


@pytest.fixture
def read_only(monkeypatch):
    """Open every writable connection the way SQLite opens a file it may not write."""
    real = ProgressStore._uri

    def uri(self, mode):
        return real(self, "ro" if mode in ("rw", "rwc") else mode)

    monkeypatch.setattr(ProgressStore, "_uri", uri)


def test_reading_never_writes(filled):
    folder = filled.path.parent
    before = _snapshot(folder)
    fresh = ProgressStore(filled.path)
    assert [e.question_id for e in fresh.events()] == ["a", "b"]
    fresh.latest("ana")
    fresh.export(folder.parent / "out.json", learner="ana")
    assert _snapshot(folder) == before  # no byte, no timestamp, no journal changed


def test_reading_a_store_that_does_not_exist_creates_nothing(tmp_path):
    store = ProgressStore(tmp_path / "home" / ".coursekit" / "progress.sqlite")
    assert store.events() == [] and store.latest("ana") == {}
    assert not (tmp_path / "home").exists()


def test_a_read_only_store_is_shown_and_exported_not_moved_aside(filled, read_only, tmp_path):
    with warnings.catch_warnings():
        warnings.simplefilter("error", DamagedStoreWarning)
        store = ProgressStore(filled.path)
        assert [e.question_id for e in store.events()] == ["a", "b"]
        doc = store.export(tmp_path / "hand-in.json", learner="ana")
        assert len(doc["events"]) == 2
        with pytest.raises(StoreError) as info:
            _answer(store, "c")
    assert "cannot be saved" in info.value.what and "readonly" in info.value.what
    assert info.value.where == str(filled.path) and "writable" in info.value.fix
    assert list(filled.path.parent.glob("*.damaged-*")) == []
    assert store.notice is None


@pytest.mark.skipif(ROOT, reason="root ignores file permissions; covered by the read_only simulation")
def test_a_chmod_read_only_store_for_real(filled, tmp_path):
    folder = filled.path.parent
    filled.path.chmod(0o444)
    folder.chmod(0o555)
    try:
        store = ProgressStore(filled.path)
        assert len(store.events()) == 2
        assert len(store.export(tmp_path / "hand-in.json", learner="ana")["events"]) == 2
        with pytest.raises(StoreError, match="cannot be saved"):
            _answer(store, "c")
        assert list(folder.glob("*.damaged-*")) == []
    finally:
        folder.chmod(0o755)
        filled.path.chmod(0o644)


def test_a_folder_that_cannot_be_created_is_a_clear_error(tmp_path):
    blocker = tmp_path / "home"
    blocker.write_text("a file where the folder should be", encoding="utf-8")
    store = ProgressStore(blocker / ".coursekit" / "progress.sqlite")
    assert store.events() == []
    with pytest.raises(StoreError) as info:
        _answer(store)
    assert "cannot be created" in info.value.what and "COURSEKIT_PROGRESS_DB" in info.value.fix


def test_permission_denied_on_the_folder_is_reported_not_raised_as_a_traceback(tmp_path, monkeypatch):
    def denied(self, *args, **kwargs):
        raise PermissionError(13, "Permission denied", str(self))

    monkeypatch.setattr(Path, "mkdir", denied)
    with pytest.raises(StoreError, match="Permission denied"):
        _answer(ProgressStore(tmp_path / "x" / "progress.sqlite"))


def test_a_damaged_file_whose_move_fails_is_reported_not_raised(filled, monkeypatch):
    filled.path.write_bytes(b"this is not a database" + b"\0" * 4000)

    def no_move(src, dst):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(store_mod.os, "replace", no_move)
    store = ProgressStore(filled.path)
    with pytest.warns(DamagedStoreWarning, match="could not be moved aside"):
        assert store.events() == []
    assert "Permission denied" in store.notice and filled.path.exists()
    with pytest.warns(DamagedStoreWarning), pytest.raises(StoreError, match="could not be moved aside"):
        _answer(store, "c")


def test_only_a_file_that_fails_the_integrity_check_is_moved(filled):
    filled.path.write_bytes(b"SQLite format 3\0" + os.urandom(4096))
    with pytest.warns(DamagedStoreWarning):
        assert ProgressStore(filled.path).events() == []
    assert len(list(filled.path.parent.glob("*.damaged-*"))) == 1


def test_an_unreadable_answer_row_is_returned_as_text(filled):
    con = sqlite3.connect(filled.path)
    con.execute("UPDATE events SET answer = '{not json' WHERE question_id = 'a'")
    con.commit()
    con.close()
    assert [e.answer for e in ProgressStore(filled.path).events()] == ["{not json", "x"]


def test_an_answer_with_a_lone_surrogate_is_saved(tmp_path):
    store = ProgressStore(tmp_path / "p.sqlite")
    _answer(store, "a", "broken \ud800 text")
    assert store.events()[0].answer == "broken \ud800 text"


def test_cli_export_and_show_work_on_a_read_only_store(filled, read_only, tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("COURSEKIT_LEARNER", "ana")
    out = tmp_path / "ana.json"
    assert main(["progress", "export", "--db", str(filled.path), "--out", str(out), "--include-reflections"]) == 0
    assert len(json.loads(out.read_text(encoding="utf-8"))["events"]) == 2
    assert main(["progress", "show", "--db", str(filled.path)]) == 0
    assert "progress of ana" in capsys.readouterr().out


def test_cli_export_into_a_folder_that_cannot_be_written(filled, tmp_path, capsys):
    blocker = tmp_path / "file"
    blocker.write_text("x", encoding="utf-8")
    code = main(["progress", "export", "--db", str(filled.path), "--out", str(blocker / "ana.json"),
                 "--learner", "ana"])
    err = capsys.readouterr().err
    assert code == 2 and "cannot be written" in err and "Fix:" in err and "Traceback" not in err


def test_widget_shows_a_not_saved_notice_and_still_checks_the_answer(tmp_path, monkeypatch):
    from coursekit.quiz.bank import load_bank
    from tests.conftest import REPO

    blocker = tmp_path / "home"
    blocker.write_text("not a folder", encoding="utf-8")
    monkeypatch.setenv("COURSEKIT_PROGRESS_DB", str(blocker / ".coursekit" / "progress.sqlite"))
    from coursekit.quiz.widgets import QuestionWidget

    bank = load_bank(REPO / "tests/data/instructor/course/data/quizzes/01.yml",
                     known_sources={"nato-2016-warsaw-communique"})
    w = QuestionWidget(bank.question("q-choice"), bank.key("q-choice"), module="01")
    assert w.notice == ""
    w.value = "b"
    result = w.submit()
    assert result.correct and "Correct" in w.feedback_html
    assert w.notice.startswith("Not saved:") and "Fix:" in w.notice and str(blocker) in w.notice


def test_a_write_cut_off_mid_way_loses_no_confirmed_answer(filled, tmp_path):
    """A copy taken mid-transaction holds a hot journal, as after kill -9: reading rolls it back."""
    import shutil

    con = sqlite3.connect(filled.path, isolation_level=None)
    con.execute("PRAGMA cache_size = 1")
    con.execute("BEGIN IMMEDIATE")
    con.execute("INSERT INTO events (ts, learner, module, question_id, question_hash, mode, answer, max_score, "
                "kit_version) VALUES ('t', 'ana', '00', 'c', 'h', 'formative', '\"x\"', 1, '0')")
    con.execute("UPDATE events SET answer = '\"changed\"'")
    copy = tmp_path / "copy"
    copy.mkdir()
    for p in filled.path.parent.iterdir():
        shutil.copy(p, copy / p.name)
    con.execute("ROLLBACK")
    con.close()
    assert (copy / "progress.sqlite-journal").exists()
    events = ProgressStore(copy / "progress.sqlite").events()
    assert [(e.question_id, e.answer) for e in events] == [("a", "x"), ("b", "x")]
