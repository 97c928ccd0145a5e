"""Schema 2 of the progress store: confidence and kind on every event, and a version-1 store
(tests/data/learning/progress-v1.sqlite, written by the version-1 code) migrated with nothing lost."""

import shutil
import sqlite3

import pytest

from coursekit.quiz.store import SCHEMA_VERSION, ProgressStore, StoreError

V1 = "tests/data/learning/progress-v1.sqlite"
V1_COLUMNS = ("id", "ts", "learner", "module", "question_id", "question_hash", "key_hash", "mode", "answer",
              "score", "max_score", "kit_version")


def _rows(path):
    con = sqlite3.connect(path)
    try:
        return con.execute(f"SELECT {', '.join(V1_COLUMNS)} FROM events ORDER BY id").fetchall()
    finally:
        con.close()


def _version(path):
    con = sqlite3.connect(path)
    try:
        return con.execute("PRAGMA user_version").fetchone()[0]
    finally:
        con.close()


def test_the_fixture_is_a_version_1_store():
    assert _version(V1) == 1
    con = sqlite3.connect(V1)
    cols = [r[1] for r in con.execute("PRAGMA table_info(events)")]
    con.close()
    assert tuple(cols) == V1_COLUMNS and len(_rows(V1)) == 7


def test_reading_a_version_1_store_does_not_migrate_it(tmp_path):
    path = tmp_path / "p.sqlite"
    shutil.copy(V1, path)
    before = path.read_bytes()
    events = ProgressStore(path).events()
    assert path.read_bytes() == before  # reading never writes
    assert len(events) == 7 and {e.kind for e in events} == {"answer"}
    assert all(e.confidence is None for e in events)
    assert events[3].answer == "Privat\u00e9 thoughts \u2013 d\u00e9j\u00e0 vu"


def test_a_version_1_store_migrates_on_the_first_write_with_nothing_lost(tmp_path):
    path = tmp_path / "p.sqlite"
    shutil.copy(V1, path)
    old_rows = _rows(path)
    old_events = ProgressStore(path).events()
    store = ProgressStore(path)
    new_id = store.append(module="03", question_id="gap", question_hash="h", key_hash="k", mode="formative",
                          answer="65", score=1.0, max_score=1.0, learner="ana", confidence=0.8)
    assert _version(path) == SCHEMA_VERSION == 2
    assert _rows(path)[:7] == old_rows  # every old row, id and value as it was
    after = store.events()
    assert [e.to_json() | {"confidence": None, "kind": "answer"} for e in after[:7]] == \
        [e.to_json() for e in old_events]
    assert after[-1].id == new_id > old_rows[-1][0]
    assert after[-1].confidence == 0.8 and after[-1].kind == "answer"
    # the export still holds everything, reflections included when asked for
    doc = store.export(tmp_path / "ana.json", learner="ana")
    assert len(doc["events"]) == 6 and doc["events"][0]["confidence"] is None
    assert doc["latest"]["00/run-cell"] == old_rows[1][0]


def test_a_read_only_version_1_store_is_still_read(tmp_path):
    path = tmp_path / "p.sqlite"
    shutil.copy(V1, path)
    path.chmod(0o444)
    try:
        assert len(ProgressStore(path).events("ana")) == 5
    finally:
        path.chmod(0o644)


def test_reviews_never_replace_the_graded_answer(tmp_path):
    store = ProgressStore(tmp_path / "p.sqlite")
    common = dict(module="01", question_id="q", question_hash="h", key_hash="k", mode="formative",
                  max_score=1.0, learner="ana")
    first = store.append(answer="a", score=0.0, confidence=0.9, **common)
    store.append(answer="b", score=1.0, confidence=0.6, kind="review", **common)
    assert store.latest("ana")[("01", "q")].id == first
    assert [e.kind for e in store.events("ana")] == ["answer", "review"]
    assert [e.answer for e in store.events("ana", kind="review")] == ["b"]
    doc = store.export(tmp_path / "x.json", learner="ana")
    assert doc["latest"] == {"01/q": first} and len(doc["events"]) == 2


@pytest.mark.parametrize("bad", [0.4, 1.01, "high", True, float("nan")])
def test_a_confidence_outside_50_to_100_percent_is_refused_and_nothing_written(tmp_path, bad):
    store = ProgressStore(tmp_path / "p.sqlite")
    with pytest.raises(StoreError, match="between 50% and 100%"):
        store.append(module="01", question_id="q", question_hash="h", key_hash=None, mode="formative",
                     answer="a", score=1.0, max_score=1.0, learner="ana", confidence=bad)
    assert store.events() == []


def test_an_unknown_kind_is_a_programming_error(tmp_path):
    with pytest.raises(ValueError, match="kind"):
        ProgressStore(tmp_path / "p.sqlite").append(
            module="01", question_id="q", question_hash="h", key_hash=None, mode="formative", answer="a",
            score=1.0, max_score=1.0, kind="graded-twice")
