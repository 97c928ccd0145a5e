"""coursekit.argument: counts and the argument map of the essay's claims."""

from __future__ import annotations

import matplotlib
import pandas as pd
import pytest

matplotlib.use("Agg")

from coursekit.argument import (  # noqa: E402
    ROLE_ORDER,
    argument_map,
    counts_by_paragraph,
    counts_by_role,
    plot_types_by_paragraph,
    select,
)
from coursekit.claims import CLAIM_TYPES, load_claims  # noqa: E402


@pytest.fixture(scope="module")
def claims():
    return load_claims()


def toy() -> pd.DataFrame:
    return pd.DataFrame({
        "id": ["c01", "c02", "c03", "c04"],
        "paragraph": [1, 1, 3, 16],
        "type": ["fact", "rhetorical", "value", "value"],
        "role": ["context", "context", "thesis", "call_to_action"],
    })


def test_counts_by_paragraph_fills_every_paragraph_and_type():
    table = counts_by_paragraph(toy())
    assert list(table.index) == list(range(1, 17))
    assert list(table.columns) == list(CLAIM_TYPES)
    assert table.loc[1, "fact"] == 1 and table.loc[1, "rhetorical"] == 1
    assert table.loc[2].sum() == 0 and table.loc[16, "value"] == 1
    assert table.to_numpy().sum() == 4


def test_counts_on_the_shipped_claims_add_up(claims):
    by_para, by_role = counts_by_paragraph(claims), counts_by_role(claims)
    assert by_para.to_numpy().sum() == by_role.to_numpy().sum() == len(claims) == 40
    assert (by_para.sum(axis=1) > 0).all(), "every paragraph makes at least one claim"
    assert list(by_role.index) == list(ROLE_ORDER)
    # the thesis is a value judgement, not a checkable fact
    assert by_role.loc["thesis", "value"] == by_role.loc["thesis"].sum()


def test_argument_map_puts_the_myths_in_paragraphs_12_to_14(claims):
    amap = argument_map(claims).set_index("part of the argument")
    assert list(amap.index)[0] == "Thesis"
    assert amap.loc['Rebuttals of the three "myths"', "paragraphs"] == "¶12, ¶13, ¶14"
    assert amap.loc["Call to action", "paragraphs"] == "¶16"
    assert amap["count"].sum() == 40


def test_select_filters_and_rejects_unknown_values(claims):
    sub = select(claims, paragraphs=[15], types="fact")
    assert set(sub["paragraph"]) == {15} and set(sub["type"]) == {"fact"} and len(sub) == 2
    assert len(select(claims, roles=["myth_rebuttal"])) == 10
    with pytest.raises(ValueError, match="unknown claim type"):
        select(claims, types=["opinion"])
    with pytest.raises(ValueError, match="do not exist"):
        select(claims, paragraphs=[17])


def test_chart_has_title_legend_and_alt_text_with_the_numbers(claims):
    kit = plot_types_by_paragraph(claims)
    fig = kit.figure
    ax = fig.axes[0]
    assert ax.get_title(loc="left")
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert labels[0] == "checkable fact" and len(labels) == 5
    hatches = {p.get_hatch() for p in ax.patches}
    assert len(hatches) == 5, "each type needs its own hatch, not only a colour"
    assert "40 claims" in kit.alt and "checkable fact 16" in kit.alt
    matplotlib.pyplot.close(fig)


def test_select_takes_one_paragraph_as_a_number(claims):
    """Module 01 writes `paragraphs=[13]`; a student writing `paragraphs=13` got "'int' object is not
    iterable"."""
    assert select(claims, paragraphs=13).equals(select(claims, paragraphs=[13]))
    assert len(select(claims, paragraphs=13)) > 0
    with pytest.raises(ValueError, match="do not exist"):
        select(claims, paragraphs=17)
