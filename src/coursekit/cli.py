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


def cmd_review(args: argparse.Namespace) -> int:
    from coursekit import review

    today = review.review_date(args.today, "coursekit review --today", field=None,
                               fix="give the day as YYYY-MM-DD, e.g. --today 2027-12-01.")
    lines, late = review.report(today, show_all=args.all)
    print("\n".join(lines))
    return 1 if late else 0


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

    from coursekit.errors import KitError
    from coursekit.instructor.items import check_guide
    from coursekit.quiz.bank import bank_paths, load_bank

    paths: list[Path] = []
    for p in args.paths or []:
        p = Path(p)
        paths += sorted(p.glob("*.yml")) if p.is_dir() else [p]
    paths = paths or bank_paths()
    failed = 0
    anchors = _guide_anchors()
    for path in paths:
        try:
            bank = load_bank(path, keys=None)
            if anchors is not None:
                check_guide(bank, anchors)
        except KitError as exc:
            failed += 1
            print(f"FAIL {exc}")
            continue
        keyed = "with key" if bank.keys is not None else "no key file (release copy)"
        extra = "".join(f", {q} has {len(v)} variants" for q, v in bank.variants.items())
        extra += "".join(f", pool {p.id}: {p.choose} of {len(p.questions)}" for p in bank.pools)
        print(f"ok   {path}: {len(bank.questions)} questions, {bank.max_points:g} points, {bank.mode}, {keyed}{extra}")
    if not paths:
        print("no quiz banks found")
        return 1
    return 1 if failed else 0


def _guide_anchors() -> dict[str, str] | None:
    """The misconceptions the instructor guide defines; None where the course has no guide."""
    from coursekit.instructor.items import GUIDE, guide_anchors
    from coursekit.paths import root

    try:
        guide = root() / GUIDE
    except FileNotFoundError:
        return None
    return guide_anchors(guide) if guide.is_file() else None


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
    if bank.variants or bank.pools:
        print(f"{bank.module}: {len(results)} questions and variants answered with their keys, {bad} short of "
              f"full marks; a learner can earn {bank.max_points:g} points")
    else:
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
        from coursekit.quiz.progress import export_submission

        result = export_submission(store, args.out, learner=args.learner,
                                   include_reflections=args.include_reflections)
        print(result.message())
        if not args.include_reflections:
            print("To hand in your reflections too, add --include-reflections.")
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


def cmd_release(args: argparse.Namespace) -> int:
    from coursekit.instructor.common import parse_module_ids
    from coursekit.instructor.release import release

    report = release(args.out, modules=parse_module_ids(args.modules))
    print(report.summary())
    return 0


def cmd_grade(args: argparse.Namespace) -> int:
    from coursekit.instructor.grade import grade
    from coursekit.instructor.lms import parse_assignment_ids
    from coursekit.paths import locate

    if args.key:
        key_dir = args.key
    else:  # say which course's keys grade the class: a wrong folder would grade everyone wrongly, quietly
        course, why = locate()
        key_dir = course / "data" / "quizzes"
        print(f"keys: {key_dir} (no --key given; the course {why}). Fix, if that is not your course: "
              "give --key YOUR_COURSE/data/quizzes.", file=sys.stderr)
    report = grade(args.submissions, key_dir, args.out,
                   count_formative=args.count_formative, show_progress=not args.quiet, lms=args.format,
                   roster=args.roster, assignment_ids=parse_assignment_ids(args.assignment_ids), jobs=args.jobs)
    print(report.summary())
    print(f"graded in {report.seconds:.2f} s")
    return 0


def cmd_links(args: argparse.Namespace) -> int:
    from coursekit.instructor.common import parse_module_ids
    from coursekit.instructor.links import binder_note, links_table

    table = links_table(args.hub, args.repo, args.branch, parse_module_ids(args.modules),
                        private_repo=args.private_repo)
    note = binder_note()
    if note:
        print(note, file=sys.stderr)
    if args.private_repo:
        print("note: --private-repo: assessed keys were not looked for; make sure students cannot "
              "read the repository.", file=sys.stderr)
    print(table)
    return 0


def cmd_briefs_shuffle(args: argparse.Namespace) -> int:
    from coursekit.instructor.briefs import shuffle

    print(shuffle(args.inputs, args.out, seed=args.seed).summary())
    return 0


def cmd_glossary(args: argparse.Namespace) -> int:
    from coursekit.glossary import doc_path, load_glossary, to_markdown

    text = to_markdown(load_glossary())
    path = doc_path()
    if args.write:
        path.write_text(text, encoding="utf-8")
        print(f"wrote {path}")
        return 0
    if not path.is_file() or path.read_text(encoding="utf-8") != text:
        print(f"{path} is out of date with data/glossary.yml: run coursekit glossary --write")
        return 1
    print(f"{path} is up to date")
    return 0


def cmd_site(args: argparse.Namespace) -> int:
    from coursekit.instructor.common import parse_module_ids
    from coursekit.instructor.site import build_site

    report = build_site(args.out, parse_module_ids(args.modules), timeout=args.timeout,
                        hide_solutions=args.hide_solutions, jobs=args.jobs, run=not args.no_run)
    print(report.summary())
    return 1 if report.failed else 0


def cmd_figures_warm(args: argparse.Namespace) -> int:
    from coursekit.instructor.common import parse_module_ids
    from coursekit.instructor.warm import default_folder, warm_figures

    into = args.into or default_folder()
    if into is None:
        print("error: the figure cache is off (COURSEKIT_FIGURE_CACHE=off). Fix: give --into DIR.", file=sys.stderr)
        return 2
    report = warm_figures(into, parse_module_ids(args.modules), timeout=args.timeout)
    print(report.summary())
    return 1 if report.failed else 0


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

    p = sub.add_parser("review", help="list verdicts and data files overdue for a review (data/review.yml)")
    p.add_argument("--today", help="check as of this day, YYYY-MM-DD (default: today)")
    p.add_argument("--all", action="store_true", help="list every item, not only the overdue ones")
    p.set_defaults(func=cmd_review)

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
    p.add_argument("--include-reflections", action="store_true",
                   help="also export your reflections (by default they stay on this computer)")
    p.add_argument("--learner", help="learner name (default: the current user)")
    p.add_argument("--db", help="progress database (default: $COURSEKIT_PROGRESS_DB or ~/.coursekit/)")
    p.set_defaults(func=cmd_progress)

    data = sub.add_parser("data", help="data files").add_subparsers(dest="data_command", metavar="COMMAND")
    p = data.add_parser("manifest", help="list data files and check them; --write records checksums")
    p.add_argument("--write", action="store_true", help="record the current checksums in data/manifest.yml")
    p.set_defaults(func=cmd_data_manifest)

    p = sub.add_parser("release", help="instructor: write a student copy (no solutions, no assessed keys)")
    p.add_argument("--out", required=True, help="folder to write (new, empty, or an earlier release)")
    p.add_argument("--modules", help="module ids to release, e.g. 01,04 (default: every available module)")
    p.set_defaults(func=cmd_release)

    p = sub.add_parser("grade", help="instructor: grade exported submission files into a gradebook")
    p.add_argument("submissions", nargs="+", help="submission files (.json) or folders of them")
    p.add_argument("--key", help="folder with the banks and keys/ (default: data/quizzes)")
    p.add_argument("--out", required=True, help="folder for gradebook.csv, questions.csv/.png, problems.csv")
    p.add_argument("--count-formative", action="store_true", help="add formative quizzes to the total")
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    p.add_argument("--jobs", type=int, metavar="N",
                   help="processes that read the files (default: every core from 400 files on, else 1; "
                        "the results are the same)")
    p.add_argument("--format", choices=("canvas", "moodle"),
                   help="also write canvas.csv or moodle.csv in that system's grade import layout")
    p.add_argument("--roster", help="CSV mapping each hub user name (column learner) to LMS ids; default: the "
                                    "hub user name is the SIS Login ID (Canvas) or Username (Moodle)")
    p.add_argument("--assignment-ids", help="Canvas assignment ids per module, e.g. 01=1234,04=5678 "
                                            "(default: new assignments)")
    p.set_defaults(func=cmd_grade)

    p = sub.add_parser("links", help="instructor: JupyterHub (nbgitpuller) and Binder links per module")
    p.add_argument("--hub", required=True, help="the JupyterHub address, e.g. https://hub.example.edu")
    p.add_argument("--repo", required=True,
                   help="the course repository, e.g. https://github.com/OWNER/REPO (or file:///PATH on the hub)")
    p.add_argument("--branch", help="branch to open (default: the repository's default; Binder: HEAD)")
    p.add_argument("--modules", help="module ids, e.g. 01,04 (default: every available module)")
    p.add_argument("--private-repo", action="store_true",
                   help="the repository is private: link to it even though it holds assessed keys")
    p.set_defaults(func=cmd_links)

    briefs = sub.add_parser("briefs", help="instructor: capstone briefs").add_subparsers(
        dest="briefs_command", metavar="COMMAND")
    p = briefs.add_parser("shuffle", help="anonymous copies of the briefs and who reviews which, "
                          "with a private key file for the instructor")
    p.add_argument("inputs", nargs="+", help="submission files or folders of them (exported .json)")
    p.add_argument("--out", required=True, help="a new folder for the anonymous briefs")
    p.add_argument("--seed", type=int, default=None, help="repeat an earlier shuffle")
    p.set_defaults(func=cmd_briefs_shuffle)

    p = sub.add_parser("glossary", help="check docs/glossary.md against data/glossary.yml; --write rewrites it")
    p.add_argument("--write", action="store_true", help="write docs/glossary.md from data/glossary.yml")
    p.set_defaults(func=cmd_glossary)

    p = sub.add_parser("site", help="instructor: execute every module and render a static HTML site")
    p.add_argument("--out", required=True, help="folder to write (new, empty, or an earlier site)")
    p.add_argument("--modules", help="module ids, e.g. 01,04 (default: every available module)")
    p.add_argument("--timeout", type=int, default=600, help="seconds allowed per cell (default 600)")
    p.add_argument("--hide-solutions", action="store_true", help="leave out cells tagged solution")
    p.add_argument("--jobs", type=int, default=1, help="notebooks executed at once (default 1)")
    p.add_argument("--no-run", action="store_true",
                   help="render the notebooks as stored, without running them (a quick preview)")
    p.set_defaults(func=cmd_site)

    figures = sub.add_parser("figures", help="the rendered-figure cache").add_subparsers(
        dest="figures_command", metavar="COMMAND")
    p = figures.add_parser("warm", help="execute the modules once so that kernels find their figures drawn")
    p.add_argument("--into", help="folder to fill (default: your own cache, ~/.cache/coursekit/figures); "
                   "kernels read a shared one through COURSEKIT_FIGURE_CACHE_SHARED")
    p.add_argument("--modules", help="module ids, e.g. 03,04 (default: every available module)")
    p.add_argument("--timeout", type=int, default=600, help="seconds allowed per cell (default 600)")
    p.set_defaults(func=cmd_figures_warm)
    return parser


def main(argv: list[str] | None = None) -> int:
    from coursekit.errors import KitError

    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return 2
    try:
        code = args.func(args)
        sys.stdout.flush()  # here, not at exit, so that a closed pipe is caught below
        return code
    except KitError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except BrokenPipeError:  # e.g. `coursekit list --objectives | head`: the reader had enough
        import os

        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())  # no second error at exit
        return 141  # as a shell reports a process ended by SIGPIPE


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
