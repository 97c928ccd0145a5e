"""Stated minutes follow the timing model (coursekit.timing), and every place that states them agrees."""

from __future__ import annotations

import json
import re

import pytest

from coursekit.course import load_course
from coursekit.paths import notebooks_dir
from coursekit.timing import MINUTES, WORDS_PER_MINUTE, estimate

MODULES = [m for m in load_course().modules if m.status == "available"]


@pytest.mark.parametrize("module", MODULES, ids=lambda m: m.id)
def test_stated_minutes_are_within_20_percent_of_the_model(module):
    e = estimate(notebooks_dir() / module.notebook, module.id)
    assert 0.8 * e.minutes <= module.minutes <= 1.2 * e.minutes, (
        f"module {module.id} says {module.minutes} minutes; the model gives {e.minutes:.0f} ({e}). "
        f"Fix: set minutes to about {e.rounded} in data/course.yml and the notebook's header, or split the module.")


@pytest.mark.parametrize("module", MODULES, ids=lambda m: m.id)
def test_the_notebook_header_states_the_same_minutes(module):
    cells = json.loads((notebooks_dir() / module.notebook).read_text(encoding="utf-8"))["cells"]
    header = "".join(cells[0]["source"])
    stated = re.search(r"\*\*Time:\*\* about (\d+) minutes", header)
    assert stated and int(stated.group(1)) == module.minutes


def test_the_model_counts_what_a_student_does(tmp_path):
    def cell(kind, text, tags=()):
        return {"cell_type": kind, "metadata": {"tags": list(tags)}, "source": text, **(
            {"outputs": [], "execution_count": None} if kind == "code" else {})}

    nb = {"cells": [
        cell("markdown", " ".join(["word"] * 400)),  # 2 minutes of reading
        cell("code", 'x = ...\ncheck("03/read-countries", x)'),  # a checked exercise
        cell("code", 'x = gpd.read_file(path)\ncheck("03/read-countries", x, save=False)', ["solution"]),
        cell("markdown", "Worked answer below", ["solution-pointer"]),
        cell("code", 'my = {"A": "?"}'),  # an open exercise
        cell("code", "year = 2004  # Try it: 1999\nshow(fig)"),  # a Try it with a figure
        cell("markdown", "## 9. Reflect\n\nThink."),
    ], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}
    path = tmp_path / "nb.ipynb"
    path.write_text(json.dumps(nb), encoding="utf-8")
    e = estimate(path)
    assert (e.checked, e.open, e.try_it, e.figures, e.code, e.reflect_sections) == (1, 1, 1, 1, 0, 1)
    words = 400 + 4
    assert e.minutes == pytest.approx(words / WORDS_PER_MINUTE + MINUTES["checked"] + MINUTES["open"]
                                      + MINUTES["try_it"] + MINUTES["figure"] + MINUTES["reflect"])


def test_the_one_week_plan_fits_its_sessions_and_covers_every_module():
    """Each 90-minute session holds 90 minutes; each module's class and homework minutes add up
    to what data/course.yml states (the plan once put 105-120 minutes of solo work in a session)."""
    from coursekit.paths import root

    guide = (root() / "docs" / "instructor-guide.md").read_text(encoding="utf-8")
    section = guide.split("### A one-week unit", 1)[1].split("\n### ", 1)[0]
    rows = [line for line in section.splitlines() if re.match(r"\| \d \|", line)]
    assert len(rows) == 5, "five days"
    item = re.compile(r"(\d\d|discussion) · (\d+)(?: of (\d+))? min")
    per_module: dict[str, int] = {}
    for row in rows:
        _, day, in_class, homework, _ = row.split("|")
        session = item.findall(in_class)
        assert sum(int(m) for _, m, _ in session) == 90, f"day {day.strip()} holds 90 minutes"
        for name, minutes, total in session + item.findall(homework):
            if name != "discussion":
                per_module[name] = per_module.get(name, 0) + int(minutes)
                stated = {m.id: m.minutes for m in MODULES}[name]
                assert not total or int(total) == stated, f"module {name} is {stated} minutes, not {total}"
    assert per_module == {m.id: m.minutes for m in MODULES}


def test_the_instructor_guide_states_the_same_minutes_in_its_table_and_headings():
    """The guide's at-a-glance table once gave 60 minutes for module 03, where data/course.yml,
    `coursekit list` and the guide's own heading gave 130."""
    from coursekit.paths import root

    guide = (root() / "docs" / "instructor-guide.md").read_text(encoding="utf-8")
    table = {m.group(1): int(m.group(2)) for m in re.finditer(r"^\| (\d\d) \| [^|]+ \| (\d+) \|", guide, re.M)}
    headings = {m.group(1): int(m.group(2)) for m in re.finditer(r"^### (\d\d) · .+ \((\d+) min\)$", guide, re.M)}
    stated = {m.id: m.minutes for m in MODULES}
    assert table == stated and headings == stated
