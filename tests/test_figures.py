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
