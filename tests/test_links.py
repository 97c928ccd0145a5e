"""coursekit links: exact nbgitpuller and Binder addresses."""

from __future__ import annotations

import pytest

from coursekit.cli import main
from coursekit.instructor.common import InstructorError
from coursekit.instructor.links import binder_url, links_table, nbgitpuller_url, repo_folder
from tests.conftest import REPO, use_course

HUB = "https://hub.example.edu"
REPO_URL = "https://github.com/example-org/belarus-course"
FIXTURE = REPO / "tests" / "data" / "instructor" / "course"


def test_nbgitpuller_link_for_a_sample_repo():
    assert nbgitpuller_url(HUB, REPO_URL, "04_forward_presence.ipynb", "main") == (
        "https://hub.example.edu/hub/user-redirect/git-pull"
        "?repo=https%3A%2F%2Fgithub.com%2Fexample-org%2Fbelarus-course"
        "&urlpath=lab%2Ftree%2Fbelarus-course%2Fnotebooks%2F04_forward_presence.ipynb"
        "&branch=main"
    )


def test_nbgitpuller_link_without_branch_and_with_odd_input():
    expected = ("https://hub.example.edu/hub/user-redirect/git-pull"
                "?repo=https%3A%2F%2Fgithub.com%2Fexample-org%2Fbelarus-course"
                "&urlpath=lab%2Ftree%2Fbelarus-course%2Fnotebooks%2F00_start_here.ipynb")
    assert nbgitpuller_url(HUB, REPO_URL, "00_start_here.ipynb") == expected
    assert nbgitpuller_url(HUB + "/", REPO_URL + "/", "00_start_here.ipynb") == expected
    assert nbgitpuller_url(HUB + "/hub", REPO_URL, "00_start_here.ipynb") == expected
    link = nbgitpuller_url("https://example.edu/jupyter", REPO_URL, "00_start_here.ipynb", "feature/spring 2027")
    assert link.startswith("https://example.edu/jupyter/hub/user-redirect/git-pull?repo=")
    assert link.endswith("&branch=feature%2Fspring%202027")


def test_the_clone_folder_follows_nbgitpuller():
    assert repo_folder(REPO_URL) == "belarus-course"
    assert repo_folder(REPO_URL + ".git") == "belarus-course.git"  # nbgitpuller keeps the suffix
    assert "urlpath=lab%2Ftree%2Fbelarus-course.git%2Fnotebooks" in nbgitpuller_url(HUB, REPO_URL + ".git", "x.ipynb")


def test_binder_links():
    assert binder_url(REPO_URL, "04_forward_presence.ipynb", "main") == (
        "https://mybinder.org/v2/gh/example-org/belarus-course/main?labpath=notebooks%2F04_forward_presence.ipynb")
    assert binder_url(REPO_URL + ".git", "00_start_here.ipynb") == (
        "https://mybinder.org/v2/gh/example-org/belarus-course/HEAD?labpath=notebooks%2F00_start_here.ipynb")
    assert binder_url("https://gitlab.com/group/course", "a.ipynb", "v1") == (
        "https://mybinder.org/v2/gl/group%2Fcourse/v1?labpath=notebooks%2Fa.ipynb")
    assert binder_url("https://git.example.edu/course", "a.ipynb") == (
        "https://mybinder.org/v2/git/https%3A%2F%2Fgit.example.edu%2Fcourse/HEAD?labpath=notebooks%2Fa.ipynb")


@pytest.mark.parametrize("call", [
    lambda: nbgitpuller_url("hub.example.edu", REPO_URL, "x.ipynb"),
    lambda: nbgitpuller_url(HUB, "github.com/o/r", "x.ipynb"),
    lambda: binder_url("https://github.com/only-owner", "x.ipynb"),
], ids=["hub-without-scheme", "repo-without-scheme", "github-without-repo"])
def test_bad_addresses_are_refused_with_a_fix(call):
    with pytest.raises(InstructorError, match="Fix|should be"):
        call()


def test_table_lists_each_available_module():
    table = links_table(HUB, REPO_URL, "main", root=FIXTURE, private_repo=True).splitlines()  # holds keys/02
    assert table[0] == "| # | Module | JupyterHub | Binder |"
    assert len(table) == 4  # header, rule, modules 01 and 02 (03 is planned)
    assert table[2] == (
        "| 01 | Sample practice module | [open on the hub](https://hub.example.edu/hub/user-redirect/git-pull"
        "?repo=https%3A%2F%2Fgithub.com%2Fexample-org%2Fbelarus-course"
        "&urlpath=lab%2Ftree%2Fbelarus-course%2Fnotebooks%2F01_sample.ipynb&branch=main) "
        "| [open on Binder](https://mybinder.org/v2/gh/example-org/belarus-course/main"
        "?labpath=notebooks%2F01_sample.ipynb) |")


def test_cli_links(monkeypatch, capsys):
    use_course(monkeypatch, FIXTURE)
    assert main(["links", "--hub", HUB, "--repo", REPO_URL, "--modules", "02", "--private-repo"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert len(out) == 3 and out[2].startswith("| 02 | Sample assessed module |")
    assert main(["links", "--hub", "nope", "--repo", REPO_URL]) == 2


def test_a_repository_on_the_hub_machine(monkeypatch, capsys):
    """file:///PATH clones from the hub's own disk; Binder cannot reach it, so it gets no link."""
    use_course(monkeypatch, FIXTURE)
    assert main(["links", "--hub", HUB, "--repo", "file:///srv/courses/belarus-course", "--modules", "01",
                 "--private-repo"]) == 0
    row = capsys.readouterr().out.splitlines()[2]
    assert ("git-pull?repo=file%3A%2F%2F%2Fsrv%2Fcourses%2Fbelarus-course"
            "&urlpath=lab%2Ftree%2Fbelarus-course%2Fnotebooks%2F01_sample.ipynb") in row
    assert row.endswith("| (local repository) |") and "mybinder" not in row
    assert main(["links", "--hub", HUB, "--repo", "file://srv/courses/x", "--private-repo"]) == 2
    assert "file:///ABSOLUTE/PATH" in capsys.readouterr().err


def test_a_student_release_is_told_that_binder_cannot_install_the_kit(tmp_path, monkeypatch, capsys):
    """A student copy has no src/ and no Binder configuration: its Binder links opened Jupyter without the kit."""
    from coursekit.instructor.links import binder_note
    from coursekit.instructor.release import release

    assert binder_note(REPO) is None  # the kit's checkout: environment.yml, postBuild and src/
    student = tmp_path / "student"
    release(student, root=FIXTURE)
    use_course(monkeypatch, student)
    assert main(["links", "--hub", HUB, "--repo", REPO_URL, "--modules", "01", "--private-repo"]) == 0
    err = capsys.readouterr().err
    assert "Binder cannot install the kit" in err and "binder/requirements.txt" in err
    (student / "binder").mkdir()
    (student / "binder" / "requirements.txt").write_text("coursekit @ git+https://example.org/kit.git\n",
                                                         encoding="utf-8")
    assert binder_note(student) is None
