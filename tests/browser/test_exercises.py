"""Checked code exercises and collapsed worked answers, as a student meets them in JupyterLab."""

from __future__ import annotations

import json
import re
import sqlite3
import time

import pytest
from playwright.sync_api import expect

from coursekit.instructor.common import is_solution
from tests.browser.conftest import REPO

NOTEBOOKS = sorted((REPO / "notebooks").glob("[0-9][0-9]_*.ipynb"))
STARTER = "# your code: read `path` with gpd.read_file"


def _source(cell) -> str:
    return "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]


def wait_for_kernel(page) -> None:
    page.locator(".jp-StatusBar-Widget").get_by_text(re.compile(r"^(?!No Kernel).* \| Idle$")).wait_for(
        timeout=120_000)


def replace_and_run(page, cell, code: str) -> None:
    """Replace a code cell's text as a student would (select all, type), then Shift+Enter."""
    editor = cell.locator(".cm-content")
    editor.click()
    page.keyboard.press("Control+a")
    page.keyboard.insert_text(code)
    page.keyboard.press("Shift+Enter")


def test_a_code_exercise_answered_wrongly_then_rightly(lab, page):
    path = REPO / "notebooks" / "03_mapping_the_region.ipynb"
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    index = next(n for n, c in enumerate(cells) if STARTER in _source(c))
    page.goto(lab.notebook_url(path.name))
    wait_for_kernel(page)
    cell = page.locator(".jp-Notebook .jp-Cell").nth(index)  # by position: its text is about to change
    cell.scroll_into_view_if_needed()
    expect(cell.locator(".cm-content")).to_contain_text("countries = ...", timeout=15_000)  # rendered lazily
    starter = cell.locator(".cm-content").inner_text()
    assert "countries = ..." in starter

    wrong = starter.replace("countries = ...  " + STARTER, "countries = gpd.read_file(path).head(5)")
    replace_and_run(page, cell, wrong)
    output = cell.locator(".jp-OutputArea-output")
    output.get_by_text("Partly correct: 4 of 5 checks passed").wait_for(timeout=60_000)
    text = output.inner_text()
    assert "✗ not yet: it has 5 rows, too few: look at the step that chooses the rows" in text
    assert "Hint:" in text and "Saved with your progress." in text

    right = starter.replace("countries = ...  " + STARTER, "countries = gpd.read_file(path)")
    replace_and_run(page, cell, right)
    output.get_by_text("Correct: 5 of 5 checks passed").wait_for(timeout=60_000)
    text = output.inner_text()
    assert "✗" not in text and "Why it matters:" in text

    with sqlite3.connect(lab.base / "progress.sqlite") as con:
        rows = con.execute("SELECT score, answer FROM events WHERE module='03' AND question_id='read-countries' "
                           "ORDER BY id").fetchall()
    assert [r[0] for r in rows[-2:]] == [0.8, 1.0]
    assert json.loads(rows[-1][1])["observed"]["rows"] == 66


def _snippet(cell, elsewhere: str) -> str:
    """Text of the worked answer's body, as the page would show it, found in no other cell."""
    lines = [x.strip() for x in _source(cell).splitlines()[1:] if x.strip()]
    if cell["cell_type"] == "code":
        candidates = [x for x in lines if len(x) > 12]
    else:
        candidates = sorted(re.findall(r"[A-Za-z][A-Za-z ,']{24,}[A-Za-z]", "\n".join(lines)), key=len, reverse=True)
    return next(x[:40] for x in candidates if x[:40] not in elsewhere)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem[:2])
def test_no_worked_answer_is_visible_until_opened(lab, page, path):
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    elsewhere = "\n".join(_source(c) for c in cells if not is_solution(c))
    solutions = [(n, _snippet(c, elsewhere)) for n, c in enumerate(cells) if is_solution(c)]
    if not solutions:
        pytest.skip(f"{path.name} has no worked answers")
    page.goto(lab.notebook_url(path.name))
    page.locator(".jp-Notebook .jp-Cell").nth(len(cells) - 1).wait_for(state="attached", timeout=120_000)
    rendered = page.locator(".jp-Notebook .jp-Cell")
    assert rendered.count() == len(cells)
    for n, snippet in solutions:
        cell = rendered.nth(n)
        cell.scroll_into_view_if_needed()
        placeholder = cell.locator(".jp-InputPlaceholder")
        placeholder.wait_for(state="visible", timeout=15_000)
        shown = placeholder.inner_text().strip()
        assert shown == "" or shown.lstrip("#* ").startswith("Worked answer"), f"cell {n + 1} shows {shown!r}"
        assert page.get_by_text(snippet, exact=False).filter(visible=True).count() == 0, \
            f"cell {n + 1}'s worked answer is visible before it is opened: {snippet!r}"
        if not is_solution(cells[n - 1]):  # the line above says how to open it
            # JupyterLab renders cells lazily: the one above may still be empty until it is in view.
            above = rendered.nth(n - 1)
            above.scroll_into_view_if_needed()
            expect(above).to_contain_text("click the three dots", timeout=15_000)
    # The pointer's instruction works: clicking the dots shows the worked answer.
    n, snippet = solutions[0]
    cell = rendered.nth(n)
    cell.scroll_into_view_if_needed()
    cell.locator(".jp-InputPlaceholder").click()
    deadline = time.monotonic() + 15
    while cell.get_by_text(snippet, exact=False).filter(visible=True).count() == 0:
        assert time.monotonic() < deadline, "clicking the dots did not show the worked answer"
        time.sleep(0.2)
