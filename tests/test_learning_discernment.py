"""The discernment check: its items (balanced, sourced, parallel forms) and its scores, which
must equal values computed by hand on a fixed answer set."""

import html

import pytest

from coursekit.errors import DataError
from coursekit.quiz import discern as dc
from coursekit.quiz.store import ProgressStore


def _items():
    real = [dc.Item(id=f"r{i}", form="A", real=True, claim="a real claim", why="because so", sources=["s"])
            for i in range(1, 6)]
    false = [dc.Item(id=f"f{i}", form="A", real=False, claim="a false claim", why="because so", sources=["s"])
             for i in range(1, 6)]
    return real + false


# r1-r3 judged real, r4-r5 false; f1-f4 judged false, f5 real.
FIXED = {"r1": "real", "r2": "real", "r3": "real", "r4": "false", "r5": "false",
         "f1": "false", "f2": "false", "f3": "false", "f4": "false", "f5": "real"}


def test_scores_equal_the_hand_computed_values():
    s = dc.score(_items(), FIXED)
    # By hand: r = 3 of 5, f = 4 of 5, V = 7 of 10; judged real 4, judged false 6.
    assert (s.real_detected, s.false_detected, s.discernment) == (3, 4, 7)
    assert (s.judged_real, s.bias, s.distrust, s.naivety) == (4, -1, 1, 0)
    # H = (3 + .5) / 6 = .58333, FA = (1 + .5) / 6 = .25; z(H) = .21043, z(FA) = -.67449
    assert s.d_prime == pytest.approx(0.21043 + 0.67449, abs=1e-4)
    assert s.criterion == pytest.approx(-(0.21043 - 0.67449) / 2, abs=1e-4)
    assert s.complete and "a leaning to distrust" in dc.meaning(s)


def test_calling_everything_false_is_not_discernment():
    everything_false = {i.id: "false" for i in _items()}
    s = dc.score(_items(), everything_false)
    assert (s.false_detected, s.real_detected, s.discernment) == (5, 0, 5)
    assert s.distrust == 5 and s.bias == -5 and s.criterion > 1  # a strong leaning to "false"
    perfect = dc.score(_items(), {i.id: "real" if i.real else "false" for i in _items()})
    assert perfect.discernment == 10 and perfect.bias == 0 and perfect.d_prime > s.d_prime
    assert "no leaning" in dc.meaning(perfect)


def test_naivety_and_an_incomplete_form():
    s = dc.score(_items(), {"r1": "real", "f1": "real", "f2": "real"})
    assert (s.answered, s.naivety, s.distrust, s.bias) == (3, 0, 0, -2)
    assert not s.complete and "not answered yet" in dc.meaning(s)
    believer = dc.score(_items(), {i.id: "real" for i in _items()})
    assert believer.naivety == 5 and "naïvety" in dc.meaning(believer)


def test_the_kit_items_are_balanced_parallel_and_sourced():
    items = dc.load_items()  # validates every source id against data/sources.yml
    for form in ("A", "B"):
        mine = [i for i in items if i.form == form]
        assert len(mine) >= 8
        assert sum(i.real for i in mine) == sum(not i.real for i in mine)
    assert len({i.claim for i in items}) == len(items)
    assert all(i.from_ for i in items), "each item names the data row it restates or distorts"


def test_an_unbalanced_form_is_refused_with_the_fix(tmp_path):
    text = open("data/discernment.yml", encoding="utf-8").read()
    head, tail = text.split("  - id: a-fake-assault")[0], text.split("  - id: b-security-treaty")[1]
    cut = head + "  - id: b-security-treaty" + tail
    bad = tmp_path / "discernment.yml"
    bad.write_text(cut, encoding="utf-8")
    with pytest.raises(DataError, match="form A has 5 real and 0 false") as err:
        dc.load_items(bad)
    assert "as many real claims as false" in str(err.value)


def test_an_unknown_source_is_refused(tmp_path):
    text = open("data/discernment.yml", encoding="utf-8").read().replace(
        "[politico-2023-03-25-putin-nukes-belarus]", "[no-such-source]")
    bad = tmp_path / "discernment.yml"
    bad.write_text(text, encoding="utf-8")
    with pytest.raises(DataError, match="no-such-source"):
        dc.load_items(bad)


def test_the_first_answer_to_each_claim_counts_and_the_result_shows_when_all_are_judged(tmp_path):
    pytest.importorskip("ipywidgets")
    store = ProgressStore(tmp_path / "p.sqlite")
    view = dc.show("pre", store=store)
    items = view.items
    for wdg in view.widgets:
        wdg.value = "false"
        wdg.confidence = 0.7
        wdg.submit()
        assert "Recorded" in wdg.feedback_html and "Real" not in wdg.feedback_html
        wdg.retry()  # no second try: the first answer is the measure
        assert wdg.locked
    events = store.events(kind="discernment")
    assert len(events) == len(items) and {e.module for e in events} == {"00"}
    assert store.latest() == {}  # not graded answers
    answers, conf = dc.answers_from_events(events, "pre", items)
    s = dc.score(items, answers)
    assert s.discernment == sum(not i.real for i in items) and s.distrust == s.n_real
    assert "Your result" in view.summary.summary_html and "a leaning to distrust" in view.summary.summary_html
    assert set(conf.values()) == {0.7}
    again = dc.show("pre", store=store)  # reopened: answers kept, result shown
    assert all(w.locked for w in again.widgets) and "Your result" in again.summary.summary_html


def test_the_static_form_shows_the_claims_but_not_which_are_real():
    text = dc.static_html("post")
    items = dc.form_items("B")
    assert all(html.escape(i.claim) in text for i in items)
    assert not any(html.escape(i.why) in text for i in items)  # the answers stay out of the page
