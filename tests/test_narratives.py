"""data/narratives.csv: loads, validates, and broken copies fail naming file, line and field."""

import csv
import shutil

import pytest

from coursekit.errors import DataError
from coursekit.narratives import CHANNELS, TECHNIQUES, load_narratives, plot_narratives, technique_counts
from coursekit.paths import data_file
from coursekit.sources import load_sources


def test_shipped_narratives_load_and_are_sorted():
    df = load_narratives()
    assert 15 <= len(df) <= 25
    assert list(df["when"]) == sorted(df["when"])
    assert set(df["channel_type"]) <= set(CHANNELS)


def test_every_technique_comes_from_the_fixed_six_and_every_source_resolves():
    df = load_narratives()
    known = load_sources()
    for techs, ids in zip(df["techniques"], df["sources"], strict=True):
        assert techs and set(techs) <= set(TECHNIQUES)
        assert ids and all(i in known for i in ids)


def test_counts_cover_all_six_in_order():
    counts = technique_counts(load_narratives())
    assert list(counts.index) == list(TECHNIQUES)
    assert counts.sum() == sum(len(t) for t in load_narratives()["techniques"])


def broken_copy(tmp_path, line, field, value):
    """A copy of the shipped CSV with one cell changed (line counts the header as 1)."""
    src = data_file("narratives.csv")
    with open(src, newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
        header = list(rows[0].keys())
    rows[line - 2][field] = value
    out = tmp_path / "narratives.csv"
    with open(out, "w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=header)
        writer.writeheader()
        writer.writerows(rows)
    return out


@pytest.mark.parametrize(("line", "field", "value", "words"), [
    (4, "date", "2019-13-01", "not an ISO date"),
    (5, "date", "April 2019", "not an ISO date"),
    (3, "techniques", "impersonation;gaslighting", "not one of the six"),
    (6, "techniques", "emotion;emotion", "listed twice"),
    (7, "channel_type", "carrier pigeon", "not one of the allowed values"),
    (8, "source", "no-such-source", "unknown source id"),
    (9, "narrative", "", "is empty"),
])
def test_broken_copy_names_file_line_and_field(tmp_path, line, field, value, words):
    path = broken_copy(tmp_path, line, field, value)
    with pytest.raises(DataError) as err:
        load_narratives(path)
    message = str(err.value)
    assert "narratives.csv" in message
    assert f"line {line}" in message
    assert f"field '{field}'" in message
    assert words in message
    assert "Fix:" in message


def test_missing_column_is_named(tmp_path):
    src = data_file("narratives.csv")
    text = src.read_text(encoding="utf-8").replace("channel_type", "channel", 1)
    path = tmp_path / "narratives.csv"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(DataError, match="channel_type"):
        load_narratives(path)


def test_missing_file_is_named(tmp_path):
    with pytest.raises(DataError, match="missing"):
        load_narratives(tmp_path / "nope.csv")


def test_an_intact_copy_loads(tmp_path):
    path = tmp_path / "narratives.csv"
    shutil.copy(data_file("narratives.csv"), path)
    assert len(load_narratives(path)) == len(load_narratives())


def test_chart_has_alt_text_with_the_numbers():
    pytest.importorskip("matplotlib")
    import matplotlib

    matplotlib.use("Agg")
    df = load_narratives()
    kit = plot_narratives(df)
    fig = kit.figure
    counts = technique_counts(df)
    assert f"{len(df)} documented narratives" in kit.alt
    for name, n in counts.items():
        assert f"{name} {n}" in kit.alt
    assert fig._suptitle is not None
    assert any("data/narratives.csv" in t.get_text() for t in fig.texts)


def test_every_case_marker_of_the_dot_plot_can_be_seen():
    """Five conspiracy cases of August 2020 once sat on one spot: one marker showed for five."""
    import matplotlib
    import numpy as np

    matplotlib.use("Agg")
    df = load_narratives()
    fig = plot_narratives(df).figure
    fig.canvas.draw()
    dot_ax = fig.axes[1]
    shown = 0
    for coll in dot_ax.collections:
        xy = dot_ax.transData.transform(coll.get_offsets())
        diameter = np.sqrt(coll.get_sizes()[0]) * fig.dpi / 72
        gaps = [np.hypot(*(a - b)) for k, a in enumerate(xy) for b in xy[k + 1:]]
        assert min(gaps, default=diameter) >= 0.95 * diameter, f"{coll.get_label()}: markers cover each other"
        rows = np.round(dot_ax.transData.inverted().transform(xy)[:, 1])
        assert len(set(rows)) <= 1, f"{coll.get_label()}: a marker left its row"
        shown += len(xy)
    assert shown == sum(len(t) for t in df["techniques"])


def test_with_technique_filters_and_rejects_unknown_names():
    from coursekit.narratives import with_technique

    df = load_narratives()
    sub = with_technique(df, "Impersonation")
    assert len(sub) == technique_counts(df)["impersonation"]
    # "Do you agree with our coding?" needs the coding and its reason beside each case
    assert all("impersonation" in t.split(", ") for t in sub["techniques"])
    assert sub["note"].str.len().gt(0).any() and not sub["note"].isna().any()
    with pytest.raises(ValueError, match="six techniques"):
        with_technique(df, "gaslighting")
