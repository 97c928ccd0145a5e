"""Every module follows the course's one shape (templates/module-template.ipynb)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from coursekit.course import load_course

REPO = Path(__file__).resolve().parents[1]
TEMPLATE = REPO / "templates" / "module-template.ipynb"
#: The shape's second-level headings, in order (a heading may carry a number: "## 6. Check ...").
SHAPE = ("Learning objectives", "Context", "Check your understanding", "Reflect", "Summary", "What's next", "Sources")
#: Where a module departs from the shape, and why.
EXCEPT = {"08": {"Check your understanding": "the capstone asks for a brief and a review, under 'Submit and export'"}}


def headings(path: Path) -> list[str]:
    nb = json.loads(path.read_text(encoding="utf-8"))
    out = []
    for cell in nb["cells"]:
        if cell["cell_type"] != "markdown":
            continue
        for line in "".join(cell["source"]).splitlines():
            m = re.match(r"^## (?:[\dN]+\.\s*)?(.+)$", line.strip())
            if m:
                out.append(m.group(1).strip())
    return out


def shape_problems(path: Path, skip=()) -> list[str]:
    found = headings(path)
    problems, last = [], -1
    for want in (w for w in SHAPE if w not in skip):
        idx = next((i for i, h in enumerate(found) if h.startswith(want)), None)
        if idx is None:
            problems.append(f"no '## {want}' heading")
        elif idx < last:
            problems.append(f"'## {want}' is out of order")
        else:
            last = idx
    if not re.search(r"\*\*Time:\*\* about \d+ minutes", path.read_text(encoding="utf-8")):
        problems.append("no '**Time:** about N minutes' line")
    return problems


def test_the_template_has_the_shape():
    assert shape_problems(TEMPLATE) == []


@pytest.mark.parametrize("module", [m for m in load_course().modules if m.available], ids=lambda m: m.id)
def test_every_module_has_the_shape(module):
    problems = shape_problems(REPO / "notebooks" / module.notebook, skip=EXCEPT.get(module.id, {}))
    assert not problems, f"{module.notebook}: " + "; ".join(problems)


def test_the_check_catches_a_missing_heading(tmp_path):
    nb = json.loads(TEMPLATE.read_text(encoding="utf-8"))
    nb["cells"] = [c for c in nb["cells"] if "## Summary" not in "".join(c["source"])]
    path = tmp_path / "x.ipynb"
    path.write_text(json.dumps(nb), encoding="utf-8")
    assert shape_problems(path) == ["no '## Summary' heading"]
