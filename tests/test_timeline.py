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
    place_labels,
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
    ("2025-12-13", "sanctions_diplomacy"),  # a release in exchange for sanctions relief, as 2025-06-21 and 09-11
    ("2024-02-25", "election"),
])
def test_required_events_are_present(timeline, date, category):
    assert has(timeline, date, category)


def test_partial_dates_keep_their_precision_and_span_their_period(timeline):
    from coursekit.validate import PERIOD, PRECISIONS, parse_date

    partial = timeline[timeline["precision"] != "day"]
    assert len(partial) > 0
    for text, when, end, precision in partial[["date", "when", "when_end", "precision"]].itertuples(index=False):
        parsed = parse_date(text, PRECISIONS + (PERIOD,))
        assert (when.date(), end.date(), precision) == (parsed.start, parsed.end, parsed.precision)
    # the 2020 crackdown is dated as its source dates it: May to December, not the whole year
    crackdown = timeline[timeline["label"].str.startswith("Crackdown")].iloc[0]
    assert (crackdown["date"], crackdown["precision"]) == ("2020-05/2020-12", PERIOD)
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
def test_placed_labels_never_overlap_and_leaders_pass_beside_nearer_labels():
    x = [0, 1, 2, 3, 10, 10.5, 30]
    half = [2, 2, 2, 2, 1, 1, 1]
    placed = place_labels(x, half)
    boxes = [(c - h, c + h, lv, lx) for (lv, c, lx), h in zip(placed, half, strict=True)]
    for i, (l1, r1, lv1, _) in enumerate(boxes):
        for j, (l2, r2, lv2, lx2) in enumerate(boxes):
            if i != j and lv1 == lv2:
                assert r1 <= l2 or r2 <= l1  # two labels on one level
            if i != j and (lv1 > 0) == (lv2 > 0) and abs(lv2) > abs(lv1):
                assert not (l1 < lx2 < r1)  # a leader further out passes beside a nearer label
    assert placed[0][0] == 1 and placed[1][0] == -1  # alternate above and below
    assert assign_levels(x, half) == [p[0] for p in placed]


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
        partial = {lab for lab in labels if "dated only to a month, year or period" in lab}
        essay = {lab for lab in labels if "essay was written" in lab}
        assert len(essay) == 1  # the full timeline covers 2019
        assert labels - partial - essay == {STYLE[c][2] for c in set(timeline["category"])}
        assert bool(partial) == bool((timeline["precision"] != "day").any())
        assert any(t.get_text().startswith("Sources:") for t in fig.texts)
        assert str(len(timeline)) in kit.alt
        assert "Union State Treaty signed" in kit.alt
        assert set(kit.sources) == {i for ids in timeline["sources"] for i in ids}
        assert len(_texts(fig)) == len(timeline) + 1  # every event, and the essay
    finally:
        plt.close(fig)


RECIPES = {  # the timelines the notebooks draw
    "02 cell 3": {},
    "02 cell 10": {"categories": ["integration", "constitution"], "start": "2018-12-01", "end": "2020-12-31"},
    "07 cell 12": {"start": "2019-05-01", "title": "After the essay"},
    "08 worked example": {"categories": ["treaty", "integration"], "start": "1999-01-01"},
    "08 starter": {"categories": ["election", "protest_repression", "sanctions_diplomacy"], "start": "2019-01-01"},
}


def _by_gid(ax, prefix):
    out = {}
    for artist in [*ax.lines, *ax.texts]:
        gid = artist.get_gid() or ""
        if gid.startswith(prefix):
            out[int(gid.split("-")[1])] = artist
    return out


def _segment_hits_box(p0, p1, box, steps=200):
    """Whether the segment p0-p1 (display pixels) passes through ``box`` (shrunk by a pixel)."""
    for k in range(steps + 1):
        t = k / steps
        x, y = p0[0] + (p1[0] - p0[0]) * t, p0[1] + (p1[1] - p0[1]) * t
        if box.x0 + 1 < x < box.x1 - 1 and box.y0 + 1 < y < box.y1 - 1:
            return True
    return False


@pytest.mark.slow
@pytest.mark.parametrize("recipe", RECIPES, ids=list(RECIPES))
def test_labels_never_overlap_labels_leader_lines_or_markers(timeline, recipe):
    """On the drawn figure: no two label boxes overlap, and no label box covers another event's
    leader line or marker (the Jul-Sep 2020 and Feb-Mar 2022 clusters included)."""
    fig = plot_timeline(timeline, **RECIPES[recipe]).figure
    try:
        fig.canvas.draw()
        renderer = fig.canvas.get_renderer()
        checked = 0
        for ax in fig.axes:
            labels = _by_gid(ax, "label-")
            leaders = _by_gid(ax, "leader-")
            markers = _by_gid(ax, "marker-")
            boxes = {k: t.get_bbox_patch().get_window_extent(renderer) for k, t in labels.items()}
            for i, a in boxes.items():
                for j, b in boxes.items():
                    if i < j:
                        assert not a.overlaps(b), f"labels {labels[i].get_text()!r} and {labels[j].get_text()!r}"
                for j, line in leaders.items():
                    if j == i:
                        continue
                    (x0, x1), (y0, y1) = line.get_data()
                    p0, p1 = ax.transData.transform([(x0, y0), (x1, y1)])
                    assert not _segment_hits_box(p0, p1, a), \
                        f"the leader of {labels[j].get_text()!r} crosses {labels[i].get_text()!r}"
                for marker in markers.values():
                    mx, my = ax.transData.transform([(marker.get_xdata()[0], marker.get_ydata()[0])])[0]
                    assert not (a.x0 <= mx <= a.x1 and a.y0 <= my <= a.y1), \
                        f"{labels[i].get_text()!r} covers a marker"
            axbox = ax.get_window_extent(renderer)
            for b in boxes.values():  # labels stay inside their panel
                assert axbox.x0 - 1 <= b.x0 and b.x1 <= axbox.x1 + 1
            checked += len(boxes)
        assert checked > 0
    finally:
        plt.close(fig)


@pytest.fixture
def whole(timeline):
    """The whole timeline as drawn in module 02 (closed after the test)."""
    kit = plot_timeline(timeline)
    yield kit
    plt.close(kit.figure)


def test_labels_are_readable_at_the_notebook_size(whole):
    """Label text is at least 1/90 of the figure's width (10 pt on an 11-inch figure)."""
    fig = whole.figure
    width_pt = fig.get_size_inches()[0] * 72
    sizes = [t.get_fontsize() for ax in fig.axes for t in _labels(ax)]
    assert sizes and min(sizes) / width_pt >= 1 / 90


def test_panels_show_their_period_and_break_marks(whole):
    kit, fig = whole, whole.figure
    assert len(fig.axes) > 1
    for k, ax in enumerate(fig.axes):
        assert ax.get_xlabel().startswith(f"Panel {k + 1} of {len(fig.axes)}")
        breaks = [ln for ln in ax.lines if ln.get_gid() == "break"]
        assert len(breaks) == 2 * ((k > 0) + (k < len(fig.axes) - 1))
    assert "each on its own time scale" in kit.alt


def test_the_axis_covers_the_period_asked_for(timeline):
    import matplotlib.dates as mdates

    kit = plot_timeline(timeline, categories=["integration", "constitution"], start="2018-12-01", end="2020-12-31")

    fig = kit.figure
    try:
        lo, hi = fig.axes[-1].get_xlim()
        assert mdates.num2date(hi).date().isoformat() >= "2020-12-31"
        assert mdates.num2date(fig.axes[0].get_xlim()[0]).date().isoformat() <= "2018-12-01"
    finally:
        plt.close(fig)


def test_a_short_panel_is_not_drawn_in_weeks(timeline):
    """08's worked example: a panel holding two events seven weeks apart still spans a year."""
    import matplotlib.dates as mdates

    kit = plot_timeline(timeline, categories=["treaty", "integration"], start="1999-01-01")

    fig = kit.figure
    try:
        for ax in fig.axes:
            lo, hi = ax.get_xlim()
            assert hi - lo >= 365
            ticks = [mdates.num2date(t) for t in ax.get_xticks() if lo <= t <= hi]
            assert all((b - a).days >= 28 for a, b in zip(ticks, ticks[1:], strict=False))
    finally:
        plt.close(fig)


def test_the_essays_date_is_marked_when_in_the_period(timeline):
    from coursekit.claims import load_essay

    window = load_essay()["dating"]
    kit = plot_timeline(timeline, start="2019-01-01", end="2020-12-31")
    fig = kit.figure
    try:
        legend = [t.get_text() for t in fig.legends[0].get_texts()]
        assert any("essay was written" in t for t in legend)
        labels = [t.get_text() for t in _texts(fig)]
        assert any("The essay is written" in t for t in labels)
        assert "dating window" in kit.alt
        assert window["window_start"][:4] == "2019"
    finally:
        plt.close(fig)
    kit = plot_timeline(timeline, start="2022-01-01")
    fig = kit.figure
    try:
        legend = [t.get_text() for t in fig.legends[0].get_texts()]
        assert not any("essay" in t for t in legend)
        assert not any("essay" in t.get_text() for t in _texts(fig))
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
