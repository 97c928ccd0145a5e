"""Headless widget tests: set values and click from Python, check feedback and stored rows."""

import json

import pytest

from coursekit import quiz
from coursekit.quiz.bank import bank_path, load_bank
from coursekit.quiz.store import ProgressStore
from coursekit.quiz.widgets import QuestionWidget


@pytest.fixture
def store(tmp_path, monkeypatch):
    monkeypatch.setenv("COURSEKIT_LEARNER", "tester")
    return ProgressStore(tmp_path / "progress.sqlite")


def browser_sends(w, event):
    """Deliver a message exactly as the browser's button does: a comm 'custom' message."""
    w._handle_msg({"content": {"data": {"method": "custom", "content": {"event": event}}}, "buffers": []})


def widget(store, qid, mode="formative"):
    bank = load_bank(bank_path("00"))
    return QuestionWidget(bank.question(qid), bank.key(qid), module="00", mode=mode, store=store)


def test_wrong_then_right_answer_gives_feedback_and_rows(store):
    w = widget(store, "run-cell")
    w.value = "b"
    w.send_state()
    browser_sends(w, "submit")
    assert "Not correct" in w.feedback_html and "does not run code" in w.feedback_html
    assert "Why:" not in w.feedback_html  # the explanation is earned, not given away
    assert w.locked
    browser_sends(w, "retry")
    assert not w.locked and w.feedback_html == ""
    w.value = "a"
    w.submit()
    assert "✓ Correct (1 of 1 point)" in w.feedback_html and "Why:" in w.feedback_html
    rows = store.events()
    assert [(r.question_id, r.answer, r.score, r.learner) for r in rows] == [
        ("run-cell", "b", 0.0, "tester"), ("run-cell", "a", 1.0, "tester")]
    assert rows[0].question_hash == load_bank(bank_path("00")).question("run-cell").digest()


def test_empty_answer_gives_a_message_and_stores_nothing(store):
    w = widget(store, "dating-window")
    w.value = "about a month"
    w.submit()
    assert "not a number" in w.feedback_html and not w.locked
    assert store.events() == []


def test_hint_and_partial_feedback(store):
    w = widget(store, "claim-kinds")
    browser_sends(w, "hint")
    assert "No hint" in w.hint_html
    w.value = {"rasmussen": "attributed", "nato": "fact", "merge": "value", "support": "value"}
    w.submit()
    assert "Partly correct" in w.feedback_html and "3 of 4 items" in w.feedback_html
    # the wrong item is named, but not its right category: the note that says it waits
    assert "not value judgement" in w.feedback_html.lower() or "not value" in w.feedback_html.lower()
    assert "can only be judged later" not in w.feedback_html
    browser_sends(w, "retry")
    w.value = {"rasmussen": "attributed", "nato": "fact", "merge": "value", "support": "value"}
    w.submit()  # a second try: now the answer may be shown
    assert "can only be judged later" in w.feedback_html  # per-item feedback on the wrong one


def test_a_first_wrong_try_does_not_give_the_answer_away(store):
    """Feedback said which category an item belonged in, at which position an event belonged and
    which unticked option was right; a retry then earned full marks."""
    order = widget(store, "dating-order")
    order.value = ["turchynov", "rasmussen", "address", "essay"]
    order.submit()
    assert "belongs at position" not in order.feedback_html and "not in its place" in order.feedback_html
    bank = load_bank(bank_path("00"))
    multi = next((q for q in bank.questions if q.type == "multiple_select"), None)
    for module in ("01", "02", "03", "04", "05", "06", "07"):
        if multi is not None:
            break
        bank = load_bank(bank_path(module))
        multi = next((q for q in bank.questions if q.type == "multiple_select"), None)
    key = bank.key(multi.id)
    w = QuestionWidget(multi, key, module=bank.module, store=store)
    w.value = [next(o.id for o in multi.options if o.id not in key.correct)]  # one wrong tick, the right ones missed
    w.submit()
    right_texts = [o.text for o in multi.options if o.id in key.correct]
    assert "missed" in w.feedback_html and not any(text[:25] in w.feedback_html for text in right_texts)
    browser_sends(w, "retry")
    w.value = [next(o.id for o in multi.options if o.id not in key.correct)]
    w.submit()
    assert "missed:" in w.feedback_html and any(text[:25] in w.feedback_html for text in right_texts)


def test_progress_survives_a_restart(store):
    w = widget(store, "dating-order")
    w.value = ["rasmussen", "address", "essay", "turchynov"]
    w.submit()
    again = widget(store, "dating-order")  # a new kernel: a new widget on the same store
    assert again.value == ["rasmussen", "address", "essay", "turchynov"]
    assert again.locked and "Correct" in again.feedback_html


def test_an_edited_question_is_not_silently_restored(store):
    w = widget(store, "run-cell")
    w.value = "a"
    w.submit()
    store.append(module="00", question_id="run-cell", question_hash="old-version", key_hash=None,
                 mode="formative", answer="a", score=1, max_score=1)
    again = widget(store, "run-cell")
    assert "changed since you last answered" in again.notice and again.value is None


def test_the_key_is_in_no_synced_state(store):
    view = quiz.show("00", store=store)
    bank = load_bank(bank_path("00"))
    checked = 0
    for w in view.widgets:
        key = bank.key(w._q.id)
        if key is None:
            continue
        state = {k: v for k, v in w.get_state().items() if k not in ("_esm", "_css")}
        text = json.dumps(state, ensure_ascii=False)
        assert "correct" not in state["question"] and "explanation" not in state["question"]
        assert key.explanation[:40] not in text
        for message in key.feedback.values():
            assert message[:30] not in text
        if isinstance(key.correct, list | dict):
            assert json.dumps(key.correct, ensure_ascii=False) not in text
        checked += 1
    assert checked == 7
    summary = json.dumps(view.summary.get_state())
    assert "Shift+Enter runs" not in summary


def test_assessed_mode_records_without_correctness(store):
    w = widget(store, "run-cell", mode="assessed")
    w.value = "b"
    w.submit()
    assert "Recorded" in w.feedback_html and "Not correct" not in w.feedback_html
    row = store.events()[-1]
    assert row.mode == "assessed" and row.score is None and row.key_hash is None


def test_summary_updates_and_static_fallback(store):
    view = quiz.show("00", store=store)
    assert "0 of 6 points" in view.summary.summary_html
    run_cell = next(w for w in view.widgets if w._q.id == "run-cell")
    run_cell.value = "a"
    run_cell.submit()
    assert "1 of 6 points; 1 of 6 questions answered" in view.summary.summary_html
    bundle = view._repr_mimebundle_()
    data = bundle[0] if isinstance(bundle, tuple) else bundle
    assert "application/vnd.jupyter.widget-view+json" in data
    assert "Press Shift+Enter" in data["text/html"] and "Run this notebook in Jupyter" in data["text/html"]
    assert "Why" not in data["text/html"]


def test_show_can_leave_out_questions_shown_earlier(store):
    view = quiz.show("00", exclude=["run-cell"], store=store)
    assert "run-cell" not in [w._q.id for w in view.widgets] and len(view.widgets) == 6
    with pytest.raises(KeyError, match="no-such"):
        quiz.show("00", exclude=["no-such"], store=store)


def test_confidence_is_saved_with_the_answer_and_restored(store):
    w = widget(store, "run-cell")
    assert w.question["confidence"] is True  # graded: the browser offers the confidence control
    w.value = "a"
    w.confidence = 0.8  # what the browser's radio group sends
    w.submit()
    assert "you were 80% sure" in w.feedback_html
    w.retry()
    w.value = "b"
    w.confidence = None  # optional: an answer without one is saved too
    w.submit()
    assert [(e.answer, e.confidence, e.kind) for e in store.events()] == [("a", 0.8, "answer"), ("b", None, "answer")]
    again = widget(store, "run-cell")
    assert again.value == "b" and again.confidence is None


def test_a_reflection_is_not_asked_for_confidence(store):
    bank = load_bank(bank_path("01"))
    reflection = next(q for q in bank.questions if not q.graded)
    w = QuestionWidget(reflection, bank.key(reflection.id), module="01", store=store)
    assert w.question["confidence"] is False


def test_a_reflection_shows_its_guidance_on_the_first_submit_and_says_recorded_once(store):
    """A written answer is never scored, so there is nothing to earn: its guidance (the key's
    explanation) showed only after a second submit, under "Recorded. Recorded: saved ..."."""
    bank = load_bank(bank_path("01"))
    reflection = next(q for q in bank.questions if q.type == "text" and bank.key(q.id) and bank.key(q.id).explanation)
    w = QuestionWidget(reflection, bank.key(reflection.id), module="01", store=store)
    w.value = "The word dictator shaped my reading most, and I would not have noticed it. " * 3
    w.submit()
    assert "Why:" in w.feedback_html and "Recorded. Recorded" not in w.feedback_html
    assert "Saved with your progress" in w.feedback_html
