"""Map recipes: every figure has a title, a legend, a source line and alt text; the measures hold."""

import matplotlib

matplotlib.use("Agg")

import re  # noqa: E402

import matplotlib.pyplot as plt  # noqa: E402
import pytest  # noqa: E402

from coursekit import geo, maps  # noqa: E402
from coursekit.datasets import load_nato_members  # noqa: E402
from coursekit.figures import render  # noqa: E402
from coursekit.sources import load_sources  # noqa: E402

RECIPES = {
    "base_map": lambda: maps.base_map(),
    "nato_all": lambda: maps.nato_enlargement_map(),
    "nato_1999": lambda: maps.nato_enlargement_map(1999),
    "presence_2019": lambda: maps.forward_presence_map(2019),
    "presence_2024": lambda: maps.forward_presence_map(2024),
    "suwalki_10m": lambda: maps.suwalki_map("10m"),
    "suwalki_50m": lambda: maps.suwalki_map("50m"),
    "crimea": lambda: maps.crimea_map(),
    "projections": lambda: maps.projection_panels(),
    "strength": lambda: maps.efp_strength_chart(),
    "zapad_2017": lambda: maps.exercise_estimates_chart("Zapad 2017"),
}


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def title_of(fig) -> str:
    fig = fig.figure
    sup = fig._suptitle.get_text() if fig._suptitle is not None else ""
    return sup or " ".join(ax.get_title(loc="left") or ax.get_title() for ax in fig.axes)


def has_legend(fig) -> bool:
    fig = fig.figure
    return bool(fig.legends) or any(ax.get_legend() is not None for ax in fig.axes)


def source_line(fig) -> str:
    fig = fig.figure
    lines = [t.get_text() for t in fig.texts if t.get_text().startswith("Sources:")]
    return lines[0] if lines else ""


def occupied_artists(fig) -> list:
    return [a for ax in fig.axes for a in (*ax.collections, *ax.patches) if a.get_gid() == "occupied"]


@pytest.mark.parametrize("name", RECIPES)
def test_every_recipe_has_title_legend_source_line_and_alt_text(name):
    fig = RECIPES[name]()
    assert title_of(fig).strip(), f"{name}: no title"
    assert has_legend(fig), f"{name}: no legend"
    line = source_line(fig)
    assert line and "see the Sources section" in line, f"{name}: no source line"
    assert len(fig.alt) > 80, f"{name}: alt text missing or too short"
    known = load_sources()
    assert fig.sources, f"{name}: no source ids"
    unknown = [i for i in fig.sources if i not in known]
    assert not unknown, f"{name}: source ids not in data/sources.yml: {unknown}"
    png = render(fig).png
    assert png.startswith(b"\x89PNG")


def test_base_map_draws_the_occupied_layer_hatched_and_labelled():
    fig = maps.base_map()
    layer = occupied_artists(fig)
    assert layer, "the occupied layer is missing"
    assert all(a.get_hatch() for a in layer), "the occupied layer must be hatched, not only coloured"
    labels = [t.get_text().replace("\n", " ") for ax in fig.axes for t in ax.texts]
    assert maps.OCCUPIED_LABEL in labels
    legend_texts = [t.get_text() for leg in fig.figure.legends for t in leg.get_texts()]
    assert any("Occupied by Russia" in t for t in legend_texts)
    assert "Crimea" in fig.alt


def test_base_map_names_the_countries_asked_for_and_says_so_in_its_alt_text():
    """Module 03's "Capitals around Belarus" drew Belarus neither shaded nor named."""
    fig = maps.base_map(extent=(19, 49, 39, 60), names=["BLR", "POL"])
    labels = {t.get_text() for ax in fig.axes for t in ax.texts}
    assert {"BELARUS", "POLAND"} <= labels
    assert fig.alt.endswith("named on the map: Belarus, Poland.")
    assert "BELARUS" not in {t.get_text() for ax in maps.base_map(extent=(19, 49, 39, 60)).axes for t in ax.texts}
    open_before = plt.get_fignums()
    with pytest.raises(ValueError, match="no country 'BY'.*ISO 3166 alpha-3"):
        maps.base_map(names=["BY"])
    assert plt.get_fignums() == open_before  # checked first: no empty figure left in the kernel
    assert maps.base_map(extent=(19, 49, 39, 60), names="BLR").alt.endswith("named on the map: Belarus.")


def test_base_map_draws_on_a_given_axes_with_its_own_legend():
    fig, ax = plt.subplots()
    out = maps.base_map(ax=ax, extent=(20, 50, 35, 56), title="Test")
    assert out.figure is fig and ax.get_legend() is not None and ax.get_title(loc="left") == "Test"
    assert occupied_artists(fig)


@pytest.mark.parametrize(
    ("call", "error", "words"),
    [
        (lambda: maps.base_map(extent=(30, 50, 20, 60)), ValueError, "west < east"),
        (lambda: maps.base_map(extent=maps.EUROPE, scale="10m"), ValueError, "beyond the 10m basemap"),
        (lambda: maps.nato_enlargement_map(1900), ValueError, "1949"),
        (lambda: maps.forward_presence_map("2019"), TypeError, "whole number"),
        (lambda: maps.exercise_estimates_chart("Zapad 1999"), ValueError, "Zapad 2017"),
    ],
)
def test_bad_arguments_say_what_to_do(call, error, words):
    with pytest.raises(error, match=re.escape(words)):
        call()


def test_nato_waves_are_told_apart_without_colour():
    hatches = [w[4] for w in maps.WAVES]
    assert len(set(hatches)) == len(hatches), "each wave needs its own hatch"
    fig = maps.nato_enlargement_map()
    nato = load_nato_members()
    on_map = set(geo.load_basemap("50m")["iso3"]) & set(nato["iso3"])
    years = [t.get_text() for t in fig.axes[0].texts if re.fullmatch(r"\d{4}", t.get_text())]
    assert len(years) == len(on_map), "every member on the map carries its accession year"
    assert sorted(set(years)) == sorted({str(d.year) for d in nato["accession_date"]})


def test_nato_map_of_a_year_shows_only_members_of_that_year():
    fig = maps.nato_enlargement_map(1999)
    assert "19 members" in title_of(fig)
    years = {t.get_text() for t in fig.axes[0].texts if re.fullmatch(r"\d{4}", t.get_text())}
    assert max(years) == "1999"
    assert not occupied_artists(fig), "Crimea was not occupied in 1999"
    assert occupied_artists(maps.nato_enlargement_map(2014))


def test_forward_presence_counts_battlegroups_by_year():
    assert "4 battlegroups" in title_of(maps.forward_presence_map(2019))
    fig = maps.forward_presence_map(2024)
    assert "8 battlegroups" in title_of(fig)
    labels = " ".join(t.get_text() for t in fig.axes[0].texts)
    for host, framework in (("Lithuania", "Germany"), ("Poland", "the United States"), ("Romania", "France")):
        assert f"{host}\nled by {framework}" in labels
    assert "Hantsavichy" in labels and "Vileyka" in labels and "Kaliningrad" in labels and "BELARUS" in labels
    assert "no battlegroups yet" in title_of(maps.forward_presence_map(2016))


def test_measures_match_published_orders_of_magnitude():
    m = maps.measures().set_index("key")
    assert {"measure", "scale", "km"} <= set(m.columns)
    for scale in geo.SCALES:
        assert 60 < m.loc[f"gap_{scale}", "km"] < 72, "the straight-line gap is about 65 km"
    assert m.loc["border_50m", "km"] < m.loc["border_10m", "km"] < 104.28, "generalised borders come out shorter"
    assert 20 < m.loc["vilnius_10m", "km"] < 45, "Vilnius lies about 30 km from Belarus"


def test_suwalki_map_prints_the_measures_it_draws():
    fig = maps.suwalki_map()
    m = maps.measures().set_index("key")
    text = " ".join(t.get_text() for t in fig.axes[0].texts) + fig.alt
    assert f"{m.loc['gap_10m', 'km']:.0f} km" in text
    assert f"{m.loc['border_10m', 'km']:.0f} km" in text
    assert f"{m.loc['vilnius_10m', 'km']:.0f} km" in text


def test_add_points_joins_the_legend():
    fig = maps.base_map(extent=(19, 52, 29, 57))
    capitals = geo.points_gdf(__import__("pandas").DataFrame({"name": ["Vilnius"], "lon": [25.28], "lat": [54.69]}))
    maps.add_points(fig.axes[0], capitals, label="Capital", text="name")
    texts = [t.get_text() for leg in fig.figure.legends for t in leg.get_texts()]
    assert "Capital" in texts
    assert not any("Occupied" in t for t in texts)  # Crimea lies outside this view: not in the legend
    with pytest.raises(ValueError, match="no CRS"):
        maps.add_points(fig.axes[0], capitals.set_crs(None, allow_override=True), label="x")


def test_the_strength_chart_adds_up_nato_june_2022_figures():
    fig = maps.efp_strength_chart()
    assert "9,641 troops" in fig.alt


def test_within_reach_map_lists_the_places_in_its_alt_text():
    fig = maps.within_reach_map(100)
    alt = fig.alt
    assert "Vilnius" in alt and "Suwałki" in alt and "EPSG:3035" in alt
    assert fig.figure.texts and fig.figure.legends
    assert any("Sources:" in t.get_text() for t in fig.figure.texts)
    with pytest.raises(ValueError):
        maps.within_reach_map(0)


def test_belarus_military_map_has_title_legend_source_line_and_alt_text_naming_the_grounds():
    from coursekit.datasets import load_exercise_grounds

    fig = maps.belarus_military_map()
    grounds = load_exercise_grounds()
    assert f"{len(grounds)} training grounds" in title_of(fig)
    assert has_legend(fig)
    legend = " ".join(t.get_text() for leg in fig.figure.legends for t in leg.get_texts())
    assert "Training ground" in legend and "Russian military facility" in legend
    assert "see the Sources section" in source_line(fig)
    alt = fig.alt
    for name in grounds["name"]:
        assert name in alt, name
    assert "Hantsavichy" in alt and "Vileyka" in alt
    labels = " ".join(t.get_text() for t in fig.axes[0].texts)
    assert "Obuz-Lesnovsky\nZapad 2021\nAllied Resolve 2022" in labels
    known = load_sources()
    assert fig.sources and all(i in known for i in fig.sources)
    assert render(fig).png.startswith(b"\x89PNG")


def test_belarus_military_map_of_one_exercise_shows_only_its_grounds():
    fig = maps.belarus_military_map(exercise="Zapad 2021")
    labels = " ".join(t.get_text() for t in fig.axes[0].texts)
    shown = {"Obuz-Lesnovsky", "Domanovsky", "Ruzhansky", "Brestsky"}
    hidden = {"Gozhsky", "Borisovsky", "Lepelsky", "Osipovichsky"}
    assert all(n in labels and n in fig.alt for n in shown)
    assert not any(n in labels or n in fig.alt for n in hidden)
    assert "4 training grounds used in Zapad 2021" in title_of(fig)
    assert "Vileyka" in labels                                  # the Russian sites stay
    with pytest.raises(ValueError, match="Zapad 2017"):
        maps.belarus_military_map(exercise="Zapad 1999")
    with pytest.raises(TypeError, match="Zapad 2021"):
        maps.belarus_military_map(exercise=2021)


@pytest.mark.parametrize("recipe", [
    lambda: maps.nato_enlargement_map(), lambda: maps.forward_presence_map(2024), lambda: maps.suwalki_map(),
    lambda: maps.within_reach_map(100), lambda: maps.belarus_military_map(), lambda: maps.crimea_map(),
])
def test_exactly_laid_out_maps_keep_every_text_inside_the_figure(recipe):
    """Maps render without a tight bounding box, so nothing may stick out of the figure."""
    kit = recipe()
    assert kit.tight is False
    fig = kit.figure
    fig.canvas.draw()
    box = fig.bbox
    for text in fig.findobj(matplotlib.text.Text):
        if not text.get_visible() or not text.get_text().strip():
            continue
        ext = text.get_window_extent()
        assert ext.x0 >= box.x0 - 1 and ext.x1 <= box.x1 + 1 and ext.y0 >= box.y0 - 1 and ext.y1 <= box.y1 + 1, (
            f"text {text.get_text()[:40]!r} is cut off at the figure's edge")
    plt.close(fig)


def test_forward_presence_labels_carry_dated_strength_from_2022():
    later = maps.forward_presence_map(2024)
    labels = " ".join(t.get_text() for t in later.axes[0].texts)
    assert "1,632 troops (June 2022)" in labels and "Lithuania 1,632" in later.alt
    assert "lsm-2022-06-28-battlegroups" in later.sources
    early = maps.forward_presence_map(2019)
    assert "troops" not in " ".join(t.get_text() for t in early.axes[0].texts)
    plt.close("all")


def test_the_okabe_ito_palette_is_typed_in_one_place():
    from pathlib import Path

    from coursekit.maps import style

    src = Path(style.__file__).resolve().parents[1]
    hexes = {v.lower() for k, v in style.OKABE_ITO.items() if k != "black"}
    css = {"quiz_html.py"}  # a web stylesheet in a string, styled like quiz/widget.css: not a chart
    typed = sorted(str(p.relative_to(src)) for p in src.rglob("*.py") if p.name not in {"style.py", *css}
                   and any(h in p.read_text(encoding="utf-8").lower() for h in hexes))
    assert not typed, f"import the colours from coursekit.maps.style instead of typing them: {typed}"


def test_colour_countries_fills_each_group_and_the_rest():
    from coursekit.maps.toolkit import colour_countries, countries

    fig, ax = plt.subplots()
    world = countries("50m")
    colour_countries(ax, world, [(["POL", "LTU"], maps.ALLY), (["RUS", "BLR"], maps.RUSSIA_BELARUS)],
                     skip=["UKR"])
    layers = [(len(c.get_paths()), matplotlib.colors.to_hex(c.get_facecolor()[0])) for c in ax.collections]
    rest = len(world) - 5
    assert layers == [(rest, maps.LAND.lower()), (2, maps.ALLY.lower()), (2, maps.RUSSIA_BELARUS.lower())]


def test_maps_draw_the_frames_they_are_given():
    from coursekit.datasets import load_efp_battlegroups, load_nato_members

    three = load_efp_battlegroups().iloc[:3]
    fig = maps.forward_presence_map(2024, battlegroups=three)
    assert "3 battlegroups" in title_of(fig)
    assert all(f"{host}\nled by" in " ".join(t.get_text() for t in fig.ax.texts) for host in three["host"])
    founders = load_nato_members().query("accession_date.dt.year == 1949")
    assert "12 members" in title_of(maps.nato_enlargement_map(2024, members=founders))


def test_rendering_a_map_gives_the_pixels_matplotlib_draws():
    import io

    import numpy as np
    from PIL import Image

    kit = maps.suwalki_map()
    buf = io.BytesIO()
    kit.figure.savefig(buf, format="png", dpi=110)
    expected = np.asarray(Image.open(buf).convert("RGB"))
    got = np.asarray(Image.open(io.BytesIO(render(kit).png)).convert("RGB"))
    assert got.shape == expected.shape and (got == expected).all()


def test_charts_keep_the_ticks_and_limits_matplotlib_chose():
    from matplotlib.ticker import FixedLocator

    kit = maps.exercise_estimates_chart("Zapad 2021")
    ax = kit.ax
    assert isinstance(ax.xaxis.get_major_locator(), FixedLocator)
    assert ax.get_xlim() == pytest.approx((2000, 700_000))
    labels = [t.get_text() for t in ax.get_xticklabels()]
    assert labels[:3] == ["2,000", "5,000", "10,000"]


@pytest.mark.parametrize("crs", ["EPSG:3035", "EPSG:4326"])
def test_filled_polygons_look_as_geopandas_draws_them(crs):
    """The maps fill countries with toolkit.fill_polygons, not GeoDataFrame.plot (which costs
    about 12 ms a call): the same picture, holes, hatches and the aspect of degrees included."""
    import io

    import numpy as np

    from coursekit.maps.toolkit import countries, fill_polygons

    world = countries("50m", crs)
    world = world[world["iso3"].isin(["POL", "BLR", "ZAF", "ITA", "NOR"])]  # South Africa has a hole (Lesotho)

    def pixels(draw):
        fig, ax = plt.subplots(figsize=(5, 5))
        draw(ax)
        ax.set_axis_off()
        buf = io.BytesIO()
        fig.savefig(buf, format="rgba", dpi=110)
        plt.close(fig)
        return np.frombuffer(buf.getvalue(), np.uint8).astype(int), ax.get_aspect()

    style = {"facecolor": "#f5e9c8", "edgecolor": "#333333", "linewidth": 0.8, "hatch": "//"}
    expected, aspect = pixels(lambda ax: world.plot(ax=ax, **style))
    got, got_aspect = pixels(lambda ax: fill_polygons(ax, world, **style))
    assert got_aspect == pytest.approx(aspect)
    assert (expected < 200).mean() > 0.01  # something is drawn
    assert np.abs(got - expected).max() <= 2 and (got != expected).mean() < 0.01


@pytest.mark.slow
def test_degree_panel_explains_the_aspect_geopandas_sets():
    """The EPSG:4326 panel's ovals come partly from geopandas' 1/cos(middle latitude) aspect: the figure and its
    alt text say so, with the aspect actually drawn."""
    import math

    import matplotlib.pyplot as plt

    kit = maps.projection_panels()
    try:
        ax = kit.figure.axes[0]
        notes = [t.get_text() for t in ax.texts if "geopandas" in t.get_text()]
        assert len(notes) == 1
        mid = math.degrees(math.acos(1 / ax.get_aspect()))
        assert f"{mid:.1f}°" in notes[0] and f"{ax.get_aspect():.2f}" in notes[0]
        assert "geopandas" in kit.alt and f"{mid:.1f}°N" in kit.alt and "not from the CRS alone" in kit.alt
    finally:
        plt.close(kit.figure)
