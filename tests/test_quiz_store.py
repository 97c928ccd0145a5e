"""The progress store keeps every answer, survives damage, and exports submissions."""

import json
import multiprocessing as mp
import sqlite3

import pytest

from coursekit.quiz.store import SUBMISSION_SCHEMA, DamagedStoreWarning, ProgressStore


def _writer(path, learner, n, start_evt):
    store = ProgressStore(path)
    start_evt.wait()
    for i in range(n):
        store.append(module="00", question_id=f"q{i % 7}", question_hash="h", key_hash=None,
                     mode="formative", answer={"i": i, "who": learner}, score=1.0, max_score=1.0,
                     learner=learner)


@pytest.mark.slow
def test_two_processes_submitting_at_once_lose_nothing(tmp_path):
    path = tmp_path / "progress.sqlite"
    ctx = mp.get_context("spawn")
    start = ctx.Event()
    procs = [ctx.Process(target=_writer, args=(path, who, 200, start)) for who in ("ana", "ben")]
    for p in procs:
        p.start()
    start.set()
    for p in procs:
        p.join(120)
        assert p.exitcode == 0
    events = ProgressStore(path).events()
    assert len(events) == 400
    for who in ("ana", "ben"):
        assert sorted(e.answer["i"] for e in events if e.learner == who) == list(range(200))
    mode = sqlite3.connect(path).execute("PRAGMA journal_mode").fetchone()[0]
    assert mode == "delete"  # rollback journal, not WAL (network home directories)


def test_a_damaged_database_is_kept_aside_and_a_new_one_started(tmp_path):
    path = tmp_path / "progress.sqlite"
    store = ProgressStore(path)
    store.append(module="00", question_id="a", question_hash="h", key_hash=None, mode="formative",
                 answer="x", score=1, max_score=1, learner="ana")
    original = path.read_bytes()
    damaged = b"this is not a database" + original[100:]
    path.write_bytes(damaged)
    with pytest.warns(DamagedStoreWarning, match="was damaged"):
        store.append(module="00", question_id="b", question_hash="h", key_hash=None,
                     mode="formative", answer="y", score=1, max_score=1, learner="ana")
    kept = list(tmp_path.glob("progress.damaged-*.sqlite"))
    assert len(kept) == 1 and kept[0].read_bytes() == damaged
    assert store.notice and kept[0].name in store.notice
    assert [e.question_id for e in ProgressStore(path).events()] == ["b"]


def test_latest_and_export(tmp_path):
    store = ProgressStore(tmp_path / "p.sqlite")
    for answer, score in (("a", 0.0), ("b", 1.0)):
        store.append(module="00", question_id="run-cell", question_hash="h", key_hash="k",
                     mode="formative", answer=answer, score=score, max_score=1, learner="ana")
    store.append(module="00", question_id="run-cell", question_hash="h", key_hash="k",
                 mode="formative", answer="c", score=0, max_score=1, learner="ben")
    latest = store.latest("ana")
    assert latest[("00", "run-cell")].answer == "b"
    doc = store.export(tmp_path / "out" / "ana.json", learner="ana")
    on_disk = json.loads((tmp_path / "out" / "ana.json").read_text(encoding="utf-8"))
    assert on_disk == doc
    assert doc["schema"] == SUBMISSION_SCHEMA and doc["learner"] == "ana"
    assert [e["answer"] for e in doc["events"]] == ["a", "b"]
    assert doc["latest"] == {"00/run-cell": doc["events"][-1]["id"]}
    assert {"ts", "question_hash", "key_hash", "kit_version", "score"} <= set(doc["events"][0])


def test_export_progress_from_a_notebook(tmp_path, monkeypatch, capsys):
    from coursekit.quiz import export_progress

    monkeypatch.setenv("COURSEKIT_PROGRESS_DB", str(tmp_path / "p.sqlite"))
    monkeypatch.setenv("COURSEKIT_LEARNER", "ana")
    ProgressStore().append(module="00", question_id="run-cell", question_hash="h", key_hash=None,
                           mode="formative", answer="x", score=1, max_score=1)
    out = export_progress(str(tmp_path / "mine.json"))
    assert json.loads(open(out, encoding="utf-8").read())["learner"] == "ana"
    assert "Saved 1 answers by ana" in capsys.readouterr().out
