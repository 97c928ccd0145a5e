"""The course a kernel reads is the one it runs in: working directory, then COURSEKIT_ROOT, then the kit's own copy."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

from coursekit import paths
from tests.conftest import REPO


def _course(folder: Path, title: str) -> Path:
    """A minimal course: data/course.yml (with a recognisable title) and notebooks/."""
    (folder / "data").mkdir(parents=True)
    (folder / "notebooks").mkdir()
    text = (REPO / "data" / "course.yml").read_text(encoding="utf-8")
    first = next(line for line in text.splitlines() if line.startswith("title:"))
    (folder / "data" / "course.yml").write_text(text.replace(first, f"title: {title}", 1), encoding="utf-8")
    return folder


def test_the_working_directory_wins_over_coursekit_root(tmp_path, monkeypatch):
    pulled = _course(tmp_path / "home" / "belarus-course", "Pulled copy")
    image = _course(tmp_path / "image", "Image copy")
    monkeypatch.setenv("COURSEKIT_ROOT", str(image))
    monkeypatch.chdir(pulled / "notebooks")  # where a kernel opened on a notebook starts
    where, why = paths.locate()
    assert where == pulled.resolve() and "working directory" in why
    assert paths.data_file("course.yml") == pulled.resolve() / "data" / "course.yml"


def test_coursekit_root_is_used_outside_any_course(tmp_path, monkeypatch):
    image = _course(tmp_path / "image", "Image copy")
    (tmp_path / "elsewhere").mkdir()
    monkeypatch.setenv("COURSEKIT_ROOT", str(image))
    monkeypatch.chdir(tmp_path / "elsewhere")
    where, why = paths.locate()
    assert where == image.resolve() and "COURSEKIT_ROOT" in why


def test_the_installed_copy_comes_last(tmp_path, monkeypatch):
    monkeypatch.delenv("COURSEKIT_ROOT", raising=False)
    monkeypatch.chdir(tmp_path)
    where, why = paths.locate()
    assert where == Path(paths.__file__).resolve().parents[2] and "installed" in why


def test_a_kernel_in_the_pulled_copy_reads_its_edited_data(tmp_path):
    """Two copies of the course: a process started in one reads that one, whatever COURSEKIT_ROOT says."""
    pulled = tmp_path / "pulled"
    shutil.copytree(REPO / "data", pulled / "data")
    (pulled / "notebooks").mkdir()
    course_yml = pulled / "data" / "course.yml"
    text = course_yml.read_text(encoding="utf-8")
    first = next(line for line in text.splitlines() if line.startswith("title:"))
    course_yml.write_text(text.replace(first, "title: Edited after the pull", 1), encoding="utf-8")
    code = "from coursekit.course import load_course; print(load_course().title)"
    env = {"PATH": "/usr/bin:/bin", "COURSEKIT_ROOT": str(REPO), "PYTHONPATH": str(REPO / "src")}
    out = subprocess.run([sys.executable, "-c", code], cwd=pulled / "notebooks", env=env,
                         capture_output=True, text=True, check=True).stdout
    assert out.strip() == "Edited after the pull"
    out = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, env=env,
                         capture_output=True, text=True, check=True).stdout
    assert out.strip() != "Edited after the pull"  # outside it, COURSEKIT_ROOT (the checkout) is read
