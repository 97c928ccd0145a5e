"""Grading benchmark: prints figures, asserts nothing.

Writes 9 synthetic quiz banks (formative and assessed, every question type) and N submission
files (default 1,000; about 1.5 attempts per question, so ~90 events per file, plus a few bad
files) into a temporary folder, then times ``coursekit grade`` on them.

Peak memory is the process's maximum resident set size (``getrusage``), measured in a child
process that only grades (so generating the files does not count). From 400 files on, grade
reads the files in one worker process per core: the largest worker's peak is printed too
(pages it shares with the grading process, forked from it, count in both), and their sum as
an upper bound of what the run holds at once.

The CPU time (user + system) of the grading process and its workers is printed next to the
wall-clock time: on a busy machine the wall clock measures the neighbours, the CPU time much
less so. The load average before and after the run says how busy the machine was.

Run: .venv/bin/python benchmarks/grading.py [N] [FOLDER] [JOBS]
(with FOLDER, the generated files are kept there and reused by the next run with the same N;
JOBS: grade's ``jobs``, default automatic)
"""

from __future__ import annotations

import json
import multiprocessing as mp
import os
import random
import resource
import shutil
import sys
import tempfile
import time
from pathlib import Path

TYPES = {
    "single_choice": ({"options": [{"id": o, "text": f"Option {o}"} for o in "abcd"]}, {"correct": "b"}),
    "multiple_select": ({"points": 2, "options": [{"id": o, "text": f"Option {o}"} for o in "abcde"]},
                        {"correct": ["a", "c", "d"]}),
    "true_false": ({}, {"correct": True}),
    "numeric": ({"unit": "km"}, {"correct": 65, "tolerance": {"abs": 5}}),
    "ordering": ({"points": 3, "items": [{"id": i, "text": f"Item {i}"} for i in "wxyz"]},
                 {"correct": ["x", "w", "z", "y"]}),
    "categorise": ({"points": 2, "items": [{"id": i, "text": f"Claim {i}"} for i in ("i1", "i2", "i3")],
                    "categories": [{"id": c, "text": c.title()} for c in ("fact", "value")]},
                   {"correct": {"i1": "fact", "i2": "value", "i3": "fact"}}),
    "text": ({"min_words": 2}, {}),
}


def write_banks(folder: Path) -> None:
    import yaml

    (folder / "keys").mkdir(parents=True)
    for m in range(1, 10):
        mid = f"{m:02d}"
        questions, keys = [], {}
        for qtype, (extra, key) in TYPES.items():
            qid = f"q-{qtype.replace('_', '-')}"
            questions.append({"id": qid, "type": qtype, "prompt": f"Module {mid}: a {qtype} question.", **extra})
            keys[qid] = {**key, "explanation": f"Why, for {qid}."}
        bank = {"schema": "coursekit-quiz/1", "module": mid, "title": f"Module {mid}",
                "mode": "assessed" if m % 3 == 0 else "formative", "questions": questions}
        (folder / f"{mid}.yml").write_text(yaml.safe_dump(bank, sort_keys=False), encoding="utf-8")
        keyfile = {"schema": "coursekit-quiz-key/1", "module": mid, "keys": keys}
        (folder / "keys" / f"{mid}.yml").write_text(yaml.safe_dump(keyfile, sort_keys=False), encoding="utf-8")


def random_answer(rng: random.Random, q) -> object:
    if q.type == "single_choice":
        return rng.choice([o.id for o in q.options])
    if q.type == "multiple_select":
        return rng.sample([o.id for o in q.options], rng.randint(1, 3))
    if q.type == "true_false":
        return rng.random() < 0.7
    if q.type == "numeric":
        return rng.choice([65, 62, 80, "66", 40])
    if q.type == "ordering":
        items = [i.id for i in q.items]
        rng.shuffle(items)
        return items
    if q.type == "categorise":
        return {i.id: rng.choice(["fact", "value"]) for i in q.items}
    return "a short reflection"


def write_submissions(folder: Path, key_dir: Path, n: int, seed: int = 7) -> None:
    from coursekit import __version__
    from coursekit.quiz.bank import load_bank
    from coursekit.quiz.model import check

    rng = random.Random(seed)
    banks = [load_bank(p, keys=True, known_sources={}) for p in sorted(key_dir.glob("*.yml"))]
    for learner_no in range(n):
        learner = f"learner{learner_no:04d}"
        events = []
        for bank in banks:
            for q in bank.questions:
                for _ in range(rng.choice([1, 1, 2])):
                    key = bank.key(q.id) if bank.mode == "formative" else None
                    answer = random_answer(rng, q)
                    result = check(q, key, answer)
                    events.append({"id": len(events) + 1, "ts": f"2026-11-20T10:00:{len(events) % 60:02d}+00:00",
                                   "learner": learner, "module": bank.module, "question_id": q.id,
                                   "question_hash": q.digest(), "key_hash": key.digest() if key else None,
                                   "mode": bank.mode, "answer": answer,
                                   "score": result.score if bank.mode == "formative" else None,
                                   "max_score": q.points, "kit_version": __version__})
        latest = {f"{e['module']}/{e['question_id']}": e["id"] for e in events}
        doc = {"schema": "coursekit-submission/1", "kit_version": __version__, "learner": learner,
               "exported_at": "2026-11-21T09:00:00+00:00", "events": events, "latest": latest}
        text = json.dumps(doc, indent=1)
        if learner_no % 250 == 249:
            text = text[: len(text) // 2]  # a few damaged files
        (folder / f"{learner}.json").write_text(text, encoding="utf-8")


def _grade_child(subs: str, key_dir: str, out: str, jobs: int | None, queue) -> None:
    from coursekit.instructor.grade import grade, worker_count

    usage = resource.getrusage(resource.RUSAGE_SELF)
    t = time.perf_counter()
    report = grade([subs], key_dir, out, show_progress=True, jobs=jobs)
    seconds = time.perf_counter() - t
    after = resource.getrusage(resource.RUSAGE_SELF)
    workers = resource.getrusage(resource.RUSAGE_CHILDREN)  # the reader processes, all ended by now
    cpu = (after.ru_utime + after.ru_stime) - (usage.ru_utime + usage.ru_stime)
    queue.put((len(report.graded), sum(s.events for s in report.graded), len(report.problems), seconds, cpu,
               workers.ru_utime + workers.ru_stime, usage.ru_maxrss / 1024, after.ru_maxrss / 1024,
               workers.ru_maxrss / 1024, worker_count(report.files, jobs)))  # KiB on Linux


def main(argv: list[str]) -> int:
    n = int(argv[0]) if argv else 1000
    keep = Path(argv[1]) / str(n) if len(argv) > 1 and argv[1] else None
    jobs = int(argv[2]) if len(argv) > 2 else None
    with tempfile.TemporaryDirectory(prefix="coursekit-grading-") as tmp:
        tmp_path = keep or Path(tmp)
        key_dir, subs, out = tmp_path / "quizzes", tmp_path / "submissions", Path(tmp) / "out"
        t = time.perf_counter()
        if not (tmp_path / "complete").is_file():
            if keep:
                shutil.rmtree(tmp_path, ignore_errors=True)
            subs.mkdir(parents=True)
            write_banks(key_dir)
            write_submissions(subs, key_dir, n)
            (tmp_path / "complete").write_text("", encoding="utf-8")
        made = time.perf_counter() - t
        size = sum(p.stat().st_size for p in subs.iterdir()) / 1e6
        ctx = mp.get_context("spawn")  # a fresh process: its peak memory is grading's alone
        queue = ctx.Queue()
        load_before = os.getloadavg()
        child = ctx.Process(target=_grade_child, args=(str(subs), str(key_dir), str(out), jobs, queue))
        child.start()
        graded, events, problems, seconds, cpu, worker_cpu, base_mb, peak_mb, worker_mb, workers = queue.get()
        child.join()
        load_after = os.getloadavg()
    print(f"generated {n} submission files ({size:.1f} MB) in {made:.2f} s")
    print(f"graded {graded} files, {events:,} events, {problems} problem(s) "
          f"in {seconds:.2f} s ({n / seconds:,.0f} files/s), reports and chart included")
    print(f"processes reading the files: {workers}; CPU time {cpu + worker_cpu:.2f} s "
          f"(grading process {cpu:.2f} s, workers {worker_cpu:.2f} s)")
    print(f"peak memory of the grading process: {peak_mb:,.0f} MB (after imports: {base_mb:,.0f} MB)")
    if workers > 1:
        total = peak_mb + workers * worker_mb
        print(f"peak memory of the largest worker: {worker_mb:,.0f} MB; at most {total:,.0f} MB in all "
              "(shared pages counted in each)")
    print("load average (1 min) before and after: " + f"{load_before[0]:.2f}, {load_after[0]:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
