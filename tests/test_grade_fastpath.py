"""The one-pass reader of plain submission files agrees with the full checks, run one after the other:
the same submission, or the same problem reported, for good files and for good files with one
field changed (property-based, bounded)."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from coursekit.instructor import submissions
from coursekit.instructor.grade import Rejected, read_submission
from tests.test_attacks_properties import GOOD, KEYS, SETTINGS, _mutations, values

WORK = Path(tempfile.mkdtemp(prefix="coursekit-fastpath-"))


def _outcome(path: Path):
    try:
        sub = read_submission(path, KEYS, "0.1.0")
    except Rejected as exc:
        return ("rejected", exc.kind, exc.reason, exc.learner)
    return ("read", sub.learner, sub.exported_at, sub.kit_version, sub.events, sub.warnings, sub.latest,
            sub.learning, sub.future)


def _both(doc, monkeypatch) -> tuple:
    path = WORK / "sub.json"
    path.write_bytes(json.dumps(doc, allow_nan=True).encode("utf-8", "surrogatepass"))
    fast = _outcome(path)
    with monkeypatch.context() as m:
        m.setattr(submissions, "_read_plain", lambda *args: None)  # the full checks only
        slow = _outcome(path)
    return fast, slow


def test_a_plain_good_file_takes_the_one_pass_reader_and_reads_the_same(monkeypatch):
    assert submissions._read_plain(Path("good.json"), GOOD, KEYS, "0.1.0") is not None
    fast, slow = _both(GOOD, monkeypatch)
    assert fast[0] == "read" and fast == slow


@SETTINGS
@given(_mutations(GOOD))
def test_one_field_changed_gives_the_same_result_either_way(doc):
    with pytest.MonkeyPatch.context() as mp:
        fast, slow = _both(doc, mp)
    assert fast == slow


@SETTINGS
@given(st.lists(st.tuples(st.integers(0, 30), values), max_size=3))
def test_events_reordered_or_given_extra_fields_give_the_same_result_either_way(changes):
    from _pytest.monkeypatch import MonkeyPatch

    doc = json.loads(json.dumps(GOOD))
    for n, value in changes:  # move an event to the front, or add an optional field to it
        events = doc["events"]
        event = events[n % len(events)]
        if isinstance(value, str):
            event["kind" if len(value) % 2 else "x"] = value
        elif isinstance(value, float | int) and not isinstance(value, bool):
            event["confidence"] = value
        else:
            events.insert(0, events.pop(n % len(events)))
    with MonkeyPatch.context() as mp:
        fast, slow = _both(doc, mp)
    assert fast == slow


HOSTILE = [None, True, 0, -1, 1.5, 2**53 + 1, float("nan"), float("inf"), "", "zed", "assessed", "formative",
           "9999-12-31T23:59:59+00:00", "yesterday", ["a"], [["a"]], {"i1": "fact"}, {"i1": ["fact"]}]


@pytest.mark.parametrize("field", ["id", "ts", "learner", "module", "question_id", "question_hash", "key_hash",
                                   "mode", "answer", "score", "max_score", "kit_version"])
def test_every_event_field_given_a_hostile_value_gives_the_same_result_either_way(field, monkeypatch):
    for n in (0, len(GOOD["events"]) // 2, -1):
        for value in HOSTILE:
            doc = json.loads(json.dumps(GOOD))
            doc["events"][n][field] = value
            fast, slow = _both(doc, monkeypatch)
            assert fast == slow, (field, n, value)
        doc = json.loads(json.dumps(GOOD))
        del doc["events"][n][field]
        assert _both(doc, monkeypatch)[0] == _both(doc, monkeypatch)[1]


@pytest.mark.parametrize("field", ["schema", "kit_version", "learner", "exported_at", "events", "latest"])
def test_every_top_field_given_a_hostile_value_gives_the_same_result_either_way(field, monkeypatch):
    for value in [*HOSTILE, "0.2.0", "1.0.0", "2026-11-21T12:00:00", " "]:
        doc = json.loads(json.dumps(GOOD))
        doc[field] = value
        fast, slow = _both(doc, monkeypatch)
        assert fast == slow, (field, value)
