"""Reading and checking submission files for ``coursekit grade``.

Each file (``coursekit progress export``) is validated before any answer is graded. A bad
file is reported in problems.csv and skipped; it never stops the run. What is detected here:

- **malformed**: not JSON, not an object, a missing or mistyped field (top level or event),
  an unreadable date or kit version. Skipped.
- **schema**: a ``schema`` other than ``coursekit-submission/1``. Skipped.
- **version**: made by a kit of another major version (skipped) or another minor version
  (a warning; graded).
- **tampered**: the file contradicts itself or the key. Skipped. Detected:
  an event of another learner; two events with one id; ``latest`` that does not point at
  the last event of each question; a score below 0 or above ``max_score``; a ``max_score``
  that differs from the question's points; a score on an assessed answer (the kit never
  scores those on the student's machine); a stored formative score that differs from
  re-checking the stored answer against the key it was scored with (same key hash); a stored
  answer that is not a valid answer to the (unchanged) question; an answer dated after the export.
- **too-large** / **not-a-file** / **outside-folder** / **unreadable**: a file over
  :data:`MAX_FILE_BYTES`, a folder, FIFO or device named ``*.json``, a symbolic link leading out
  of the submissions folder, or anything else that fails while reading or checking one file.
  Skipped; never read (a FIFO is never opened).

What grading flags after reading (future-date, duplicate, stale-question, unknown-question,
not-assigned) is described in :mod:`coursekit.instructor.grade`.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import operator
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from coursekit import __version__
from coursekit.instructor import learning
from coursekit.instructor.files import (  # noqa: F401 (this module's API before files.py was split off)
    MAX_FILE_BYTES,
    Problem,
    Rejected,
    _kind_of,
    _long_number,
    _parse,
    _read_bytes,
    collect_entries,
    collect_files,
)

if TYPE_CHECKING:  # pragma: no cover
    from coursekit.instructor.grade import Keys, Outcome

SUBMISSION_SCHEMA = "coursekit-submission/1"
TOP_FIELDS: dict[str, tuple[type, ...]] = {
    "schema": (str,), "kit_version": (str,), "learner": (str,), "exported_at": (str,),
    "events": (list,), "latest": (dict,),
}
_NUM = (int, float)
_OPT_STR = (str, type(None))
EVENT_FIELDS: dict[str, tuple[type, ...] | None] = {
    "id": (int,), "ts": (str,), "learner": (str,), "module": (str,), "question_id": (str,),
    "question_hash": (str,), "key_hash": _OPT_STR, "mode": (str,), "answer": None,
    "score": (*_NUM, type(None)), "max_score": _NUM, "kit_version": (str,),
}
CLOCK_SLACK = dt.timedelta(seconds=2)  # an answer may be dated this much after its own export
EXPORT_SLACK = dt.timedelta(hours=24)  # an export may be dated this much after the grading run
MAX_DEPTH = 16  # nesting of an answer (the kit's answers nest at most 2 deep)
_MAX_INT = 2**53  # ids and scores beyond this are not numbers the kit writes
_VERSION = re.compile(r"^(\d+)\.(\d+)")
_INF = math.inf
_EVENT_SIZE = len(EVENT_FIELDS)  # an event with no optional field
_BY_ID = operator.itemgetter("id")
_MODES = frozenset(("formative", "assessed"))


@dataclass
class Submission:
    """A validated submission file: its learner and latest answer per question."""

    path: Path
    learner: str
    exported_at: dt.datetime
    kit_version: str
    latest: dict[tuple[str, str], dict[str, Any]]
    events: int
    warnings: list[Problem] = field(default_factory=list)
    future: bool = False  # exported after the grading run (beyond EXPORT_SLACK)
    outcome: Outcome | None = None  # set by grade(), which then drops ``latest`` (memory)
    learning: learning.Learned | None = None  # check answers and confidence counts (a few bytes)
    #: (module, question) -> whether the first graded try at a formative question was fully right:
    #: before any feedback, so the class's share right at first try (questions.csv) beside its latest
    first: dict[tuple[str, str], bool] = field(default_factory=dict)


def _parse_time(value: str, what: str) -> dt.datetime:
    try:
        stamp = dt.datetime.fromisoformat(value)
    except ValueError:
        raise Rejected("malformed", f"{what} {value!r} is not an ISO 8601 date and time") from None
    return stamp if stamp.tzinfo else stamp.replace(tzinfo=dt.UTC)


def _type_ok(value: Any, types: tuple[type, ...]) -> bool:
    """Exact JSON types (a bool is not a number); no NaN, infinity or number beyond 2**53."""
    kind = type(value)
    if kind is float and not math.isfinite(value):
        return False
    if kind is int and abs(value) > _MAX_INT:
        return False
    return kind in types


def _depth(value: Any, limit: int) -> int:
    """How deep lists and objects nest in ``value`` (iterative; stops counting past ``limit``)."""
    deepest, stack = 0, [(value, 0)]
    while stack:
        item, level = stack.pop()
        if isinstance(item, dict):
            item = item.values()
        elif not isinstance(item, list):
            continue
        level += 1
        deepest = max(deepest, level)
        if deepest > limit:
            return deepest
        stack.extend((child, level) for child in item if isinstance(child, dict | list))
    return deepest


def _where(n: int, event: dict[str, Any]) -> str:
    return f"event {n} ({event.get('module', '?')}/{event.get('question_id', '?')})"


def _answer_key(answer: Any) -> Any:
    """A hashable key for a stored answer, equal for equal answers of equal types (a memo key).

    The shapes the kit's questions take are keyed without recursion: an id or text (the string
    itself), a true/false or a number (with its type: 1, 1.0 and True differ), a list of ids,
    an object of ids; anything else through :func:`_freeze`. One shape always takes one path,
    so an answer always gets the same key.
    """
    kind = type(answer)
    if kind is str:
        return answer
    if kind is bool or kind is int or kind is float:
        return (kind, answer)
    if kind is list:
        for item in answer:
            if type(item) is not str:
                return _freeze(answer)
        return ("ids", tuple(answer))
    if kind is dict:
        for item in answer.values():
            if type(item) is not str:
                return _freeze(answer)
        return ("map", tuple(sorted(answer.items())))
    return _freeze(answer)


def _freeze(value: Any) -> Any:
    """A hashable stand-in for a JSON value (types kept apart: 1, 1.0 and True differ)."""
    if isinstance(value, dict):
        return ("d", tuple(sorted((str(k), _freeze(v)) for k, v in value.items())))
    if isinstance(value, list):
        return ("l", tuple([_freeze(v) for v in value]))
    return (type(value).__name__, value)


def _check_structure(doc: Any) -> tuple[str, list[dict[str, Any]]]:
    if not isinstance(doc, dict):
        raise Rejected("malformed", "the file is JSON but not an object with schema, learner and events")
    learner = doc.get("learner") if isinstance(doc.get("learner"), str) else ""
    schema = doc.get("schema")
    if schema != SUBMISSION_SCHEMA:
        if schema is None:
            raise Rejected("malformed", "field 'schema' is missing: not a coursekit submission file", learner)
        raise Rejected("schema", f"schema {schema!r} is not supported (expected {SUBMISSION_SCHEMA!r}); "
                       "ask the learner to export again with this course's kit", learner)
    for name, types in TOP_FIELDS.items():
        if name not in doc:
            raise Rejected("malformed", f"field '{name}' is missing", learner)
        if not _type_ok(doc[name], types):
            raise Rejected("malformed", f"field '{name}' should be a {types[0].__name__}", learner)
    if not learner.strip():
        raise Rejected("malformed", "field 'learner' is empty", learner)
    events = doc["events"]
    for n, event in enumerate(events, start=1):
        if type(event) is not dict or not _event_fits(event):
            _check_event_structure(n, event, learner)  # names the problem (or passes an unusual good event)
    return learner, events


def _check_event_structure(n: int, event: Any, learner: str) -> None:
    """Every structure check of one event; raises :class:`Rejected` naming the first problem."""
    if not isinstance(event, dict):
        raise Rejected("malformed", f"event {n} is not an object", learner)
    for name, types in EVENT_FIELDS.items():
        if name not in event:
            raise Rejected("malformed", f"{_where(n, event)}: field '{name}' is missing", learner)
        if types is not None and not _type_ok(event[name], types):
            value = event[name]
            what = ("is not a finite number the kit writes" if type(value) in (int, float)
                    else f"has the wrong type ({type(value).__name__})")
            raise Rejected("malformed", f"{_where(n, event)}: field '{name}' {what}", learner)
    answer = event["answer"]
    if isinstance(answer, list | dict) and _depth(answer, MAX_DEPTH) > MAX_DEPTH:
        raise Rejected("malformed", f"{_where(n, event)}: the answer is nested more than {MAX_DEPTH} "
                       "levels deep; no question of the kit takes such an answer", learner)
    if event["mode"] not in ("formative", "assessed"):
        raise Rejected("malformed", f"{_where(n, event)}: mode {event['mode']!r} is not formative "
                       "or assessed", learner)
    problem = learning.check_event(event)  # the optional fields of schema-2 stores
    if problem:
        raise Rejected("malformed", f"{_where(n, event)}: {problem}", learner)


def _number_fits(value: Any) -> bool:
    """What :func:`_type_ok` accepts as a number (int or float), tested inline."""
    kind = type(value)
    if kind is float:
        return -_INF < value < _INF
    return kind is int and -_MAX_INT <= value <= _MAX_INT


def _event_fits(e: dict[str, Any]) -> bool:
    """True when an event passes every check of :func:`_check_event_structure`, tested cheaply.

    The common case on the hot path: one look at each field. False does not mean the event is
    bad, only that the full check must look (and name the problem if there is one).
    """
    try:
        ident, ts, learner, module, qid, qhash, khash, mode, answer, score, top, version = (
            e["id"], e["ts"], e["learner"], e["module"], e["question_id"], e["question_hash"], e["key_hash"],
            e["mode"], e["answer"], e["score"], e["max_score"], e["kit_version"])
    except KeyError:
        return False
    if type(ident) is not int or not -_MAX_INT <= ident <= _MAX_INT:
        return False
    if not (str is type(ts) is type(learner) is type(module) is type(qid) is type(qhash) is type(version)
            is type(mode)) or mode not in _MODES:
        return False
    if khash is not None and type(khash) is not str:
        return False
    if score is not None and not _number_fits(score):
        return False
    if not _number_fits(top):
        return False
    kind = type(answer)
    if kind is list or kind is dict:  # nested one level (a list of ids, items to categories): depth 1
        for item in (answer if kind is list else answer.values()):
            if type(item) is list or type(item) is dict:
                return False
    if len(e) > 12:  # the optional fields of schema-2 stores (learning.check_event)
        if e.get("kind", "answer") not in learning.KINDS:
            return False
        c = e.get("confidence")
        if c is not None and not ((type(c) is float or type(c) is int) and 0.5 <= c <= 1.0):
            return False
    return True


def _check_version(version: str, kit_version: str, learner: str) -> str | None:
    """None if compatible; a warning for another minor version; raises for another major one."""
    theirs, ours = _VERSION.match(version), _VERSION.match(kit_version)
    if theirs is None:
        raise Rejected("malformed", f"kit_version {version!r} is not a version number", learner)
    if ours is None or theirs.group(1) != ours.group(1):
        raise Rejected("version", f"made with coursekit {version}; this is {kit_version} (another major "
                       "version): ask the learner to export with the course's version", learner)
    if theirs.group(2) != ours.group(2):
        return f"made with coursekit {version}, graded with {kit_version} (another minor version)"
    return None


def _check_events(events: list[dict[str, Any]], doc_latest: dict[str, Any], learner: str,
                  exported_at: dt.datetime, keys: Keys,
                  learned: learning.Learned | None = None,
                  first: dict[tuple[str, str], bool] | None = None) -> dict[tuple[str, str], dict[str, Any]]:
    """The tamper checks; returns the last event per (module, question). ``learned`` collects what
    the learning reports need (the re-checked answers that carry a confidence); ``first`` gets
    whether the first graded try at each formative question of the current version was right.

    One pass over the events in id order, each check in a fixed order, so that the first problem
    found (and reported) is the same whatever the speed-ups: the question's hash, points and key
    hash are looked up once (``keys.info``), each distinct answer is re-checked once per run.
    """
    seen_ids: set[int] = set()
    latest: dict[tuple[str, str], dict[str, Any]] = {}
    info, check, results, fromiso, utc = keys.info, keys.check, keys.results, dt.datetime.fromisoformat, dt.UTC
    for n, e in enumerate(sorted(events, key=_BY_ID), start=1):
        ident = e["id"]
        if e["learner"] != learner:
            raise Rejected("tampered", f"{_where(n, e)} belongs to learner {e['learner']!r}, not {learner!r}",
                           learner)
        if ident in seen_ids:
            raise Rejected("tampered", f"event id {ident} appears twice", learner)
        seen_ids.add(ident)
        try:
            stamp = fromiso(e["ts"])
        except ValueError:
            stamp = _parse_time(e["ts"], f"{_where(n, e)}: ts")  # raises, naming the event
        if stamp.tzinfo is None:
            stamp = stamp.replace(tzinfo=utc)
        if stamp - exported_at > CLOCK_SLACK:  # a difference cannot overflow
            raise Rejected("tampered", f"{_where(n, e)} is dated {e['ts']}, after the export "
                           f"({exported_at.isoformat()})", learner)
        score, top = e["score"], e["max_score"]
        if score is not None:
            if score < 0 or score > top + 1e-9:
                raise Rejected("tampered", f"{_where(n, e)}: score {score:g} is outside 0..{top:g}", learner)
            if e["mode"] == "assessed":
                raise Rejected("tampered", f"{_where(n, e)}: an assessed answer carries a score ({score:g}); "
                               "the kit never scores assessed answers on the learner's machine", learner)
        qkey = (e["module"], e["question_id"])
        known = info.get(qkey)
        result = None
        if known is not None and e["question_hash"] == known[0]:
            _digest, points, key_digest, _pooled = known
            if top != points and not math.isclose(top, points):
                raise Rejected("tampered", f"{_where(n, e)}: max_score {top:g} differs from the question's "
                               f"{points:g} points", learner)
            answer = e["answer"]
            memo = results.get(qkey)  # the distinct answers to this graded question met so far
            result = memo.get(answer if type(answer) is str else _answer_key(answer)) if memo is not None else None
            if result is None:
                result = check(*qkey, answer)
            if result.error:
                raise Rejected("tampered", f"{_where(n, e)}: the stored answer is not a valid answer to this "
                               f"question ({result.error})", learner)
            if (score is not None and e["mode"] == "formative" and e["key_hash"] is not None
                    and e["key_hash"] == key_digest and result.score is not None
                    and not math.isclose(score, result.score, abs_tol=1e-6)):
                raise Rejected("tampered", f"{_where(n, e)}: stored score {score:g} but the stored answer "
                               f"scores {result.score:g} against the same key", learner)
            if learned is not None and len(e) > _EVENT_SIZE:  # only optional fields carry a confidence
                learned.note(e, result)
        if len(e) == _EVENT_SIZE or learning.graded(e):  # reviews and check answers are never graded
            latest[qkey] = e
            if first is not None and result is not None and e["mode"] == "formative" and qkey not in first:
                first[qkey] = result.correct is True
    expected = {f"{m}/{q}": e["id"] for (m, q), e in latest.items()}
    if {str(k): v for k, v in doc_latest.items()} != expected:
        raise Rejected("tampered", "'latest' does not point at the last event of each question", learner)
    return latest


def _read_plain(path: Path, doc: Any, keys: Keys, kit_version: str) -> Submission | None:
    """The submission when ``doc`` is a plain export that passes every check, in one pass; else None.

    Plain: made by this minor version of the kit, events in id order, none with optional fields
    (``kind``, ``confidence``). Each check of :func:`_check_structure`, :func:`_check_version` and
    :func:`_check_events` is made here as well, more cheaply; at the first doubt (a problem, or
    anything unusual) it returns None and :func:`read_submission` runs them one after the other,
    so that the problem reported is the same.
    """
    if type(doc) is not dict or doc.get("schema") != SUBMISSION_SCHEMA:
        return None
    try:
        learner, version, exported, events, doc_latest = (doc["learner"], doc["kit_version"], doc["exported_at"],
                                                          doc["events"], doc["latest"])
    except KeyError:
        return None
    if not (str is type(learner) is type(version) is type(exported)) or type(events) is not list \
            or type(doc_latest) is not dict or not learner.strip():
        return None
    try:
        if _check_version(version, kit_version, learner) is not None:
            return None
        exported_at = dt.datetime.fromisoformat(exported)
    except (Rejected, ValueError):
        return None
    if exported_at.tzinfo is None:
        exported_at = exported_at.replace(tzinfo=dt.UTC)
    info, check, results, fromiso, utc, isclose = (keys.info, keys.check, keys.results, dt.datetime.fromisoformat,
                                                   dt.UTC, math.isclose)
    latest: dict[tuple[str, str], dict[str, Any]] = {}
    first: dict[tuple[str, str], bool] = {}
    last = -_MAX_INT - 1
    for e in events:
        if type(e) is not dict or len(e) != _EVENT_SIZE:
            return None
        try:
            ident, ts, who, module, qid, qhash, khash, mode, answer, score, top, made_with = (
                e["id"], e["ts"], e["learner"], e["module"], e["question_id"], e["question_hash"], e["key_hash"],
                e["mode"], e["answer"], e["score"], e["max_score"], e["kit_version"])
        except KeyError:
            return None
        if type(ident) is not int or ident <= last or ident > _MAX_INT:  # in order, each id once
            return None
        last = ident
        if not (str is type(ts) is type(who) is type(module) is type(qid) is type(qhash) is type(made_with)
                is type(mode)) or who != learner or mode not in _MODES:
            return None
        if khash is not None and type(khash) is not str:
            return None
        kind = type(top)
        if not (-_INF < top < _INF if kind is float else kind is int and -_MAX_INT <= top <= _MAX_INT):
            return None
        if score is not None:
            kind = type(score)
            if not (-_INF < score < _INF if kind is float else kind is int and -_MAX_INT <= score <= _MAX_INT):
                return None
            if score < 0 or score > top + 1e-9 or mode == "assessed":
                return None
        kind = type(answer)
        if kind is list or kind is dict:
            for item in (answer if kind is list else answer.values()):
                if type(item) is list or type(item) is dict:
                    return None
        try:
            stamp = fromiso(ts)
        except ValueError:
            return None
        if stamp.tzinfo is None:
            stamp = stamp.replace(tzinfo=utc)
        if stamp - exported_at > CLOCK_SLACK:
            return None
        qkey = (module, qid)
        known = info.get(qkey)
        if known is not None and qhash == known[0]:
            if top != known[1] and not isclose(top, known[1]):
                return None
            memo = results.get(qkey)
            result = memo.get(answer if kind is str else _answer_key(answer)) if memo is not None else None
            if result is None:
                result = check(module, qid, answer)
            if result.error:
                return None
            if (score is not None and mode == "formative" and khash is not None and khash == known[2]
                    and result.score is not None and score != result.score
                    and not isclose(score, result.score, abs_tol=1e-6)):
                return None
            if mode == "formative" and qkey not in first:
                first[qkey] = result.correct is True
        latest[qkey] = e
    expected = {f"{m}/{q}": e["id"] for (m, q), e in latest.items()}
    if {str(k): v for k, v in doc_latest.items()} != expected:
        return None
    return Submission(path, learner, exported_at, version, latest, len(events), learning=learning.Learned(),
                      first=first)


def read_submission(path: Path, keys: Keys, kit_version: str = __version__) -> Submission:
    """Validate one submission file; raises :class:`Rejected` with the reason."""
    data = _read_bytes(path)
    try:
        doc = _parse(data)
    except UnicodeDecodeError:
        raise Rejected("malformed", "not UTF-8 text (is it the exported .json file?)") from None
    except json.JSONDecodeError as exc:
        raise Rejected("malformed", f"not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg})") from None
    except RecursionError:
        raise Rejected("malformed", "JSON nested too deeply to read; not an export of the kit") from None
    except ValueError as exc:  # e.g. an integer of more than 4,300 digits
        raise Rejected("malformed", f"not a valid submission ({str(exc)[:120]}); numbers of that many digits "
                       "are not written by the kit") from None
    del data
    fast = _read_plain(path, doc, keys, kit_version)
    if fast is not None:
        return fast
    learner, events = _check_structure(doc)  # every check in its order: the first problem is the one reported
    warning = _check_version(doc["kit_version"], kit_version, learner)
    exported_at = _parse_time(doc["exported_at"], "exported_at")
    learned = learning.Learned.from_events(events)
    first: dict[tuple[str, str], bool] = {}
    latest = _check_events(events, doc["latest"], learner, exported_at, keys, learned, first)
    sub = Submission(path, learner, exported_at, doc["kit_version"], latest, len(events), learning=learned,
                     first=first)
    if warning:
        sub.warnings.append(Problem(str(path), learner, "version", "graded", warning))
    return sub
