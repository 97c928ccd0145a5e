"""Worked answers are out of sight in the notebooks students open, until they ask for them."""

from __future__ import annotations

import json
import re

import pytest

from coursekit.instructor.common import is_solution, is_solution_pointer
from coursekit.instructor.release import strip_notebook
from tests.conftest import REPO

NOTEBOOKS = sorted((REPO / "notebooks").glob("[0-9][0-9]_*.ipynb"))
# JupyterLab shows a collapsed cell's first line: it must name the cell, not begin the answer.
NEUTRAL_FIRST_LINE = re.compile(r"^(# Worked answer[^\n]*|\*\*Worked answer[^*\n]*\*\*)$")


def _cells(path):
    return json.loads(path.read_text(encoding="utf-8"))["cells"]


def _source(cell) -> str:
    return "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem[:2])
def test_every_worked_answer_is_collapsed_under_a_line_that_says_how_to_open_it(path):
    cells = _cells(path)
    for n, cell in enumerate(cells):
        if not is_solution(cell):
            continue
        where = f"{path.name} cell {n + 1} ({cell.get('id')})"
        hidden = cell["metadata"].get("jupyter", {})
        assert hidden.get("source_hidden") is True, f"{where}: the worked answer's source is not collapsed"
        if cell["cell_type"] == "code":
            assert hidden.get("outputs_hidden") is True, f"{where}: the worked answer's output is not collapsed"
        assert NEUTRAL_FIRST_LINE.match(_source(cell).splitlines()[0]), \
            f"{where}: its first line shows while collapsed; begin with '# Worked answer…' or '**Worked answer…**'"
        previous = cells[n - 1]
        if is_solution(previous):
            continue  # one pointer opens a run of worked answers
        assert is_solution_pointer(previous) and previous["cell_type"] == "markdown", \
            f"{where}: no visible line above it says how to open it"
        assert "click" in _source(previous).lower() and "Expand Selected Code" in _source(previous)
    for n, cell in enumerate(cells):
        if is_solution_pointer(cell):
            assert n + 1 < len(cells) and is_solution(cells[n + 1]), \
                f"{path.name} cell {n + 1}: a 'show the worked answer' line with no worked answer under it"


def test_the_modules_that_teach_with_worked_answers_all_have_them():
    with_answers = {p.stem[:2] for p in NOTEBOOKS if any(is_solution(c) for c in _cells(p))}
    assert with_answers >= {"00", "01", "02", "03", "04", "05", "06", "08"}


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem[:2])
def test_a_release_keeps_neither_the_answers_nor_the_lines_that_point_at_them(path):
    nb = json.loads(path.read_text(encoding="utf-8"))
    out, report = strip_notebook(nb, path.name)
    assert not any(is_solution(c) or is_solution_pointer(c) for c in out["cells"])
    assert report.solutions_removed == [n for n, c in enumerate(nb["cells"]) if is_solution(c)]
    assert not any("Worked answer below" in _source(c) for c in out["cells"])


def test_the_site_shows_its_own_disclosure_instead_of_the_click_line(tmp_path):
    import nbformat

    from coursekit.instructor.site import render

    nb = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_markdown_cell("Exercise: EXERCISE-MARK"),
        nbformat.v4.new_markdown_cell("POINTER-MARK click the three dots", metadata={"tags": ["solution-pointer"]}),
        nbformat.v4.new_markdown_cell("**Worked answer.**\n\nANSWER-MARK",
                                      metadata={"tags": ["solution"], "jupyter": {"source_hidden": True}}),
    ])
    page = render(nb, "sample", tmp_path)
    assert "EXERCISE-MARK" in page and "POINTER-MARK" not in page
    disclosure = re.search(r"<details class=\"ck-solution\"><summary>Show worked answer</summary>(.*?)</details>",
                           page, re.S)
    assert disclosure and "ANSWER-MARK" in disclosure.group(1)
