"""``coursekit doctor``: is this installation ready to teach from?

Each check returns rows of (check, ok, detail, fix). The command prints a table
and, for every failure, one line naming what is wrong and the command that fixes it.
"""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass
from importlib import metadata

REINSTALL = "make install   (or: .venv/bin/pip install -c constraints.txt -e '.[test]')"
WIDGET_EXT = "@jupyter-widgets/jupyterlab-manager"
ANYWIDGET_EXT = "anywidget"


@dataclass(frozen=True)
class Check:
    name: str
    ok: bool
    detail: str
    fix: str = ""


def check_python(minimum: tuple[int, int] = (3, 11)) -> list[Check]:
    v = sys.version_info
    ok = (v.major, v.minor) >= minimum
    return [Check("python", ok, f"{v.major}.{v.minor}.{v.micro}",
                  "" if ok else f"install Python {minimum[0]}.{minimum[1]} or newer, then: make install")]


def _requirements(dist: str = "coursekit") -> list:
    from packaging.requirements import Requirement

    reqs = []
    for text in metadata.requires(dist) or []:
        req = Requirement(text)
        if req.marker is not None and not req.marker.evaluate({"extra": ""}):
            continue
        reqs.append(req)
    return reqs


def check_packages() -> list[Check]:
    """Every runtime dependency of coursekit is installed at an allowed version."""
    try:
        reqs = _requirements()
    except metadata.PackageNotFoundError:
        return [Check("coursekit", False, "the kit is not installed in this Python", REINSTALL)]
    rows = []
    for req in reqs:
        try:
            version = metadata.version(req.name)
        except metadata.PackageNotFoundError:
            rows.append(Check(req.name, False, f"not installed (needs {req.specifier})", REINSTALL))
            continue
        ok = req.specifier.contains(version, prereleases=True)
        rows.append(Check(req.name, ok, version if ok else f"{version}, needs {req.specifier}",
                          "" if ok else REINSTALL))
    return rows


def check_root() -> list[Check]:
    """Which course the kit reads, and why (the working directory comes first)."""
    from coursekit import paths

    try:
        where, why = paths.locate()
    except FileNotFoundError as exc:
        return [Check("course root", False, str(exc),
                      "cd into the course folder, or set COURSEKIT_ROOT to it")]
    return [Check("course root", True, f"{where} ({why})")]


def check_figure_cache() -> list[Check]:
    """Where rendered figures are kept (coursekit.figcache): the own folder can be written, each
    shared folder exists and can be read."""
    import os
    from pathlib import Path

    from coursekit.figcache import ENV, SHARED_ENV, folders

    own, shared = folders()
    if own is None:
        return [Check("figure cache", True, f"off ({ENV}=off): every figure is drawn")]
    probe = next((p for p in (own, *own.parents) if p.exists()), Path("/"))
    writable = os.access(probe, os.W_OK | os.X_OK) and probe.is_dir()
    count = len(list(own.glob("*.json"))) if own.is_dir() else 0
    rows = [Check("figure cache", writable, f"{own} ({count} figures)" if writable else f"{own} cannot be written",
                  "" if writable else f"set {ENV} to a folder you can write to, or to 'off'")]
    for folder in shared:
        ok = folder.is_dir() and os.access(folder, os.R_OK | os.X_OK)
        n = len(list(folder.glob("*.json"))) if ok else 0
        detail = f"{folder} ({n} figures)" if ok else f"{folder} is not a readable folder"
        fix = f"run `coursekit figures warm --into {folder}`, or remove it from {SHARED_ENV}"
        rows.append(Check("shared figures", ok, detail, "" if ok else fix))
    return rows


def check_pip() -> list[Check]:
    """``pip check``: no installed package lacks a dependency or has one at a wrong version."""
    import subprocess

    try:
        result = subprocess.run([sys.executable, "-m", "pip", "check"], capture_output=True, text=True,
                                timeout=120)
    except (OSError, subprocess.TimeoutExpired) as exc:
        return [Check("pip check", False, f"could not run pip check: {exc}", REINSTALL)]
    if result.returncode == 0:
        return [Check("pip check", True, "no broken requirements")]
    text = (result.stdout + result.stderr).strip()
    if "No module named pip" in text:
        return [Check("pip check", False, "pip is not installed in this Python",
                      f"{sys.executable} -m ensurepip, then: make install")]
    lines = [x.strip() for x in text.splitlines() if x.strip()]
    shown = "; ".join(lines[:5]) + (f"; and {len(lines) - 5} more" if len(lines) > 5 else "")
    return [Check("pip check", False, shown,
                  "make install   (reinstalls every package at the version pinned in constraints.txt)")]


def _labextension_dirs(name: str = WIDGET_EXT):
    from pathlib import Path

    from jupyter_core.paths import jupyter_path

    return [Path(p) / name for p in jupyter_path("labextensions")]


def _is_disabled(name: str, disabled: set[str]) -> bool:
    """An extension is off if it, or one of its plugins (``name:plugin``), is disabled."""
    return any(d == name or d.startswith(name + ":") for d in disabled)


def _disabled_by_file() -> dict:
    """Each JupyterLab page_config.json that disables extensions, with the names it disables."""
    from pathlib import Path

    from jupyter_core.paths import jupyter_config_path

    found: dict = {}
    for base in jupyter_config_path():
        cfg = Path(base) / "labconfig" / "page_config.json"
        if cfg.is_file():
            try:
                data = json.loads(cfg.read_text(encoding="utf-8"))
            except (OSError, ValueError):
                continue
            value = data.get("disabledExtensions") or {}
            items = value.items() if isinstance(value, dict) else ((k, True) for k in value)
            names = {k for k, v in items if v}
            if names:
                found[cfg] = names
    return found


def _disabled_extensions() -> set[str]:
    return set().union(*_disabled_by_file().values())


def _enable_command(name: str) -> str:
    """The command that re-enables ``name`` at the level (user, sys-prefix, system) that disabled it."""
    from pathlib import Path

    from jupyter_core.paths import jupyter_config_dir

    level = "system"
    for cfg, names in _disabled_by_file().items():
        if not _is_disabled(name, names):
            continue
        where = cfg.resolve()
        if where.is_relative_to(Path(jupyter_config_dir()).resolve()):
            level = "user"
        elif where.is_relative_to(Path(sys.prefix).resolve()):
            level = "sys_prefix"
        return (f"jupyter labextension enable --level={level} {name}   (disabled in {cfg}; use the kit's "
                f"jupyter, e.g. .venv/bin/jupyter), then reload JupyterLab")
    return f"jupyter labextension enable {name}"


def check_widgets() -> list[Check]:
    """The browser half of ipywidgets is installed, enabled and matches the kernel half."""
    from packaging.requirements import Requirement

    fix = "make install   (reinstalls ipywidgets with the matching jupyterlab_widgets)"
    try:
        ipyw = metadata.version("ipywidgets")
        jlw = metadata.version("jupyterlab_widgets")
    except metadata.PackageNotFoundError as exc:
        return [Check("widgets extension", False, f"{exc.name} is not installed", fix)]
    needed = [Requirement(r) for r in metadata.requires("ipywidgets") or []]
    spec = next((r.specifier for r in needed if r.name.replace("-", "_") == "jupyterlab_widgets"), None)
    if spec is not None and not spec.contains(jlw, prereleases=True):
        return [Check("widgets extension", False,
                      f"jupyterlab_widgets {jlw} does not match ipywidgets {ipyw} (needs {spec})", fix)]
    found = [d for d in _labextension_dirs() if (d / "package.json").is_file()]
    if not found:
        return [Check("widgets extension", False, f"{WIDGET_EXT} is not installed for JupyterLab", fix)]
    if _is_disabled(WIDGET_EXT, _disabled_extensions()):
        return [Check("widgets extension", False, f"{WIDGET_EXT} is disabled in JupyterLab",
                      _enable_command(WIDGET_EXT))]
    ext_version = json.loads((found[0] / "package.json").read_text(encoding="utf-8")).get("version")
    return [Check("widgets extension", True,
                  f"ipywidgets {ipyw}, jupyterlab_widgets {jlw}, {WIDGET_EXT} {ext_version}")]


def check_anywidget() -> list[Check]:
    """The quizzes are anywidgets: its JupyterLab extension must be installed, enabled and match."""
    fix = "make install   (reinstalls anywidget with its JupyterLab extension)"
    try:
        version = metadata.version("anywidget")
    except metadata.PackageNotFoundError:
        return [Check("anywidget extension", False, "anywidget is not installed", fix)]
    found = [d for d in _labextension_dirs(ANYWIDGET_EXT) if (d / "package.json").is_file()]
    if not found:
        return [Check("anywidget extension", False,
                      f"the {ANYWIDGET_EXT} JupyterLab extension is not installed: no quiz can render", fix)]
    if _is_disabled(ANYWIDGET_EXT, _disabled_extensions()):
        return [Check("anywidget extension", False,
                      f"the {ANYWIDGET_EXT} JupyterLab extension is disabled: no quiz can render",
                      _enable_command(ANYWIDGET_EXT))]
    ext_version = json.loads((found[0] / "package.json").read_text(encoding="utf-8")).get("version")
    if ext_version != version:
        return [Check("anywidget extension", False,
                      f"JupyterLab extension {ext_version} does not match the anywidget package {version}", fix)]
    return [Check("anywidget extension", True, f"anywidget {version}, JupyterLab extension enabled ({found[0]})")]


SOCKET_PATH_MAX = 107  # bytes in a Unix socket's path (sockaddr_un.sun_path holds 108, with the final NUL)


def check_kernel_transport() -> list[Check]:
    """Kernels on IPC sockets (as README advises for a hub on one machine) need socket paths that
    fit a Unix socket's address; a longer one makes every kernel fail to start with HTTP 500
    ("File name too long")."""
    import os

    from jupyter_core.paths import jupyter_runtime_dir

    transport, where = configured_transport()
    if transport != "ipc":
        return [Check("kernel transport", True, f"{transport} ({where})")]
    runtime = jupyter_runtime_dir()
    longest = len(os.fsencode(os.path.join(runtime, f"kernel-{'0' * 36}-ipc-4")))  # the kernel's 5th socket
    ok = longest <= SOCKET_PATH_MAX
    detail = f"ipc ({where}); socket paths of {longest} bytes in {runtime}"
    if ok:
        return [Check("kernel transport", True, detail)]
    return [Check("kernel transport", False,
                  f"{detail}, over the {SOCKET_PATH_MAX} a socket allows: no kernel can start",
                  "point JUPYTER_RUNTIME_DIR at a shorter folder of the user's own (e.g. "
                  "c.Spawner.environment = {'JUPYTER_RUNTIME_DIR': lambda s: f'/tmp/jupyter-{s.user.name}'} "
                  "on a hub), or set KernelManager.transport back to tcp")]


def configured_transport() -> tuple[str, str]:
    """``KernelManager.transport`` as the Jupyter server's config files set it, and which file."""
    from pathlib import Path

    from jupyter_core.paths import jupyter_config_path
    from traitlets.config.loader import JSONFileConfigLoader, PyFileConfigLoader

    transport, where = "tcp", "Jupyter's default"
    for folder in reversed(jupyter_config_path()):  # lowest priority first, as the server reads them
        for loader in (JSONFileConfigLoader, PyFileConfigLoader):
            name = "jupyter_server_config." + ("json" if loader is JSONFileConfigLoader else "py")
            if not (Path(folder) / name).is_file():
                continue
            try:
                config = loader(name, path=folder).load_config()
            except Exception:  # noqa: BLE001 - the server reports a broken config file itself
                continue
            if "KernelManager" in config and "transport" in config.KernelManager:
                transport, where = str(config.KernelManager.transport), str(Path(folder) / name)
    return transport, where


def check_data() -> tuple[list[Check], list]:
    """Data files against their manifest, and the size budget; also the problems found."""
    from coursekit import manifest

    problems = manifest.check()
    n_files = len(manifest.data_files())
    file_ok = not any(p.kind == "file" for p in problems)
    budget_ok = not any(p.kind == "budget" for p in problems)
    size = manifest.total_bytes()
    rows = [
        Check("data files", file_ok, f"{n_files} files checked against data/manifest.yml"),
        Check("data size", budget_ok, f"{size / 1e6:.2f} MB of {manifest.BUDGET_BYTES / 1e6:.0f} MB"),
    ]
    return rows, problems


def check_notebooks() -> list[Check]:
    from coursekit.course import load_course
    from coursekit.errors import DataError

    try:
        course = load_course()
    except DataError as exc:
        return [Check("course manifest", False, str(exc), "git checkout -- data/course.yml")]
    rows = []
    for m in course.available:
        ok = m.path.is_file()
        rows.append(Check(f"notebook {m.id}", ok, f"notebooks/{m.notebook}",
                          "" if ok else f"git checkout -- notebooks/{m.notebook}"))
    planned = len(course.modules) - len(course.available)
    rows.append(Check("course manifest", True,
                      f"{len(course.available)} modules available, {planned} planned"))
    return rows


def run() -> tuple[list[Check], list[str]]:
    """All checks; returns the table rows and one failure line each."""
    rows: list[Check] = []
    failures: list[str] = []
    rows += check_python()
    root_rows = check_root()
    rows += root_rows
    rows += check_packages()
    rows += check_pip()
    rows += check_widgets()
    rows += check_anywidget()
    rows += check_figure_cache()
    rows += check_kernel_transport()
    problems: list = []
    if all(r.ok for r in root_rows):  # without a course folder there is no data to check
        data_rows, problems = check_data()
        rows += data_rows
        rows += check_notebooks()
    for r in rows:
        if not r.ok and r.fix:
            failures.append(f"FAIL {r.name}: {r.detail}. Fix: {r.fix}")
    for p in problems:
        failures.append(f"FAIL {p.what}. Fix: {p.fix}")
    return rows, failures


def review_note() -> str:
    """One line on the content's review clock (a note: it does not fail the doctor)."""
    from coursekit import review
    from coursekit.errors import KitError

    try:
        late = len(review.overdue())
    except KitError as exc:
        return f"content review: cannot read the review dates ({exc})"
    if late:
        return f"content review: {late} item(s) overdue; run `coursekit review` for the list"
    return "content review: nothing overdue (`coursekit review`)"


def main() -> int:
    rows, failures = run()
    width = max(len(r.name) for r in rows)
    print(f"{'check'.ljust(width)}  status  detail")
    print(f"{'-' * width}  ------  {'-' * 40}")
    for r in rows:
        print(f"{r.name.ljust(width)}  {'ok' if r.ok else 'FAIL':6}  {r.detail}")
    print(f"\n{review_note()}")
    if failures:
        print()
        for line in failures:
            print(line)
        print(f"\n{len(failures)} problem(s) found.")
        return 1
    print("\nAll checks passed: the kit is ready.")
    return 0
