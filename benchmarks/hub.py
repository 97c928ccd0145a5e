"""Hub benchmark: K students run module 04 at once on a real local JupyterHub. Prints figures, asserts nothing.

The hub is the one the hub test uses (tests/hubharness.py: JupyterHub, configurable-http-proxy,
SimpleLocalProcessSpawner, 127.0.0.1). Each simulated student gets a server through the hub's
REST API and a copy of the course in their home (as nbgitpuller leaves it); then all of them
start at the same moment and run module 04 cell by cell through the kernel websocket, as
JupyterLab's "Run All" does. Printed:

- spawn time per student (median, p95);
- wall time per student for the whole module (median, p95, max) and failed cells;
- the CPU time each kernel used for the module (user + system; unlike wall time, it does not
  depend on what else the machine is doing);
- memory per student once the module has run: the single-user server and the kernel
  (resident set size, RSS, and proportional set size, PSS, which shares libraries fairly);
- the memory of the hub and of configurable-http-proxy.

``--mmap-threshold`` (default 65536) sets glibc's MALLOC_MMAP_THRESHOLD_ for every server and
kernel, as README's "Sizing a hub" advises: buffers of that size or more (a figure's PNG and its
base64 text) are returned to the system when freed instead of staying in the process's heap.

``--figures`` sets up the figure cache (coursekit.figcache) as a hub would:
``shared`` (default) first runs ``coursekit figures warm`` into a folder that every kernel reads
(COURSEKIT_FIGURE_CACHE_SHARED), timed and printed; ``own`` gives each student only their own,
empty cache folder (the first run of a class without a warmed folder); ``off`` draws every figure
in every kernel.

Run: make bench-hub   (or .venv/bin/python benchmarks/hub.py --students 20)
Needs configurable-http-proxy (`npm ci`).
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import shutil
import statistics
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor, as_completed
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # tests/hubharness.py
sys.path.insert(0, str(ROOT / "src"))

from tests.hubharness import Hub, Kernel, KernelError, code_cells, proxy_missing  # noqa: E402

MODULE = "04_forward_presence.ipynb"
FOLDER = "coursekit"  # where nbgitpuller would put a clone of this repository


def pct(values: list[float], q: float) -> float:
    """The q-th percentile (nearest rank), e.g. q=95."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(q / 100 * len(ordered)) - 1)]


def memory(proc) -> tuple[float, float]:
    """(RSS, PSS) in MB of one process."""
    info = proc.memory_full_info()
    return info.rss / 2**20, getattr(info, "pss", info.rss) / 2**20


def user_processes(hub: Hub, name: str) -> tuple[object | None, object | None]:
    """The single-user server and the kernel of ``name`` (found by working directory)."""
    home = hub.home(name)
    server = kernel = None
    for p in hub.processes():
        try:
            cwd, cmd = Path(p.cwd()), " ".join(p.cmdline())
        except Exception:  # noqa: BLE001 - the process ended meanwhile
            continue
        if cwd == home and "jupyterhub-singleuser" in cmd:
            server = p
        elif home in cwd.parents and "ipykernel" in cmd:
            kernel = p
    return server, kernel


def student(hub: Hub, name: str, start: threading.Barrier, notebook: dict) -> dict:
    try:
        kernel = Kernel(hub.url, name, hub.user_token(name), f"{FOLDER}/notebooks/{MODULE}")
    except Exception as exc:  # noqa: BLE001 - reported as this student's failure; the others go on
        start.wait(timeout=900)  # still take part in the start, so that the others are not held up
        return {"name": name, "seconds": None, "failed": [f"no kernel: {str(exc).splitlines()[0][:200]}"],
                "mem": None}
    failed: list[str] = []
    try:
        serv, kern = user_processes(hub, name)
        cpu0 = sum(kern.cpu_times()[:2]) if kern else float("nan")
        server_cpu0 = sum(serv.cpu_times()[:2]) if serv else float("nan")
        kernel.ws.close()  # reading the page meanwhile: an unread socket would miss the server's pings
        start.wait(timeout=900)  # everyone presses "Run All" together
        kernel.connect()
        t = time.perf_counter()
        for i, source in enumerate(code_cells(notebook), start=1):
            try:
                kernel.run(source, timeout=900)
            except KernelError as exc:
                failed.append(f"cell {i}: {str(exc).splitlines()[0]}")
            except TimeoutError as exc:
                failed.append(f"cell {i}: {exc}")
                break
        seconds = time.perf_counter() - t
        server, kern = user_processes(hub, name)
        cpu = sum(kern.cpu_times()[:2]) - cpu0 if kern else float("nan")
        server_cpu = sum(server.cpu_times()[:2]) - server_cpu0 if server else float("nan")
        mem = {"server": memory(server) if server else (float("nan"),) * 2,
               "kernel": memory(kern) if kern else (float("nan"),) * 2}
    finally:
        kernel.close()
    drawn = len(list((hub.home(name) / ".cache" / "coursekit" / "figures").glob("*.json")))
    return {"name": name, "seconds": seconds, "cpu": cpu, "failed": failed, "mem": mem, "drawn": drawn,
            "server_cpu": server_cpu}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--students", type=int, default=10, help="simulated students (default 10)")
    parser.add_argument("--figures", choices=("shared", "own", "off"), default="shared",
                        help="figure cache: a warmed shared folder (default), each student's own, or none")
    parser.add_argument("--mmap-threshold", type=int, default=65536, metavar="BYTES",
                        help="MALLOC_MMAP_THRESHOLD_ for servers and kernels, as README advises (default "
                             "65536; 0 leaves glibc's own)")
    args = parser.parse_args(argv)
    why = proxy_missing()
    if why:
        print(f"cannot run: {why}")
        return 2
    import psutil

    from coursekit.progressbar import track

    k = args.students
    notebook = json.loads((ROOT / "notebooks" / MODULE).read_text(encoding="utf-8"))
    print(f"machine: {platform.platform()}, {os.cpu_count()} cores, "
          f"{psutil.virtual_memory().total / 2**30:.0f} GiB, Python {platform.python_version()}")
    print(f"{k} students, module {MODULE} ({len(code_cells(notebook))} code cells)")
    from benchmarks.run import compile_kit

    print(f"coursekit: {compile_kit()}")
    print("load average before: {:.1f} {:.1f} {:.1f} (other work on the machine slows every figure)".format(
        *os.getloadavg()))
    base = Path(tempfile.mkdtemp(prefix="coursekit-bench-hub-"))
    environment = {"off": {"COURSEKIT_FIGURE_CACHE": "off"}, "own": {}}.get(args.figures)
    if environment is None:
        from coursekit.instructor.warm import warm_figures

        t = time.perf_counter()
        report = warm_figures(base / "figures", [MODULE[:2]], ROOT, show_progress=False)
        print(f"figures warmed once for the class: {report.entries} in {time.perf_counter() - t:.1f} s "
              f"({', '.join(report.failed.values()) or 'no failure'})")
        environment = {"COURSEKIT_FIGURE_CACHE_SHARED": str(base / "figures")}
    if args.mmap_threshold:
        environment["MALLOC_MMAP_THRESHOLD_"] = str(args.mmap_threshold)
    print(f"figure cache: {args.figures}; MALLOC_MMAP_THRESHOLD_={args.mmap_threshold or 'glibc default'}")
    hub = Hub(base, environment=environment)
    try:
        hub.start()
        names = [f"student{i:02d}" for i in range(1, k + 1)]

        def spawn(name: str) -> float:
            t = time.perf_counter()
            hub.spawn(name)
            for part in ("data", "notebooks"):  # the course as nbgitpuller leaves it in the home
                shutil.copytree(ROOT / part, hub.home(name) / FOLDER / part,
                                ignore=shutil.ignore_patterns(".ipynb_checkpoints"))
            return time.perf_counter() - t

        with ThreadPoolExecutor(max_workers=k) as pool:
            futures = [pool.submit(spawn, n) for n in names]
            spawns = [f.result() for f in track(as_completed(futures), "servers started", total=k, enabled=True,
                                                unit="server")]
        start = threading.Barrier(k)
        proxy = psutil.Process(int((base / "proxy.pid").read_text().strip()))
        others = {"hub": psutil.Process(hub.proc.pid), "proxy": proxy, "this benchmark": psutil.Process()}
        others0 = {k: sum(p.cpu_times()[:2]) for k, p in others.items()}
        with ThreadPoolExecutor(max_workers=k) as pool:
            futures = [pool.submit(student, hub, n, start, notebook) for n in names]
            results = [f.result() for f in track(as_completed(futures), "students finished", total=k, enabled=True,
                                                 unit="student")]
        others_cpu = {k: sum(p.cpu_times()[:2]) - others0[k] for k, p in others.items()}
        load_after = os.getloadavg()
        hub_mb = memory(psutil.Process(hub.proc.pid))[0]
        proxy_pid = int((base / "proxy.pid").read_text().strip())
        proxy_mb = memory(psutil.Process(proxy_pid))[0]
    finally:
        left = hub.stop()
        if any(r["failed"] for r in locals().get("results", [])):  # keep the log of a run where something failed
            kept = Path(tempfile.gettempdir()) / f"coursekit-bench-hub-{time.strftime('%Y%m%d-%H%M%S')}.log"
            shutil.copy(hub.log_path, kept)
            print(f"(the hub's log, with every server's: {kept})")
        shutil.rmtree(base, ignore_errors=True)
    if left:
        print(f"(ended {len(left)} process(es) left after the hub stopped)")

    failed = [f"{r['name']} {f}" for r in results for f in r["failed"]]
    no_kernel = [r["name"] for r in results if r["seconds"] is None]
    results = [r for r in results if r["seconds"] is not None]
    secs = [r["seconds"] for r in results]
    server_rss = [r["mem"]["server"][0] for r in results]
    server_pss = [r["mem"]["server"][1] for r in results]
    kernel_rss = [r["mem"]["kernel"][0] for r in results]
    kernel_pss = [r["mem"]["kernel"][1] for r in results]
    total_rss = [a + b for a, b in zip(server_rss, kernel_rss, strict=True)]
    total_pss = [a + b for a, b in zip(server_pss, kernel_pss, strict=True)]

    def row(label: str, values: list[float], unit: str, fmt: str = ".0f") -> None:
        print(f"{label:<34} median {statistics.median(values):{fmt}} {unit}, p95 {pct(values, 95):{fmt}} {unit}, "
              f"max {max(values):{fmt}} {unit}")

    print()
    row("spawn (server ready + course copied)", spawns, "s", ".1f")
    row(f"module {MODULE[:2]} wall time per student", secs, "s", ".1f")
    row("kernel CPU time per student", [r["cpu"] for r in results], "s", ".1f")
    row("server CPU time per student", [r["server_cpu"] for r in results], "s", ".1f")
    if args.figures != "off":
        row("figures drawn (not from a cache)", [r["drawn"] for r in results], "")
    print(f"{'failed cells':<34} {len(failed) - len(no_kernel)}")
    print(f"{'students whose kernel did not start':<34} {len(no_kernel)}")
    for line in failed[:10]:
        print(f"  {line}")
    row("server memory (RSS)", server_rss, "MB")
    row("kernel memory (RSS)", kernel_rss, "MB")
    row("per student, server + kernel (RSS)", total_rss, "MB")
    row("per student, server + kernel (PSS)", total_pss, "MB")
    print(f"{'hub (RSS)':<34} {hub_mb:.0f} MB")
    print(f"{'configurable-http-proxy (RSS)':<34} {proxy_mb:.0f} MB")
    print(f"{'whole class (RSS)':<34} {(hub_mb + proxy_mb + sum(total_rss)) / 1024:.1f} GB "
          "(hub, proxy, every server and kernel)")
    print(f"{'CPU while the class ran':<34} " + ", ".join(f"{k} {v:.1f} s" for k, v in others_cpu.items())
          + " (kernel start-up is in neither the kernels' figure nor this)")
    print("load average after: {:.1f} {:.1f} {:.1f}".format(*load_after))
    return 0


if __name__ == "__main__":
    sys.exit(main())
