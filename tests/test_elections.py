"""data/elections.csv and coursekit.elections: official results against observers' findings."""

from __future__ import annotations

import csv

import matplotlib
import pytest

matplotlib.use("Agg")

from coursekit.elections import (  # noqa: E402
    ALLOWED,
    COLUMNS,
    evidence_table,
    load_elections,
    plot_official_shares,
)
from coursekit.errors import DataError  # noqa: E402
from coursekit.paths import data_file  # noqa: E402
from coursekit.sources import load_sources  # noqa: E402


@pytest.fixture(scope="module")
def elections():
    return load_elections()


def test_shipped_file_loads_sorted_and_sourced(elections):
    assert len(elections) >= 9
    assert elections["when"].is_monotonic_increasing
    known = load_sources()
    for col in ("result_source", "assessment_source"):
        assert all(ids and set(ids) <= set(known) for ids in elections[col])
    for obs, verdict in zip(elections["observation"], elections["verdict"], strict=True):
        assert verdict in ALLOWED[obs]


@pytest.mark.parametrize("date,pct,observation", [
    ("2020-08-09", 80.10, "none"),
    ("2025-01-26", 86.82, "none"),
    ("2010-12-19", 79.65, "full"),
    ("2001-09-09", 75.6, "limited"),
])
def test_key_rows(elections, date, pct, observation):
    row = elections[elections["date"] == date].iloc[0]
    assert row["lukashenka_pct"] == pytest.approx(pct)
    assert row["observation"] == observation


def test_parliamentary_rows_have_no_presidential_share(elections):
    parl = elections[elections["election"] == "parliamentary"]
    assert len(parl) >= 2 and parl["lukashenka_pct"].isna().all()
    assert {"2019-11-17", "2024-02-25"} <= set(parl["date"])


def test_evidence_table_is_readable(elections):
    table = evidence_table(elections, "presidential")
    assert list(table.columns) == ["year", "election", "official result", "ODIHR", "what observers found"]
    assert set(table["election"]) == {"presidential"}
    with pytest.raises(ValueError):
        evidence_table(elections, "local")


def broken_copy(tmp_path, line: int, field: str, value: str):
    """A copy of the shipped file with one cell changed (line counts the header as 1)."""
    with open(data_file("elections.csv"), newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    rows[line - 2][field] = value
    path = tmp_path / "elections.csv"
    with open(path, "w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(COLUMNS))
        writer.writeheader()
        writer.writerows(rows)
    return path


@pytest.mark.parametrize("line,field,value,message", [
    (3, "date", "2001-09-31", "not an ISO date"),
    (5, "lukashenka_pct", "50", "no presidential share"),
    (9, "lukashenka_pct", "", "not a number"),
    (9, "lukashenka_pct", "180.1", "not a percentage"),
    (9, "verdict", "fell_short", "does not fit observation 'none'"),
    (4, "observation", "partial", "not one of the allowed values"),
    (2, "election", "referendum", "not one of the allowed values"),
    (6, "assessment_source", "odihr-2099-made-up", "unknown source id"),
    (7, "finding", "  ", "is empty"),
])
def test_a_broken_copy_names_file_line_and_field(tmp_path, line, field, value, message):
    path = broken_copy(tmp_path, line, field, value)
    with pytest.raises(DataError) as err:
        load_elections(path)
    text = str(err.value)
    assert "elections.csv" in text and f"line {line}" in text and f"field '{field}'" in text
    assert message in text and "Fix:" in text


def test_missing_column_is_reported(tmp_path):
    src = data_file("elections.csv").read_text(encoding="utf-8").splitlines()
    header = src[0].replace(",verdict", "")
    path = tmp_path / "elections.csv"
    path.write_text("\n".join([header, *src[1:]]) + "\n", encoding="utf-8")
    with pytest.raises(DataError, match="column is missing from the header"):
        load_elections(path)


def test_duplicate_election_is_reported(tmp_path):
    lines = data_file("elections.csv").read_text(encoding="utf-8").splitlines()
    path = tmp_path / "elections.csv"
    path.write_text("\n".join([*lines, lines[-1]]) + "\n", encoding="utf-8")
    with pytest.raises(DataError, match="already appears on line"):
        load_elections(path)


def test_chart_marks_observation_by_shape_and_describes_itself(elections):
    kit = plot_official_shares(elections)
    fig = kit.figure
    ax = fig.axes[0]
    assert ax.get_ylim() == (0, 100), "a share chart starts at zero"
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert "not observed by ODIHR" in labels and "full ODIHR mission" in labels
    alt = kit.alt
    assert "2020: 80.1% (not observed by ODIHR)" in alt and "official figures only" in alt
    assert "2006: 83.0%" in alt and "2010: 79.7%" in alt  # one decimal, as the chart labels
    matplotlib.pyplot.close(fig)


def test_parliamentary_elections_are_events_on_the_axis_not_shares():
    """The 2019 parliamentary vote the essay predicted is on the chart, as an event with what it was, distinct
    from the presidential shares in marker, legend and alt text; no label covers another."""
    import itertools

    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.text import Text

    from coursekit.elections import PARLIAMENT_LABEL, PARLIAMENT_MARKER, load_elections, plot_official_shares

    df = load_elections()
    kit = plot_official_shares(df)
    fig, ax = kit.figure, kit.figure.axes[0]
    try:
        parl = df[df["election"] == "parliamentary"]
        ticks = [c for c in ax.collections if c.get_label() == PARLIAMENT_LABEL]
        assert len(ticks) == 1
        events = [c for c in ax.collections if len(c.get_offsets()) == 1 and c.get_offsets()[0][1] == 0]
        assert len(events) == len(parl)  # one tick on the time axis (y = 0) per parliamentary election
        labels = [t for t in ax.texts if t.get_gid() == "parliament"]
        assert any("17 Nov 2019" in t.get_text() and "110 seats" in t.get_text() and "fell short" in t.get_text()
                   for t in labels)
        assert PARLIAMENT_LABEL in [t.get_text() for t in ax.get_legend().get_texts()]
        assert PARLIAMENT_MARKER not in {"o", "D", "X", "s"}
        assert "17 November 2019: no opposition candidate won any of the 110 seats" in kit.alt
        assert "not plotted on the scale" in kit.alt
        fig.canvas.draw()
        boxes = [Text.get_window_extent(t) for t in ax.texts]
        assert not any(a.overlaps(b) for a, b in itertools.combinations(boxes, 2))
        assert "belarus24-2019-11-18-elections-summed-up" in kit.sources
    finally:
        plt.close(fig)
