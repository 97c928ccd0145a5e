"""``coursekit grade``: exported submission files to a gradebook.

Each file (``coursekit progress export``) is validated, then its **latest** answer to each
question is re-checked against the instructor's current key. A bad file is reported in
problems.csv and skipped; it never stops the run. What is detected:

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
- **future-date** (flagged): ``exported_at`` later than the grading run by more than
  :data:`EXPORT_SLACK` (a wrong clock, or a date set to win the duplicate contest). Graded.
- **duplicate**: a learner with several valid files: the latest export (``exported_at``) is
  graded, the others are reported and skipped; each report names every file of the learner.
  A future-dated export never wins over one that is not.
- **stale-question** / **unknown-question** (flagged): the latest answer was given to an
  earlier version of the question (its hash differs) or to a question the key folder does
  not have. That answer is reported, not regraded, and earns nothing; the rest of the file
  is graded.

Scores: every answer is re-checked against the current key (a corrected key regrades
everyone). Assessed and formative banks both get a column per module; ``total`` counts
assessed modules only (formative quizzes are practice with instant feedback, so their
latest answer says little), ``formative`` sums the formative ones. ``count_formative=True``
adds them to the total.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import math
import os
import re
import stat
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from coursekit import __version__
from coursekit.errors import DataError, KitError
from coursekit.instructor.common import InstructorError, guard_out_dir, progress, resolve_root
from coursekit.quiz.bank import Bank, key_path_for, load_bank
from coursekit.quiz.model import Question, Result, check
from coursekit.quiz.types import get as get_type

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
MAX_FILE_BYTES = 20_000_000  # 20 MB: a long capstone export is well under 1 MB
MAX_DEPTH = 16  # nesting of an answer (the kit's answers nest at most 2 deep)
_MAX_INT = 2**53  # ids and scores beyond this are not numbers the kit writes
_CSV_DANGER = ("=", "+", "-", "@", "\t", "\r")
_VERSION = re.compile(r"^(\d+)\.(\d+)")


@dataclass(frozen=True)
class Problem:
    """One line of problems.csv."""

    file: str
    learner: str
    kind: str
    action: str
    reason: str


class Rejected(KitError):
    """A submission file that cannot be graded (``kind`` says why)."""

    def __init__(self, kind: str, reason: str, learner: str = "") -> None:
        super().__init__(reason)
        self.kind = kind
        self.reason = reason
        self.learner = learner


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


@dataclass
class Outcome:
    """What one file earned: points per module, flags, and its part of the per-question statistics.

    Small on purpose: grading keeps one per file instead of every parsed answer.
    """

    points: dict[str, float | None]
    flags: list[Problem]
    answers: list[tuple[tuple[str, str], float | None, bool, str | None]]  # question, score, correct, wrong
    stale: list[tuple[str, str]]


# --- the key folder --------------------------------------------------------------------------


class _AnySource:
    """Grading does not check citations (``coursekit quiz validate`` does)."""

    def __contains__(self, item: object) -> bool:
        return True


class Keys:
    """The instructor's banks and keys, with memoised checking."""

    def __init__(self, banks: dict[str, Bank]) -> None:
        self.banks = banks
        self.questions: dict[tuple[str, str], Question] = {}
        self.q_digest: dict[tuple[str, str], str] = {}
        self.k_digest: dict[tuple[str, str], str | None] = {}
        for mid, bank in banks.items():
            for q in bank.questions:
                self.questions[(mid, q.id)] = q
                self.q_digest[(mid, q.id)] = q.digest()
                key = bank.key(q.id)
                self.k_digest[(mid, q.id)] = key.digest() if key else None
        self._memo: dict[tuple[str, str, Any], Result] = {}

    def check(self, module: str, qid: str, answer: Any) -> Result:
        """The result of ``answer`` against the current key (memoised)."""
        memo_key = (module, qid, _freeze(answer))
        result = self._memo.get(memo_key)
        if result is None:
            bank = self.banks[module]
            result = check(self.questions[(module, qid)], bank.key(qid), answer)
            self._memo[memo_key] = result
        return result


def _freeze(value: Any) -> Any:
    """A hashable stand-in for a JSON value (types kept apart: 1, 1.0 and True differ)."""
    if isinstance(value, dict):
        return ("d", tuple(sorted((str(k), _freeze(v)) for k, v in value.items())))
    if isinstance(value, list):
        return ("l", tuple(_freeze(v) for v in value))
    return (type(value).__name__, value)


def load_keys(key_dir: str | Path) -> Keys:
    """Every bank ``NN.yml`` in ``key_dir`` with its key ``keys/NN.yml`` (all required)."""
    key_dir = Path(key_dir)
    paths = sorted(key_dir.glob("*.yml")) if key_dir.is_dir() else []
    if not paths:
        raise DataError(key_dir, "holds no quiz banks (NN.yml).",
                        fix="give the folder that holds the banks and keys/, e.g. --key data/quizzes.")
    banks = {}
    for path in paths:
        if not key_path_for(path).is_file():
            raise DataError(key_path_for(path), "the key file is missing: answers cannot be graded without it.",
                            fix="use the instructor's copy of the quizzes (data/quizzes of the course "
                                "checkout), not a student release.")
        bank = load_bank(path, keys=True, known_sources=_AnySource())
        banks[bank.module] = bank
    return Keys(banks)


# --- reading one file ------------------------------------------------------------------------


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
        if _depth(event["answer"], MAX_DEPTH) > MAX_DEPTH:
            raise Rejected("malformed", f"{_where(n, event)}: the answer is nested more than {MAX_DEPTH} "
                           "levels deep; no question of the kit takes such an answer", learner)
        if event["mode"] not in ("formative", "assessed"):
            raise Rejected("malformed", f"{_where(n, event)}: mode {event['mode']!r} is not formative "
                           "or assessed", learner)
    return learner, events


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
                  exported_at: dt.datetime, keys: Keys) -> dict[tuple[str, str], dict[str, Any]]:
    """The tamper checks; returns the last event per (module, question)."""
    seen_ids: set[int] = set()
    latest: dict[tuple[str, str], dict[str, Any]] = {}
    for n, e in enumerate(sorted(events, key=lambda e: e["id"]), start=1):
        where = _where(n, e)
        if e["learner"] != learner:
            raise Rejected("tampered", f"{where} belongs to learner {e['learner']!r}, not {learner!r}", learner)
        if e["id"] in seen_ids:
            raise Rejected("tampered", f"event id {e['id']} appears twice", learner)
        seen_ids.add(e["id"])
        if _parse_time(e["ts"], f"{where}: ts") - exported_at > CLOCK_SLACK:  # a difference cannot overflow
            raise Rejected("tampered", f"{where} is dated {e['ts']}, after the export ({exported_at.isoformat()})",
                           learner)
        score, top = e["score"], e["max_score"]
        if score is not None and (score < 0 or score > top + 1e-9):
            raise Rejected("tampered", f"{where}: score {score:g} is outside 0..{top:g}", learner)
        if score is not None and e["mode"] == "assessed":
            raise Rejected("tampered", f"{where}: an assessed answer carries a score ({score:g}); the kit "
                           "never scores assessed answers on the learner's machine", learner)
        qkey = (e["module"], e["question_id"])
        if qkey in keys.questions and e["question_hash"] == keys.q_digest[qkey]:
            q = keys.questions[qkey]
            if not math.isclose(top, q.points):
                raise Rejected("tampered", f"{where}: max_score {top:g} differs from the question's "
                               f"{q.points:g} points", learner)
            result = keys.check(*qkey, e["answer"])
            if result.error:
                raise Rejected("tampered", f"{where}: the stored answer is not a valid answer to this "
                               f"question ({result.error})", learner)
            if (e["mode"] == "formative" and score is not None and e["key_hash"] is not None
                    and e["key_hash"] == keys.k_digest[qkey] and result.score is not None
                    and not math.isclose(score, result.score, abs_tol=1e-6)):
                raise Rejected("tampered", f"{where}: stored score {score:g} but the stored answer scores "
                               f"{result.score:g} against the same key", learner)
        latest[qkey] = e
    expected = {f"{m}/{q}": e["id"] for (m, q), e in latest.items()}
    if {str(k): v for k, v in doc_latest.items()} != expected:
        raise Rejected("tampered", "'latest' does not point at the last event of each question", learner)
    return latest


def _read_bytes(path: Path) -> bytes:
    """The file's bytes, refusing anything but a regular file of at most MAX_FILE_BYTES."""
    try:
        info = path.stat()
    except OSError as exc:
        raise Rejected("unreadable", f"cannot be read ({exc.strerror or exc})") from None
    if not stat.S_ISREG(info.st_mode):
        raise Rejected("not-a-file", f"is {_kind_of(info.st_mode)}, not a submission file; remove it or "
                       "rename it so that it does not end in .json")
    if info.st_size > MAX_FILE_BYTES:
        raise Rejected("too-large", f"is {info.st_size:,} bytes, over the limit of {MAX_FILE_BYTES:,}; "
                       "an export is far smaller: ask the learner to export again")
    try:
        with open(path, "rb") as fh:
            data = fh.read(MAX_FILE_BYTES + 1)  # the file may have grown since stat()
    except OSError as exc:
        raise Rejected("unreadable", f"cannot be read ({exc.strerror or exc})") from None
    if len(data) > MAX_FILE_BYTES:
        raise Rejected("too-large", f"is over the limit of {MAX_FILE_BYTES:,} bytes")
    return data


def _kind_of(mode: int) -> str:
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISFIFO(mode):
        return "a FIFO (named pipe)"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not a regular file"


def read_submission(path: Path, keys: Keys, kit_version: str = __version__) -> Submission:
    """Validate one submission file; raises :class:`Rejected` with the reason."""
    data = _read_bytes(path)
    try:
        doc = json.loads(data.decode("utf-8"))
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
    learner, events = _check_structure(doc)
    warning = _check_version(doc["kit_version"], kit_version, learner)
    exported_at = _parse_time(doc["exported_at"], "exported_at")
    latest = _check_events(events, doc["latest"], learner, exported_at, keys)
    sub = Submission(path, learner, exported_at, doc["kit_version"], latest, len(events))
    if warning:
        sub.warnings.append(Problem(str(path), learner, "version", "graded", warning))
    return sub


# --- grading ---------------------------------------------------------------------------------


def collect_files(inputs: list[str | Path]) -> list[Path]:
    """Files as given, and every ``*.json`` under folders (recursively), sorted, without repeats."""
    return [p for p, problem in _collect(inputs) if problem is None]


def _collect(inputs: list[str | Path]) -> list[tuple[Path, Problem | None]]:
    """Every entry to grade, each with the problem that keeps it from being read (or None).

    Under a folder: each ``*.json`` entry. Folders, FIFOs and devices with that name are
    reported (never opened); a symbolic link is followed only when it leads to a file inside the
    folder. Links are not followed into other folders.
    """
    found: list[tuple[Path, Problem | None]] = []
    for item in inputs:
        p = Path(item)
        if p.is_dir():
            top = p.resolve()
            for dirpath, dirnames, filenames in os.walk(p):  # does not follow links into folders
                dirnames.sort()
                for name in sorted([*dirnames, *filenames]):
                    if name.endswith(".json"):
                        found.append(_entry(Path(dirpath) / name, top))
        elif p.exists() or p.is_symlink():
            found.append((p, None))
        else:
            raise InstructorError(f"{p} does not exist. Fix: give submission files or folders that hold them.")
    unique: dict[Path, Problem | None] = {}
    for path, problem in found:
        unique.setdefault(path, problem)
    return sorted(unique.items(), key=lambda x: str(x[0]))


def _entry(path: Path, top: Path) -> tuple[Path, Problem | None]:
    if path.is_symlink():
        target = path.resolve()
        if not target.is_relative_to(top):
            return path, Problem(str(path), "", "outside-folder", "skipped",
                                 f"a symbolic link to {target}, outside the submissions folder {top}; "
                                 "copy the file into the folder if it is a submission")
    try:
        mode = path.stat().st_mode
    except OSError as exc:
        return path, Problem(str(path), "", "unreadable", "skipped", f"cannot be read ({exc.strerror or exc})")
    if not stat.S_ISREG(mode):
        return path, Problem(str(path), "", "not-a-file", "skipped",
                             f"is {_kind_of(mode)}, not a submission file; remove it or rename it so that "
                             "it does not end in .json")
    return path, None


@dataclass
class QuestionStats:
    module: str
    question: Question
    mode: str
    answered: int = 0
    correct: int = 0
    score_sum: float = 0.0
    stale: int = 0
    wrong: Counter = field(default_factory=Counter)


@dataclass
class GradeReport:
    """Everything ``grade`` computed, and where it wrote it."""

    files: int
    graded: list[Submission]
    problems: list[Problem]
    rows: list[dict[str, str]]
    columns: list[str]
    stats: list[QuestionStats]
    outputs: dict[str, Path]
    seconds: float = 0.0

    def summary(self) -> str:
        skipped = {p.file for p in self.problems if p.action == "skipped"}
        kinds = Counter(p.kind for p in self.problems)
        lines = [f"{self.files} submission file(s): {len(self.graded)} graded, {len(skipped)} skipped."]
        if kinds:
            lines.append("problems: " + ", ".join(f"{k} {n}" for k, n in sorted(kinds.items()))
                         + f" (see {self.outputs['problems'].name})")
        lines += [f"wrote {p}" for p in self.outputs.values()]
        return "\n".join(lines)


def answer_label(q: Question, answer: Any) -> str:
    """A short readable form of an answer, for questions.csv."""
    try:
        return get_type(q.type).answer_label(q, answer)
    except (TypeError, ValueError, AttributeError):  # a malformed answer still gets a label
        return json.dumps(answer, ensure_ascii=False, sort_keys=True, default=str)


def _fmt(x: float | None) -> str:
    return "" if x is None else f"{round(x, 3):g}"


def _describe(s: Submission) -> str:
    return f"{s.path.name} (exported {s.exported_at.isoformat()}{', dated in the future' if s.future else ''})"


def _resolve_duplicates(subs: list[Submission]) -> tuple[list[Submission], list[Problem]]:
    """One file per learner: the latest export, a future-dated one only when no other is left."""
    by_learner: dict[str, list[Submission]] = defaultdict(list)
    for s in subs:
        by_learner[s.learner].append(s)
    kept, problems = [], []
    for learner in sorted(by_learner):
        group = sorted(by_learner[learner], key=lambda s: (not s.future, s.exported_at, str(s.path)))
        winner = group[-1]
        kept.append(winner)
        if len(group) == 1:
            continue
        names = "; ".join(_describe(s) for s in sorted(group, key=lambda s: str(s.path)))
        for s in group[:-1]:
            problems.append(Problem(str(s.path), learner, "duplicate", "skipped",
                                    f"learner {learner!r} is claimed by {len(group)} files: {names}. Graded "
                                    f"{winner.path.name}: the latest export"
                                    + (" (a future-dated export never wins)" if s.future else "")
                                    + "; check that each file is the learner's own"))
    return kept, problems


def assess(sub: Submission, keys: Keys) -> Outcome:
    """Re-check the latest answer to each question of one file against the current key."""
    outcome = Outcome({m: None for m in keys.banks}, [], [], [])
    points = outcome.points
    for (mid, qid), e in sorted(sub.latest.items()):
        if (mid, qid) not in keys.questions:
            outcome.flags.append(Problem(str(sub.path), sub.learner, "unknown-question", "answer not graded",
                                         f"{mid}/{qid}: no such question in the key folder"))
            continue
        if e["question_hash"] != keys.q_digest[(mid, qid)]:
            outcome.stale.append((mid, qid))
            outcome.flags.append(Problem(str(sub.path), sub.learner, "stale-question", "answer not graded",
                                         f"{mid}/{qid}: answered an earlier version of the question (hash "
                                         f"{e['question_hash'][:10]}…, now {keys.q_digest[(mid, qid)][:10]}…); "
                                         "ask for a new answer or grade it by hand"))
            continue
        q = keys.questions[(mid, qid)]
        result = keys.check(mid, qid, e["answer"])
        if not q.graded or result.score is None:
            outcome.answers.append(((mid, qid), None, False, None))
            continue
        points[mid] = (points[mid] or 0.0) + result.score
        wrong = None if result.correct else answer_label(q, e["answer"])
        outcome.answers.append(((mid, qid), result.score, bool(result.correct), wrong))
    return outcome


def _add_stats(outcome: Outcome, stats: dict[tuple[str, str], QuestionStats]) -> None:
    for qkey in outcome.stale:
        stats[qkey].stale += 1
    for qkey, score, correct, wrong in outcome.answers:
        st = stats[qkey]
        st.answered += 1
        if score is None:
            continue
        st.score_sum += score
        if correct:
            st.correct += 1
        else:
            st.wrong[wrong] += 1


def csv_cell(value: Any) -> str:
    """A CSV cell a spreadsheet shows as text: one starting with = + - @ tab or CR gets a leading ' (OWASP)."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(_CSV_DANGER) else text


def _write_csv(path: Path, header: list[str], rows: list[list[str]]) -> None:
    with open(path, "w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow([csv_cell(c) for c in header])
        writer.writerows([csv_cell(c) for c in row] for row in rows)


def _question_rows(stats: list[QuestionStats]) -> list[list[str]]:
    rows = []
    for st in stats:
        q = st.question
        share = st.correct / st.answered if st.answered and q.graded else None
        mean = st.score_sum / st.answered if st.answered and q.graded else None
        wrong, n_wrong = (st.wrong.most_common(1)[0] if st.wrong else ("", 0))
        rows.append([st.module, q.id, st.mode, q.type, _fmt(q.points) if q.graded else "0", str(st.answered),
                     str(st.correct) if q.graded else "", _fmt(share), _fmt(mean), wrong,
                     str(n_wrong) if wrong else "", str(st.stale)])
    return rows


def chart(stats: list[QuestionStats], path: Path) -> str:
    """A bar chart of the share of learners fully right per graded question; returns its alt text."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    from matplotlib.patches import Patch

    from coursekit.maps.style import BLUE, ORANGE

    graded = [s for s in stats if s.question.graded]
    height = max(2.5, 0.32 * len(graded) + 1.6)
    fig = Figure(figsize=(8, height))
    FigureCanvasAgg(fig)
    ax = fig.add_subplot()
    labels = [f"{s.module} · {s.question.id}" for s in graded]
    shares = [(s.correct / s.answered * 100) if s.answered else 0.0 for s in graded]
    ys = list(range(len(graded)))[::-1]
    for y, s, share in zip(ys, graded, shares, strict=True):
        assessed = s.mode == "assessed"
        ax.barh(y, share, color=BLUE if assessed else ORANGE, hatch="" if assessed else "//",
                edgecolor="black", linewidth=0.5)
        ax.text(min(share, 100) + 1, y, f"{share:.0f}% (n={s.answered})", va="center", fontsize=8)
    ax.set_yticks(ys, labels, fontsize=8)
    ax.set_xlim(0, 118)
    ax.set_ylim(-0.7, len(graded) - 0.3)
    ax.set_xticks([0, 25, 50, 75, 100])
    ax.set_xlabel("Learners whose latest answer is fully right (%)")
    ax.set_title("Results per question", pad=24)
    ax.legend(handles=[Patch(facecolor=BLUE, edgecolor="black", label="assessed"),
                       Patch(facecolor=ORANGE, edgecolor="black", hatch="//", label="formative")],
              loc="lower center", bbox_to_anchor=(0.5, 1.0), ncol=2, frameon=False, fontsize=8)
    fig.text(0.01, 0.01, "Source: submission files graded with coursekit grade", fontsize=7)
    left = min(0.6, (0.07 * max((len(label) for label in labels), default=4) + 0.3) / 8)
    fig.subplots_adjust(left=left, right=0.97, top=1 - 0.75 / height, bottom=0.75 / height)
    fig.savefig(path, format="png", dpi=110, metadata={"Software": None})
    worst = sorted(zip(shares, labels, strict=True))[:3]
    return ("Bar chart of the share of learners fully right per question; lowest: "
            + "; ".join(f"{label} {share:.0f}%" for share, label in worst) + ".")


def grade(inputs: list[str | Path], key_dir: str | Path, out: str | Path, *, count_formative: bool = False,
          show_progress: bool = True, kit_version: str = __version__, root: str | Path | None = None,
          now: dt.datetime | None = None) -> GradeReport:
    """Grade submission files (or folders of them) against ``key_dir``; write the reports into ``out``.

    ``now`` is the grading time that export dates are compared with (default: the clock).
    """
    import time

    started = time.perf_counter()
    try:
        root_path = resolve_root(root)
    except FileNotFoundError:
        root_path = None
    out_path = guard_out_dir(out, root_path) if root_path else Path(out).resolve()
    keys = load_keys(key_dir)
    entries = _collect(inputs)
    files = [p for p, _ in entries]
    if not files:
        raise InstructorError("no submission files found. Fix: give .json files or folders that hold them.")
    now = now or dt.datetime.now(dt.UTC)
    problems: list[Problem] = []
    valid: list[Submission] = []
    for path, problem in progress(entries, "checking submissions", enabled=show_progress):
        if problem is not None:
            problems.append(problem)
            continue
        try:
            sub = read_submission(path, keys, kit_version)
            if sub.exported_at - now > EXPORT_SLACK:
                sub.future = True
                sub.warnings.append(Problem(str(path), sub.learner, "future-date", "graded",
                                            f"exported_at {sub.exported_at.isoformat()} is after this grading run "
                                            f"({now.isoformat(timespec='seconds')}) by more than the clock slack "
                                            f"of {EXPORT_SLACK}; check the learner's clock, or whether the file "
                                            "was edited"))
            sub.outcome = assess(sub, keys)
        except Rejected as exc:
            problems.append(Problem(str(path), exc.learner, exc.kind, "skipped", exc.reason))
            continue
        except Exception as exc:  # noqa: BLE001 - one file never stops the run
            problems.append(Problem(str(path), "", "unreadable", "skipped",
                                    f"could not be checked ({type(exc).__name__}: {str(exc)[:200]}); "
                                    "ask the learner to export again"))
            continue
        sub.latest = {}  # the outcome holds what grading needs; the parsed answers can go
        valid.append(sub)
    kept, dupes = _resolve_duplicates(valid)
    problems += dupes
    stats = {(m, q.id): QuestionStats(m, q, keys.banks[m].mode) for m in sorted(keys.banks)
             for q in keys.banks[m].questions}
    modules = sorted(keys.banks)
    counted = [m for m in modules if keys.banks[m].mode == "assessed" or count_formative]
    formative = [m for m in modules if keys.banks[m].mode == "formative"]
    columns = ["learner", "file", "exported_at", "kit_version", *modules, "total", "formative", "flagged"]
    possible = {m: keys.banks[m].max_points for m in modules}
    rows = [{"learner": "Points possible", "file": "", "exported_at": "", "kit_version": "",
             **{m: _fmt(possible[m]) for m in modules},
             "total": _fmt(sum(possible[m] for m in counted)),
             "formative": _fmt(sum(possible[m] for m in formative)), "flagged": ""}]
    for sub in kept:
        outcome = sub.outcome
        assert outcome is not None
        problems += sub.warnings + outcome.flags
        _add_stats(outcome, stats)
        points = outcome.points
        rows.append({"learner": sub.learner, "file": str(sub.path), "exported_at": sub.exported_at.isoformat(),
                     "kit_version": sub.kit_version, **{m: _fmt(points[m]) for m in modules},
                     "total": _fmt(sum(points[m] or 0.0 for m in counted)),
                     "formative": _fmt(sum(points[m] or 0.0 for m in formative)),
                     "flagged": str(len(outcome.flags) + int(sub.future))})
    out_path.mkdir(parents=True, exist_ok=True)
    outputs = {name: out_path / f"{name}.csv" for name in ("gradebook", "questions", "problems")}
    _write_csv(outputs["gradebook"], columns, [[r[c] for c in columns] for r in rows])
    stat_list = list(stats.values())
    _write_csv(outputs["questions"], ["module", "question_id", "mode", "type", "points", "answered", "correct",
                                      "share_correct", "mean_score", "most_common_wrong", "most_common_wrong_count",
                                      "stale_answers"], _question_rows(stat_list))
    problems.sort(key=lambda p: (p.file, p.kind, p.reason))
    _write_csv(outputs["problems"], ["file", "learner", "kind", "action", "reason"],
               [[p.file, p.learner, p.kind, p.action, p.reason] for p in problems])
    outputs["chart"] = out_path / "questions.png"
    chart(stat_list, outputs["chart"])
    return GradeReport(len(files), kept, problems, rows, columns, stat_list, outputs,
                       time.perf_counter() - started)
