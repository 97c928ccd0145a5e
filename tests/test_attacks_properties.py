"""Property-based tests: random and hostile input never raises anything but the kit's own errors.

- the submission reader raises only :class:`Rejected` (grade turns it into a problems.csv row);
- the bank loader raises only :class:`DataError`;
- the progress store raises only :class:`StoreError` (and warns when it moves a damaged file).

Runs are bounded (``max_examples``) so the suite stays fast.
"""

from __future__ import annotations

import copy
import json
import math
import tempfile
import warnings
from pathlib import Path

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from coursekit.errors import DataError
from coursekit.instructor.grade import Rejected, load_keys, read_submission
from coursekit.quiz.bank import load_bank
from coursekit.quiz.store import DamagedStoreWarning, ProgressStore, StoreError
from tests.conftest import REPO

HERE = REPO / "tests" / "data" / "instructor"
KEYS_DIR = HERE / "course" / "data" / "quizzes"
GOOD = json.loads((HERE / "submissions" / "good_ana.json").read_text(encoding="utf-8"))
BANK = yaml.safe_load((KEYS_DIR / "01.yml").read_text(encoding="utf-8"))
KEY = yaml.safe_load((KEYS_DIR / "keys" / "01.yml").read_text(encoding="utf-8"))
SOURCES = {"nato-2016-warsaw-communique"}
KEYS = load_keys(KEYS_DIR)
WORK = Path(tempfile.mkdtemp(prefix="coursekit-properties-"))
STORE_SETTINGS = settings(max_examples=50, deadline=None, derandomize=True,
                          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
SETTINGS = settings(max_examples=100, deadline=None, derandomize=True,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])

scalars = (st.none() | st.booleans() | st.integers() | st.integers(min_value=-(10**40), max_value=10**40)
           | st.floats(allow_nan=True, allow_infinity=True) | st.text(max_size=30)
           | st.sampled_from(["", "a", "b", "01", "q-choice", "formative", "assessed", "9999-12-31T23:59:59+00:00",
                              "0.1.0", "coursekit-submission/1", "=cmd", "\x00", "\ud800"]))
values = st.recursive(scalars, lambda inner: st.lists(inner, max_size=4)
                      | st.dictionaries(st.text(max_size=8), inner, max_size=4), max_leaves=12)


def _paths(doc, prefix=()):
    """Every path into a JSON-like document."""
    yield prefix
    if isinstance(doc, dict):
        for k, v in doc.items():
            yield from _paths(v, (*prefix, k))
    elif isinstance(doc, list):
        for i, v in enumerate(doc):
            yield from _paths(v, (*prefix, i))


def _set(doc, path, value):
    doc = copy.deepcopy(doc)
    if not path:
        return value
    target = doc
    for step in path[:-1]:
        target = target[step]
    target[path[-1]] = value
    return doc


def _mutations(base):
    paths = list(_paths(base))
    return st.tuples(st.sampled_from(paths), values).map(lambda pv: _set(base, *pv))


# --- the submission reader ------------------------------------------------------------------------


def _read(data: bytes):
    path = WORK / "sub.json"
    path.write_bytes(data)
    try:
        return read_submission(path, KEYS, "0.1.0")
    except Rejected as exc:
        assert exc.kind and exc.reason
        return None


@SETTINGS
@given(st.binary(max_size=400))
def test_random_bytes_are_rejected_cleanly(data):
    _read(data)


@SETTINGS
@given(values)
def test_random_json_is_rejected_cleanly(doc):
    _read(json.dumps(doc, allow_nan=True).encode("utf-8", "surrogatepass"))


@SETTINGS
@given(_mutations(GOOD))
def test_a_good_file_with_one_field_changed_never_crashes_the_reader(doc):
    sub = _read(json.dumps(doc, allow_nan=True).encode("utf-8", "surrogatepass"))
    if sub is not None:
        assert sub.learner.strip() and sub.latest


@SETTINGS
@given(st.integers(min_value=1, max_value=3000), st.sampled_from(["[", "{\"a\":"]))
def test_deep_nesting_is_rejected_cleanly(depth, opener):
    closer = "]" if opener == "[" else "}"
    _read((opener * depth + "1" + closer * depth).encode())


# --- the bank loader --------------------------------------------------------------------------------


def _load(bank_text: bytes | str, key_text: bytes | str | None = None):
    folder = WORK / "quizzes"
    (folder / "keys").mkdir(parents=True, exist_ok=True)
    bank_file, key_file = folder / "01.yml", folder / "keys" / "01.yml"
    for path, text in ((bank_file, bank_text), (key_file, key_text if key_text is not None else yaml.safe_dump(KEY))):
        path.write_bytes(text if isinstance(text, bytes) else text.encode("utf-8", "surrogatepass"))
    try:
        return load_bank(bank_file, keys=True, known_sources=SOURCES)
    except DataError as exc:
        assert str(exc).startswith(str(folder))  # names the file
        return None


def _dump(doc) -> str:
    return yaml.safe_dump(doc, allow_unicode=False)


@SETTINGS
@given(st.binary(max_size=400) | st.text(max_size=400).map(lambda t: t.encode("utf-8", "surrogatepass")))
def test_random_bank_text_is_a_data_error(data):
    _load(data)


@SETTINGS
@given(_mutations(BANK))
def test_a_bank_with_one_field_changed_is_loaded_or_a_data_error(doc):
    bank = _load(_dump(doc))
    if bank is not None:
        assert all(math.isfinite(q.points) for q in bank.questions)


@SETTINGS
@given(_mutations(KEY))
def test_a_key_with_one_field_changed_is_loaded_or_a_data_error(doc):
    bank = _load(_dump(BANK), _dump(doc))
    if bank is not None:
        for key in bank.keys.values():
            for tol in (key.tolerance_abs, key.tolerance_rel):
                assert tol is None or math.isfinite(tol)


# --- the progress store -----------------------------------------------------------------------------


@STORE_SETTINGS
@given(st.lists(values, min_size=1, max_size=4))
def test_any_answer_is_stored_and_read_back(answers):
    path = WORK / "store.sqlite"
    path.unlink(missing_ok=True)
    store = ProgressStore(path)
    stored = 0
    for answer in answers:
        try:
            store.append(module="01", question_id="q", question_hash="h", key_hash=None, mode="formative",
                         answer=answer, score=None, max_score=1, learner="ana")
            stored += 1
        except StoreError as exc:
            assert "cannot be saved" in exc.what
    events = store.events("ana")
    assert len(events) == stored
    store.export(WORK / "out.json", learner="ana")


@STORE_SETTINGS
@given(st.binary(max_size=3000), st.booleans())
def test_a_store_file_of_random_bytes_is_read_or_moved_aside(data, sqlite_header):
    folder = WORK / "random-store"
    folder.mkdir(exist_ok=True)
    for old in folder.iterdir():
        old.unlink()
    path = folder / "progress.sqlite"
    path.write_bytes((b"SQLite format 3\x00" if sqlite_header else b"") + data)
    store = ProgressStore(path)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DamagedStoreWarning)
        try:
            store.events()
            store.append(module="01", question_id="q", question_hash="h", key_hash=None, mode="formative",
                         answer="a", score=None, max_score=1, learner="ana")
        except StoreError:
            return
    assert [e.answer for e in ProgressStore(path).events("ana")][-1] == "a"
