"""coursekit site: offline pages, readable quizzes, no widget leftovers, alt text on every image."""

from __future__ import annotations

import json
import os
import re
import shutil
from html.parser import HTMLParser
from pathlib import Path

import pytest

from coursekit.course import load_course
from coursekit.instructor.common import InstructorError
from coursekit.instructor.site import NO_ALT, build_site, check_page
from tests.conftest import REPO

FIXTURE = REPO / "tests" / "data" / "instructor" / "course"
DETAILS = re.compile(r"<details\b.*?</details>", re.S)


class _Imgs(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.imgs: list[dict[str, str | None]] = []

    def handle_starttag(self, tag, attrs):
        if tag == "img":
            self.imgs.append(dict(attrs))


def _imgs(text: str) -> list[dict[str, str | None]]:
    parser = _Imgs()
    parser.feed(text)
    return parser.imgs


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    root = tmp_path_factory.mktemp("course") / "course"
    shutil.copytree(FIXTURE, root)
    out = tmp_path_factory.mktemp("site") / "site"
    before = os.environ.get("COURSEKIT_PROGRESS_DB")
    report = build_site(out, root=root, show_progress=False, timeout=300)
    assert os.environ.get("COURSEKIT_PROGRESS_DB") == before  # the build's settings do not leak
    pages = {p.name: p.read_text(encoding="utf-8") for p in out.glob("*.html")}
    return report, pages


@pytest.mark.slow
def test_a_page_per_available_module_and_an_index(site):
    report, pages = site
    assert report.failed == {}
    assert set(pages) == {"index.html", "glossary.html", "01_sample.html", "02_assessed.html"}
    index = pages["index.html"]
    assert 'href="glossary.html"' in index
    assert 'href="01_sample.html"' in index and 'href="02_assessed.html"' in index
    assert "03 · Sample planned module <em>(in preparation)</em>" in index


@pytest.mark.slow
def test_pages_work_offline_and_hold_no_widget_leftovers(site):
    _, pages = site
    for name, text in pages.items():
        assert check_page(text) == [], name
        assert "Error displaying widget" not in text
        assert "application/vnd.jupyter.widget" not in text
        assert not re.search(r"<script[^>]+src=[\"']?(https?:)?//", text), name
        assert not re.search(r"<link[^>]+href=[\"']?(https?:)?//", text), name
    assert "<section" in pages["01_sample.html"] and "Check your understanding: Sample practice quiz" in \
        pages["01_sample.html"]


def test_check_page_catches_what_it_should():
    bad = ('<script src="https://cdn.example.org/x.js"></script><link rel="stylesheet" href="//cdn.example.org/s.css">'
           '<img src="data:image/png;base64,AA==" alt=""><script type="module">import("https://x.org/m.js")</script>'
           '<div>application/vnd.jupyter.widget-view+json</div>')
    problems = check_page(bad)
    assert len(problems) == 5, problems


@pytest.mark.slow
def test_formative_answers_are_behind_a_disclosure(site):
    _, pages = site
    page = pages["01_sample.html"]
    blocks = DETAILS.findall(page)
    answers = [b for b in blocks if re.search(r"<summary>Show (answer|guidance)</summary>", b)]
    assert len(answers) == 4  # three graded questions and the reflection's guidance
    for text in ("The practice explanation says Bravo", "The practice explanation lists A and E",
                 "Warsaw Summit Communiqué", "within ±5 km", "The practice reflection guidance"):
        assert any(text in b for b in answers), text
        assert text not in DETAILS.sub("", page), f"{text!r} is visible outside <details>"


@pytest.mark.slow
def test_assessed_answers_are_absent(site):
    _, pages = site
    page = pages["02_assessed.html"]
    assert "Assessed question" in page and "Put the three sample items in order" in page
    assert "Show answer" not in page
    for secret in ("Zebra-quartz", "4271"):
        assert secret not in page


@pytest.mark.slow
def test_solution_cells_sit_behind_a_disclosure(site):
    _, pages = site
    page = pages["01_sample.html"]
    solutions = [b for b in DETAILS.findall(page) if "Show worked answer" in b]
    assert any("SOLUTION-TEXT-MARK" in b for b in solutions)
    assert "SOLUTION-TEXT-MARK" not in DETAILS.sub("", page)


@pytest.mark.slow
def test_every_image_has_alt_text(site):
    report, pages = site
    figure = _imgs(pages["01_sample.html"])
    assert len(figure) == 2  # the Markdown image and the coursekit.figures chart
    assert {i["alt"] for i in figure} == {"A single grey pixel", "Bar chart of sample sites: north 3, south 5."}
    assert all(i["src"].startswith("data:image/png;base64,") for i in figure)
    bare = _imgs(pages["02_assessed.html"])
    assert [i["alt"] for i in bare] == [NO_ALT]
    assert any("02_assessed.ipynb cell 4: a figure without alt text" in w for w in report.warnings)
    for text in pages.values():
        assert all((i.get("alt") or "").strip() for i in _imgs(text))


@pytest.mark.slow
def test_a_failing_notebook_is_reported_and_the_rest_built(tmp_path):
    root = tmp_path / "course"
    shutil.copytree(FIXTURE, root)
    path = root / "notebooks" / "02_assessed.ipynb"
    nb = json.loads(path.read_text(encoding="utf-8"))
    nb["cells"].insert(1, {"cell_type": "code", "metadata": {}, "source": "1 / 0", "outputs": [],
                           "execution_count": None})
    path.write_text(json.dumps(nb), encoding="utf-8")
    report = build_site(tmp_path / "site", modules=["02"], root=root, show_progress=False, timeout=120)
    assert "ZeroDivisionError" in report.failed["02"] and "cell 2" in report.failed["02"]
    assert "not built" in (tmp_path / "site" / "index.html").read_text(encoding="utf-8")


def test_the_site_refuses_the_source_tree(tmp_path):
    with pytest.raises(InstructorError, match="inside the course's notebooks/"):
        build_site(FIXTURE / "notebooks" / "site", root=FIXTURE)


@pytest.mark.slow
def test_hide_solutions_drops_worked_answers(tmp_path):
    report = build_site(tmp_path / "site", modules=["02"], root=FIXTURE, show_progress=False, hide_solutions=True)
    page = report.pages["02"].read_text(encoding="utf-8")
    assert "SOLUTION-ASSESSED-MARK" not in page and "Your turn" in page


@pytest.mark.slow
def test_the_real_course_builds_a_page_per_available_module(tmp_path):
    """Every module renders; running them is nbval's job (make test runs every notebook), and the
    fixture course above covers executed pages, so this renders the notebooks as stored."""
    expected = {Path(m.notebook).with_suffix(".html").name for m in load_course().available}
    report = build_site(tmp_path / "site", show_progress=False, run=False)
    built = {p.name for p in (tmp_path / "site").glob("*.html")}
    assert report.failed == {}, report.failed
    assert built == expected | {"index.html", "glossary.html"}
    for name in expected:  # the notebooks' glossary links point at the site's page
        page = (tmp_path / "site" / name).read_text(encoding="utf-8")
        assert "../docs/glossary.md" not in page


def test_markdown_inside_details_stays_hidden():
    from coursekit.instructor.site import expand_details

    src = ("Intro\n\n<details><summary>Our reading</summary>\n\n- **A** is a fact.\n- B is a value.\n\n"
           "Result: *both*.\n</details>\n\nAfter.")
    out = expand_details(src)
    block = out[out.index("<details>"):out.index("</details>") + len("</details>")]
    assert "<li><strong>A</strong> is a fact.</li>" in block and "<em>both</em>" in block
    assert "\n\n" not in block  # one HTML block: nbconvert cannot close it early
    assert out.startswith("Intro\n\n") and out.endswith("\n\nAfter.")


def test_check_page_flags_an_empty_disclosure():
    from coursekit.instructor.site import check_page

    assert any("empty" in p for p in check_page("<details><summary>Answer</summary>\n</details><ul><li>x</li></ul>"))
    assert not any("empty" in p for p in check_page("<details><summary>Answer</summary><p>x</p></details>"))


def test_no_run_renders_the_stored_notebook_without_a_kernel(tmp_path, monkeypatch):
    from coursekit.instructor import site as site_module

    def refuse(*args, **kwargs):
        raise AssertionError("run=False must not execute the notebook")

    monkeypatch.setattr(site_module, "execute", refuse)
    report = build_site(tmp_path / "site", modules=["00"], show_progress=False, run=False)
    assert report.failed == {} and "00" in report.pages
    assert "Learning objectives" in report.pages["00"].read_text(encoding="utf-8")
