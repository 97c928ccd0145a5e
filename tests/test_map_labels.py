"""Map labels, measured on the drawn figure: no label covers another, and labels sit where they say.

Boxes are the text's own drawn extent (without an annotation's leader line), in display pixels
after a full draw.
"""

import itertools

import matplotlib
import pytest

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.text import Text  # noqa: E402

from coursekit import maps  # noqa: E402


def _boxes(fig):
    """(text, display box) of every label drawn inside the map axes of ``fig``."""
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    out = []
    for ax in fig.axes:
        for t in ax.texts:
            if t.get_visible() and t.get_text().strip() and t.get_transform() is not ax.transAxes:
                out.append((t.get_text(), Text.get_window_extent(t, renderer)))
    return out


def _overlaps(fig, gap: float = 0.0) -> list[tuple[str, str]]:
    """Pairs of labels closer than ``gap`` pixels (at the figure's dpi), or overlapping."""
    return [(a, b) for (a, box_a), (b, box_b) in itertools.combinations(_boxes(fig), 2)
            if box_a.padded(gap / 2).overlaps(box_b.padded(gap / 2))]


def _fraction_inside(fig, text_part: str, iso3: str) -> float:
    """Share of the area of the label containing ``text_part`` that lies inside country ``iso3``."""
    from shapely.geometry import box

    from coursekit.maps.toolkit import countries

    ax = fig.axes[0]
    (label_box,) = [b for t, b in _boxes(fig) if text_part in t]
    (x0, y0), (x1, y1) = ax.transData.inverted().transform([[label_box.x0, label_box.y0],
                                                            [label_box.x1, label_box.y1]])
    world = countries("10m", maps.BELARUS_CRS)
    shape = world.loc[world["iso3"] == iso3, "geometry"].iloc[0]
    rect = box(x0, y0, x1, y1)
    return rect.intersection(shape).area / rect.area


MILITARY = [None, "Zapad 2017", "Zapad 2021", "Zapad 2025", "Allied Resolve 2022"]


@pytest.mark.slow
@pytest.mark.parametrize("exercise", MILITARY, ids=[str(e) for e in MILITARY])
def test_military_map_labels_never_overlap_and_vileyka_lies_in_belarus(exercise):
    fig = maps.belarus_military_map(exercise).figure
    try:
        assert not _overlaps(fig), _overlaps(fig)
        assert _fraction_inside(fig, "Vileyka", "BLR") == pytest.approx(1.0), "the Vileyka label leaves Belarus"
    finally:
        plt.close(fig)


@pytest.mark.slow
def test_military_map_legend_says_each_ground_lists_its_own_exercises():
    from tests.legendcheck import entries

    kit = maps.belarus_military_map(None)
    try:
        (ground,) = [label for label, _ in entries(kit.figure) if label.startswith("Training ground")]
        assert "one or more" in ground and "label lists which" in ground, ground
        assert "at least one of" in kit.alt
        one = maps.belarus_military_map("Zapad 2025")
        assert [label for label, _ in entries(one.figure) if label.startswith("Training ground")] == [
            "Training ground used in Zapad 2025 (at the nearest town)"]
        plt.close(one.figure)
    finally:
        plt.close(kit.figure)


@pytest.mark.slow
@pytest.mark.parametrize("year", [None, 1999, 2004, 2009, 2017, 2020, 2024], ids=str)
def test_nato_enlargement_labels_never_overlap(year):
    """The year labels keep apart, the crowded western Balkans included (4 px at least between boxes)."""
    fig = maps.nato_enlargement_map(year).figure
    try:
        assert not _overlaps(fig, gap=4), _overlaps(fig, gap=4)
    finally:
        plt.close(fig)
