"""data/union_state_timeline.csv and the timeline chart."""

from __future__ import annotations

import csv
import io

import matplotlib
import pytest

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402

from coursekit.errors import DataError  # noqa: E402
from coursekit.paths import data_file  # noqa: E402
from coursekit.sources import load_sources  # noqa: E402
from coursekit.timeline import (  # noqa: E402
    CATEGORIES,
    STYLE,
    assign_levels,
    load_timeline,
    plot_timeline,
    split_rows,
)


@pytest.fixture(scope="module")
def timeline():
    return load_timeline()


def has(df, date, category):
    return ((df["date"] == date) & (df["category"] == category)).any()


def test_timeline_loads_sorted_and_sourced(timeline):
    assert 25 <= len(timeline) <= 60  # enough to teach from, few enough to label legibly
    assert timeline["when"].is_monotonic_increasing
    assert set(timeline["category"]) <= set(CATEGORIES)
    known = load_sources()
    assert all(ids and set(ids) <= set(known) for ids in timeline["sources"])
    assert timeline["when"].min().year == 1994 and timeline["when"].max().year >= 2025


@pytest.mark.parametrize("date,category", [
    ("1994-07-10", "election"),
    ("1996-04-02", "treaty"),
    ("1997-04-02", "treaty"),
    ("1997-05-23", "treaty"),
    ("1999-12-08", "treaty"),
    ("2019-09-06", "integration"),
    ("2019-12-07", "integration"),
    ("2019-12-20", "integration"),
    ("2020-03-10", "constitution"),
    ("2020-07-01", "constitution"),
    ("2020-08-09", "election"),
    ("2021-11-04", "integration"),
    ("2022-02-10", "military"),
    ("2022-02-24", "military"),
    ("2022-02-27", "constitution"),
    ("2023-03-25", "nuclear"),
    ("2023-05-25", "nuclear"),
    ("2023-06-16", "nuclear"),
    ("2024-12-06", "treaty"),
    ("2025-01-26", "election"),
    ("2017-09-14", "military"),
    ("2021-09-10", "military"),
    ("2025-09-12", "military"),
    # the record since 2021 beyond the Union State's own acts (fact-check of 2026-11-30)
    ("2021-05-23", "protest_repression"),
    ("2021-11-08", "sanctions_diplomacy"),
    ("2023-03-03", "protest_repression"),
    ("2023-06-24", "military"),
    ("2023-07-14", "military"),
    ("2025-06-21", "sanctions_diplomacy"),
    ("2025-09-11", "sanctions_diplomacy"),
    ("2025-12-13", "protest_repression"),
])
def test_required_events_are_present(timeline, date, category):
    assert has(timeline, date, category)


def test_partial_dates_keep_their_precision_and_span_their_period(timeline):
    year_rows = timeline[timeline["precision"] == "year"]
    assert len(year_rows) > 0
    assert ((year_rows["when"].dt.month == 1) & (year_rows["when"].dt.day == 1)).all()
    assert ((year_rows["when_end"].dt.month == 12) & (year_rows["when_end"].dt.day == 31)).all()
    days = timeline[timeline["precision"] == "day"]
    assert (days["when"] == days["when_end"]).all()


# ----------------------------------------------------------------- broken copies
def _write(tmp_path, rows, header=("date", "label", "event", "category", "source")):
    buf = io.StringIO()
    writer = csv.writer(buf)
    writer.writerow(header)
    writer.writerows(rows)
    path = tmp_path / "union_state_timeline.csv"
    path.write_text(buf.getvalue(), encoding="utf-8")
    return path


def _rows():
    with open(data_file("union_state_timeline.csv"), newline="", encoding="utf-8") as fh:
        return [list(r.values()) for r in csv.DictReader(fh)]


@pytest.mark.parametrize("col,value,field", [
    (0, "1999-12-32", "date"),
    (0, "8 Dec 1999", "date"),
    (3, "economy", "category"),
    (4, "no-such-source", "source"),
    (1, "x" * 41, "label"),
    (2, "", "event"),
])
def test_broken_copy_names_file_line_and_field(tmp_path, col, value, field):
    rows = _rows()
    rows[4][col] = value  # the fifth event sits on line 6 of the file
    path = _write(tmp_path, rows)
    with pytest.raises(DataError) as err:
        load_timeline(path)
    text = str(err.value)
    assert "union_state_timeline.csv" in text and "line 6" in text, text
    assert f"field '{field}'" in text and "Fix:" in text, text


def test_missing_column_is_named(tmp_path):
    rows = [r[:4] for r in _rows()]
    path = _write(tmp_path, rows, header=("date", "label", "event", "category"))
    with pytest.raises(DataError, match=r"line 1, field 'source'"):
        load_timeline(path)


# ----------------------------------------------------------------- layout helpers
def test_assign_levels_never_overlaps_on_a_level():
    x = [0, 1, 2, 3, 10, 10.5, 30]
    half = [2, 2, 2, 2, 1, 1, 1]
    levels = assign_levels(x, half)
    for lv in set(levels):
        spans = sorted((xi - h, xi + h) for xi, h, v in zip(x, half, levels, strict=True)
                       if v == lv)
        assert all(a[1] <= b[0] for a, b in zip(spans, spans[1:], strict=False))
    assert levels[0] == 1 and levels[1] == -1  # alternate above and below


def test_split_rows_breaks_at_long_gaps_and_crowding():
    days = [0, 100, 200, 5000, 5100]
    assert split_rows(days) == [[0, 1, 2], [3, 4]]
    crowded = [float(i) for i in range(10)] + [400.0 + i for i in range(10)]
    rows = split_rows(crowded, max_per_row=12)
    assert rows == [list(range(10)), list(range(10, 20))]


# ----------------------------------------------------------------- the chart
def _labels(ax):
    """The event labels of an axes (the texts drawn in a box)."""
    return [t for t in ax.texts if t.get_bbox_patch() is not None]


def _texts(fig):
    return [t for ax in fig.axes for t in _labels(ax)]


def test_plot_has_title_legend_source_line_and_alt_text(timeline):
    kit = plot_timeline(timeline)
    fig = kit.figure
    try:
        assert fig._suptitle is not None and "Union State" in fig._suptitle.get_text()
        assert fig.legends, "the figure needs a legend"
        labels = {t.get_text() for t in fig.legends[0].get_texts()}
        partial = {lab for lab in labels if "known only to the month or year" in lab}
        assert labels - partial == {STYLE[c][2] for c in set(timeline["category"])}
        assert bool(partial) == bool((timeline["precision"] != "day").any())
        assert any(t.get_text().startswith("Sources:") for t in fig.texts)
        assert str(len(timeline)) in kit.alt
        assert "Union State Treaty signed" in kit.alt
        assert set(kit.sources) == {i for ids in timeline["sources"] for i in ids}
        assert len(_texts(fig)) == len(timeline)
    finally:
        plt.close(fig)


@pytest.mark.slow
def test_labels_do_not_overlap(timeline):
    fig = plot_timeline(timeline).figure
    try:
        fig.canvas.draw()
        renderer = fig.canvas.get_renderer()
        for ax in fig.axes:
            boxes = [t.get_bbox_patch().get_window_extent(renderer) for t in _labels(ax)]
            for i, a in enumerate(boxes):
                for b in boxes[i + 1:]:
                    assert not a.overlaps(b), "two event labels overlap"
            axbox = ax.get_window_extent(renderer)
            for b in boxes:  # labels stay inside their panel
                assert axbox.x0 - 1 <= b.x0 and b.x1 <= axbox.x1 + 1
    finally:
        plt.close(fig)


def test_markers_differ_by_colour_and_shape():
    colours = [s[0] for s in STYLE.values()]
    markers = [s[1] for s in STYLE.values()]
    assert set(STYLE) == set(CATEGORIES)
    assert len(set(colours)) == len(colours) and len(set(markers)) == len(markers)


def test_plot_filters_and_draws_on_a_given_axes(timeline):
    fig, ax = plt.subplots(figsize=(12, 4))
    try:
        out = plot_timeline(timeline, categories=["nuclear"], start="2023-01-01", ax=ax)
        assert out.figure is fig
        assert len(_labels(ax)) == 3
        assert any(t.get_text().startswith("Sources:") for t in ax.texts)
        assert ax.get_legend() is not None and ax.get_title(loc="left")
        assert out.alt.startswith("Horizontal timeline of 3 events")
    finally:
        plt.close(fig)
    with pytest.raises(ValueError, match="unknown categories"):
        plot_timeline(timeline, categories=["economy"])
    with pytest.raises(ValueError, match="no events"):
        plot_timeline(timeline, start="2030-01-01")


def test_the_partial_date_key_is_in_the_legend_only_when_such_an_event_is_drawn(timeline):
    exact = timeline[timeline["precision"] == "day"]
    fig = plot_timeline(exact.iloc[:6]).figure
    try:
        labels = [t.get_text() for t in fig.legends[0].get_texts()]
        assert not any("month or year" in lab for lab in labels)
    finally:
        plt.close(fig)
