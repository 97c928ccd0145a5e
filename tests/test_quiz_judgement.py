"""Judgement questions are recorded, never scored; scores read as people write them; keys accept
what the kit's own data and text support."""

import csv

import pytest
import yaml

from coursekit.errors import DataError
from coursekit.quiz.bank import bank_path, key_path_for, load_bank
from coursekit.quiz.model import check
from coursekit.quiz.widgets import feedback_html
from tests.conftest import REPO

QUIZZES = REPO / "data" / "quizzes"


def copy_07(tmp_path, edit_bank=None, edit_key=None):
    (tmp_path / "keys").mkdir()
    bank = yaml.safe_load((QUIZZES / "07.yml").read_text(encoding="utf-8"))
    key = yaml.safe_load((QUIZZES / "keys" / "07.yml").read_text(encoding="utf-8"))
    if edit_bank:
        edit_bank(next(q for q in bank["questions"] if q["id"] == "your-call"))
    if edit_key:
        edit_key(key["keys"]["your-call"])
    path = tmp_path / "07.yml"
    path.write_text(yaml.safe_dump(bank, allow_unicode=True), encoding="utf-8")
    key_path_for(path).write_text(yaml.safe_dump(key, allow_unicode=True), encoding="utf-8")
    return path


def test_your_call_is_a_judgement_recorded_and_never_scored():
    bank = load_bank(bank_path("07"), keys=True)
    q = bank.question("your-call")
    assert q.judgement and not q.graded and q.points == 0
    assert bank.max_points == sum(x.points for x in bank.questions if x.id != "your-call")
    key = bank.key("your-call")
    assert key.correct is None and key.view
    # whatever the learner decides, nothing is scored and every item shows the kit's call
    for answer in ({i.id: "happened" for i in q.items}, dict(key.view)):
        result = check(q, key, answer)
        assert result.score is None and result.status == "Recorded" and result.error is None
        assert len(result.parts) == len(q.items)
        assert all("the kit's call" in p.message for p in result.parts)
        html = feedback_html(result, attempts=1)
        assert "wrong" not in html and "points" not in html
        assert "Why:" in html  # the kit's reasons are shown at once, not after two attempts


def test_a_judgement_question_cannot_carry_a_scored_key(tmp_path):
    def scored(k):
        k["correct"] = k.pop("view")

    with pytest.raises(DataError) as err:
        load_bank(copy_07(tmp_path, edit_key=scored), keys=True)
    assert "never scored" in str(err.value) and "correct" in str(err.value)


def test_a_judgement_question_cannot_carry_points(tmp_path):
    with pytest.raises(DataError) as err:
        load_bank(copy_07(tmp_path, edit_bank=lambda q: q.update(points=2)), keys=True)
    assert "points" in str(err.value)


def test_a_view_belongs_only_to_judgement_questions(tmp_path):
    def not_judgement(q):
        q.pop("judgement")

    with pytest.raises(DataError) as err:
        load_bank(copy_07(tmp_path, edit_bank=not_judgement), keys=True)
    assert "view" in str(err.value)


def test_partial_scores_are_shown_rounded():
    bank = load_bank(bank_path("05"), keys=True)
    q = bank.question("technique-cases")
    key = bank.key("technique-cases")
    answer = {i.id: "trolling" for i in q.items}
    answer["one-people"] = "polarisation"  # 1 of 5 right... and stoltenberg counts trolling
    result = check(q, key, answer)
    html = feedback_html(result, attempts=1)
    assert "0.4 of 1 point)" in html
    seven = check(load_bank(bank_path("01"), keys=True).question("unsupported"), None, "nothing")
    assert seven.score is None  # no key: recorded


def test_feedback_rounds_to_two_decimals():
    from coursekit.quiz.model import Result

    html = feedback_html(Result(5 / 7, 1.0, "5 of 7 items placed right."), attempts=1)
    assert "0.71 of 1 point)" in html and "0.714" not in html


@pytest.mark.parametrize("typed,ok", [("80", True), ("80.1", True), ("80.10", True), ("79", False), ("81", False)])
def test_official_2020_accepts_what_the_text_gives(typed, ok):
    bank = load_bank(bank_path("06"), keys=True)
    result = check(bank.question("official-2020"), bank.key("official-2020"), typed)
    assert result.correct is ok


def test_technique_cases_accept_every_technique_the_data_codes():
    """Each case's accepted techniques are exactly those data/narratives.csv gives its source."""
    bank = load_bank(bank_path("05"), keys=True)
    q = bank.question("technique-cases")
    key = bank.key("technique-cases")
    with (REPO / "data" / "narratives.csv").open(encoding="utf-8") as fh:
        coded = {row["source"].replace(";", " ").split()[0]: set(row["techniques"].split(";"))
                 for row in csv.DictReader(fh)}
    case_source = {"stoltenberg": "dfrlab-2020-04-29-stoltenberg-letter",
                   "scapegoat": "dfrlab-2020-08-24-belarus-scapegoats",
                   "women": "dfrlab-2020-09-21-telegram-smear",
                   "one-people": "euvsdisinfo-2019-07-18-one-people",
                   "tanks": "nationalpost-2020-08-16-nato-denies-buildup"}
    for item, source in case_source.items():
        accepted = key.correct[item]
        accepted = {accepted} if isinstance(accepted, str) else set(accepted)
        assert accepted == coded[source], item
        for technique in accepted:
            answer = {i.id: (technique if i.id == item else "impersonation") for i in q.items}
            part = next(p for p in check(q, key, answer).parts if p.label.startswith(
                next(i.text for i in q.items if i.id == item)))
            assert part.ok, (item, technique)
