"""Performance benchmark: prints figures, asserts nothing.

- the time of `import coursekit` (median of several fresh interpreters, minus bare start-up);
- for each course notebook: execution time, the kernel's CPU time (user + system, from the
  kernel's start: on a shared machine it moves far less than the clock) and its peak memory,
  next to a baseline notebook that only imports the same libraries and draws one figure. The
  baseline runs in turns with each notebook (``base s``: its best time beside that notebook),
  so a ratio compares runs made within the same minute;
- the size of data/ and the whole course's time;
- each map and chart that modules 03 and 04 draw: seconds to build it and render it to PNG
  (in one warm process, best of MAP_REPEAT runs), and their median.

Figures are timed twice (coursekit.figcache): "drawn", with the figure cache off, as in a
kernel that draws every figure; "cached", read from a folder that an earlier run filled, as in a
hub's kernels once `coursekit figures warm` has run, on Binder after postBuild, or in a student's
second run of a module. Notebooks run REPEAT times each way, with one filling run between.

Run: make bench (or .venv/bin/python benchmarks/run.py [NOTEBOOK ...]; run.py --maps times the
maps alone). Each notebook runs BENCH_REPEAT times (default 2) in a fresh kernel and the
fastest run counts.
"""

from __future__ import annotations

import os
import platform
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RATIO_BUDGET = 1.5  # each module within 1.5x the baseline notebook's time
MAP_BUDGET_S = 0.25  # the median map, built and rendered to PNG
MEM_BUDGET_MB = 400  # peak kernel memory (Binder gives 1-2 GB per user)
COURSE_BUDGET_S = 60.0
MEM_CELL = ("import resource as _r; _u = _r.getrusage(_r.RUSAGE_SELF); "
            "print('PEAK_KB', _u.ru_maxrss, 'CPU_S', _u.ru_utime + _u.ru_stime)")
BASELINE = """\
import io

import anywidget, geopandas, ipywidgets, matplotlib.pyplot as plt, pandas, pydantic, yaml

fig, ax = plt.subplots()
ax.plot([0, 1], [0, 1])
ax.set_title("One figure")
fig.savefig(io.BytesIO(), format="png", dpi=110, bbox_inches="tight")
plt.close(fig)
"""


def import_time(runs: int = 7) -> float:
    def timed(code: str) -> float:
        t = time.perf_counter()
        subprocess.run([sys.executable, "-c", code], check=True)
        return time.perf_counter() - t

    bare = statistics.median(timed("pass") for _ in range(runs))
    kit = statistics.median(timed("import coursekit, coursekit.cli") for _ in range(runs))
    return max(kit - bare, 0.0)


REPEAT = int(os.environ.get("BENCH_REPEAT", "2"))
MAP_REPEAT = int(os.environ.get("BENCH_MAP_REPEAT", "3"))

#: The figures modules 03 and 04 draw, as (label, call on coursekit.maps).
MAPS = (
    ("03 projection_panels()", "projection_panels()"),
    ("03 base_map(extent=...)", "base_map(extent=(19, 49, 39, 60))"),
    ("03 nato_enlargement_map()", "nato_enlargement_map()"),
    ("03 nato_enlargement_map(2004)", "nato_enlargement_map(2004)"),
    ("03 crimea_map()", "crimea_map()"),
    ("04 forward_presence_map(2019)", "forward_presence_map(2019)"),
    ("04 forward_presence_map(2024)", "forward_presence_map(2024)"),
    ("04 efp_strength_chart()", "efp_strength_chart()"),
    ("04 suwalki_map()", "suwalki_map()"),
    ("04 within_reach_map(100)", "within_reach_map(100)"),
    ("04 belarus_military_map()", "belarus_military_map()"),
    ("04 exercise_estimates_chart()", "exercise_estimates_chart('Zapad 2017')"),
    ("04 exercise_estimates_chart(2021)", "exercise_estimates_chart('Zapad 2021')"),
)


def map_times(repeat: int = MAP_REPEAT) -> list[tuple[str, float, float, float, float]]:
    """(label, seconds to build, seconds to render, CPU seconds of both, CPU seconds when read from
    the figure cache) of each figure in MAPS, the best of ``repeat`` runs.

    Runs in this process after one warm-up pass, as a kernel does from its second map on (the
    first map of a session also reads and projects the basemap). CPU time is printed too: on a
    shared machine it moves less than the clock.
    """
    import matplotlib

    matplotlib.use("Agg")
    from coursekit import maps
    from coursekit.figures import render

    calls = [(label, eval("lambda: maps." + call, {"maps": maps})) for label, call in MAPS]  # noqa: S307

    def timed(make) -> tuple[float, float, float]:
        runs = []
        for _ in range(repeat):
            c0, t0 = time.process_time(), time.perf_counter()
            fig = make()
            t1 = time.perf_counter()
            render(fig)
            runs.append((t1 - t0, time.perf_counter() - t1, time.process_time() - c0))
        return min(runs, key=lambda r: r[0] + r[1])

    os.environ["COURSEKIT_FIGURE_CACHE"] = "off"
    for _, make in calls:
        render(make())
    drawn = [timed(make) for _, make in calls]
    import tempfile

    with tempfile.TemporaryDirectory(prefix="coursekit-bench-figures-") as folder:
        os.environ["COURSEKIT_FIGURE_CACHE"] = folder
        for _, make in calls:
            render(make())
        cached = [timed(make)[2] for _, make in calls]
    return [(label, *d, c) for (label, _), d, c in zip(calls, drawn, cached, strict=True)]


def print_map_times() -> None:
    timed = map_times()
    print(f"\n{'map or chart (build + render to PNG)':<36} {'build':>8} {'render':>7} {'total':>8} {'CPU':>6} "
          f"{'cached CPU':>11}")
    for label, build, draw, cpu, cached in timed:
        print(f"{label:<36} {build:>8.2f} {draw:>7.2f} {build + draw:>8.2f} {cpu:>6.2f} {cached:>11.3f}")
    median = statistics.median(b + d for _, b, d, _, _ in timed)
    cpu = statistics.median(c for _, _, _, c, _ in timed)
    cached = statistics.median(c for *_, c in timed)
    verdict = "ok" if median <= MAP_BUDGET_S else f"over the {MAP_BUDGET_S} s budget"
    print(f"median, drawn: {median:.2f} s per map, {cpu:.2f} s of CPU ({verdict})")
    print(f"median, from the figure cache: {cached:.3f} s of CPU per map")


def compile_kit() -> str:
    """Byte-compile the kit's modules, as ``pip install`` does for an installed package, and say so.

    Without it, a checkout whose ``__pycache__`` is stale or missing (edited sources, or
    PYTHONDONTWRITEBYTECODE set in the shell) makes every kernel compile the kit's modules from
    source, a cost no installed kit pays and the baseline, which imports only libraries, never
    pays: it measured the checkout, not the kit.
    """
    import compileall
    import importlib.util

    import coursekit

    package = Path(coursekit.__file__).parent
    sources = list(package.rglob("*.py"))
    stale = sum(1 for p in sources if not Path(importlib.util.cache_from_source(str(p))).is_file()
                or Path(importlib.util.cache_from_source(str(p))).stat().st_mtime < p.stat().st_mtime)
    compileall.compile_dir(str(package), quiet=1)
    return f"{len(sources)} modules byte-compiled ({stale} {'was' if stale == 1 else 'were'} stale or missing)"


def best_of(nb, repeat: int = REPEAT) -> tuple[float, float, float]:
    """The fastest of ``repeat`` runs (as timeit does: slower runs measure noise), the peak memory
    and the least kernel CPU time."""
    import copy

    return _best([run_notebook(copy.deepcopy(nb)) for _ in range(repeat)])


def _best(runs: list[tuple[float, float, float]]) -> tuple[float, float, float]:
    return min(r[0] for r in runs), max(r[1] for r in runs), min(r[2] for r in runs)


def paired(nb, base_nb, repeat: int = REPEAT) -> tuple[tuple[float, float, float], tuple[float, float, float]]:
    """``best_of`` the notebook and of the baseline, run in turns (baseline, notebook, baseline, ...,
    baseline): the machine's speed drifts over minutes on a shared host, and a baseline timed
    minutes earlier moved a module's ratio by 0.1-0.3."""
    import copy

    runs, bases = [], [run_notebook(copy.deepcopy(base_nb))]
    for _ in range(repeat):
        runs.append(run_notebook(copy.deepcopy(nb)))
        bases.append(run_notebook(copy.deepcopy(base_nb)))
    return _best(runs), _best(bases)


def run_notebook(nb) -> tuple[float, float, float]:
    """Execute a notebook in a fresh kernel; return (seconds, peak kernel memory in MB, kernel CPU
    seconds: user + system time of the kernel process from its start, imports included)."""
    import nbformat
    from nbclient import NotebookClient

    nb = nbformat.from_dict(nb) if isinstance(nb, dict) else nb
    nb.cells.append(nbformat.v4.new_code_cell(MEM_CELL))
    from coursekit.kernels import kernel_manager_class

    client = NotebookClient(nb, timeout=600, kernel_name="python3", kernel_manager_class=kernel_manager_class(),
                            resources={"metadata": {"path": str(ROOT / "notebooks")}})
    t = time.perf_counter()
    client.execute()
    seconds = time.perf_counter() - t
    text = "".join(o.get("text", "") for o in nb.cells[-1].outputs)
    kb = int(text.split("PEAK_KB")[1].split()[0])
    return seconds, kb / 1024, float(text.split("CPU_S")[1].split()[0])


def main(argv: list[str]) -> int:
    import nbformat

    os.environ.setdefault("COURSEKIT_PROGRESS_DB", str(ROOT / "build" / "bench-progress.sqlite"))
    (ROOT / "build").mkdir(exist_ok=True)
    from coursekit import manifest
    from coursekit.course import load_course

    print(f"machine: {platform.platform()}, {os.cpu_count()} cores, Python {platform.python_version()}")
    print(f"coursekit: {compile_kit()}")
    print(f"import coursekit: {import_time() * 1000:.0f} ms")
    print(f"data/: {manifest.total_bytes() / 1e6:.2f} MB ({len(manifest.data_files())} files)")

    # In a fresh interpreter: the kernels started below would otherwise inherit this process's
    # peak memory (Linux reports the parent's maxrss to a child forked from it).
    print(subprocess.run([sys.executable, __file__, "--maps"], check=True, capture_output=True, text=True).stdout,
          end="")

    paths = [Path(a) for a in argv] or [m.path for m in load_course().available]
    base_nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(BASELINE)])
    os.environ["COURSEKIT_FIGURE_CACHE"] = "off"
    run_notebook(base_nb.copy())  # warm-up: byte-compiles and fills the disk cache
    base_s, base_mb, base_cpu = best_of(base_nb)
    print(f"\n{'notebook':<36} {'seconds':>8} {'× base':>7} {'CPU s':>6} {'× base':>7} {'peak MB':>8} "
          f"{'base s':>7}  budget")
    print(f"{'(baseline: imports + one figure)':<36} {base_s:>8.2f} {1.0:>7.2f} {base_cpu:>6.2f} {1.0:>7.2f} "
          f"{base_mb:>8.0f} {base_s:>7.2f}")
    total = {"drawn": 0.0, "cached": 0.0}
    over = []
    import tempfile

    from coursekit.progressbar import track

    for path in track(paths, "notebooks", unit="notebook"):
        nb = nbformat.read(path, as_version=4)
        with tempfile.TemporaryDirectory(prefix="coursekit-bench-figures-") as folder:
            os.environ["COURSEKIT_FIGURE_CACHE"] = "off"
            drawn = paired(nb, base_nb)
            os.environ["COURSEKIT_FIGURE_CACHE"] = folder
            run_notebook(nb.copy())  # fills the folder
            cached = paired(nb, base_nb)
        for mode, ((seconds, mb, cpu), (base, _, base_cpu_here)) in (("drawn", drawn), ("cached", cached)):
            total[mode] += seconds
            ratio = seconds / base
            flags = [f for f, bad in (("time > 1.5× base", ratio > RATIO_BUDGET),
                                      ("memory > 400 MB", mb > MEM_BUDGET_MB)) if bad]
            if flags and mode == "cached":
                over.append(path.name)
            label = path.name if mode == "drawn" else "  figures from the cache"
            print(f"{label:<36} {seconds:>8.2f} {ratio:>7.2f} {cpu:>6.2f} {cpu / base_cpu_here:>7.2f} {mb:>8.0f} "
                  f"{base:>7.2f}  {', '.join(flags) or 'ok'}")
    os.environ["COURSEKIT_FIGURE_CACHE"] = "off"
    verdict = "ok" if total["cached"] <= COURSE_BUDGET_S else f"over the {COURSE_BUDGET_S:.0f} s budget"
    print(f"\nwhole course: {total['drawn']:.1f} s drawing every figure, {total['cached']:.1f} s with figures "
          f"from the cache, for {len(paths)} notebook(s) ({verdict})")
    if over:
        print("over budget with figures from the cache: " + ", ".join(over))
    return 0


if __name__ == "__main__":
    if sys.argv[1:] == ["--maps"]:
        print_map_times()
        sys.exit(0)
    sys.exit(main(sys.argv[1:]))
