"""A student copy runs top to bottom before its exercises are done.

The release removes the worked answers, and with them the variables they set: module 03's
later cells used the countries and places of two exercises, so a student who had not solved
them met 7 errors in a row. Each notebook's later cells now take the kit's copy while the
exercise is open, and its checks still ask the student to do it.
"""

from __future__ import annotations

import pytest

from coursekit.course import load_course
from coursekit.instructor.release import release
from tests.conftest import REPO

MODULES = [m for m in load_course().modules if m.status == "available"]


@pytest.fixture(scope="module")
def student(tmp_path_factory):
    out = tmp_path_factory.mktemp("release") / "student"
    release(out, root=REPO)
    return out


@pytest.mark.slow
@pytest.mark.parametrize("module", MODULES, ids=lambda m: m.id)
def test_every_cell_of_a_student_copy_runs_with_the_exercises_left_open(module, student, tmp_path, monkeypatch):
    import nbformat
    from nbclient import NotebookClient

    monkeypatch.setenv("COURSEKIT_ROOT", str(student))
    monkeypatch.setenv("COURSEKIT_PROGRESS_DB", str(tmp_path / "progress.sqlite"))
    monkeypatch.setenv("COURSEKIT_FIGURE_CACHE", str(tmp_path / "figures"))
    monkeypatch.chdir(student / "notebooks")
    nb = nbformat.read(student / "notebooks" / module.notebook, as_version=4)
    NotebookClient(nb, timeout=300, kernel_name="python3", allow_errors=True,
                   resources={"metadata": {"path": str(student / "notebooks")}}).execute()
    errors = [(n, o.ename, o.evalue[:120]) for n, c in enumerate(nb.cells) for o in c.get("outputs", [])
              if o.output_type == "error"]
    assert errors == [], f"{module.notebook}: cells that fail before the exercises are done: {errors}"
