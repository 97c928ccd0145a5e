"""Reading a class's files for ``coursekit grade``: in this process, or in one forked worker per core.

:func:`read_all` yields each file's graded submission or problems.csv row, in the order of the
paths, whatever the number of processes: a large class (:data:`PARALLEL_MIN_FILES` files or
more, on Linux) is read by workers that send back small results (:func:`_pack`), re-indexed into
the grading process's table of distinct answers. A worker that dies leaves its files to this
process.
"""

from __future__ import annotations

import datetime as dt
from array import array
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from coursekit.instructor import learning
from coursekit.instructor.reports import prepare_charts
from coursekit.instructor.submissions import EXPORT_SLACK, Problem, Rejected, Submission, read_submission

if TYPE_CHECKING:  # pragma: no cover
    from coursekit.instructor.grade import Keys

PARALLEL_MIN_FILES = 400  # below this, starting processes costs more than it saves
_CHUNK_FILES = 64  # files per task handed to a worker process (at most)
_RUN: tuple[Keys, str, dt.datetime] | None = None  # what forked workers grade with (inherited, never pickled)


def _grade_file(path: Path, keys: Keys, kit_version: str, now: dt.datetime) -> Submission | Problem:
    """Read, check and assess one file: the graded submission, or the problems.csv row that skips it."""
    from coursekit.instructor.grade import assess  # grade imports this module; a lookup once imported

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
        return Problem(str(path), exc.learner, exc.kind, "skipped", exc.reason)
    except Exception as exc:  # noqa: BLE001 - one file never stops the run
        return Problem(str(path), "", "unreadable", "skipped",
                       f"could not be checked ({type(exc).__name__}: {str(exc)[:200]}); "
                       "ask the learner to export again")
    sub.latest, sub.first = {}, {}  # the outcome holds what grading needs; the parsed answers can go
    return sub


def _grade_chunk(paths: list[Path]) -> tuple[list[tuple], list[tuple | Problem]]:
    """In a worker process: grade ``paths``; each submission packed in a tuple (:func:`_pack`), its
    answers re-indexed into the chunk's own table of entries."""
    assert _RUN is not None
    keys, kit_version, now = _RUN
    table: list[tuple] = []
    local: dict[int, int] = {}
    out: list[tuple | Problem] = []
    for path in paths:
        result = _grade_file(path, keys, kit_version, now)
        if isinstance(result, Submission):
            answers = result.outcome.answers
            for j, idx in enumerate(answers):
                pos = local.get(idx)
                if pos is None:
                    pos = local[idx] = len(table)
                    table.append(keys.entries[idx])
                answers[j] = pos
            result = _pack(result)
        out.append(result)
    return table, out


def _pack(sub: Submission) -> tuple:
    """A graded submission as plain values (sent between processes at a tenth of the cost of the objects)."""
    o, lr = sub.outcome, sub.learning
    return (sub.learner, sub.exported_at, sub.kit_version, sub.events, sub.warnings, sub.future, o.points, o.flags,
            o.answers, o.stale, o.misconceptions, o.variants, lr.check, dict(lr.confidence), o.first)


def _unpack(path: Path, packed: tuple, ids: list[int]) -> Submission:
    """The submission :func:`_pack` packed; its answers' entries are ``ids``[local index]."""
    from coursekit.instructor.grade import Outcome
    (learner, exported_at, kit_version, events, warnings, future, points, flags, answers, stale, misconceptions,
     variants, check, confidence, first) = packed
    outcome = Outcome(points, flags, array("i", [ids[i] for i in answers]), stale, misconceptions, variants, first)
    return Submission(path, learner, exported_at, kit_version, {}, events, warnings, future, outcome,
                      learning.Learned(check, Counter(confidence)))


def worker_count(files: int, jobs: int | None = None) -> int:
    """How many processes read the files: ``jobs`` if given, else every available core for a large
    class (at least :data:`PARALLEL_MIN_FILES` files). 1 where processes cannot be forked (not Linux)."""
    import multiprocessing
    import os
    import sys

    if not sys.platform.startswith("linux") or "fork" not in multiprocessing.get_all_start_methods():
        return 1
    if jobs is not None:
        return max(1, min(jobs, files))
    if files < PARALLEL_MIN_FILES:
        return 1
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    return max(1, min(cores, 8))


def read_all(paths: list[Path], keys: Keys, kit_version: str, now: dt.datetime,
              jobs: int | None = None) -> Iterator[Submission | Problem]:
    """Each file's submission or problem, in the order of ``paths``, read by one or more processes.

    With several, each forked worker grades chunks of files against its copy of ``keys`` and sends
    back small results (no parsed answers); their answers are re-indexed into ``keys.entries``, so
    the results are the same as one process's. A worker that dies leaves its files to this process.
    """
    import gc

    collecting = gc.isenabled()
    gc.disable()  # parsed files hold no cycles (counting references frees them); scanning them costs 20 %
    try:
        yield from _read_in(paths, keys, kit_version, now, worker_count(len(paths), jobs))
    finally:
        if collecting:
            gc.enable()


def _read_in(paths: list[Path], keys: Keys, kit_version: str, now: dt.datetime,
             workers: int) -> Iterator[Submission | Problem]:
    if workers == 1:
        for path in paths:
            yield _grade_file(path, keys, kit_version, now)
        return
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    global _RUN
    size = max(1, min(_CHUNK_FILES, len(paths) // (workers * 8)))
    chunks = [paths[i:i + size] for i in range(0, len(paths), size)]
    _RUN = (keys, kit_version, now)
    try:
        with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork")) as pool:
            futures = [pool.submit(_grade_chunk, chunk) for chunk in chunks]
            prepare_charts()  # while the workers read: the charts' imports, in this otherwise idle process
            for chunk, future in zip(chunks, futures, strict=True):
                try:
                    table, results = future.result()
                except Exception:  # noqa: BLE001 - a worker died (BrokenProcessPool) or its result was lost
                    yield from (_grade_file(path, keys, kit_version, now) for path in chunk)
                    continue
                ids = [keys.add_entry(entry) for entry in table]
                for path, result in zip(chunk, results, strict=True):
                    yield result if isinstance(result, Problem) else _unpack(path, result, ids)
    finally:
        _RUN = None
