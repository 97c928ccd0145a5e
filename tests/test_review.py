"""The review clock: every verdict and time-sensitive file has a review date, and
`coursekit review` lists what is overdue against the policy in data/review.yml."""

import datetime as dt
import shutil

import pytest

from coursekit import review
from coursekit.claims import load_claims
from coursekit.cli import main
from coursekit.errors import DataError
from coursekit.paths import data_file
from coursekit.scorecard import build_scorecard


def _latest_review() -> dt.date:
    return max(i.reviewed for i in review.items() if i.reviewed)


def test_every_verdict_and_time_sensitive_file_has_a_review_date():
    every = review.items()
    missing = [i.name for i in every if i.reviewed is None]
    assert not missing, f"no reviewed date: {missing} (add reviewed: \"YYYY-MM-DD\")"
    kinds = {i.kind for i in every}
    assert kinds == {"verdict", "dataset"}
    claims = load_claims()
    verdicts = claims[claims["verdict"].notna()]
    assert verdicts["verdict_reviewed"].notna().all()
    assert len([i for i in every if i.name.startswith("claims.yml ")]) == len(verdicts)


def test_every_data_file_is_either_dated_or_exempt_with_a_reason():
    assert review.unclassified() == []


def test_nothing_is_overdue_today():
    late = review.overdue(dt.date.today())
    assert not late, ("content is overdue for review; run `coursekit review` and review "
                      f"each item (data/README.md, review.yml): {[i.name for i in late]}")


def test_a_year_after_the_last_review_everything_is_listed(capsys):
    later = _latest_review() + dt.timedelta(days=366)
    late = review.overdue(later)
    assert {i.name for i in late} == {i.name for i in review.items()}
    assert main(["review", "--today", later.isoformat()]) == 1
    out = capsys.readouterr().out
    assert "OVERDUE verdict  claims.yml c31" in out
    assert "OVERDUE dataset  union_state_timeline.csv" in out
    assert "check:" in out  # a dataset says what to look for


def test_the_cli_lists_nothing_on_the_day_of_the_review(capsys):
    assert main(["review", "--today", _latest_review().isoformat()]) == 0
    out = capsys.readouterr().out
    assert "OVERDUE" not in out and "Nothing overdue" in out


def test_a_bad_today_is_a_clear_error(capsys):
    assert main(["review", "--today", "2027-13-01"]) == 2
    err = capsys.readouterr().err
    assert "--today" in err and "YYYY-MM-DD" in err


POLICY = """policy:
  verdicts: 12
  datasets: 3
datasets:
  - file: union_state_timeline.csv
    reviewed: "2026-11-27"
    check: new events
  - file: exercises.csv
    check: new exercises
exempt:
  - {file: claims.yml, why: verdicts dated one by one}
"""


@pytest.fixture
def data_copy(tmp_path):
    for name in ("claims.yml", "scorecard.yml", "exercises.csv", "union_state_timeline.csv"):
        shutil.copy(data_file(name), tmp_path / name)
    (tmp_path / "review.yml").write_text(POLICY, encoding="utf-8")
    return tmp_path


def test_due_dates_follow_the_policy_and_a_missing_date_is_overdue(data_copy):
    policy = data_copy / "review.yml"
    assert review.unclassified(policy) == ["scorecard.yml"]
    items = {i.name: i for i in review.items(policy)}
    assert items["exercises.csv"].reviewed is None
    timeline = items["union_state_timeline.csv"]
    assert timeline.due == review.add_months(timeline.reviewed, 3)
    late = {i.name for i in review.overdue(timeline.due, policy)}
    assert "exercises.csv" in late  # never reviewed
    assert "union_state_timeline.csv" not in late  # due today is not yet overdue
    assert "union_state_timeline.csv" in {
        i.name for i in review.overdue(timeline.due + dt.timedelta(days=1), policy)}


def test_a_bad_review_date_names_the_file_the_item_and_the_field(data_copy):
    claims = data_copy / "claims.yml"
    text = claims.read_text(encoding="utf-8")
    claims.write_text(text.replace('reviewed: "2026-', 'reviewed: "26-', 1), encoding="utf-8")
    with pytest.raises(DataError) as err:
        review.items(data_copy / "review.yml")
    assert "claims.yml" in str(err.value) and "verdict.reviewed" in str(err.value)
    assert "YYYY-MM-DD" in str(err.value)
    with pytest.raises(DataError, match="verdict.reviewed"):
        load_claims(claims)


def test_a_bad_policy_is_a_clear_error(data_copy):
    policy = data_copy / "review.yml"
    policy.write_text(policy.read_text(encoding="utf-8").replace("verdicts: 12", "verdicts: soon"),
                      encoding="utf-8")
    with pytest.raises(DataError, match="policy.verdicts"):
        review.load_policy(policy)


def test_the_scorecard_shows_as_of_dates():
    card = build_scorecard()
    assert card["reviewed"].notna().all()
    assert card["reviewed"].str.match(r"^\d{4}-\d{2}-\d{2}$").all()
