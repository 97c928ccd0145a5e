"""A map's legend and alt text name only what its view shows (the occupied-Crimea layer above all),
and Kaliningrad is named wherever it is in view."""

import matplotlib
import pytest

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402

from coursekit import maps  # noqa: E402

RECIPES = {  # every map recipe the notebooks call, with the arguments they use
    "03 base map": lambda: maps.base_map(),
    "03 capitals around Belarus": lambda: maps.base_map(extent=(19, 49, 39, 60)),
    "03 NATO enlargement": lambda: maps.nato_enlargement_map(),
    "03 NATO in 1999": lambda: maps.nato_enlargement_map(1999),
    "04 forward presence 2019": lambda: maps.forward_presence_map(2019),
    "04 forward presence 2024": lambda: maps.forward_presence_map(2024),
    "04 within reach": lambda: maps.within_reach_map(100),
    "04 Suwałki": lambda: maps.suwalki_map(),
    "04 military sites": lambda: maps.belarus_military_map(None),
}
OCCUPIED = "occupied by russia"


def _drawn_in_view(ax, gid):
    """Whether an artist with ``gid`` has a path inside the axes' view."""
    from matplotlib.transforms import Bbox

    (x0, x1), (y0, y1) = ax.get_xlim(), ax.get_ylim()
    view = Bbox.from_extents(min(x0, x1), min(y0, y1), max(x0, x1), max(y0, y1))
    for artist in ax.collections:
        if artist.get_gid() == gid:
            for path in artist.get_paths():
                ext = path.get_extents()
                if ext.width and ext.overlaps(view):
                    return True
    return False


@pytest.mark.slow
@pytest.mark.parametrize("name", RECIPES, ids=list(RECIPES))
def test_legend_and_alt_name_crimea_only_when_it_is_in_view(name):
    kit = RECIPES[name]()
    fig = kit.fig if hasattr(kit, "fig") else kit.figure
    try:
        shown = any(_drawn_in_view(ax, "occupied") for ax in fig.axes)
        entries = [t.get_text().lower() for leg in [*fig.legends, *(ax.get_legend() for ax in fig.axes)]
                   if leg is not None for t in leg.get_texts()]
        in_legend = any(OCCUPIED in e or "crimea" in e for e in entries)
        assert shown or not in_legend, f"{name}: the legend lists Crimea, which the view does not show"
        assert shown or "crimea" not in kit.alt.lower(), f"{name}: the alt text names Crimea, not in view"
    finally:
        plt.close(fig)


@pytest.mark.slow
@pytest.mark.parametrize("name", ["03 capitals around Belarus", "04 within reach"])
def test_kaliningrad_is_labelled(name):
    kit = RECIPES[name]()
    fig = kit.fig if hasattr(kit, "fig") else kit.figure
    try:
        assert any(t.get_gid() == "kaliningrad" for ax in fig.axes for t in ax.texts), name
    finally:
        plt.close(fig)
