"""Real-browser tests: JupyterLab 4 + the kit's widgets in Debian's Chromium, driven by Playwright.

Run locally: `make test` runs them when Chromium is installed (`apt-get install chromium`);
on their own: `.venv/bin/python -m pytest tests/browser`. Browsers are never downloaded:
Playwright launches /usr/bin/chromium (override with $CHROMIUM). Screenshots and console
logs of failures land in build/browser/.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
ARTIFACTS = REPO / "build" / "browser"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 "--disable-dev-shm-usage"]
WIDGET_EXT = "@jupyter-widgets/jupyterlab-manager"
_SKIPPED: list[str] = []


def chromium_missing() -> str | None:
    if not Path(CHROMIUM).exists():
        return f"no Chromium at {CHROMIUM} (install it: apt-get install chromium)"
    try:
        import playwright  # noqa: F401
    except ImportError:
        return "playwright is not installed (make install)"
    return None


def pytest_collection_modifyitems(config, items):
    reason = chromium_missing()
    if not reason:
        return
    marker = pytest.mark.skip(reason=reason)
    for item in items:
        if "tests/browser" in str(item.fspath).replace(os.sep, "/"):
            item.add_marker(marker)
            _SKIPPED.append(item.nodeid)


def pytest_terminal_summary(terminalreporter):
    if _SKIPPED:
        terminalreporter.write_line(
            f"BROWSER TESTS SKIPPED ({len(_SKIPPED)}): {chromium_missing()}. "
            "They prove the widgets render in a real browser; CI always runs them.",
            yellow=True, bold=True)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Lab:
    """A JupyterLab server on 127.0.0.1 with a random port and token, isolated from ~."""

    def __init__(self, base: Path, *, disable_widgets: bool = False) -> None:
        self.base = base
        self.root = base / "course"
        shutil.copytree(REPO / "data", self.root / "data")
        shutil.copytree(REPO / "notebooks", self.root / "notebooks",
                        ignore=shutil.ignore_patterns(".ipynb_checkpoints"))
        dirs = {name: base / name for name in ("config", "data-dir", "runtime", "settings", "workspaces")}
        for d in dirs.values():
            d.mkdir(parents=True, exist_ok=True)
        news = dirs["settings"] / "@jupyterlab" / "apputils-extension"
        news.mkdir(parents=True)
        (news / "notification.jupyterlab-settings").write_text(
            json.dumps({"fetchNews": "false", "checkForUpdates": False}))
        if disable_widgets:  # the broken setup the tests must catch
            (dirs["config"] / "labconfig").mkdir()
            (dirs["config"] / "labconfig" / "page_config.json").write_text(
                json.dumps({"disabledExtensions": {WIDGET_EXT: True}}))
        self.port = _free_port()
        self.token = secrets.token_hex(16)
        env = dict(os.environ,
                   JUPYTER_CONFIG_DIR=str(dirs["config"]), JUPYTER_RUNTIME_DIR=str(dirs["runtime"]),
                   JUPYTERLAB_SETTINGS_DIR=str(dirs["settings"]),
                   JUPYTERLAB_WORKSPACES_DIR=str(dirs["workspaces"]),
                   COURSEKIT_ROOT=str(self.root), COURSEKIT_PROGRESS_DB=str(base / "progress.sqlite"),
                   COURSEKIT_LEARNER="browser-test")
        cmd = [str(Path(sys.executable).parent / "jupyter"), "lab", "--no-browser",
               f"--port={self.port}", "--ip=127.0.0.1", "--ServerApp.port_retries=0",
               f"--IdentityProvider.token={self.token}", f"--ServerApp.root_dir={self.root}"]
        if os.geteuid() == 0:
            cmd.append("--allow-root")
        self.log_path = base / "server.log"
        self._log = open(self.log_path, "w")
        self.proc = subprocess.Popen(cmd, env=env, stdout=self._log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 90
        while True:
            if self.proc.poll() is not None:
                raise RuntimeError(f"JupyterLab exited:\n{self.log_path.read_text()[-3000:]}")
            try:
                urllib.request.urlopen(f"{self.url}/api/status?token={self.token}", timeout=2).read()
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise RuntimeError("JupyterLab did not start in 90 s") from None
                time.sleep(0.5)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def notebook_url(self, notebook: str) -> str:
        """A private copy of the notebook, in a fresh workspace (no reattached kernels)."""
        src = self.root / "notebooks" / notebook
        copy = src.with_name(f"{src.stem}-{secrets.token_hex(3)}.ipynb")
        shutil.copy(src, copy)
        return (f"{self.url}/lab/workspaces/t{secrets.token_hex(4)}/tree/notebooks/{copy.name}"
                f"?token={self.token}")

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(15)
        except subprocess.TimeoutExpired:
            self.proc.kill()
        self._log.close()


@pytest.fixture(scope="session")
def lab(tmp_path_factory):
    server = Lab(tmp_path_factory.mktemp("lab"))
    yield server
    server.stop()


@pytest.fixture(scope="session")
def broken_lab(tmp_path_factory):
    server = Lab(tmp_path_factory.mktemp("broken-lab"), disable_widgets=True)
    yield server
    server.stop()


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield b
        b.close()


@pytest.fixture
def page(browser, request):
    context = browser.new_context(viewport={"width": 1280, "height": 1000})
    pg = context.new_page()
    logs: list[str] = []
    pg.on("console", lambda m: logs.append(f"[{m.type}] {m.text}"))
    pg.on("pageerror", lambda e: logs.append(f"[pageerror] {e}"))
    yield pg
    failed = getattr(request.node, "rep_call", None)
    if failed is not None and failed.failed:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        name = re.sub(r"[^A-Za-z0-9_.-]+", "_", request.node.nodeid)
        try:
            pg.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)
        except Exception as exc:  # noqa: BLE001 - keep the original failure
            logs.append(f"[screenshot failed] {exc}")
        (ARTIFACTS / f"{name}.console.log").write_text("\n".join(logs), encoding="utf-8")
    context.close()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    rep = outcome.get_result()
    setattr(item, f"rep_{rep.when}", rep)


def open_and_run_all(page, url: str) -> None:
    """Open a notebook, wait until the kernel is really idle, then Run → Run All Cells."""
    page.goto(url)
    # The execution indicator reads "idle" before the kernel is connected: wait for the status bar.
    page.locator(".jp-StatusBar-Widget").get_by_text(re.compile(r"^(?!No Kernel).* \| Idle$")).wait_for(
        timeout=120_000)
    page.get_by_role("menuitem", name="Run", exact=True).click()
    page.get_by_role("menuitem", name="Run All Cells", exact=True).click()


def wait_until_done(page, timeout_s: float = 180) -> None:
    """Wait until no code cell is queued or running ([*])."""
    deadline = time.monotonic() + timeout_s
    time.sleep(1.0)
    while time.monotonic() < deadline:
        busy = page.locator(".jp-InputArea-prompt").filter(has_text="[*]").count()
        idle = page.locator(".jp-StatusBar-Widget").get_by_text(re.compile(r" \| Idle$")).count()
        if busy == 0 and idle:
            return
        time.sleep(0.5)
    raise AssertionError("the notebook did not finish running")
