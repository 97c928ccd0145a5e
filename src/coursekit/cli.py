"""The ``coursekit`` command."""

from __future__ import annotations

import argparse
import sys

from coursekit import __version__


def cmd_list(args: argparse.Namespace) -> int:
    from coursekit.course import load_course, markdown_table

    course = load_course()
    if args.markdown:
        print(markdown_table(course))
        return 0
    print(course.title)
    print()
    rows = [("id", "module", "minutes", "needs", "status", "notebook")]
    for m in course.modules:
        rows.append((m.id, m.title, str(m.minutes), ",".join(m.prerequisites) or "-",
                     m.status, m.notebook if m.available else "(planned)"))
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    for n, r in enumerate(rows):
        print("  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip())
        if n == 0:
            print("  ".join("-" * w for w in widths))
    if args.objectives:
        for m in course.modules:
            print(f"\n{m.id} {m.title}")
            for o in m.objectives:
                print(f"  - {o}")
    return 0


def cmd_doctor(args: argparse.Namespace) -> int:
    from coursekit import doctor

    return doctor.main()


def cmd_data_manifest(args: argparse.Namespace) -> int:
    from coursekit import manifest

    if args.write:
        path = manifest.write()
        print(f"wrote {path}")
    files = manifest.compute()
    for name, meta in files.items():
        print(f"{meta['bytes']:>10,}  {name}")
    total = sum(m["bytes"] for m in files.values())
    print(f"{total:>10,}  in all (budget {manifest.BUDGET_BYTES:,})")
    problems = manifest.check()
    for p in problems:
        print(f"FAIL {p.what}. Fix: {p.fix}")
    return 1 if problems else 0


def cmd_quiz_validate(args: argparse.Namespace) -> int:
    from pathlib import Path

    from coursekit.errors import DataError
    from coursekit.quiz.bank import bank_paths, load_bank

    paths: list[Path] = []
    for p in args.paths or []:
        p = Path(p)
        paths += sorted(p.glob("*.yml")) if p.is_dir() else [p]
    paths = paths or bank_paths()
    failed = 0
    for path in paths:
        try:
            bank = load_bank(path, keys=None)
        except DataError as exc:
            failed += 1
            print(f"FAIL {exc}")
            continue
        keyed = "with key" if bank.keys is not None else "no key file (release copy)"
        print(f"ok   {path}: {len(bank.questions)} questions, {bank.max_points:g} points, {bank.mode}, {keyed}")
    if not paths:
        print("no quiz banks found")
        return 1
    return 1 if failed else 0


def cmd_quiz_simulate(args: argparse.Namespace) -> int:
    from pathlib import Path

    from coursekit.quiz.bank import bank_path, load_bank, simulate

    path = Path(args.bank)
    if not path.suffix:
        path = bank_path(args.bank)
    bank = load_bank(path, keys=True)
    results = simulate(bank)
    bad = 0
    for q, result in results:
        if result.correct:
            print(f"  ok {q.id}: {result.score:g}/{result.max:g}")
        else:
            bad += 1
            print(f"FAIL {q.id}: the key's own answer scores {result.score}/{result.max:g} "
                  f"({result.error or result.message}). Fix: make the key agree with the question.")
    total = sum(r.score or 0 for _, r in results)
    print(f"{bank.module}: {total:g} of {bank.max_points:g} points with the key's answers")
    return 1 if bad else 0


def cmd_progress(args: argparse.Namespace) -> int:
    from coursekit.quiz.progress import summary_rows
    from coursekit.quiz.store import ProgressStore

    store = ProgressStore(args.db) if args.db else ProgressStore()
    if args.action == "export":
        if not args.out:
            print("error: progress export needs --out FILE.json", file=sys.stderr)
            return 2
        doc = store.export(args.out, learner=args.learner)
        print(f"wrote {args.out}: {len(doc['events'])} submissions by {doc['learner']} "
              f"({doc['schema']})")
        return 0
    rows = summary_rows(store, learner=args.learner)
    print(f"progress of {rows['learner']} in {store.path}")
    header = ("module", "title", "answered", "score", "last answer")
    table = [header, *rows["rows"]]
    widths = [max(len(str(r[i])) for r in table) for i in range(len(header))]
    for n, r in enumerate(table):
        print("  ".join(str(c).ljust(w) for c, w in zip(r, widths, strict=True)).rstrip())
        if n == 0:
            print("  ".join("-" * w for w in widths))
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="coursekit",
        description="A Jupyter teaching kit on disinformation and regional security.",
    )
    parser.add_argument("--version", action="version", version=f"coursekit {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    p = sub.add_parser("list", help="print the course's modules")
    p.add_argument("--objectives", action="store_true", help="also print learning objectives")
    p.add_argument("--markdown", action="store_true", help="print the README's module table")
    p.set_defaults(func=cmd_list)

    p = sub.add_parser("doctor", help="check that this installation is ready to teach from")
    p.set_defaults(func=cmd_doctor)

    quiz = sub.add_parser("quiz", help="quiz banks").add_subparsers(dest="quiz_command", metavar="COMMAND")
    p = quiz.add_parser("validate", help="validate quiz banks and their keys (default: all)")
    p.add_argument("paths", nargs="*", help="bank files or folders (default: data/quizzes)")
    p.set_defaults(func=cmd_quiz_validate)
    p = quiz.add_parser("simulate", help="answer every question with its key; expect full marks")
    p.add_argument("bank", help="a module id (e.g. 00) or a bank file")
    p.set_defaults(func=cmd_quiz_simulate)

    p = sub.add_parser("progress", help="your quiz progress per module; 'export' writes a submission")
    p.add_argument("action", nargs="?", choices=["show", "export"], default="show")
    p.add_argument("--out", help="submission file to write (with export)")
    p.add_argument("--learner", help="learner name (default: the current user)")
    p.add_argument("--db", help="progress database (default: $COURSEKIT_PROGRESS_DB or ~/.coursekit/)")
    p.set_defaults(func=cmd_progress)

    data = sub.add_parser("data", help="data files").add_subparsers(dest="data_command", metavar="COMMAND")
    p = data.add_parser("manifest", help="list data files and check them; --write records checksums")
    p.add_argument("--write", action="store_true", help="record the current checksums in data/manifest.yml")
    p.set_defaults(func=cmd_data_manifest)
    return parser


def main(argv: list[str] | None = None) -> int:
    from coursekit.errors import DataError

    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return 2
    try:
        return args.func(args)
    except DataError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
