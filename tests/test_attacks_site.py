"""HTML injection in the static site and quiz HTML: data and Markdown are escaped, links are http(s)."""

from __future__ import annotations

import shutil
from html.parser import HTMLParser

import pytest

from coursekit.course import Course, load_course
from coursekit.errors import DataError
from coursekit.instructor.quiz_html import bank_html
from coursekit.instructor.site import expand_details, index_html, sanitise_html
from coursekit.quiz.bank import load_bank
from tests.conftest import REPO

FIXTURE = REPO / "tests" / "data" / "instructor" / "course"
HOSTILE = '<script>alert(1)</script><img src=x onerror="alert(2)"><a href="javascript:alert(3)">x</a>'


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))


def _tags(text: str) -> list[tuple[str, dict[str, str | None]]]:
    parser = _Tags()
    parser.feed(text)
    return parser.tags


def _assert_inert(text: str) -> None:
    for tag, attrs in _tags(text):
        assert tag not in ("script", "img", "iframe", "object"), (tag, text)  # the kit's own <style> is fine
        assert not any(k.startswith("on") for k in attrs), (tag, attrs)
        href = (attrs.get("href") or "").strip().lower()
        assert not href or href.startswith(("http://", "https://", "#", "mailto:")) or ":" not in href, href


def test_markdown_and_html_inside_details_are_sanitised():
    src = ("<details><summary>Show <b onclick='x()'>it</b></summary>\n\n" + HOSTILE + "\n\n"
           "[bad](javascript:alert(4)) [good](https://example.org/a?b=1&c=2)\n\n- **bold** item\n\n"
           "<iframe src='https://evil.example'></iframe>\n</details>")
    out = expand_details(src)
    _assert_inert(out)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in out  # shown as text, not run
    assert '<a href="https://example.org/a?b=1&amp;c=2">good</a>' in out
    assert "<li><strong>bold</strong> item</li>" in out
    assert out.startswith("<details><summary>Show <b>it</b></summary>") and out.endswith("</details>")


def test_a_details_block_keeps_its_html_list():
    """A disclosure written as HTML (as a course author may) keeps its list through the sanitiser."""
    src = ("<details><summary>Compare with our reading</summary>\n<ul>\n"
           "<li><strong>A</strong> is a <em>checkable fact</em>: dated 19 April 2019.</li>\n"
           "<li><strong>B</strong> is a <em>prediction</em>.</li>\n</ul>\n</details>")
    out = expand_details(src)
    assert "<ul>" in out and "<li><strong>A</strong> is a <em>checkable fact</em>" in out


def test_sanitiser_drops_comments_and_keeps_table_alignment():
    out = sanitise_html('<!-- hidden --><table><tr><th style="text-align:left">a</th>'
                        '<td style="background:url(javascript:x)">b</td></tr></table>')
    assert out == '<table><tr><th style="text-align:left">a</th><td>b</td></tr></table>'


def test_bank_titles_options_and_source_links_are_escaped(tmp_path):
    quizzes = tmp_path / "quizzes"
    shutil.copytree(FIXTURE / "data" / "quizzes", quizzes)
    bank_file = quizzes / "01.yml"
    text = bank_file.read_text(encoding="utf-8")
    text = text.replace("title: Sample practice quiz", "title: '" + HOSTILE.replace("'", "''") + "'")
    text = text.replace('text: "Charlie"', "text: '" + HOSTILE.replace("'", "''") + "'")
    bank_file.write_text(text, encoding="utf-8")

    class Source:
        publisher, title, url = "<b>Pub</b>", "<i>T</i>", "javascript:alert(5)"

    bank = load_bank(bank_file, keys=True, known_sources={"nato-2016-warsaw-communique"})
    out = bank_html(bank, None, {"nato-2016-warsaw-communique": Source()})
    _assert_inert(out)
    assert "href=\"javascript" not in out.lower() and "&lt;b&gt;Pub&lt;/b&gt;" in out


def test_quiz_view_fallback_and_summary_escape_the_title(tmp_path, monkeypatch):
    from coursekit.quiz import QuizView
    from coursekit.quiz.store import ProgressStore

    quizzes = tmp_path / "quizzes"
    shutil.copytree(FIXTURE / "data" / "quizzes", quizzes)
    bank_file = quizzes / "01.yml"
    bank_file.write_text(bank_file.read_text(encoding="utf-8").replace(
        "title: Sample practice quiz", "title: '" + HOSTILE.replace("'", "''") + "'"), encoding="utf-8")
    bank = load_bank(bank_file, keys=True, known_sources={"nato-2016-warsaw-communique"})
    view = QuizView(bank, list(bank.questions), ProgressStore(tmp_path / "p.sqlite"))
    bundle = view._repr_mimebundle_()
    data = bundle[0] if isinstance(bundle, tuple) else bundle
    _assert_inert(data["text/html"])
    _assert_inert(view.summary.summary_html)


def test_index_links_only_to_an_http_essay():
    course = load_course(FIXTURE / "data" / "course.yml")
    hostile = Course(course.title + HOSTILE, "javascript:alert(6)", course.modules)
    out = index_html(hostile, {}, {})
    _assert_inert(out)
    assert "href=\"javascript" not in out.lower() and "read the essay" in out


@pytest.mark.parametrize("url", ["javascript:alert(1)", "data:text/html,x", " JavaScript:alert(1)"])
def test_course_yml_refuses_an_essay_url_that_is_not_http(tmp_path, url):
    path = tmp_path / "course.yml"
    text = (FIXTURE / "data" / "course.yml").read_text(encoding="utf-8")
    path.write_text(text.replace("essay_url: https://upnorth.eu/", f"essay_url: '{url}'\nx_: https://upnorth.eu/"),
                    encoding="utf-8")
    with pytest.raises(DataError, match="essay_url.*not an http"):
        load_course(path)
