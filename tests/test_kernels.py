"""Kernels the kit starts run without ipykernel's "over TCP without encryption" warning."""

from __future__ import annotations

import subprocess
import sys

import pytest

from tests.conftest import REPO

WARNING = "without encryption"
RUN = """
import sys
import nbformat
from pathlib import Path
nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("print(6 * 7)")])
if sys.argv[1] == "kit":
    from coursekit.instructor.site import execute
    execute(nb, Path.cwd())
else:
    from nbclient import NotebookClient
    NotebookClient(nb, kernel_name="python3", resources={"metadata": {"path": "."}}).execute()
print(nb.cells[0].outputs[0]["text"].strip())
"""


def _run(which: str, tmp_path) -> subprocess.CompletedProcess:
    env = {"PATH": "/usr/bin:/bin", "PYTHONPATH": str(REPO / "src"), "HOME": str(tmp_path)}
    return subprocess.run([sys.executable, "-c", RUN, which], cwd=tmp_path, env=env, capture_output=True,
                          text=True, timeout=180)


@pytest.mark.slow
def test_the_kits_kernels_start_without_the_tcp_warning(tmp_path):
    plain = _run("plain", tmp_path)  # a kernel started the default way warns (so the check below can fail)
    assert plain.stdout.strip() == "42" and WARNING in plain.stderr
    kit = _run("kit", tmp_path)
    assert kit.returncode == 0, kit.stderr
    assert kit.stdout.strip() == "42"
    assert WARNING not in kit.stderr, kit.stderr
