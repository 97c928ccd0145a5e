"""The hindsight scorecard: verdicts mapped, dated after 2019, broken items named precisely."""

import pytest
import yaml

from coursekit.claims import load_claims
from coursekit.errors import DataError
from coursekit.paths import data_file
from coursekit.scorecard import (
    ESSAY_YEAR,
    FROM_CLAIMS,
    VERDICTS,
    brier_score,
    build_scorecard,
    compare,
    dated_after,
    load_items,
    plot_scorecard,
    verdict_counts,
)
from coursekit.sources import load_sources


@pytest.fixture(scope="module")
def card():
    return build_scorecard()


def test_every_verdict_cites_a_source_dated_after_2019(card):
    known = load_sources()
    for _, row in card.iterrows():
        later = dated_after(row["sources"], known)
        assert later, f"{row['id']}: no source dated after {ESSAY_YEAR}"
        assert all(int(known[s].date[:4]) > 2019 for s in later)


def test_verdicts_use_the_scorecard_vocabulary_and_have_dates(card):
    assert set(card["verdict"]) <= set(VERDICTS)
    assert card["verdict_date"].str.match(r"^\d{4}(-\d{2}(-\d{2})?)?$").all()
    assert card["evidence"].str.len().gt(20).all()


def test_claims_predictions_are_mapped_not_copied(card):
    claims = load_claims()
    predictions = claims[claims["type"] == "prediction"]
    from_claims = card[card["origin"] == "claims.yml"].set_index("id")
    assert set(from_claims.index) == set(predictions["id"])
    for _, c in predictions.iterrows():
        assert from_claims.loc[c["id"], "verdict"] == FROM_CLAIMS[c["verdict"]]


def test_scorecard_items_add_what_claims_lack(card):
    items = card[card["origin"] == "scorecard.yml"]
    claim_ids = set(load_claims()["id"])
    assert len(items) >= 3
    assert set(items["based_on"]) <= claim_ids
    assert not set(items["id"]) & claim_ids


def test_counts_keep_every_verdict(card):
    counts = verdict_counts(card)
    assert list(counts.index) == list(VERDICTS)
    assert counts.sum() == len(card)


def broken_copy(tmp_path, edit):
    data = yaml.safe_load(data_file("scorecard.yml").read_text(encoding="utf-8"))
    edit(data["items"])
    path = tmp_path / "scorecard.yml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


def item(items, sid):
    return next(i for i in items if i["id"] == sid)


@pytest.mark.parametrize(("edit", "row", "field", "words"), [
    (lambda it: item(it, "s01")["verdict"].update(value="sort of"), "item s01", "verdict.value",
     "not a verdict"),
    (lambda it: item(it, "s02")["verdict"].update(date="last year"), "item s02", "verdict.date",
     "not an ISO date"),
    (lambda it: item(it, "s03")["verdict"].update(sources=["tnr-2019-belarus-land-grab"]), "item s03",
     "verdict.sources", "no source is dated after 2019"),
    (lambda it: item(it, "s04")["verdict"].update(sources=["no-such-id"]), "item s04",
     "verdict.sources", "unknown source id"),
    (lambda it: item(it, "s05").update(based_on="c99"), "item s05", "based_on", "not a claim id"),
    (lambda it: item(it, "s01").update(paragraph=17), "item s01", "paragraph", "not a paragraph"),
    (lambda it: item(it, "s02").pop("expectation"), "item s02", "expectation", "missing"),
    (lambda it: it.append(dict(item(it, "s01"))), "item s01", "id", "used twice"),
])
def test_broken_copy_names_file_item_and_field(tmp_path, edit, row, field, words):
    path = broken_copy(tmp_path, edit)
    with pytest.raises(DataError) as err:
        load_items(path)
    message = str(err.value)
    assert "scorecard.yml" in message and row in message
    assert f"field '{field}'" in message and words in message


def test_compare_checks_the_calls(card):
    table = compare({"c19": "did not", "c26": "partly"}, card)
    assert list(table["same"]) == [True, False]
    with pytest.raises(ValueError, match="one of"):
        compare({"c19": "maybe"}, card)
    with pytest.raises(ValueError, match="no scorecard item"):
        compare({"c77": "happened"}, card)


def test_brier_score_leaves_out_too_early(card):
    too_early = card.loc[card["verdict"] == "too early", "id"].iloc[0]
    happened = card.loc[card["verdict"] == "happened", "id"].iloc[0]
    did_not = card.loc[card["verdict"] == "did not", "id"].iloc[0]
    score, table = brier_score({happened: 1.0, did_not: 1.0, too_early: 0.5}, card)
    assert score == pytest.approx(0.5)
    assert too_early not in set(table["id"])
    with pytest.raises(ValueError, match="probability"):
        brier_score({happened: 1.5}, card)


def test_chart_alt_text_names_counts_and_paragraphs(card):
    pytest.importorskip("matplotlib")
    import matplotlib

    matplotlib.use("Agg")
    kit = plot_scorecard(card)
    fig = kit.figure
    own = card[card["voice"] == "essay"]
    for verdict, n in verdict_counts(own).items():
        assert f"{verdict}: {n}" in kit.alt
    for paragraph in own["paragraph"]:
        assert f"¶{paragraph}: " in kit.alt
    assert fig.axes[0].get_title()
    assert fig.axes[0].get_legend() is not None


def test_the_essays_own_expectations_are_kept_apart_from_views_it_reports():
    """The chart and the first list hold only the essay's own expectations (paragraph and verdict in words);
    views the essay reports (observers, Turchynov, Rasmussen, Lukashenka) are listed apart with whose they are."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from coursekit.scorecard import build_scorecard, expectations, plot_scorecard

    card = build_scorecard()
    own, other = expectations(card), expectations(card, "reported")
    assert set(own["item"]) == {"c12", "c19", "c26", "c37", "s04"}
    assert {"c06", "c09", "s01", "s02", "s03", "s05"} == set(other["item"])
    assert all(w.startswith("¶") for w in own["where"]) and set(own["verdict"]) <= set(VERDICTS)
    assert other["whose"].str.contains("Turchynov").any() and "whose" not in own
    assert "verdict" not in expectations(card, verdicts=False)
    kit = plot_scorecard(card)
    try:
        labels = " ".join(t.get_text() for t in kit.figure.axes[0].texts)
        assert "¶15" in labels and "s0" not in labels and "c3" not in labels  # paragraphs, not bare ids
        assert sum(p.get_width() for p in kit.figure.axes[0].patches) == len(own)
        assert "Turchynov" not in kit.alt and "¶15: The 2019 and 2020 elections will be rigged" in kit.alt
    finally:
        plt.close(kit.figure)


def test_an_item_without_voice_is_refused_with_the_fix(tmp_path):
    import yaml

    from coursekit.errors import DataError
    from coursekit.paths import data_file
    from coursekit.scorecard import load_items

    data = yaml.safe_load(data_file("scorecard.yml").read_text(encoding="utf-8"))
    del data["items"][0]["voice"]
    path = tmp_path / "scorecard.yml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    with pytest.raises(DataError, match="voice") as err:
        load_items(path)
    assert "essay" in str(err.value) and "reported" in str(err.value)


def test_calls_copied_from_the_quiz_are_read_and_an_empty_brier_score_says_why(card):
    """Module 07 asks students to copy their quiz answers into `my_calls`: the quiz shows "too early
    to say" and stores "did-not"; both raised. A Brier score of "too early" items alone printed nan."""
    ids = list(card["id"])
    table = compare({ids[0]: "did-not", ids[1]: "Too early to say", ids[2]: "Did not happen", ids[3]: "Happened"}, card)
    assert list(table["your call"]) == ["did not", "too early", "did not", "happened"]
    too_early = card.loc[card["verdict"] == "too early", "id"].iloc[0]
    with pytest.raises(ValueError, match="too early.*add items with a verdict"):
        brier_score({too_early: 0.5}, card)
    with pytest.raises(ValueError, match="not a probability"):
        brier_score({ids[0]: "0.7"}, card)
    import numpy as np

    scored = card.loc[card["verdict"] != "too early", "id"].iloc[0]
    assert brier_score({scored: np.float32(0.5)}, card)[0] == pytest.approx(0.25 if card.set_index("id").loc[
        scored, "verdict"] != "partly" else 0.0)  # numbers from numpy count too
