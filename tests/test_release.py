"""coursekit release: solutions and assessed keys stay out, everything else ships unchanged."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from coursekit.cli import main
from coursekit.errors import DataError
from coursekit.instructor.common import InstructorError, is_solution
from coursekit.instructor.release import MARKER, PLACEHOLDER_TAG, release, strip_notebook
from tests.conftest import REPO, use_course

FIXTURE = REPO / "tests" / "data" / "instructor" / "course"
ASSESSED_SECRETS = ("Zebra-quartz", "4271")  # in keys/02.yml only (explanations, feedback, the number)
SOLUTION_MARKS = ("SOLUTION-CODE-MARK", "SOLUTION-TEXT-MARK", "SOLUTION-SECOND-MARK", "SOLUTION-ASSESSED-MARK")


@pytest.fixture
def course(tmp_path) -> Path:
    root = tmp_path / "course"
    shutil.copytree(FIXTURE, root)
    return root


def _nb(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def _source(cell: dict) -> str:
    src = cell.get("source", "")
    return src if isinstance(src, str) else "".join(src)


def _tree_text(folder: Path) -> dict[str, str]:
    return {p.relative_to(folder).as_posix(): p.read_bytes().decode("utf-8", errors="replace")
            for p in sorted(folder.rglob("*")) if p.is_file()}


def test_release_removes_every_solution_cell_and_no_other(course, tmp_path):
    report = release(tmp_path / "student", root=course)
    for name in ("01_sample.ipynb", "02_assessed.ipynb"):
        src = _nb(course / "notebooks" / name)
        out = _nb(tmp_path / "student" / "notebooks" / name)
        kept = [(c["cell_type"], _source(c)) for c in src["cells"] if not is_solution(c)]
        shipped = [(c["cell_type"], _source(c)) for c in out["cells"]
                   if PLACEHOLDER_TAG not in (c.get("metadata", {}).get("tags") or [])]
        assert shipped == kept, name
        assert not any(is_solution(c) for c in out["cells"])
        for cell in out["cells"]:
            if cell["cell_type"] == "code":
                assert cell["outputs"] == [] and cell["execution_count"] is None
        assert "widgets" not in out["metadata"]
        assert out["metadata"]["kernelspec"] == src["metadata"]["kernelspec"]
    by_name = {r.name: r for r in report.notebooks}
    # 01: cells 4 and 5 (code + markdown, tags "Solution" in any case) and 11; 02: cell 2
    assert by_name["01_sample.ipynb"].solutions_removed == [4, 5, 11]
    assert by_name["01_sample.ipynb"].placeholders == 2  # one per run of adjacent solution cells
    assert by_name["02_assessed.ipynb"].solutions_removed == [2]
    sample = _nb(tmp_path / "student" / "notebooks" / "01_sample.ipynb")["cells"]
    assert PLACEHOLDER_TAG in sample[4]["metadata"]["tags"]  # right after the exercise cell
    assert _source(sample[3]) == "answer = None"
    # cells whose tags merely look alike are kept
    sources = [_source(c) for c in sample]
    assert 'print("kept")' in sources and "y = 1" in sources
    assert any("tagged `solutions`" in s for s in sources)
    text = "\n".join(_tree_text(tmp_path / "student").values())
    for mark in SOLUTION_MARKS:
        assert mark not in text
    assert "SOLUTION" in _tree_text(course)["notebooks/01_sample.ipynb"]  # the source is untouched


def test_assessed_keys_are_absent_and_formative_keys_ship(course, tmp_path):
    report = release(tmp_path / "student", root=course)
    out = tmp_path / "student"
    assert not (out / "data" / "quizzes" / "keys" / "02.yml").exists()
    assert (out / "data" / "quizzes" / "02.yml").read_bytes() == (course / "data/quizzes/02.yml").read_bytes()
    assert (out / "data/quizzes/keys/01.yml").read_bytes() == (course / "data/quizzes/keys/01.yml").read_bytes()
    for rel, text in _tree_text(out).items():
        for secret in ASSESSED_SECRETS:
            assert secret not in text, f"{secret!r} leaked into {rel}"
    assert report.keys_withheld == ["data/quizzes/keys/02.yml"]
    assert report.keys_copied == ["data/quizzes/keys/01.yml"]
    key_text = (course / "data/quizzes/keys/02.yml").read_text(encoding="utf-8")
    assert all(secret in key_text for secret in ASSESSED_SECRETS)  # so the search above can fail


def test_release_ships_the_rest_and_a_readme(course, tmp_path):
    (course / "docs").mkdir(exist_ok=True)
    (course / "docs" / "glossary.md").write_text("# Glossary\n", encoding="utf-8")  # the notebooks link to it
    (course / "docs" / "instructor-guide.md").write_text("# Instructor guide\n", encoding="utf-8")
    report = release(tmp_path / "student", root=course)
    out = tmp_path / "student"
    assert (out / "notebooks/images/pixel.png").read_bytes() == (course / "notebooks/images/pixel.png").read_bytes()
    assert not (out / "notebooks" / "scratch.ipynb").exists()
    assert any("scratch.ipynb" in x for x in report.left_out)
    assert (out / "data/course.yml").read_bytes() == (course / "data/course.yml").read_bytes()
    readme = (out / "README.md").read_text(encoding="utf-8")
    assert "01_sample.ipynb" in readme and "coursekit progress export" in readme
    assert not (out / "src").exists()
    assert (out / "docs" / "glossary.md").read_text(encoding="utf-8") == "# Glossary\n"
    assert not (out / "docs" / "instructor-guide.md").exists()


def test_release_is_deterministic(course, tmp_path):
    release(tmp_path / "a", root=course)
    release(tmp_path / "b", root=course)
    first = {p.relative_to(tmp_path / "a"): p.read_bytes() for p in (tmp_path / "a").rglob("*") if p.is_file()}
    second = {p.relative_to(tmp_path / "b"): p.read_bytes() for p in (tmp_path / "b").rglob("*") if p.is_file()}
    assert first == second
    release(tmp_path / "a", root=course)  # re-running into the same folder replaces it
    again = {p.relative_to(tmp_path / "a"): p.read_bytes() for p in (tmp_path / "a").rglob("*") if p.is_file()}
    assert again == first


def test_a_subset_release_marks_the_rest_planned_and_keeps_doctor_happy(course, tmp_path):
    from coursekit import manifest
    from coursekit.course import load_course

    manifest.write(course / "data")
    release(tmp_path / "student", modules=["01"], root=course)
    out = tmp_path / "student"
    assert [m.id for m in load_course(out / "data/course.yml").available] == ["01"]
    assert "# A small course" in (out / "data/course.yml").read_text(encoding="utf-8")  # comments kept
    assert not (out / "notebooks/02_assessed.ipynb").exists()
    assert not (out / "data/quizzes/02.yml").exists()
    assert manifest.check(out / "data") == []  # the manifest describes what ships


@pytest.mark.parametrize("where", ["root", "inside-notebooks", "inside-data", "parent"])
def test_release_refuses_to_write_into_the_source_tree(course, where):
    target = {"root": course, "inside-notebooks": course / "notebooks" / "student",
              "inside-data": course / "data", "parent": course.parent}[where]
    before = _tree_text(course)
    with pytest.raises(InstructorError, match="Fix:"):
        release(target, root=course)
    assert _tree_text(course) == before


def test_release_refuses_a_non_empty_folder_it_did_not_write(course, tmp_path):
    target = tmp_path / "mine"
    target.mkdir()
    (target / "thesis.txt").write_text("keep me", encoding="utf-8")
    with pytest.raises(InstructorError, match="not empty"):
        release(target, root=course)
    assert (target / "thesis.txt").read_text(encoding="utf-8") == "keep me"
    release(tmp_path / "ok", root=course)
    assert (tmp_path / "ok" / MARKER).is_file()


def test_module_selection_errors_name_the_fix(course, tmp_path):
    with pytest.raises(InstructorError, match="planned"):
        release(tmp_path / "s", modules=["03"], root=course)
    with pytest.raises(InstructorError, match="no module '09'"):
        release(tmp_path / "s", modules=["09"], root=course)


def test_strip_notebook_handles_hand_edited_cells():
    nb = {"nbformat": 4, "nbformat_minor": 4, "metadata": {}, "cells": [
        {"cell_type": "markdown", "source": "no metadata at all"},
        {"cell_type": "code", "metadata": None, "source": "x = 1", "outputs": [{"output_type": "stream"}],
         "execution_count": 7},
        {"cell_type": "code", "metadata": {"tags": "solution"}, "source": "x = 2", "outputs": [],
         "execution_count": None},
        {"cell_type": "markdown", "metadata": {"tags": [None, 3, "SOLUTION "]}, "source": "answer"},
        {"cell_type": "raw", "metadata": {"tags": []}, "source": "raw text"},
    ]}
    out, report = strip_notebook(nb, "hand.ipynb")
    assert [c["cell_type"] for c in out["cells"]] == ["markdown", "code", "markdown", "raw"]
    assert report.solutions_removed == [2, 3] and report.placeholders == 1
    assert out["cells"][1]["outputs"] == [] and out["cells"][1]["execution_count"] is None
    assert "id" not in out["cells"][2]  # nbformat 4.4: no cell ids invented
    assert nb["cells"][1]["execution_count"] == 7  # the input is not modified


def test_placeholder_ids_are_unique_and_stable():
    cells = [{"id": "your-turn-1", "cell_type": "markdown", "metadata": {}, "source": "a"},
             {"id": "s1", "cell_type": "markdown", "metadata": {"tags": ["solution"]}, "source": "b"}]
    nb = {"nbformat": 4, "nbformat_minor": 5, "metadata": {}, "cells": cells}
    out1, _ = strip_notebook(nb)
    out2, _ = strip_notebook(nb)
    ids = [c["id"] for c in out1["cells"]]
    assert len(set(ids)) == len(ids) and out1 == out2


def test_a_broken_notebook_is_named_and_the_run_after_the_fix_replaces_the_folder(course, tmp_path):
    good = (course / "notebooks" / "01_sample.ipynb").read_text(encoding="utf-8")
    (course / "notebooks" / "01_sample.ipynb").write_text("{not json", encoding="utf-8")
    with pytest.raises(DataError, match="01_sample.ipynb"):
        release(tmp_path / "student", root=course)
    assert "unfinished" in (tmp_path / "student" / MARKER).read_text(encoding="utf-8")
    (course / "notebooks" / "01_sample.ipynb").write_text(good, encoding="utf-8")
    release(tmp_path / "student", root=course)  # not refused as "not written by this command"
    assert (tmp_path / "student" / "notebooks" / "01_sample.ipynb").is_file()
    assert "unfinished" not in (tmp_path / "student" / MARKER).read_text(encoding="utf-8")


def test_cli_release(course, tmp_path, monkeypatch, capsys):
    use_course(monkeypatch, course)
    assert main(["release", "--out", str(tmp_path / "student"), "--modules", "1,2"]) == 0
    printed = capsys.readouterr().out
    assert "01_sample.ipynb: 3 solution cell(s) removed" in printed
    assert "assessed keys withheld: data/quizzes/keys/02.yml" in printed
    assert main(["release", "--out", str(course / "notebooks")]) == 2
    assert "inside the course's notebooks/ folder" in capsys.readouterr().err
