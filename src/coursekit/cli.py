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
