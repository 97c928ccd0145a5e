import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import pytest  # noqa: E402

from coursekit.figures import KitFigure, render, show, shown  # noqa: E402


def test_rendered_figure_carries_its_alt_text():
    fig, ax = plt.subplots()
    ax.plot([0, 1], [0, 1])
    out = render(fig, 'A line from 0 to 1, "rising"', caption="Test")
    html = out._repr_html_()
    assert html.startswith('<figure class="coursekit-figure"')
    assert 'alt="A line from 0 to 1, &quot;rising&quot;"' in html and "<figcaption>Test</figcaption>" in html
    assert out.png.startswith(b"\x89PNG")


def test_show_needs_alt_text_and_displays_once(monkeypatch):
    displayed = []
    monkeypatch.setattr("IPython.display.display", lambda obj: displayed.append(obj))
    fig, _ = plt.subplots()
    with pytest.raises(ValueError, match="alt text"):
        show(fig)
    assert show(fig, alt="An empty chart.") is None  # nothing for Jupyter to display a second time
    assert len(displayed) == 1 and displayed[0].alt == "An empty chart."


def test_a_kit_figure_carries_alt_text_and_sources_and_show_remembers_them(monkeypatch):
    monkeypatch.setattr("IPython.display.display", lambda obj: None)
    fig, _ = plt.subplots()
    with pytest.raises(ValueError, match="alt text"):
        KitFigure(fig, "  ")
    kit = KitFigure(fig, "An empty chart.", ("src-a", "src-b", "src-a"), note="made up")
    assert kit.sources == ("src-a", "src-b") and kit.ax is fig.axes[0]
    before = len(shown())
    show(kit)
    show(kit)  # shown twice, listed once
    assert [k.sources for k in shown()[before:]] == [("src-a", "src-b")]
    assert shown()[-1].figure is None, "Sources needs the ids, not the drawing"
    assert render(KitFigure(plt.subplots()[0], "Another chart.")).alt == "Another chart."


def _pixels(png: bytes):
    import io

    import numpy as np
    from PIL import Image

    return np.asarray(Image.open(io.BytesIO(png)).convert("RGB")).astype(int)


def _savefig_tight(fig) -> bytes:
    import io

    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=110, bbox_inches="tight")
    return buf.getvalue()


@pytest.mark.parametrize("beyond", [0, 2, 6])
def test_a_trimmed_figure_shows_what_savefig_tight_shows_drawn_once(beyond):
    """render() trims a chart with one drawing pass; the picture is savefig's "tight" one, text
    reaching beyond the figure's edge included (far beyond: the wide canvas is not enough), at
    most a pixel apart."""
    import numpy as np

    def chart():
        fig, ax = plt.subplots(figsize=(5, 3))
        ax.plot([0, 1], [0, 1], color="black", linewidth=3)
        ax.set_title("A title")
        if beyond:  # a legend wider than the figure, as a long legend row of a kit chart is
            ax.plot([], [], label="a long legend entry " * beyond)
            fig.legend(loc="upper left", bbox_to_anchor=(0.5, 1.0))
        return fig

    draws = []
    fig = chart()
    fig.canvas.mpl_connect("draw_event", lambda event: draws.append(event))
    got = _pixels(render(fig, "A line").png)
    expected = _pixels(_savefig_tight(chart()))
    assert len(draws) == 1  # savefig's tight box draws twice (once painting nothing)
    assert abs(got.shape[0] - expected.shape[0]) <= 1 and abs(got.shape[1] - expected.shape[1]) <= 1
    if beyond:
        assert got.shape[1] > 5 * 110  # the legend sticking out is in the picture
    h, w = min(got.shape[0], expected.shape[0]), min(got.shape[1], expected.shape[1])
    best = min(np.abs(got[dy:dy + h - 1, dx:dx + w - 1] - expected[ey:ey + h - 1, ex:ex + w - 1]).max(axis=2).mean()
               for dy in (0, 1) for dx in (0, 1) for ey in (0, 1) for ex in (0, 1))
    assert best < 2.0  # the same picture, shifted by under a pixel (mean difference per pixel, of 255)
    assert best < np.abs(got[:h, :w] - 255).max(axis=2).mean() / 4  # and not merely blank


@pytest.mark.parametrize("layout", ["tight_layout", "constrained"])
def test_a_figure_with_a_layout_and_a_source_line_below_it_is_shown_whole(layout):
    """`fig.tight_layout()` leaves a placeholder layout engine, and savefig then runs a layout
    pass at the figure's size: the probe measured that pass, and modules 05 and 07 showed their
    charts cut 3 inches off, nearly blank. A source line below the axes (y < 0) reaches out of
    the figure, as the kit's charts and students' figures put it."""
    import numpy as np

    def chart():
        fig, ax = plt.subplots(figsize=(6, 3), layout="constrained" if layout == "constrained" else None)
        ax.plot([0, 1], [0, 1], color="black", linewidth=3)
        ax.set_title("A title")
        fig.text(0.01, -0.05, "Source: a test, below the axes")
        if layout == "tight_layout":
            fig.tight_layout()
        return fig

    got = _pixels(render(chart(), "A line").png)
    expected = _pixels(_savefig_tight(chart()))
    assert abs(got.shape[0] - expected.shape[0]) <= 1 and abs(got.shape[1] - expected.shape[1]) <= 1
    h, w = min(got.shape[0], expected.shape[0]), min(got.shape[1], expected.shape[1])
    best = min(np.abs(got[dy:dy + h - 1, dx:dx + w - 1] - expected[ey:ey + h - 1, ex:ex + w - 1]).max(axis=2).mean()
               for dy in (0, 1) for dx in (0, 1) for ey in (0, 1) for ex in (0, 1))
    # the same picture (a fraction of a pixel apart: a box that begins below the figure lies off
    # the pixel grid, and savefig shifts the drawing where a cut cannot); cut 3 inches off: 85
    assert best < 4.0

    def ink(pixels):
        return (255 - pixels).sum()

    assert abs(ink(got) - ink(expected)) < 0.05 * ink(expected)  # all of it drawn, none cut off
    plt.close("all")


@pytest.mark.parametrize("placed_by", ["source line in figure fraction", "figure legend", "text box in figure fraction",
                                       "source line on an inset", "source line on the figure"])
def test_what_is_placed_by_the_figure_box_stays_where_savefig_puts_it(placed_by):
    """A source line written with ``xycoords="figure fraction"`` (as module 03's hint shows) or a
    figure legend placed by ``loc`` alone sits where savefig's tight trim puts it, not out on
    the wider canvas with a blank margin around the chart, wherever it was added."""
    import numpy as np
    from matplotlib.offsetbox import AnnotationBbox, TextArea
    from matplotlib.text import Annotation

    def chart():
        fig, ax = plt.subplots(figsize=(5, 3))
        ax.plot([0, 1], [0, 1], color="black", linewidth=3, label="a line")
        if placed_by == "figure legend":
            fig.legend(loc="lower right")
        elif placed_by == "text box in figure fraction":
            ax.add_artist(AnnotationBbox(TextArea("Source: a test"), (0.02, 0.02), xycoords="figure fraction",
                                         box_alignment=(0, 0), frameon=False))
        elif placed_by == "source line on an inset":
            inset = ax.inset_axes([0.6, 0.1, 0.3, 0.3])
            inset.annotate("Source: a test", (0.01, 0.01), xycoords="figure fraction", fontsize=8)
        elif placed_by == "source line on the figure":
            fig.add_artist(Annotation("Source: a test", (0.01, 0.01), xycoords="figure fraction", fontsize=8))
        else:
            ax.annotate("Source: a test", (0.01, 0.01), xycoords="figure fraction", fontsize=8)
        return fig

    got = _pixels(render(chart(), "A line").png)
    expected = _pixels(_savefig_tight(chart()))
    assert got.shape == expected.shape and got.shape[1] < 5 * 110  # no margin beyond the figure
    assert np.array_equal(got, expected)


@pytest.mark.parametrize("transparent", [False, True])
def test_a_figure_laid_out_to_the_inch_has_savefigs_pixels(transparent):
    """The kit writes its PNGs itself (zlib, no row filters): Pillow reads them back as exactly
    the pixels savefig draws, opaque ones as RGB, see-through ones with their alpha, at the dpi."""
    import io

    import numpy as np
    from PIL import Image

    def chart():
        fig, ax = plt.subplots(figsize=(4, 3))
        ax.fill([0, 1, 1], [0, 0, 1], color="#0072B2", alpha=0.5)
        ax.set_title("A triangle")
        if transparent:
            fig.patch.set_alpha(0.0)
        return fig

    png = render(KitFigure(chart(), "A triangle.", tight=False)).png
    buf = io.BytesIO()
    chart().savefig(buf, format="png", dpi=110)
    got, expected = Image.open(io.BytesIO(png)), Image.open(buf)
    got.verify()  # every chunk's checksum
    got = Image.open(io.BytesIO(png))
    assert got.mode == ("RGBA" if transparent else "RGB") and got.size == (440, 330)
    assert np.array_equal(np.asarray(got.convert("RGBA")), np.asarray(expected.convert("RGBA")))
    assert round(got.info["dpi"][0]) == 110


def test_after_a_first_figure_pyplot_figures_are_drawn_once_when_shown():
    """geopandas asks for a redraw after every layer; once the kit has rendered a figure, a
    pyplot figure on Agg (as in Jupyter's inline backend) is drawn only when it is output."""
    import geopandas as gpd
    from shapely.geometry import box

    render(plt.figure(), "An empty figure")
    fig, ax = plt.subplots()
    draws = []
    fig.canvas.mpl_connect("draw_event", lambda event: draws.append(event))
    layer = gpd.GeoSeries([box(0, 0, 1, 1), box(2, 0, 3, 1)])
    for colour in ("red", "blue", "green"):
        layer.plot(ax=ax, color=colour)
    assert draws == []
    png = render(fig, "Two squares").png
    assert len(draws) == 1 and png.startswith(b"\x89PNG")
    assert _pixels(png).min() < 100  # the squares are drawn
