"""Spaced review with an injectable clock: what comes back, when, and that reviews are never
graded twice; and the learner's calibration view."""

import datetime as dt

import pytest

from coursekit import quiz
from coursekit.quiz import confidence as cal
from coursekit.quiz import spaced
from coursekit.quiz.bank import bank_path, load_bank
from coursekit.quiz.store import Event, ProgressStore

T0 = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)
_n = iter(range(1, 10_000))


def ev(module, qid, score, *, at, conf=None, kind="answer", hash_="h"):
    return Event(next(_n), at.isoformat(timespec="milliseconds"), "ana", module, qid, hash_, "k", "formative",
                 "x", score, 1.0, "0.1.0", conf, kind)


def due_ids(events, module, now):
    return [(d.module, d.question_id, d.reason) for d in spaced.due(events, module, now)]


def test_missed_unsure_and_confident_errors_come_back_after_a_day_most_urgent_first():
    events = [ev("01", "missed", 0.0, at=T0), ev("01", "sure-wrong", 0.0, at=T0, conf=0.9),
              ev("01", "unsure-right", 1.0, at=T0, conf=0.5), ev("01", "sure-right", 1.0, at=T0, conf=0.9),
              ev("01", "plain-right", 1.0, at=T0)]
    assert due_ids(events, "02", T0 + dt.timedelta(hours=23)) == []
    assert due_ids(events, "02", T0 + dt.timedelta(days=1)) == [
        ("01", "sure-wrong", "confident-error"), ("01", "missed", "missed"), ("01", "unsure-right", "unsure")]


def test_only_earlier_modules_and_a_miss_comes_back_even_when_a_second_try_got_it_right():
    events = [ev("03", "q", 0.0, at=T0)]
    assert due_ids(events, "03", T0 + dt.timedelta(days=5)) == []  # the module itself: not a review
    retry = T0 + dt.timedelta(minutes=2)
    events.append(ev("03", "q", 1.0, at=retry, conf=0.9))  # tried again, after the feedback, and got it right
    assert due_ids(events, "04", retry + dt.timedelta(hours=23)) == []
    (item,) = spaced.due(events, "04", retry + dt.timedelta(days=1))
    assert (item.question_id, item.reason, item.since, item.origin) == ("q", "missed", retry, T0)
    assert "you missed this on 02 Mar" in item.describe()


def test_a_new_right_and_sure_answer_ends_an_unsure_review_but_a_new_miss_starts_over():
    events = [ev("01", "u", 1.0, at=T0, conf=0.5), ev("01", "u", 1.0, at=T0 + dt.timedelta(hours=1), conf=0.9)]
    assert due_ids(events, "02", T0 + dt.timedelta(days=5)) == []
    events = [ev("01", "q", 0.0, at=T0)]
    t = T0
    for gap in (1, 3, 7):
        t += dt.timedelta(days=gap)
        events.append(ev("01", "q", 1.0, at=t, kind="review"))
    assert due_ids(events, "02", t + dt.timedelta(days=30)) == []  # learnt
    events.append(ev("01", "q", 0.0, at=t + dt.timedelta(days=30), conf=0.9))  # retook the module: wrong, and sure
    assert due_ids(events, "02", t + dt.timedelta(days=31)) == [("01", "q", "confident-error")]


def test_intervals_1_3_7_days_then_rest_and_a_failed_review_starts_again():
    events = [ev("01", "q", 0.0, at=T0)]
    day1 = T0 + dt.timedelta(days=1)
    assert due_ids(events, "02", day1)
    events.append(ev("01", "q", 1.0, at=day1, kind="review", conf=0.9))
    assert due_ids(events, "02", day1 + dt.timedelta(days=2, hours=23)) == []
    day4 = day1 + dt.timedelta(days=3)
    assert due_ids(events, "02", day4) == [("01", "q", "missed")]
    events.append(ev("01", "q", 0.0, at=day4, kind="review"))  # wrong again: back to 1 day
    assert due_ids(events, "02", day4 + dt.timedelta(days=1)) == [("01", "q", "missed")]
    t = day4 + dt.timedelta(days=1)
    for gap in (0, 3, 7):
        t += dt.timedelta(days=gap)
        events.append(ev("01", "q", 1.0, at=t, kind="review", conf=0.8))
    assert due_ids(events, "02", t + dt.timedelta(days=60)) == []  # three good reviews: learnt


def test_a_right_but_unsure_review_does_not_move_the_question_on():
    events = [ev("01", "q", 0.0, at=T0), ev("01", "q", 1.0, at=T0 + dt.timedelta(days=1), kind="review", conf=0.5)]
    assert due_ids(events, "02", T0 + dt.timedelta(days=2)) == [("01", "q", "missed")]


def test_boosters_of_module_05_after_one_and_four_weeks():
    events = [ev("05", "technique-cases", 1.0, at=T0), ev("05", "lateral", 1.0, at=T0)]
    assert [d for d in spaced.due(events, "06", T0 + dt.timedelta(days=6)) if d.reason == "booster"] == []
    week1 = spaced.due(events, "06", T0 + dt.timedelta(days=7))
    assert {d.question_id for d in week1} == set(spaced.BOOSTER_QUESTIONS)
    assert spaced.due(events, "05", T0 + dt.timedelta(days=7)) == []  # not in module 05 itself
    done = T0 + dt.timedelta(days=8)
    events += [ev("05", q, 1.0, at=done, kind="review") for q in spaced.BOOSTER_QUESTIONS]
    assert spaced.due(events, "07", T0 + dt.timedelta(days=20)) == []
    week4 = spaced.due(events, "08", T0 + dt.timedelta(days=28))
    assert {d.reason for d in week4} == {"booster"} and len(week4) == len(spaced.BOOSTER_QUESTIONS)
    assert "28 days on" in week4[0].describe()


def test_a_changed_question_is_not_brought_back():
    events = [ev("01", "q", 0.0, at=T0, hash_="old")]
    assert spaced.due(events, "02", T0 + dt.timedelta(days=2), {("01", "q"): "new"}) == []


@pytest.fixture
def store(tmp_path, monkeypatch):
    monkeypatch.setenv("COURSEKIT_LEARNER", "ana")
    monkeypatch.setenv("COURSEKIT_PROGRESS_DB", str(tmp_path / "p.sqlite"))
    return ProgressStore(tmp_path / "p.sqlite")


def test_the_review_cell_records_reviews_that_are_never_graded(store):
    bank = load_bank(bank_path("00"))
    q = bank.question("run-cell")
    store.append(module="00", question_id=q.id, question_hash=q.digest(), key_hash=bank.key(q.id).digest(),
                 mode="formative", answer="b", score=0.0, max_score=1.0, confidence=0.9)
    first = store.latest()[("00", "run-cell")]
    later = dt.datetime.now(dt.UTC) + dt.timedelta(days=1, minutes=1)
    view = quiz.review("01", now=later)
    assert [d.question_id for d in view.due] == ["run-cell"]
    wdg = view.widgets[0]
    assert wdg.value is None and not wdg.locked  # a fresh try, not the old answer
    wdg.value = "a"
    wdg.confidence = 0.9
    wdg.submit()
    assert "Correct" in wdg.feedback_html and "Shift+Enter" in wdg.feedback_html  # the same feedback
    assert "points)" not in wdg.feedback_html  # and no points: a review is never graded
    assert store.latest()[("00", "run-cell")] == first  # the graded answer is untouched
    assert [e.kind for e in store.events()] == ["answer", "review"]
    assert "nothing here is graded" in view.box.children[0].value
    assert "not graded" in spaced.static_html("01")
    assert quiz.review("01", now=later).due == []  # reviewed: next due in 3 days


def test_calibration_view_counts_answers_with_a_confidence(store):
    for n, (score, conf) in enumerate(((1.0, 0.9), (0.0, 0.9), (1.0, 0.9), (0.0, 0.9), (1.0, None))):
        store.append(module="02", question_id=f"q{n}", question_hash="h", key_hash="k", mode="formative",
                     answer="x", score=score, max_score=1.0, confidence=conf)
    # a second try at q1, after feedback that may have shown the answer: it does not count
    store.append(module="02", question_id="q1", question_hash="h", key_hash="k", mode="formative", answer="y",
                 score=1.0, max_score=1.0, confidence=1.0)
    view = quiz.calibration("02")
    c = view.calibration
    assert c.n == 4 and c.brier == pytest.approx((0.01 * 2 + 0.81 * 2) / 4)
    assert c.bins == ((0.9, 4, 0.5),)
    assert "overconfident by about 40 percentage points" in c.words()
    page = view._repr_html_()
    assert "role='img'" in page and "<desc" in page and "at 90% sure, 50% right (4 answers)" in page
    assert quiz.calibration("03").calibration.n == 0 and "No answers with a confidence" in repr(quiz.calibration("03"))


def test_calibration_words():
    good = cal.summarise([(0.7, True)] * 7 + [(0.7, False)] * 3)
    assert "well calibrated" in good.words() and good.brier == pytest.approx(0.21)
    shy = cal.summarise([(0.5, True)] * 10)
    assert "underconfident by about 50" in shy.words()


def test_the_student_release_carries_the_check_and_the_review_cells(tmp_path):
    import json

    from coursekit.instructor.release import release
    from tests.conftest import REPO

    out = tmp_path / "student"
    release(out, root=REPO)
    assert (out / "data" / "discernment.yml").read_bytes() == (REPO / "data" / "discernment.yml").read_bytes()
    for nb in sorted((out / "notebooks").glob("0*.ipynb")):
        cells = ["".join(c["source"]) for c in json.loads(nb.read_text(encoding="utf-8"))["cells"]]
        module = nb.name[:2]
        if module != "00":
            assert any(f'quiz.review("{module}")' in c for c in cells), nb.name
        assert any("quiz.calibration(" in c for c in cells), nb.name
    assert any('quiz.discernment("pre")' in c for c in
               ["".join(x["source"]) for x in json.loads((out / "notebooks/00_start_here.ipynb").read_text())["cells"]])


def test_review_brings_back_only_questions_a_quiz_widget_can_show():
    from coursekit.quiz.bank import bank_paths
    from coursekit.quiz.pools import every_question
    from coursekit.quiz.types import get as get_type

    shown = spaced.formative_questions()
    for path in bank_paths():
        bank = load_bank(path, keys=False)
        for q in every_question(bank):
            expected = bank.mode == "formative" and q.graded and get_type(q.type).shown_in_quiz
            assert ((bank.module, q.id) in shown) == expected, (bank.module, q.id)


def test_the_delayed_check_is_offered_four_weeks_after_the_post_check():
    post = [ev("08", "dc-post-b-eu-2020", 1.0, at=T0, kind="discernment")]
    assert spaced._delayed_note(post, T0 + dt.timedelta(days=27)) == ""
    assert 'quiz.discernment("delayed")' in spaced._delayed_note(post, T0 + dt.timedelta(days=28))
    done = post + [ev("08", "dc-delayed-a-ryanair", 1.0, at=T0 + dt.timedelta(days=29), kind="discernment")]
    assert spaced._delayed_note(done, T0 + dt.timedelta(days=40)) == ""


def test_a_review_reads_only_the_banks_of_modules_answered_in():
    """A new learner's review loads no bank (the review cell opens every module); otherwise only the
    banks it can bring questions back from, and the same questions as reading every bank."""
    everything = spaced.formative_questions()
    assert spaced.formative_questions(set()) == {}
    part = spaced.formative_questions({"01", "05"})
    assert part and part == {k: v for k, v in everything.items() if k[0] in ("01", "05")}
