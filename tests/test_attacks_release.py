"""A hurried instructor's stray key copies never ship, and links refuse a repository with keys."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from coursekit.cli import main
from coursekit.instructor.common import InstructorError
from coursekit.instructor.links import links_table
from coursekit.instructor.release import release
from tests.conftest import REPO, use_course

FIXTURE = REPO / "tests" / "data" / "instructor" / "course"
HUB = "https://hub.example.edu"
REPO_URL = "https://github.com/example-org/belarus-course"
SECRET = "Zebra-quartz"  # only in the assessed key keys/02.yml
STRAYS = ("data/quizzes/keys/02.yml~", "data/quizzes/02.yml.bak", "data/quizzes/keys/old/02.yml",
          "data/quizzes/keys-backup/02.yml", "notebooks/answers-02.yml", "data/extra/answers.yml")


@pytest.fixture
def course(tmp_path) -> Path:
    root = tmp_path / "course"
    shutil.copytree(FIXTURE, root)
    key = (root / "data/quizzes/keys/02.yml").read_text(encoding="utf-8")
    assert SECRET in key
    for rel in STRAYS:
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(key, encoding="utf-8")
    return root


def _all_text(folder: Path) -> str:
    return "\n".join(p.read_bytes().decode("utf-8", "replace") for p in folder.rglob("*") if p.is_file())


@pytest.mark.parametrize("with_manifest", [False, True], ids=["no-manifest", "manifest-names-the-strays"])
def test_stray_key_copies_are_held_back_and_listed(course, tmp_path, with_manifest):
    if with_manifest:
        from coursekit import manifest

        manifest.write(course / "data")  # even a manifest that names the strays does not ship them
    report = release(tmp_path / "student", root=course)
    out = tmp_path / "student"
    assert SECRET not in _all_text(out)
    for rel in STRAYS:
        assert not (out / rel).exists(), rel
        assert any(x.startswith(rel + " (") for x in report.left_out), (rel, report.left_out)
    summary = report.summary()
    for rel in STRAYS:
        assert rel in summary
    assert (out / "notebooks/images/pixel.png").is_file() and (out / "data/quizzes/keys/01.yml").is_file()


def test_only_files_the_data_manifest_names_ship(course, tmp_path):
    from coursekit import manifest

    manifest.write(course / "data")
    (course / "data" / "notes-for-me.txt").write_text("grading notes", encoding="utf-8")
    report = release(tmp_path / "student", root=course)
    assert not (tmp_path / "student/data/notes-for-me.txt").exists()
    assert "data/notes-for-me.txt (not named in data/manifest.yml)" in report.left_out
    assert (tmp_path / "student/data/sources.yml").is_file()


def test_links_refuse_a_course_with_an_assessed_key(course):
    with pytest.raises(InstructorError) as info:
        links_table(HUB, REPO_URL, root=course)
    text = str(info.value)
    assert "data/quizzes/keys/02.yml" in text and "--private-repo" in text and "coursekit release" in text


def test_links_find_a_renamed_copy_too(course):
    (course / "data/quizzes/keys/02.yml").unlink()
    for rel in STRAYS[1:]:
        (course / rel).unlink()
    with pytest.raises(InstructorError, match=r"keys/02\.yml~"):
        links_table(HUB, REPO_URL, root=course)


def test_links_work_on_a_student_release_and_with_the_override(course, tmp_path, capsys):
    release(tmp_path / "student", root=course)
    assert "| 02 |" in links_table(HUB, REPO_URL, root=tmp_path / "student")
    assert "| 02 |" in links_table(HUB, REPO_URL, root=course, private_repo=True)


def test_cli_links_refuses_and_names_the_override(course, monkeypatch, capsys):
    use_course(monkeypatch, course)
    assert main(["links", "--hub", HUB, "--repo", REPO_URL]) == 2
    assert "--private-repo" in capsys.readouterr().err
    assert main(["links", "--hub", HUB, "--repo", REPO_URL, "--private-repo"]) == 0
    captured = capsys.readouterr()
    assert "| 01 |" in captured.out and "private" in captured.err
