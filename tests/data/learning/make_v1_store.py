"""Writes progress-v1.sqlite: a progress store as written by coursekit before schema 2.

Run once, with the code of that version (git show d98d6f7:src/coursekit/quiz/store.py), to make
the fixture that tests/test_learning_store.py migrates. Kept for the record; do not re-run with
a newer store (it would no longer be a version-1 file).
"""

from pathlib import Path

from coursekit.quiz.store import SCHEMA_VERSION, ProgressStore

HERE = Path(__file__).parent
assert SCHEMA_VERSION == 1, "this script must run with the version-1 store"

ROWS = [
    # (learner, module, question, mode, answer, score, max)
    ("ana", "00", "run-cell", "formative", "b", 0.0, 1.0),
    ("ana", "00", "run-cell", "formative", "c", 1.0, 1.0),
    ("ana", "01", "claim-or-evidence", "formative", {"a": "claim", "b": "evidence"}, 0.5, 2.0),
    ("ana", "01", "reflection", "formative", "Privat\u00e9 thoughts \u2013 d\u00e9j\u00e0 vu", None, 0.0),
    ("ana", "07", "brier", "assessed", 0.18, None, 1.0),
    ("ben", "00", "run-cell", "formative", "c", 1.0, 1.0),
    ("ben", "02", "order", "formative", ["x", "y", "z"], 1.0, 1.0),
]

if __name__ == "__main__":
    path = HERE / "progress-v1.sqlite"
    path.unlink(missing_ok=True)
    store = ProgressStore(path)
    for learner, module, qid, mode, answer, score, mx in ROWS:
        store.append(module=module, question_id=qid, question_hash=f"qh-{qid}", key_hash=f"kh-{qid}",
                     mode=mode, answer=answer, score=score, max_score=mx, learner=learner)
    print(f"wrote {path}: {len(store.events())} events")
