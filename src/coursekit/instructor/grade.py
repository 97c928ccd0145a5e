"""``coursekit grade``: exported submission files to a gradebook.

Each file (``coursekit progress export``) is validated, then its **latest** answer to each
question is re-checked against the instructor's current key. A bad file is reported in
problems.csv and skipped; it never stops the run. What makes a file unreadable or tampered is
checked in :mod:`coursekit.instructor.submissions`; grading then flags:

- **future-date** (flagged): ``exported_at`` later than the grading run by more than
  :data:`EXPORT_SLACK` (a wrong clock, or a date set to win the duplicate contest). Graded.
- **duplicate**: a learner with several valid files: the latest export (``exported_at``) is
  graded, the others are reported and skipped; each report names every file of the learner.
  A future-dated export never wins over one that is not.
- **stale-question** / **unknown-question** (flagged): the latest answer was given to an
  earlier version of the question (its hash differs) or to a question the key folder does
  not have. That answer is reported, not regraded, and earns nothing; the rest of the file
  is graded.
- **not-assigned** (flagged): an answer to an alternative or variant of a pool the learner was
  not given (:mod:`coursekit.instructor.variants`). Not graded.

Scores: every answer is re-checked against the current key (a corrected key regrades
everyone). Assessed and formative banks both get a column per module; ``total`` counts
assessed modules only (formative quizzes are practice with instant feedback, so their
latest answer says little), ``formative`` sums the formative ones. ``count_formative=True``
adds them to the total.
"""

from __future__ import annotations

import datetime as dt
import json
from array import array
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from coursekit import __version__
from coursekit.errors import DataError
from coursekit.instructor import items as item_analysis
from coursekit.instructor import learning
from coursekit.instructor import lms as lms_mod
from coursekit.instructor import variants as pooled
from coursekit.instructor.common import InstructorError, guard_out_dir, progress, resolve_root
from coursekit.instructor.reading import PARALLEL_MIN_FILES, read_all, worker_count  # noqa: F401
from coursekit.instructor.reports import (  # noqa: F401
    Background,
    QuestionStats,
    add_stats,
    chart,
    csv_cell,
    fmt,
    prepare_charts,
    write_csv,
    write_reports,
)
from coursekit.instructor.submissions import (  # noqa: F401 (grade's API, used by the tests)
    EXPORT_SLACK,
    MAX_FILE_BYTES,
    SUBMISSION_SCHEMA,
    Problem,
    Rejected,
    Submission,
    _answer_key,
    _freeze,
    collect_entries,
    collect_files,
    read_submission,
)
from coursekit.quiz.bank import Bank, key_path_for, load_bank
from coursekit.quiz.model import Question, Result, check
from coursekit.quiz.pools import base_id, every_question
from coursekit.quiz.types import get as get_type


@dataclass
class Outcome:
    """What one file earned: points per module, flags, and its part of the per-question statistics.

    Small on purpose: grading keeps one per file instead of every parsed answer.
    """

    points: dict[str, float | None]
    flags: list[Problem]
    answers: array  # indices into Keys.entries: 4 bytes per answer
    stale: list[tuple[str, str]]
    misconceptions: list[tuple[tuple[str, str], str]] = field(default_factory=list)  # question, held
    variants: list[list[str]] = field(default_factory=list)  # variants.csv rows (pools and variants)
    #: per answer, whether the first try at that formative question was right: 1, 0, or -1 (no first
    #: try of the current version was checked); 1 byte per answer
    first: array = field(default_factory=lambda: array("b"))


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
        self.listed: dict[tuple[str, str], Question] = {}  # the banks' own questions (templates, not variants)
        for mid, bank in banks.items():
            self.listed.update({(mid, q.id): q for q in bank.questions})
            for q in every_question(bank):
                self.questions[(mid, q.id)] = q
                self.q_digest[(mid, q.id)] = q.digest()
                key = bank.key(q.id)
                self.k_digest[(mid, q.id)] = key.digest() if key else None
        self.graded = {qkey: q.graded for qkey, q in self.questions.items()}
        #: (module, question) -> (question hash, points, key hash, a variant or pool question): what the
        #: tamper checks and grading compare
        self.info = {qkey: (self.q_digest[qkey], q.points, self.k_digest[qkey],
                            pooled.is_pooled(banks[qkey[0]], qkey[1])) for qkey, q in self.questions.items()}
        #: per graded question: answer key (:func:`_answer_key`) -> the answer's result (read by the tamper checks)
        self.results: dict[tuple[str, str], dict[Any, Result]] = {}
        # per graded question: answer key -> (entry index, row, score, fully right, misconceptions); see assess
        self._assessed: dict[tuple[str, str], dict[Any, tuple]] = {}
        # What grading keeps of each distinct answer: (question, score, fully right, wrong-answer label).
        self.entries: list[tuple[tuple[str, str], float | None, bool, str | None]] = []
        self._entry_ids: dict[tuple[str, str], dict[Any, int]] = {}
        self._by_entry: dict[tuple[tuple[str, str], float | None, bool, str | None], int] = {}
        self._ungraded: dict[tuple[str, str], int] = {}
        self._held: dict[tuple[str, str], dict[Any, list[str]]] = {}

    def check(self, module: str, qid: str, answer: Any) -> Result:
        """The result of ``answer`` against the current key (memoised for graded questions)."""
        qkey = (module, qid)
        memo = self.results.get(qkey)
        if memo is None:
            q = self.questions[qkey]
            if not self.graded[qkey]:  # reflections: cheap to check, and each text is different
                return check(q, self.banks[module].key(qid), answer)
            memo = self.results[qkey] = {}
        frozen = _answer_key(answer)
        result = memo.get(frozen)
        if result is None:
            result = memo[frozen] = check(self.questions[qkey], self.banks[module].key(qid), answer)
        return result

    def entry(self, module: str, qid: str, answer: Any) -> int:
        """The index in :attr:`entries` of what ``answer`` earns (one entry per distinct answer)."""
        qkey = (module, qid)
        if not self.graded[qkey]:
            idx = self._ungraded.get(qkey)
            if idx is None:
                idx = self._ungraded[qkey] = self.add_entry(((module, base_id(qid)), None, False, None))
            return idx
        ids = self._entry_ids.setdefault(qkey, {})
        frozen = _answer_key(answer)
        idx = ids.get(frozen)
        if idx is None:
            result = self.check(module, qid, answer)
            row = (module, base_id(qid))  # statistics per bank question: a variant counts for its template
            if result.score is None:
                entry = (row, None, False, None)
            else:
                entry = (row, result.score, bool(result.correct),
                         None if result.correct else answer_label(self.questions[qkey], answer))
            idx = ids[frozen] = self.add_entry(entry)
        return idx

    def add_entry(self, entry: tuple[tuple[str, str], float | None, bool, str | None]) -> int:
        """The index of ``entry`` in :attr:`entries`, added if new (equal entries share one index)."""
        idx = self._by_entry.get(entry)
        if idx is None:
            idx = self._by_entry[entry] = len(self.entries)
            self.entries.append(entry)
        return idx

    def held(self, module: str, qid: str, answer: Any) -> list[str]:
        """The misconceptions a wrong answer reveals (:func:`items.held`), once per distinct answer."""
        qkey = (module, qid)
        memo = self._held.setdefault(qkey, {})
        frozen = _answer_key(answer)
        found = memo.get(frozen)
        if found is None:
            found = memo[frozen] = item_analysis.held(self.questions[qkey], self.banks[module].key(qid), answer)
        return found

    def assessed(self, module: str, qid: str, answer: Any) -> tuple:
        """What ``answer`` earns: (entry index, statistics row, score, fully right, misconceptions shown),
        worked out once per distinct answer to a graded question (a reflection's is the same for all)."""
        qkey = (module, qid)
        graded = self.graded[qkey]
        memo = self._assessed.get(qkey)
        if memo is None:
            memo = self._assessed[qkey] = {}
        frozen = _answer_key(answer) if graded else None
        found = memo.get(frozen)
        if found is None:
            idx = self.entry(module, qid, answer)
            row, score, correct, _wrong = self.entries[idx]
            held = self.held(module, qid, answer) if score is not None and not correct else []
            found = memo[frozen] = (idx, row, score, correct, held)
        return found


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


# --- grading ---------------------------------------------------------------------------------

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
        left = sorted(p.learner for p in self.problems if p.kind in ("unmatched-learner", "no-submission"))
        if left:
            lines.append(f"left out of the LMS file (see {self.outputs['problems'].name}): " + ", ".join(left))
        lines += [f"wrote {p}" for p in self.outputs.values()]
        return "\n".join(lines)


def answer_label(q: Question, answer: Any) -> str:
    """A short readable form of an answer, for questions.csv."""
    try:
        return get_type(q.type).answer_label(q, answer)
    except (TypeError, ValueError, AttributeError):  # a malformed answer still gets a label
        return json.dumps(answer, ensure_ascii=False, sort_keys=True, default=str)


def _describe(s: Submission) -> str:
    return f"{s.path.name} (exported {s.exported_at.isoformat()}{', dated in the future' if s.future else ''})"


def _resolve_duplicates(subs: list[Submission]) -> tuple[list[Submission], list[Problem]]:
    """One file per learner: the latest export, a future-dated one only when no other is left."""
    by_learner: dict[str, list[Submission]] = defaultdict(list)
    for s in subs:
        by_learner[s.learner].append(s)
    kept, problems = [], []
    for learner in sorted(by_learner):
        group = by_learner[learner]
        if len(group) == 1:
            kept.append(group[0])
            continue
        group = sorted(group, key=lambda s: (not s.future, s.exported_at, str(s.path)))
        winner = group[-1]
        kept.append(winner)
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
    outcome = Outcome({m: None for m in keys.banks}, [], array("i"), [])
    points, info, graded, memos = outcome.points, keys.info, keys.graded, keys._assessed
    mismatched: set[str] = set()  # modules answered in another mode than the key folder's bank: one flag each
    for qkey, e in sorted(sub.latest.items()):
        known = info.get(qkey)
        mid, qid = qkey
        if known is None:
            outcome.flags.append(Problem(str(sub.path), sub.learner, "unknown-question", "answer not graded",
                                         f"{mid}/{qid}: no such question in the key folder"))
            continue
        if e["question_hash"] != known[0]:
            outcome.stale.append((mid, base_id(qid)))
            outcome.flags.append(Problem(str(sub.path), sub.learner, "stale-question", "answer not graded",
                                         f"{mid}/{qid}: answered an earlier version of the question (hash "
                                         f"{e['question_hash'][:10]}…, now {known[0][:10]}…); "
                                         "ask for a new answer or grade it by hand"))
            continue
        if e["mode"] != keys.banks[mid].mode and mid not in mismatched:
            mismatched.add(mid)
            outcome.flags.append(Problem(str(sub.path), sub.learner, "mode-mismatch", "graded",
                                         f"{mid}: answered as {e['mode']}, but the bank in the key folder is "
                                         f"{keys.banks[mid].mode}; check that --key is the course the class used"))
        answer = e["answer"]
        if known[3]:  # a variant or a pool's question: only the learner's own is graded
            given, refused = pooled.check_assigned(keys.banks[mid], sub.learner, qid)
            score = None if refused else keys.assessed(mid, qid, answer)[2]
            outcome.variants.append([sub.learner, mid, base_id(qid), qid, given, fmt(score),
                                     "no" if refused else "yes"])
            if refused:
                outcome.flags.append(Problem(str(sub.path), sub.learner, "not-assigned", "answer not graded",
                                             refused))
                continue
        memo = memos.get(qkey) if graded[qkey] else None
        found = memo.get(answer if type(answer) is str else _answer_key(answer)) if memo is not None else None
        if found is None:
            found = keys.assessed(mid, qid, answer)
        idx, row, score, correct, held = found  # row: the bank's question (a template for a variant)
        outcome.answers.append(idx)
        right_first = sub.first.get(qkey)
        outcome.first.append(-1 if right_first is None or score is None else int(right_first))
        if score is not None:
            points[mid] = (points[mid] or 0.0) + score
            if not correct:
                outcome.misconceptions += [(row, m) for m in held]
    return outcome


class _Cells(dict):
    """:func:`fmt` of a gradebook number, worked out once per distinct value (a class has few)."""

    def __call__(self, x: float | None) -> str:
        if not x:  # None, and 0 or -0.0 (equal as keys, written differently)
            return fmt(x)
        text = self.get(x)
        if text is None:
            text = self[x] = fmt(x)
        return text


def grade(inputs: list[str | Path], key_dir: str | Path, out: str | Path, *, count_formative: bool = False,
          show_progress: bool = True, kit_version: str = __version__, root: str | Path | None = None,
          now: dt.datetime | None = None, lms: str | None = None, roster: str | Path | None = None,
          assignment_ids: dict[str, str] | None = None, jobs: int | None = None) -> GradeReport:
    """Grade submission files (or folders of them) against ``key_dir``; write the reports into ``out``.

    ``now`` is the grading time that export dates are compared with (default: the clock).
    ``lms`` (``canvas`` or ``moodle``) adds the gradebook in that system's import layout, learners
    mapped through ``roster`` (see :mod:`coursekit.instructor.lms`). ``jobs``: how many processes
    read the files (default: every core for a large class, see :func:`worker_count`); the results
    are the same whatever the number.
    """
    import gc

    hold = gc.get_freeze_count() == 0  # nobody else has frozen objects: grade may, and thaws them after
    try:
        return _grade(inputs, key_dir, out, count_formative=count_formative, show_progress=show_progress,
                      kit_version=kit_version, root=root, now=now, lms=lms, roster=roster,
                      assignment_ids=assignment_ids, jobs=jobs, hold=hold)
    finally:
        if hold:
            gc.unfreeze()


def _grade(inputs: list[str | Path], key_dir: str | Path, out: str | Path, *, count_formative: bool,
           show_progress: bool, kit_version: str, root: str | Path | None, now: dt.datetime | None,
           lms: str | None, roster: str | Path | None, assignment_ids: dict[str, str] | None,
           jobs: int | None, hold: bool) -> GradeReport:
    import gc
    import time

    started = time.perf_counter()
    try:
        root_path = resolve_root(root)
    except FileNotFoundError:
        root_path = None
    out_path = guard_out_dir(out, root_path) if root_path else Path(out).resolve()
    keys = load_keys(key_dir)
    if roster is not None and lms is None:
        raise InstructorError("--roster maps learners to LMS ids. Fix: add --format canvas or --format moodle.")
    people = lms_mod.read_roster(roster) if roster is not None else None
    entries = collect_entries(inputs)
    files = [p for p, _ in entries]
    if not files:
        raise InstructorError("no submission files found. Fix: give .json files or folders that hold them.")
    now = now or dt.datetime.now(dt.UTC)
    problems: list[Problem] = []
    valid: list[Submission] = []
    to_read = [path for path, problem in entries if problem is None]
    read = read_all(to_read, keys, kit_version, now, jobs)
    try:
        for _path, problem in progress(entries, "checking submissions", enabled=show_progress):
            result = problem if problem is not None else next(read)
            if isinstance(result, Problem):
                problems.append(result)
            else:
                valid.append(result)
    finally:
        read.close()  # stops the worker processes, if any
    if hold:  # the class's results (many small objects, no cycles) stay out of the collector's scans till the end
        gc.freeze()
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
             **{m: fmt(possible[m]) for m in modules},
             "total": fmt(sum(possible[m] for m in counted)),
             "formative": fmt(sum(possible[m] for m in formative)), "flagged": ""}]
    cell = _Cells()
    for sub in kept:
        outcome = sub.outcome
        assert outcome is not None
        problems += sub.warnings + outcome.flags
        points = outcome.points
        rows.append({"learner": sub.learner, "file": str(sub.path), "exported_at": sub.exported_at.isoformat(),
                     "kit_version": sub.kit_version, **{m: cell(points[m]) for m in modules},
                     "total": cell(sum(points[m] or 0.0 for m in counted)),
                     "formative": cell(sum(points[m] or 0.0 for m in formative)),
                     "flagged": str(len(outcome.flags) + int(sub.future))})
    add_stats([sub.outcome for sub in kept], keys.entries, stats)
    stat_list = list(stats.values())
    if lms is not None:
        lms_path, left_out = lms_mod.write_lms(lms, out_path, rows, modules, {m: keys.banks[m].title for m in modules},
                                               roster=people, assignment_ids=assignment_ids, write=write_csv)
        problems += [Problem("", u.learner, u.kind, f"not in {lms_path.name}", u.reason) for u in left_out]
    problems.sort(key=lambda p: (p.file, p.kind, p.reason))
    chart_job = None
    if worker_count(len(files), jobs) > 1:  # a large class: the chart is drawn on another core meanwhile
        out_path.mkdir(parents=True, exist_ok=True)
        chart_job = Background(chart, stat_list, out_path / "questions.png")
    try:
        analysis = item_analysis.analyse([(sub.learner, sub.outcome) for sub in kept], keys)
        outputs = write_reports(out_path, columns, rows, stat_list, problems, analysis, keys, root_path, chart_job)
        outputs.update(learning.write_reports(kept, out_path))  # the pre/post check and calibration
        if lms is not None:
            outputs[lms] = lms_path
        if any(b.pools or b.variants for b in keys.banks.values()):
            outputs["variants"] = out_path / "variants.csv"
            write_csv(outputs["variants"], pooled.COLUMNS, [r for s in kept for r in s.outcome.variants])
    finally:
        if chart_job is not None:
            chart_job.wait()
    return GradeReport(len(files), kept, problems, rows, columns, stat_list, outputs,
                       time.perf_counter() - started)
