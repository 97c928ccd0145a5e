"""Progress-store concurrency benchmark: prints figures, asserts nothing.

P processes (default 4) each append N answers (default 500) to one store at once, as notebooks
open side by side do; then counts what the store holds. Every append is its own transaction
(BEGIN IMMEDIATE, rollback journal, busy timeout), so none should be lost.

Run: .venv/bin/python benchmarks/store.py [P] [N]
"""

from __future__ import annotations

import multiprocessing as mp
import sys
import tempfile
import time
from pathlib import Path


def _writer(path: str, learner: str, n: int, start) -> None:
    from coursekit.quiz.store import ProgressStore

    store = ProgressStore(path)
    start.wait()
    for i in range(n):
        store.append(module="00", question_id=f"q{i % 7}", question_hash="h", key_hash=None, mode="formative",
                     answer={"i": i, "who": learner}, score=1.0, max_score=1.0, learner=learner)


def main(argv: list[str]) -> int:
    from coursekit.quiz.store import ProgressStore

    procs_n = int(argv[0]) if argv else 4
    n = int(argv[1]) if len(argv) > 1 else 500
    with tempfile.TemporaryDirectory(prefix="coursekit-store-") as tmp:
        path = str(Path(tmp) / "progress.sqlite")
        ctx = mp.get_context("spawn")
        start = ctx.Event()
        learners = [f"learner{k}" for k in range(procs_n)]
        procs = [ctx.Process(target=_writer, args=(path, who, n, start)) for who in learners]
        for p in procs:
            p.start()
        time.sleep(1.0)  # let every process import the kit before the race starts
        t = time.perf_counter()
        start.set()
        for p in procs:
            p.join()
        seconds = time.perf_counter() - t
        events = ProgressStore(path).events()
        failed = [p.exitcode for p in procs if p.exitcode != 0]
    lost = 0
    for who in learners:
        got = sorted(e.answer["i"] for e in events if e.learner == who)
        lost += len(set(range(n)) - set(got))
    print(f"{procs_n} processes x {n} answers at once: {len(events):,} stored, {lost} lost, "
          f"{len(failed)} process(es) failed, in {seconds:.1f} s ({len(events) / seconds:,.0f} answers/s)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
