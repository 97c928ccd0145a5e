"""Confidence in a real browser: chosen with the keyboard alone, announced, stored with the answer;
and the real-or-false check shows the result only when every claim is judged."""

from __future__ import annotations

from tests.browser.conftest import open_and_run_all, wait_until_done


def test_a_confidence_set_by_keyboard_is_announced_and_stored(lab, page):
    open_and_run_all(page, lab.notebook_url("00_start_here.ipynb"))
    quizzes = page.locator(".coursekit-quiz:not(.ck-check)")
    quizzes.nth(1).wait_for(state="attached", timeout=120_000)
    wait_until_done(page)
    q = quizzes.nth(0)  # "How do you run the code cell you have selected?"
    q.scroll_into_view_if_needed()
    again = q.get_by_role("button", name="Try again", exact=True)
    if again.is_enabled():  # answered earlier in this session's store: answer again
        again.click()
        q.get_by_label("Press Shift+Enter").wait_for(state="visible")
        page.wait_for_function("!document.querySelector('.coursekit-quiz:not(.ck-check) input').disabled")
    q.get_by_label("Press Shift+Enter").focus()
    page.keyboard.press("Space")  # choose the answer
    group = q.get_by_role("group", name="How sure are you? (optional)")
    assert group.count() == 1
    page.keyboard.press("Tab")  # into the confidence group: its first level
    assert page.evaluate("document.activeElement.value") == "50"
    for _ in range(3):
        page.keyboard.press("ArrowRight")  # 60, 70, 80: arrows choose within a radio group
    assert page.evaluate("document.activeElement.value") == "80"
    assert q.get_by_label("80%").is_checked()
    group.locator("[aria-live=polite]").get_by_text("You are 80% sure.").wait_for(timeout=15_000)  # announced
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Submit"
    page.keyboard.press("Enter")
    feedback = q.locator(".ck-feedback")
    feedback.get_by_text("Correct").wait_for(timeout=15_000)
    assert "you were 80% sure" in feedback.inner_text()

    from coursekit.quiz.store import ProgressStore

    rows = [e for e in ProgressStore(lab.base / "progress.sqlite").events() if e.question_id == "run-cell"]
    assert [(r.answer, r.score, r.confidence, r.kind) for r in rows][-1] == ("a", 1.0, 0.8, "answer")

    # The real-or-false check before it: no feedback per claim, no second try.
    claim = page.locator(".coursekit-quiz.ck-check").nth(0)
    claim.scroll_into_view_if_needed()
    claim.get_by_label("False", exact=True).check()
    claim.get_by_role("button", name="Submit", exact=True).click()
    claim.get_by_role("status").get_by_text("Recorded").wait_for(timeout=15_000)
    assert claim.get_by_role("button", name="Try again").count() == 0
    assert "Real" not in claim.locator(".ck-feedback").inner_text()
