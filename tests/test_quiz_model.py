"""Every question type: right, wrong, partial, empty and wrong-type answers."""

import pytest

from coursekit.quiz.model import Key, Option, Question, check

Opt = Option


def q(type_, **kw):
    return Question(id="q", type=type_, prompt="?", points=kw.pop("points", 2.0), **kw)


SINGLE = q("single_choice", options=(Opt("a", "A"), Opt("b", "B"), Opt("c", "C")))
SINGLE_K = Key(correct="b", feedback={"a": "A is a trap."}, explanation="B because.")
MULTI = q("multiple_select", options=(Opt("a", "A"), Opt("b", "B"), Opt("c", "C"), Opt("d", "D")))
MULTI_K = Key(correct=["a", "b", "c"], explanation="x")
TF = q("true_false")
TF_K = Key(correct=False, feedback={"true": "No: it was the secretary."}, explanation="x")
NUM = q("numeric", unit="km")
NUM_ABS = Key(correct=65, tolerance_abs=5, explanation="x")
NUM_REL = Key(correct=100, tolerance_rel=0.1, explanation="x")
ORDER = q("ordering", items=(Opt("a", "1996"), Opt("b", "1997"), Opt("c", "1999"), Opt("d", "2020")))
ORDER_K = Key(correct=["a", "b", "c", "d"], explanation="x")
CAT = q("categorise", items=(Opt("x", "X"), Opt("y", "Y"), Opt("z", "Z"), Opt("w", "W")),
        categories=(Opt("fact", "fact"), Opt("value", "value")))
CAT_K = Key(correct={"x": "fact", "y": "value", "z": "fact", "w": "value"},
            feedback={"y": "It says what should be done."}, explanation="x")
TEXT = q("text", min_words=3, points=0)


def test_single_choice():
    r = check(SINGLE, SINGLE_K, "b")
    assert r.correct and r.score == 2 and r.status == "Correct" and r.explanation == "B because."
    r = check(SINGLE, SINGLE_K, "a")
    assert r.score == 0 and r.status == "Not correct" and r.message == "A is a trap."
    assert check(SINGLE, SINGLE_K, None).error == "Choose one option, then submit."
    assert "Choose one of the options" in check(SINGLE, SINGLE_K, "z").error
    assert check(SINGLE, SINGLE_K, 3).error


def test_multiple_select_partial_credit_rule():
    assert check(MULTI, MULTI_K, ["a", "b", "c"]).score == 2
    assert check(MULTI, MULTI_K, ["a", "b"]).score == pytest.approx(2 * 2 / 3)  # one missed
    assert check(MULTI, MULTI_K, ["a", "b", "d"]).score == pytest.approx(2 * 1 / 3)  # one wrong tick
    assert check(MULTI, MULTI_K, ["a", "b", "c", "d"]).score == pytest.approx(2 * 2 / 3)
    assert check(MULTI, MULTI_K, ["d"]).score == 0  # never below zero
    r = check(MULTI, MULTI_K, ["a", "d"])
    assert r.status == "Not correct" and any(not p.ok for p in r.parts)
    assert check(MULTI, MULTI_K, []).error.startswith("Tick at least one")
    assert "Unknown option" in check(MULTI, MULTI_K, ["a", "q"]).error
    assert check(MULTI, MULTI_K, {"a": 1}).error


def test_true_false():
    assert check(TF, TF_K, False).correct
    assert check(TF, TF_K, "false").correct
    r = check(TF, TF_K, True)
    assert r.score == 0 and r.message == "No: it was the secretary."
    assert check(TF, TF_K, "maybe").error == "Answer true or false."
    assert check(TF, TF_K, "").error


def test_numeric_tolerance_and_unit():
    assert check(NUM, NUM_ABS, 65).correct
    assert check(NUM, NUM_ABS, "69.5").correct
    assert check(NUM, NUM_ABS, "1,000").score == 0
    low = check(NUM, NUM_ABS, 59)
    assert low.score == 0 and "too low" in low.message and "km" in low.message
    assert "too high" in check(NUM, NUM_ABS, 71).message
    assert check(NUM, NUM_REL, 109).correct and not check(NUM, NUM_REL, 111).correct
    err = check(NUM, NUM_ABS, "sixty-five").error
    assert "not a number" in err and "km" in err
    assert check(NUM, NUM_ABS, float("nan")).error
    assert check(NUM, NUM_ABS, True).error
    assert check(NUM, NUM_ABS, " ").error == "Type a number, then submit."


def test_ordering_partial_credit_by_pairs():
    assert check(ORDER, ORDER_K, ["a", "b", "c", "d"]).score == 2
    assert check(ORDER, ORDER_K, ["d", "c", "b", "a"]).score == 0
    r = check(ORDER, ORDER_K, ["b", "a", "c", "d"])  # one of six pairs swapped
    assert r.score == pytest.approx(2 * 5 / 6) and r.status == "Partly correct"
    assert "5 of 6 pairs" in r.message
    assert check(ORDER, ORDER_K, ["a", "b", "c"]).error == "Put every item in the list exactly once."
    assert check(ORDER, ORDER_K, "abcd").error


def test_categorise_per_item_feedback():
    assert check(CAT, CAT_K, dict(CAT_K.correct)).correct
    ans = dict(CAT_K.correct, y="fact")
    r = check(CAT, CAT_K, ans)
    assert r.score == pytest.approx(2 * 3 / 4)
    wrong = [p for p in r.parts if not p.ok]
    assert len(wrong) == 1 and wrong[0].label == "Y" and "It says what should be done." in wrong[0].message
    missing = check(CAT, CAT_K, {"x": "fact"}).error
    assert "3 item(s) still need a category" in missing
    assert "Unknown category" in check(CAT, CAT_K, dict(CAT_K.correct, x="opinion")).error
    assert check(CAT, CAT_K, ["fact"]).error


def test_two_way_categorise_marks_no_item_before_the_answer_is_earned():
    """With two categories, an item marked wrong belongs in the other one: a first wrong try
    gets the count of items placed right, and which ones only once the answer is earned."""
    from coursekit.quiz.widgets import feedback_html

    r = check(CAT, CAT_K, dict(CAT_K.correct, y="fact"))
    first, second = feedback_html(r, attempts=1), feedback_html(r, attempts=2)
    assert "3 of 4 items placed right" in first
    assert "ck-parts" not in first and "not fact" not in first and "It says what" not in first
    assert "not fact" in second and "It says what should be done." in second
    three = q("categorise", items=CAT.items, categories=(*CAT.categories, Opt("rule", "rule")))
    assert "not fact" in feedback_html(check(three, CAT_K, dict(CAT_K.correct, y="fact")), attempts=1)


def test_text_is_recorded_not_graded():
    r = check(TEXT, None, "I would want to know their role.")
    assert r.score is None and r.status == "Recorded" and r.error is None
    assert "at least 3 words" in check(TEXT, None, "too short").error
    assert check(TEXT, None, 42).error


def test_without_a_key_answers_are_recorded():
    r = check(SINGLE, None, "a")
    assert r.score is None and r.status == "Recorded" and r.correct is None


def test_question_digest_changes_when_the_question_changes():
    edited = Question(id="q", type="single_choice", prompt="?!", points=2.0, options=SINGLE.options)
    assert SINGLE.digest() != edited.digest()
    assert SINGLE_K.digest() != Key(correct="a").digest()


def test_a_percentage_typed_for_a_plain_number_gets_advice_that_fits_it():
    """'64%' for a Brier score had been told to type digits only, 'e.g. 65', and 64 then drew
    feedback about squaring: the advice now says how a share is written."""
    share = q("numeric")
    key = Key(correct=0.64, tolerance_abs=0.005, explanation="x")
    error = check(share, key, "64%").error
    assert "leave out the % sign" in error and "0.25, not 25%" in error and "65" not in error
    assert "with a point for decimals" in check(share, key, "about half").error
    assert check(share, key, "0.64").correct
