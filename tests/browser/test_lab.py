"""The course in a real browser: widgets render, clicks and keys answer, maps are images."""

from __future__ import annotations

import json

import pytest

from coursekit.course import load_course
from coursekit.quiz.bank import bank_path, load_bank
from tests.browser.conftest import ARTIFACTS, REPO, open_and_run_all, wait_until_done

AXE = REPO / "node_modules" / "axe-core" / "axe.min.js"
OURS = ".coursekit-quiz, .coursekit-summary, .coursekit-figure, .jp-RenderedMarkdown, .jp-OutputArea-output"


def n_questions(module: str) -> int:
    """What the page draws as quiz widgets: the questions ``quiz.show(module)`` draws (code exercises
    are answered in code cells) and the claims of the module's real-or-false check."""
    from coursekit.quiz.discern import PHASES, form_items
    from coursekit.quiz.types import get as get_type

    checks = sum(len(form_items(form)) for phase, (form, m) in PHASES.items() if m == module and phase != "delayed")
    path = bank_path(module)
    if not path.is_file():
        return checks
    return sum(1 for q in load_bank(path, keys=False).questions if get_type(q.type).shown_in_quiz) + checks


def assert_course_page_ok(page, module: str, timeout_ms: int = 120_000) -> None:
    expected = n_questions(module)
    if expected:
        page.locator(".coursekit-quiz").nth(expected - 1).wait_for(state="attached", timeout=timeout_ms)
    wait_until_done(page)
    assert page.get_by_text("Error displaying widget").count() == 0
    assert page.locator(".coursekit-quiz").count() == expected
    for img in page.locator("figure.coursekit-figure img").all():
        img.scroll_into_view_if_needed()
        alt = img.get_attribute("alt") or ""
        assert len(alt) > 20, f"a figure has no useful alt text: {alt!r}"
        assert img.evaluate("el => el.complete && el.naturalWidth > 100"), "a figure did not load"


def test_start_here_quiz_answers_by_mouse_and_keyboard(lab, page):
    open_and_run_all(page, lab.notebook_url("00_start_here.ipynb"))
    assert_course_page_ok(page, "00")
    quizzes = page.locator(".coursekit-quiz:not(.ck-check)")  # the quiz, not the real-or-false check

    # Wrong, then right, by clicking.
    q1 = quizzes.nth(0)
    q1.scroll_into_view_if_needed()
    q1.get_by_label("Double-click the cell").check()
    q1.get_by_role("button", name="Submit", exact=True).click()
    feedback = q1.get_by_role("status")
    feedback.get_by_text("Not correct").wait_for(timeout=15_000)
    assert "does not run code" in feedback.inner_text()
    q1.get_by_role("button", name="Try again", exact=True).click()
    q1.get_by_label("Press Shift+Enter").check()
    q1.get_by_role("button", name="Submit", exact=True).click()
    feedback.get_by_text("Correct (1 of 1 point)").wait_for(timeout=15_000)
    assert "Why:" in feedback.inner_text()

    # Keyboard only: Tab into the next question's radio group, Space to choose, Tab past the
    # (optional) confidence group to Submit, Enter.
    q1.get_by_role("button", name="Hint", exact=True).focus()
    page.keyboard.press("Tab")
    q2 = quizzes.nth(1)
    focused = page.evaluate("document.activeElement && document.activeElement.type + ':' + "
                            "document.activeElement.value")
    assert focused == "radio:true", f"Tab did not reach the first option of question 2: {focused}"
    page.keyboard.press("Space")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.name").endswith("-confidence")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Submit"
    page.keyboard.press("Enter")
    q2.get_by_role("status").get_by_text("Correct").wait_for(timeout=15_000)

    # The module summary counts both answers.
    page.locator(".coursekit-summary").get_by_text("2 of 6 points").wait_for(timeout=15_000)

    # A written answer: a live word count, a clear message when too short, then recorded.
    reflection = quizzes.nth(6)
    reflection.scroll_into_view_if_needed()
    box = reflection.get_by_role("textbox")
    box.fill("Too short")
    assert reflection.locator(".ck-count").inner_text() == (
        "2 words (at least 5 words): 3 more needed before you can submit.")
    reflection.get_by_role("button", name="Submit", exact=True).click()
    reflection.get_by_role("status").get_by_text("Write at least 5 words").wait_for(timeout=15_000)
    box.fill("I would want to know what the author gains if readers agree.")
    reflection.get_by_role("button", name="Submit", exact=True).click()
    reflection.get_by_role("status").get_by_text("Recorded").wait_for(timeout=15_000)

    # And the answers were stored for the learner.
    from coursekit.quiz.store import ProgressStore

    rows = ProgressStore(lab.base / "progress.sqlite").events(module="00")  # other tests share the lab's store
    assert [(r.question_id, r.score) for r in rows] == [("run-cell", 0.0), ("run-cell", 1.0),
                                                         ("progress-saved", 1.0), ("reflect-author", None)]


MAP_MODULES = [m.id for m in load_course().available if m.id != "00"]


@pytest.mark.parametrize("module", MAP_MODULES)
def test_module_renders_with_widgets_and_images(lab, page, module):
    m = load_course().module(module)
    open_and_run_all(page, lab.notebook_url(m.notebook))
    assert_course_page_ok(page, module)


def test_a_disabled_widgets_extension_is_caught(broken_lab, page):
    """Negative control: with the browser half of ipywidgets missing the check above must fail."""
    open_and_run_all(page, broken_lab.notebook_url("00_start_here.ipynb"))
    wait_until_done(page)
    # Without the widget manager the readable fallback shows instead of the live quiz.
    assert page.get_by_text("Run this notebook in Jupyter to answer").count() > 0
    with pytest.raises(AssertionError):
        try:
            assert_course_page_ok(page, "00", timeout_ms=30_000)
        except Exception as exc:  # a timeout waiting for widgets counts as caught too
            raise AssertionError(str(exc)) from exc


@pytest.mark.skipif(not AXE.is_file(), reason="axe-core is not installed (npm ci)")
@pytest.mark.parametrize("module", [m.id for m in load_course().available])
def test_accessibility_scan_in_jupyterlab(lab, page, module):
    m = load_course().module(module)
    open_and_run_all(page, lab.notebook_url(m.notebook))
    assert_course_page_ok(page, module)
    assert page.evaluate("(ours) => document.querySelectorAll(ours).length", OURS) > 7
    page.add_script_tag(path=str(AXE))
    results = page.evaluate(
        """async (ours) => {
            const r = await axe.run(document, {resultTypes: ['violations']});
            return r.violations.map(v => ({
              id: v.id, impact: v.impact, help: v.help,
              nodes: v.nodes.map(n => ({target: n.target.join(' '),
                ours: !!(document.querySelector(n.target[0]) || {closest: () => null}).closest(ours)}))
            }));
        }""",
        OURS,
    )
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    (ARTIFACTS / f"axe-lab-{module}.json").write_text(json.dumps(results, indent=1), encoding="utf-8")
    ours = [(v["id"], v["impact"], n["target"]) for v in results for n in v["nodes"]
            if n["ours"] and v["impact"] in ("serious", "critical")]
    assert not ours, f"serious or critical accessibility violations in the kit's own content: {ours}"


@pytest.mark.skipif(not AXE.is_file(), reason="axe-core is not installed (npm ci)")
@pytest.mark.parametrize("module", ["00", "04"])
def test_accessibility_scan_of_the_static_site(browser, tmp_path, module):
    """The static course site is all the kit's own: no serious or critical violation anywhere."""
    from coursekit.instructor.site import build_site

    build_site(tmp_path / "site", modules=[module], root=REPO, show_progress=False)
    page_file = next((tmp_path / "site").glob(f"{module}_*.html"))
    context = browser.new_context(viewport={"width": 1280, "height": 1000})
    page = context.new_page()
    try:
        page.goto(page_file.as_uri())
        page.add_script_tag(path=str(AXE))
        results = page.evaluate(
            """async () => (await axe.run(document, {resultTypes: ['violations']})).violations.map(
                v => ({id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map(n => n.target.join(' '))}))"""
        )
    finally:
        context.close()
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    (ARTIFACTS / f"axe-site-{module}.json").write_text(json.dumps(results, indent=1), encoding="utf-8")
    bad = [(v["id"], v["impact"], v["nodes"][:3]) for v in results if v["impact"] in ("serious", "critical")]
    assert not bad, f"serious or critical accessibility violations on the static site: {bad}"
