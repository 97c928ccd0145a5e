"""A figure's legend names only what its view draws, and its alt text tells the same story.

Every map and chart recipe the notebooks call is built here with the kit's data (the arguments
the notebooks use, and the values their "Try it" cells suggest). Each legend entry must match an
artist (same label, or same fill, hatch, marker or line) drawn inside the axes' view
(:mod:`tests.legendcheck`); the marker shapes the alt text names are those in the legend, and the
occupied-Crimea layer is named only when it is in view. Kaliningrad is named wherever it shows.
"""

import matplotlib
import pytest

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402

from coursekit import maps  # noqa: E402
from tests import legendcheck  # noqa: E402


def _timeline(**kw):
    from coursekit.timeline import load_timeline, plot_timeline

    return plot_timeline(load_timeline(), **kw)


def _elections():
    from coursekit.elections import load_elections, plot_official_shares

    return plot_official_shares(load_elections())


def _narratives():
    from coursekit.narratives import load_narratives, plot_narratives

    return plot_narratives(load_narratives())


def _scorecard():
    from coursekit.scorecard import build_scorecard, plot_scorecard

    return plot_scorecard(build_scorecard())


def _claim_types():
    from coursekit.argument import plot_types_by_paragraph
    from coursekit.claims import load_claims

    return plot_types_by_paragraph(load_claims())


MAPS = {  # every map recipe the notebooks call, with the arguments they use or suggest
    "03 base map": lambda: maps.base_map(),
    "03 capitals around Belarus": lambda: maps.base_map(extent=(19, 49, 39, 60), title="Capitals around Belarus"),
    "03 projections": lambda: maps.projection_panels(),
    "03 NATO enlargement": lambda: maps.nato_enlargement_map(),
    **{f"03 NATO in {y}": (lambda y=y: maps.nato_enlargement_map(y)) for y in (1949, 1982, 1999, 2004, 2019, 2024)},
    "03 Crimea": lambda: maps.crimea_map(),
    **{f"04 forward presence {y}": (lambda y=y: maps.forward_presence_map(y)) for y in (2016, 2017, 2019, 2022, 2024)},
    "04 Suwałki": lambda: maps.suwalki_map(),
    **{f"04 within reach {k}": (lambda k=k: maps.within_reach_map(k)) for k in (50, 100, 200)},
    "04 military sites": lambda: maps.belarus_military_map(None),
    **{f"04 military sites {e}": (lambda e=e: maps.belarus_military_map(e))
       for e in ("Zapad 2017", "Zapad 2021", "Zapad 2025", "Allied Resolve 2022")},
}
CHARTS = {  # every chart recipe of the notebooks
    "01 claim types": _claim_types,
    "02 timeline": lambda: _timeline(),
    "02 treaties": lambda: _timeline(categories=["treaty", "integration"], start="1996-01-01", end="2025-12-31"),
    "02 2019-2020": lambda: _timeline(categories=["integration", "constitution"], start="2018-12-01",
                                      end="2020-12-31"),
    "04 battlegroup strength": lambda: maps.efp_strength_chart(),
    **{f"04 estimates {e}": (lambda e=e: maps.exercise_estimates_chart(e))
       for e in ("Zapad 2017", "Zapad 2021", "Zapad 2025", "Allied Resolve 2022")},
    "05 narratives": _narratives,
    "06 elections": _elections,
    "07 scorecard": _scorecard,
    "07 after the essay": lambda: _timeline(start="2019-05-01"),
    "08 treaties since 1999": lambda: _timeline(categories=["treaty", "integration"], start="1999-01-01"),
    "08 starter": lambda: _timeline(categories=["election", "protest_repression", "sanctions_diplomacy"],
                                    start="2019-01-01"),
}
RECIPES = {**MAPS, **CHARTS}
OCCUPIED = "occupied by russia"


def _fig(kit):
    return kit.fig if hasattr(kit, "fig") else kit.figure


@pytest.fixture(scope="module")
def built():
    """Each recipe built once for the module (maps take a second each)."""
    cache = {}

    def get(name):
        if name not in cache:
            cache[name] = RECIPES[name]()
        return cache[name]

    with plt.rc_context({"figure.max_open_warning": 0}):  # kept open on purpose, closed below
        yield get
    for kit in cache.values():
        plt.close(_fig(kit))


@pytest.mark.slow
@pytest.mark.parametrize("name", RECIPES, ids=list(RECIPES))
def test_every_legend_entry_is_drawn_in_the_view(name, built):
    kit = built(name)
    fig = _fig(kit)
    assert legendcheck.entries(fig), f"{name}: the figure has no legend"
    missing = legendcheck.undrawn_entries(fig)
    assert not missing, f"{name}: legend entries with nothing drawn in the view: {missing}"


@pytest.mark.slow
@pytest.mark.parametrize("name", RECIPES, ids=list(RECIPES))
def test_alt_text_names_the_marker_shapes_of_the_legend(name, built):
    kit = built(name)
    alt = kit.alt.lower()
    in_legend = legendcheck.marker_words(_fig(kit))
    in_alt = {w for w in set(legendcheck.MARKER_WORDS.values()) if w in alt}
    named = {w for w in in_alt if w in legendcheck.legend_text(_fig(kit))}  # e.g. "Circle of 300 km radius"
    extra = in_alt - named - in_legend
    assert not extra, f"{name}: the alt text names {sorted(extra)}, not in the legend"
    if name in MAPS:  # a map's alt text describes every kind of marker its legend lists
        assert in_legend <= in_alt, f"{name}: the alt text never names {sorted(in_legend - in_alt)}"


@pytest.mark.slow
@pytest.mark.parametrize("name", MAPS, ids=list(MAPS))
def test_legend_and_alt_name_crimea_only_when_it_is_in_view(name, built):
    kit = built(name)
    fig = _fig(kit)
    occupied = [(label, h) for label, h in legendcheck.entries(fig)
                if OCCUPIED in label.lower() or "crimea" in label.lower()]
    shown = any(legendcheck.drawn(fig, label, h) for label, h in occupied) if occupied else None
    assert shown is not False, f"{name}: the legend lists Crimea, which the view does not show"
    if not occupied:
        assert "crimea" not in kit.alt.lower(), f"{name}: the alt text names Crimea, which the legend does not"
    else:
        assert "crimea" in kit.alt.lower(), f"{name}: the legend lists Crimea, the alt text does not"


def test_the_check_catches_an_entry_drawn_outside_the_view():
    """The checker itself: a legend entry whose only artist lies outside the limits is reported."""
    from matplotlib.patches import Patch

    fig, ax = plt.subplots()
    try:
        ax.scatter([5], [5], marker="^", color="tab:blue")
        ax.fill([20, 21, 21], [20, 20, 21], color="tab:red", hatch="//")
        ax.set_xlim(0, 10)
        ax.set_ylim(0, 10)
        ax.legend(handles=[legendcheck.Line2D([], [], marker="^", linestyle="none", color="tab:blue", label="in"),
                           Patch(facecolor="tab:red", hatch="//", label="out"),
                           legendcheck.Line2D([], [], marker="s", linestyle="none", color="tab:blue",
                                              label="wrong shape")])
        assert legendcheck.undrawn_entries(fig) == ["out", "wrong shape"]
    finally:
        plt.close(fig)


@pytest.mark.slow
@pytest.mark.parametrize("name", ["03 capitals around Belarus", "04 within reach 100"])
def test_kaliningrad_is_labelled(name, built):
    fig = _fig(built(name))
    assert any(t.get_gid() == "kaliningrad" for ax in fig.axes for t in ax.texts), name
