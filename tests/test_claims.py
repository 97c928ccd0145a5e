"""data/claims.yml: the essay's claims load, cover the essay and fail clearly when broken."""

from __future__ import annotations

import copy
import re

import pytest
import yaml

from coursekit.claims import (
    CLAIM_TYPES,
    MAX_QUOTE_WORDS,
    ROLES,
    VERDICTS,
    essay_paragraphs,
    essay_text_path,
    load_claims,
    load_essay,
)
from coursekit.errors import DataError
from coursekit.paths import data_file
from coursekit.sources import load_sources

ISO = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")


@pytest.fixture(scope="module")
def claims():
    return load_claims()


@pytest.fixture(scope="module")
def raw():
    return yaml.safe_load(data_file("claims.yml").read_text(encoding="utf-8"))


def by_id(df, cid):
    return df.set_index("id").loc[cid]


def test_claims_load_with_flattened_verdicts(claims):
    assert 30 <= len(claims) <= 45
    for col in ("verdict", "verdict_date", "verdict_evidence", "verdict_sources"):
        assert col in claims.columns
    assert claims["id"].is_unique


def test_every_paragraph_has_a_claim(claims):
    assert set(claims["paragraph"]) == set(range(1, 17))


def test_every_source_id_resolves(claims):
    known = load_sources()
    cited = {s for ids in claims["sources"] for s in ids}
    cited |= {s for ids in claims["verdict_sources"] for s in ids}
    cited |= set(load_essay()["dating"]["sources"])
    assert cited, "no sources cited"
    assert cited <= set(known), f"unknown ids: {sorted(cited - set(known))}"


def test_fixed_vocabularies(claims):
    assert set(claims["type"]) <= set(CLAIM_TYPES)
    assert set(claims["role"]) <= set(ROLES)
    assert set(claims["verdict"].dropna()) <= set(VERDICTS)


def test_checkable_claims_carry_a_dated_sourced_verdict(claims):
    checkable = claims[claims["type"].isin(["fact", "attributed", "prediction"])]
    assert len(checkable) >= 20
    for _, row in checkable.iterrows():
        assert row["verdict"] in VERDICTS, row["id"]
        assert ISO.match(row["verdict_date"]), row["id"]
        assert row["verdict_sources"], row["id"]
        assert row["sources"], row["id"]
    others = claims[~claims.index.isin(checkable.index)]
    assert others["verdict"].isna().all()


def test_myths_and_call_to_action_roles(claims):
    assert set(claims.loc[claims["paragraph"].isin([12, 13, 14]), "role"]) == {"myth_rebuttal"}
    assert set(claims.loc[claims["paragraph"] == 16, "role"]) == {"call_to_action"}


def test_quotes_are_short_and_verbatim(claims):
    quotes = claims.dropna(subset=["quote"])
    assert len(quotes) >= 20
    assert (quotes["quote"].str.split().str.len() <= MAX_QUOTE_WORDS).all()
    paragraphs = essay_paragraphs()
    if paragraphs is None:
        pytest.skip("the essay is not on this machine")
    for _, row in quotes.iterrows():
        assert row["quote"] in paragraphs[row["paragraph"] - 1], row["id"]


def test_essay_record_and_dating_agree_with_the_dating_clues():
    essay = load_essay()
    assert essay["url"] == ("https://upnorth.eu/"
                            "the-independence-of-belarus-is-a-matter-of-international-security/")
    assert essay["author"] == "Andrei Sannikov"
    from coursekit.essay import dating_window, load_dating

    earliest, latest = dating_window(load_dating())
    assert essay["dating"]["window_start"] == str(earliest)
    assert essay["dating"]["window_end"] == str(latest)


def test_notable_cases_are_recorded(claims):
    turchynov = by_id(claims, "c11")
    assert turchynov["verdict"] == "partly"
    assert "secretary" in turchynov["verdict_evidence"]
    assert "rnbo-nsdc-article-107" in turchynov["verdict_sources"]
    tnr = claims[claims["note"].fillna("").str.contains("New Republic")]
    assert set(tnr["paragraph"]) >= {4, 14}
    forty = claims[claims["quote"].fillna("").str.contains("About 40")].iloc[0]
    assert "east-center-2019-yeliseyeu-shifts" in forty["verdict_sources"]
    assert "uncited" in forty["note"] or "not cite" in forty["verdict_evidence"]
    merger = by_id(claims, "c06")
    assert merger["verdict"] == "does_not_hold" and merger["verdict_date"].startswith("2020")
    elections = claims[(claims["paragraph"] == 15) & (claims["type"] == "prediction")].iloc[0]
    assert {"odihr-2019-11-18-belarus-preliminary", "odihr-2020-07-15-no-mission",
            "eucouncil-2020-08-19-conclusions"} <= set(elections["verdict_sources"])


# ----------------------------------------------------------------- broken copies
def _claim(data, cid):
    return next(c for c in data["claims"] if c["id"] == cid)


def _set(cid, key, value):
    def mutate(data):
        _claim(data, cid)[key] = value
    return mutate


def _drop(cid, *keys):
    def mutate(data):
        node = _claim(data, cid)
        for key in keys[:-1]:
            node = node[key]
        del node[keys[-1]]
    return mutate


def _drop_paragraph(para):
    def mutate(data):
        data["claims"] = [c for c in data["claims"] if c["paragraph"] != para]
    return mutate


def _duplicate_id(data):
    _claim(data, "c02")["id"] = "c01"


def _value_with_verdict(data):
    _claim(data, "c21")["verdict"] = copy.deepcopy(_claim(data, "c01")["verdict"])


BROKEN = [
    ("unknown type", _set("c01", "type", "opinion"), "c01", "type"),
    ("paragraph 17", _set("c03", "paragraph", 17), "c03", "paragraph"),
    ("paragraph as text", _set("c03", "paragraph", "three"), "c03", "paragraph"),
    ("unknown role", _set("c09", "role", "aside"), "c09", "role"),
    ("unknown source", _set("c05", "sources", ["no-such-source"]), "c05", "sources"),
    ("unknown verdict source", lambda d: _claim(d, "c07")["verdict"].update(
        sources=["no-such-source"]), "c07", "verdict.sources"),
    ("undated verdict", _drop("c06", "verdict", "date"), "c06", "verdict.date"),
    ("verdict date not ISO", lambda d: _claim(d, "c14")["verdict"].update(date="2019-13-01"),
     "c14", "verdict.date"),
    ("unknown verdict", lambda d: _claim(d, "c14")["verdict"].update(value="true"),
     "c14", "verdict.value"),
    ("fact without verdict", _drop("c14", "verdict"), "c14", "verdict"),
    ("prediction without horizon", _drop("c06", "horizon"), "c06", "horizon"),
    ("attributed without said_by", _drop("c11", "said_by"), "c11", "said_by"),
    ("attributed without said_on", _drop("c13", "said_on"), "c13", "said_on"),
    ("rhetorical without device", _drop("c02", "device"), "c02", "device"),
    ("value with a verdict", _value_with_verdict, "c21", "verdict"),
    ("quote too long", _set("c01", "quote", "one two three four five six seven eight nine "
                                            "ten eleven twelve thirteen"), "c01", "quote"),
    ("duplicate id", _duplicate_id, "c01", "id"),
    ("missing claim text", _set("c04", "claim", ""), "c04", "claim"),
]


@pytest.mark.parametrize("name,mutate,cid,field", BROKEN, ids=[b[0] for b in BROKEN])
def test_broken_copy_names_file_claim_and_field(tmp_path, raw, name, mutate, cid, field):
    data = copy.deepcopy(raw)
    mutate(data)
    path = tmp_path / "claims.yml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    with pytest.raises(DataError) as err:
        load_claims(path)
    text = str(err.value)
    assert "claims.yml" in text
    assert f"claim {cid}" in text, text
    assert f"field '{field}'" in text, text
    assert "Fix:" in text


def test_uncovered_paragraph_is_named(tmp_path, raw):
    data = copy.deepcopy(raw)
    _drop_paragraph(10)(data)
    path = tmp_path / "claims.yml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    with pytest.raises(DataError, match=r"claims\.yml.*field 'paragraph'.*\[10\]"):
        load_claims(path)


def test_quote_not_in_its_paragraph_fails(tmp_path, raw):
    if essay_text_path() is None:
        pytest.skip("the essay is not on this machine")
    data = copy.deepcopy(raw)
    _claim(data, "c01")["quote"] = "About 40 of them became visibly more active."  # paragraph 6
    path = tmp_path / "claims.yml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    with pytest.raises(DataError, match=r"claim c01, field 'quote'.*paragraph 1"):
        load_claims(path)


def test_quote_check_is_skipped_without_the_essay(tmp_path, raw):
    data = copy.deepcopy(raw)
    _claim(data, "c01")["quote"] = "About 40 of them became visibly more active."
    path = tmp_path / "claims.yml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    df = load_claims(path, essay_path=tmp_path / "no-essay.txt")
    assert df.set_index("id").loc["c01", "quote"].startswith("About 40")


def test_broken_essay_record(tmp_path, raw):
    data = copy.deepcopy(raw)
    data["essay"]["dating"]["window_start"] = "April 2019"
    path = tmp_path / "claims.yml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    with pytest.raises(DataError, match=r"claims\.yml, essay, field 'dating.window_start'"):
        load_essay(path)


def test_invalid_yaml_names_the_line(tmp_path):
    path = tmp_path / "claims.yml"
    path.write_text("essay: {title: x\nclaims: [\n", encoding="utf-8")
    with pytest.raises(DataError, match=r"claims\.yml, line \d+"):
        load_claims(path)
