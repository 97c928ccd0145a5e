"""Notebooks stored clean, all of them in the manifest and run by nbval; a light import."""

import json
import re
import subprocess
import sys

import pytest

from coursekit.course import load_course
from tests.conftest import REPO

NOTEBOOKS = sorted(p for p in (REPO / "notebooks").rglob("*.ipynb")
                   if ".ipynb_checkpoints" not in p.parts)


def test_there_are_notebooks():
    assert NOTEBOOKS


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_is_stored_clean(path):
    nb = json.loads(path.read_text(encoding="utf-8"))
    for n, cell in enumerate(nb["cells"]):
        if cell["cell_type"] == "code":
            assert not cell.get("outputs"), f"{path.name} cell {n} has outputs: clear them"
            assert cell.get("execution_count") is None, f"{path.name} cell {n} has a count"
    assert nb["metadata"].get("kernelspec", {}).get("name") == "python3"


def test_every_notebook_is_in_the_manifest():
    listed = {m.notebook for m in load_course().available}
    top_level = {p.name for p in NOTEBOOKS if p.parent == REPO / "notebooks"}
    assert top_level == listed, "notebooks/ and data/course.yml disagree (status: available)"


@pytest.mark.slow
def test_nbval_collects_every_notebook():
    out = subprocess.run(
        [sys.executable, "-m", "pytest", "--collect-only", "-q", "--nbval-lax",
         "--nbval-current-env", "-p", "no:cacheprovider", "notebooks"],
        cwd=REPO, capture_output=True, text=True,
    ).stdout
    for path in NOTEBOOKS:
        rel = path.relative_to(REPO).as_posix()
        assert f"{rel}::Cell 0" in out, f"nbval does not collect {rel}:\n{out[-2000:]}"


def test_import_coursekit_is_light():
    code = (
        "import sys, coursekit, coursekit.cli, coursekit.course, coursekit.sources, "
        "coursekit.essay, coursekit.doctor, coursekit.manifest\n"
        "heavy = [m for m in ('geopandas', 'matplotlib', 'ipywidgets', 'shapely', 'pandas', "
        "'anywidget') if m in sys.modules]\n"
        "print(','.join(heavy))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "", f"import coursekit pulled in: {out.stdout.strip()}"


CITATION = re.compile(r"\[([a-z0-9][a-z0-9-]*-[a-z0-9-]+(?:;\s*[a-z0-9][a-z0-9-]*-[a-z0-9-]+)*)\](?!\()")


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_every_citation_in_a_notebook_resolves(path):
    """[source-id; other-id] in Markdown must resolve in data/sources.yml; every notebook renders its Sources."""
    from coursekit.sources import load_sources

    known = load_sources()
    nb = json.loads(path.read_text(encoding="utf-8"))
    cited = {sid for c in nb["cells"] if c["cell_type"] == "markdown"
             for m in CITATION.finditer("".join(c["source"])) for sid in re.split(r";\s*", m.group(1))}
    unknown = sorted(cited - set(known))
    assert not unknown, f"{path.name} cites ids that are not in data/sources.yml: {unknown}"
    code = "".join("".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "code")
    assert "render_sources(" in code, f"{path.name} has no Sources section (render_sources)"
