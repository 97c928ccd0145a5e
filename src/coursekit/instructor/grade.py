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
- **duplicate**: a learner with several valid files: the latest export (``exported_at``) is
  graded, the others are reported and skipped.
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
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from coursekit import __version__
from coursekit.errors import DataError
from coursekit.instructor.common import InstructorError, guard_out_dir, progress, resolve_root
from coursekit.quiz.bank import Bank, key_path_for, load_bank
from coursekit.quiz.model import Question, Result, check

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
CLOCK_SLACK = dt.timedelta(seconds=2)
_VERSION = re.compile(r"^(\d+)\.(\d+)")


@dataclass(frozen=True)
class Problem:
    """One line of problems.csv."""

    file: str
    learner: str
    kind: str
    action: str
    reason: str


class Rejected(Exception):
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
    """Exact JSON types (a bool is not a number); no NaN or infinity."""
    kind = type(value)
    if kind is float and not math.isfinite(value):
        return False
    return kind in types


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
                raise Rejected("malformed", f"{_where(n, event)}: field '{name}' has the wrong type "
                               f"({type(event[name]).__name__})", learner)
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
        if _parse_time(e["ts"], f"{where}: ts") > exported_at + CLOCK_SLACK:
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


def read_submission(path: Path, keys: Keys, kit_version: str = __version__) -> Submission:
    """Validate one submission file; raises :class:`Rejected` with the reason."""
    try:
        doc = json.loads(path.read_bytes().decode("utf-8"))
    except UnicodeDecodeError:
        raise Rejected("malformed", "not UTF-8 text (is it the exported .json file?)") from None
    except json.JSONDecodeError as exc:
        raise Rejected("malformed", f"not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg})") from None
    except OSError as exc:
        raise Rejected("malformed", f"cannot be read ({exc.strerror})") from None
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
    files: list[Path] = []
    for item in inputs:
        p = Path(item)
        if p.is_dir():
            files += sorted(x for x in p.rglob("*.json") if x.is_file())
        elif p.is_file():
            files.append(p)
        else:
            raise InstructorError(f"{p} does not exist. Fix: give submission files or folders that hold them.")
    unique = dict.fromkeys(files)
    return list(unique)


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
    def text(pool: str, oid: Any) -> str:
        for o in getattr(q, pool):
            if o.id == oid:
                return o.text
        return str(oid)

    if q.type == "single_choice":
        return f"{answer}: {text('options', answer)}"
    if q.type == "multiple_select":
        picked = [answer] if isinstance(answer, str) else list(answer)
        order = [o.id for o in q.options]
        return " + ".join(sorted(map(str, picked), key=lambda x: order.index(x) if x in order else len(order)))
    if q.type == "true_false":
        return str(answer).strip().lower()
    if q.type == "numeric":
        try:
            return f"{float(str(answer).replace(',', '')):g}" + (f" {q.unit}" if q.unit else "")
        except ValueError:
            return str(answer)
    if q.type == "ordering":
        return " > ".join(map(str, answer))
    if q.type == "categorise" and isinstance(answer, dict):
        return "; ".join(f"{k}={answer[k]}" for k in sorted(answer))
    return json.dumps(answer, ensure_ascii=False, sort_keys=True)


def _fmt(x: float | None) -> str:
    return "" if x is None else f"{round(x, 3):g}"


def _resolve_duplicates(subs: list[Submission]) -> tuple[list[Submission], list[Problem]]:
    by_learner: dict[str, list[Submission]] = defaultdict(list)
    for s in subs:
        by_learner[s.learner].append(s)
    kept, problems = [], []
    for learner in sorted(by_learner):
        group = sorted(by_learner[learner], key=lambda s: (s.exported_at, str(s.path)))
        winner = group[-1]
        kept.append(winner)
        for s in group[:-1]:
            problems.append(Problem(str(s.path), learner, "duplicate", "skipped",
                                    f"learner {learner!r} also submitted {winner.path.name}, exported later "
                                    f"({winner.exported_at.isoformat()}); only the latest export is graded"))
    return kept, problems


def _grade_one(sub: Submission, keys: Keys, stats: dict[tuple[str, str], QuestionStats],
               problems: list[Problem]) -> dict[str, float | None]:
    """Points per module for one learner (None: nothing answered); records flags and stats."""
    points: dict[str, float | None] = {m: None for m in keys.banks}
    for (mid, qid), e in sorted(sub.latest.items()):
        if (mid, qid) not in keys.questions:
            problems.append(Problem(str(sub.path), sub.learner, "unknown-question", "answer not graded",
                                    f"{mid}/{qid}: no such question in the key folder"))
            continue
        st = stats[(mid, qid)]
        if e["question_hash"] != keys.q_digest[(mid, qid)]:
            st.stale += 1
            problems.append(Problem(str(sub.path), sub.learner, "stale-question", "answer not graded",
                                    f"{mid}/{qid}: answered an earlier version of the question (hash "
                                    f"{e['question_hash'][:10]}…, now {keys.q_digest[(mid, qid)][:10]}…); "
                                    "ask for a new answer or grade it by hand"))
            continue
        result = keys.check(mid, qid, e["answer"])
        st.answered += 1
        if not st.question.graded or result.score is None:
            continue
        points[mid] = (points[mid] or 0.0) + result.score
        st.score_sum += result.score
        if result.correct:
            st.correct += 1
        else:
            st.wrong[answer_label(st.question, e["answer"])] += 1
    return points


def _write_csv(path: Path, header: list[str], rows: list[list[str]]) -> None:
    with open(path, "w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(header)
        writer.writerows(rows)


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
          show_progress: bool = True, kit_version: str = __version__, root: str | Path | None = None) -> GradeReport:
    """Grade submission files (or folders of them) against ``key_dir``; write the reports into ``out``."""
    import time

    started = time.perf_counter()
    try:
        root_path = resolve_root(root)
    except FileNotFoundError:
        root_path = None
    out_path = guard_out_dir(out, root_path) if root_path else Path(out).resolve()
    keys = load_keys(key_dir)
    files = collect_files(inputs)
    if not files:
        raise InstructorError("no submission files found. Fix: give .json files or folders that hold them.")
    problems: list[Problem] = []
    valid: list[Submission] = []
    for path in progress(files, "checking submissions", enabled=show_progress):
        try:
            sub = read_submission(path, keys, kit_version)
        except Rejected as exc:
            problems.append(Problem(str(path), exc.learner, exc.kind, "skipped", exc.reason))
            continue
        problems += sub.warnings
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
        before = len(problems)
        points = _grade_one(sub, keys, stats, problems)
        rows.append({"learner": sub.learner, "file": str(sub.path), "exported_at": sub.exported_at.isoformat(),
                     "kit_version": sub.kit_version, **{m: _fmt(points[m]) for m in modules},
                     "total": _fmt(sum(points[m] or 0.0 for m in counted)),
                     "formative": _fmt(sum(points[m] or 0.0 for m in formative)),
                     "flagged": str(len(problems) - before)})
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
