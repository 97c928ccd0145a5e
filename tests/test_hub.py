"""A class on a real JupyterHub: three students follow the `coursekit links` link, run a module,
answer a quiz, and hand in their answers; the instructor grades them.

JupyterHub + configurable-http-proxy (npm) on 127.0.0.1, DummyAuthenticator and
SimpleLocalProcessSpawner, each user's home under this test's temporary folder; nbgitpuller
clones a student release of a small course (`coursekit release`) from a file:// repository
made here; the instructor grades against the full course's keys. Skipped (with the reason) only where
configurable-http-proxy is not installed (`npm ci`). Every process is stopped, also on failure.
"""

from __future__ import annotations

import csv
import json
import re
import shutil
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor

import pytest

from coursekit.quiz.store import ProgressStore
from tests.conftest import REPO
from tests.hubharness import Hub, Kernel, code_cells, follow, proxy_missing, pull

COURSE_FIXTURE = REPO / "tests" / "data" / "instructor" / "course"
STUDENTS = {"alice": "b", "bob": "a", "chen": "b"}  # hub user -> answer to 01/q-choice ("b" is right)
EDITED_TITLE = "Course title as alice's copy says after her edit"

pytestmark = [pytest.mark.skipif(proxy_missing() is not None, reason=str(proxy_missing())), pytest.mark.slow]


def _git(*args, cwd):
    subprocess.run(["git", "-c", "user.name=Instructor", "-c", "user.email=instructor@example.edu",
                    "-c", "init.defaultBranch=main", *args], cwd=cwd, check=True, capture_output=True)


@pytest.fixture(scope="module")
def instructor_course(tmp_path_factory):
    """The instructor's course folder (a small course, with every answer key)."""
    course = tmp_path_factory.mktemp("instructor") / "course"
    shutil.copytree(COURSE_FIXTURE, course)
    return course


@pytest.fixture(scope="module")
def course_repo(instructor_course):
    """The repository students pull: a student release of the course, committed, on the hub's disk."""
    repo = instructor_course.parent / "belarus-course"
    subprocess.run([sys.executable, "-m", "coursekit.cli", "release", "--out", str(repo)], cwd=instructor_course,
                   check=True, capture_output=True)
    _git("init", "-q", cwd=repo)
    _git("add", "-A", ".", cwd=repo)
    _git("commit", "-q", "-m", "Student release for the hub test", cwd=repo)
    return repo


@pytest.fixture(scope="module")
def hub(tmp_path_factory):
    h = Hub(tmp_path_factory.mktemp("hub"))
    try:
        h.start()
        yield h
    finally:
        left = h.stop()
        if left:
            print(f"hub test: ended processes left running: {left}", file=sys.stderr)
        assert not h.processes(), "processes of the hub test are still running"


def test_a_class_on_a_real_hub(hub, course_repo, instructor_course, tmp_path):
    repo_url = f"file://{course_repo}"
    links = subprocess.run([sys.executable, "-m", "coursekit.cli", "links", "--hub", hub.url, "--repo", repo_url,
                            "--branch", "main", "--modules", "01"], cwd=course_repo, capture_output=True,
                           text=True, check=True).stdout
    link = re.search(r"\[open on the hub\]\((\S+?)\)", links).group(1)
    original_title = next(line.split(":", 1)[1].strip().strip('"') for line in
                          (course_repo / "data" / "course.yml").read_text(encoding="utf-8").splitlines()
                          if line.startswith("title:"))
    submissions = tmp_path / "submissions"
    submissions.mkdir()

    def student(name: str, answer: str) -> None:
        browser = hub.login(name)
        page = follow(browser, link)  # hub -> spawn -> the user's server -> nbgitpuller's page
        server = f"{hub.url}/user/{name}/"
        assert page.status_code == 200 and page.url.startswith(server + "git-pull"), page.url
        events = pull(browser, server, repo_url, branch="main")
        assert events and events[-1]["phase"] == "finished", events[-3:]
        pulled = hub.home(name) / "belarus-course"
        assert (pulled / "notebooks" / "01_sample.ipynb").is_file(), "nbgitpuller did not clone the course"

        if name == "alice":  # her copy of the course data differs from the image's and from the others'
            course_yml = pulled / "data" / "course.yml"
            text = course_yml.read_text(encoding="utf-8")
            course_yml.write_text(text.replace(f'title: "{original_title}"', f'title: "{EDITED_TITLE}"'),
                                  encoding="utf-8")

        kernel = Kernel(hub.url, name, hub.user_token(name), "belarus-course/notebooks/01_sample.ipynb")
        try:
            assert kernel.v1, "the kernel websocket speaks JupyterLab 4's binary protocol"
            transport = kernel.run("from ipykernel.connect import get_connection_info; "
                                   "print(get_connection_info(unpack=True)['transport'])").strip()
            assert transport == "ipc", "the kernels use IPC sockets, not TCP ports other servers may take"
            notebook = json.loads((pulled / "notebooks" / "01_sample.ipynb").read_text(encoding="utf-8"))
            for source in code_cells(notebook):  # the module, cell by cell, as "Run All" does
                kernel.run(source)  # raises KernelError with the traceback on a failed cell
            title = kernel.run("from coursekit.course import load_course; print(load_course().title)").strip()
            assert title == (EDITED_TITLE if name == "alice" else original_title), (name, title)

            state = kernel.answer(kernel.question_widget("q-choice"), answer)
            assert state.get("locked") is True, state
            assert ("ck-correct" in state["feedback_html"]) == (answer == "b"), state["feedback_html"]
            kernel.run("from coursekit.quiz import export_progress; export_progress('my-progress.json')")
        finally:
            kernel.close()

        store = ProgressStore(hub.home(name) / ".coursekit" / "progress.sqlite")
        events = store.events()
        assert [(e.learner, e.module, e.question_id) for e in events] == [(name, "01", "q-choice")]
        handed_in = pulled / "notebooks" / "my-progress.json"
        assert json.loads(handed_in.read_text(encoding="utf-8"))["learner"] == name
        shutil.copy(handed_in, submissions / f"{name}.json")


    with ThreadPoolExecutor(max_workers=len(STUDENTS)) as pool:  # the class starts at once
        for done in [pool.submit(student, name, answer) for name, answer in STUDENTS.items()]:
            done.result()  # re-raises a student's failed step
    assert "without encryption" not in hub.log_tail(10**7), "a kernel warned that it runs over TCP"

    out = tmp_path / "grades"
    subprocess.run([sys.executable, "-m", "coursekit.cli", "grade", str(submissions), "--key",
                    str(instructor_course / "data" / "quizzes"), "--out", str(out)], cwd=instructor_course,
                   check=True, capture_output=True, text=True)
    with open(out / "gradebook.csv", encoding="utf-8", newline="") as f:
        rows = [r for r in csv.DictReader(f) if r["learner"] in STUDENTS]
    assert sorted(r["learner"] for r in rows) == sorted(STUDENTS)
    scores = {r["learner"]: float(r["01"]) for r in rows}
    assert scores["alice"] == scores["chen"] > scores["bob"] == 0
