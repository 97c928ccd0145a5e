import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import pytest  # noqa: E402

from coursekit.figures import render, show  # noqa: E402


def test_rendered_figure_carries_its_alt_text():
    fig, ax = plt.subplots()
    ax.plot([0, 1], [0, 1])
    out = render(fig, 'A line from 0 to 1, "rising"', caption="Test")
    html = out._repr_html_()
    assert html.startswith('<figure class="coursekit-figure"')
    assert 'alt="A line from 0 to 1, &quot;rising&quot;"' in html and "<figcaption>Test</figcaption>" in html
    assert out.png.startswith(b"\x89PNG")


def test_show_needs_alt_text_and_displays_once(monkeypatch):
    shown = []
    monkeypatch.setattr("IPython.display.display", lambda obj: shown.append(obj))
    fig, _ = plt.subplots()
    with pytest.raises(ValueError, match="alt text"):
        show(fig)
    fig.coursekit_alt = "An empty chart."
    assert show(fig) is None  # nothing for Jupyter to display a second time
    assert len(shown) == 1 and shown[0].alt == "An empty chart."
