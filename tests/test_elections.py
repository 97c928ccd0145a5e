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


def _strip(fig):
    """The share axes of a chart and the strip of parliamentary elections hanging below them."""
    ax = fig.axes[0]
    (strip,) = ax.child_axes
    return ax, strip


def _drawn_boxes(fig):
    """The framed boxes of the parliamentary elections, in display pixels after a full draw."""
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    _, strip = _strip(fig)
    boxes = [t.get_bbox_patch().get_window_extent(renderer) for t in strip.texts if t.get_gid() == "parliament"]
    assert boxes
    return boxes


def _apart(boxes) -> bool:
    import itertools

    return not any(a.overlaps(b) for a, b in itertools.combinations(boxes, 2))


def test_parliamentary_elections_are_events_in_a_strip_of_their_own():
    """The 2019 parliamentary vote the essay predicted is on the chart, as an event with what it was, in a
    strip below the share axes on the same time axis, distinct from the presidential shares in marker,
    legend and alt text; no label covers another."""
    import matplotlib.pyplot as plt
    from matplotlib.text import Text

    from coursekit.elections import PARLIAMENT_LABEL, PARLIAMENT_MARKER, STRIP_LABEL

    df = load_elections()
    kit = plot_official_shares(df)
    fig = kit.figure
    ax, strip = _strip(fig)
    try:
        parl = df[df["election"] == "parliamentary"]
        assert not [c for c in ax.collections if c.get_label() == PARLIAMENT_LABEL], "no event on the % scale"
        assert len([c for c in strip.collections if c.get_label() == PARLIAMENT_LABEL]) == 1
        events = [c for c in strip.collections if len(c.get_offsets()) == 1]
        assert len(events) == len(parl)  # one tick per parliamentary election
        assert strip.get_xlim() == ax.get_xlim() and strip.get_shared_x_axes().joined(ax, strip)
        assert not strip.get_yticks().size and strip.get_ylabel() == STRIP_LABEL
        labels = [t for t in strip.texts if t.get_gid() == "parliament"]
        assert any("17 Nov 2019" in t.get_text() and "110 seats" in t.get_text() and "fell short" in t.get_text()
                   for t in labels)
        assert PARLIAMENT_LABEL in [t.get_text() for t in strip.get_legend().get_texts()]
        assert PARLIAMENT_LABEL not in [t.get_text() for t in ax.get_legend().get_texts()]
        assert PARLIAMENT_MARKER not in {"o", "D", "X", "s"}
        assert "17 November 2019: no opposition candidate won any of the 110 seats" in kit.alt
        assert "not plotted on the scale" in kit.alt and "separate strip below the chart" in kit.alt
        fig.canvas.draw()
        assert _apart([Text.get_window_extent(t) for t in [*ax.texts, *strip.texts]])
        assert "belarus24-2019-11-18-elections-summed-up" in kit.sources
    finally:
        plt.close(fig)


def test_parliamentary_boxes_lie_below_the_share_axes_apart_and_inside_the_figure(elections):
    """Measured on the drawn chart: no parliamentary box reaches into the share axes (so none can be read
    against the % grid) or their year labels, none covers another, the strip's legend or the source
    line, and all lie within the figure the chart makes."""
    import matplotlib.pyplot as plt

    kit = plot_official_shares(elections)
    fig = kit.figure
    try:
        boxes = _drawn_boxes(fig)
        renderer = fig.canvas.get_renderer()
        ax, strip = _strip(fig)
        years = ax.xaxis.get_tightbbox(renderer)
        (source,) = [t for t in strip.texts if t.get_text().startswith("Sources:")]
        for box in boxes:
            assert not box.overlaps(ax.bbox) and box.y1 < ax.bbox.y0, "a box floats over the share axes"
            assert box.y1 < years.y0, "a box covers the year labels"
            assert not box.overlaps(strip.get_legend().get_window_extent(renderer))
            assert not box.overlaps(source.get_window_extent(renderer))
            assert fig.bbox.contains(box.x0, box.y0) and fig.bbox.contains(box.x1, box.y1)
        assert _apart(boxes)
        assert len(elections[elections["election"] == "parliamentary"]) == len(boxes)
    finally:
        plt.close(fig)


@pytest.mark.parametrize("figsize,layout", [((12, 6.5), None), ((5.5, 6.5), None), ((9, 6.5), "constrained")],
                         ids=["wide", "narrow", "constrained"])
def test_a_caller_s_axes_get_the_strip_below_them(elections, figsize, layout):
    """Given ``ax``, the chart hangs the strip below it: the boxes stay out of the share axes and apart when
    the axes are narrow (they run on to the right) and when a layout engine resizes the axes afterwards."""
    import matplotlib.pyplot as plt

    fig = plt.figure(figsize=figsize, layout=layout)
    ax = fig.add_subplot()
    if layout is None:
        fig.subplots_adjust(bottom=0.4)
    try:
        kit = plot_official_shares(elections, ax=ax)
        assert kit.figure is fig and fig.axes == [ax]
        boxes = _drawn_boxes(fig)
        _, strip = _strip(fig)
        assert strip.bbox.y1 < ax.bbox.y0 and strip.get_xlim() == ax.get_xlim()
        assert all(not box.overlaps(ax.bbox) and box.y1 < ax.bbox.y0 for box in boxes)
        assert _apart([*boxes, strip.get_legend().get_window_extent(fig.canvas.get_renderer())])
        if layout is None:
            assert all(box.y0 > fig.bbox.y0 for box in boxes), "the room left below ax holds the strip"
    finally:
        plt.close(fig)


def test_without_parliamentary_rows_there_is_no_strip(elections):
    import matplotlib.pyplot as plt

    from coursekit.elections import PARLIAMENT_LABEL

    kit = plot_official_shares(elections[elections["election"] == "presidential"])
    fig = kit.figure
    try:
        ax = fig.axes[0]
        assert not ax.child_axes and "parliamentary" not in kit.alt
        assert PARLIAMENT_LABEL not in [t.get_text() for t in ax.get_legend().get_texts()]
        fig.canvas.draw()
        (source,) = [t for t in ax.texts if t.get_text().startswith("Sources:")]
        box = source.get_window_extent(fig.canvas.get_renderer())
        assert box.y1 < ax.xaxis.get_tightbbox(fig.canvas.get_renderer()).y0 and box.y0 > fig.bbox.y0
    finally:
        plt.close(fig)


def test_an_election_type_in_a_list_gets_the_fix_not_a_pandas_error(elections):
    """`evidence_table(df, ["parliamentary"])` raised pandas' "Lengths must match" before the check."""
    with pytest.raises(ValueError, match="one name, as text"):
        evidence_table(elections, ["parliamentary"])
