"""Every trimmed chart of the kit comes out whole: the picture render() makes is savefig's
"tight" picture (the same size, the same ink). Modules 05 and 07 showed their charts cut three
inches off, nearly blank, for a day: a chart drawn after `fig.tight_layout()` kept a layout
engine that the one-pass trim did not expect, and no test looked at the kit's own charts."""

from __future__ import annotations

import io

import matplotlib
import pytest

matplotlib.use("Agg")


def _charts():
    from coursekit import maps
    from coursekit.argument import plot_types_by_paragraph
    from coursekit.claims import load_claims
    from coursekit.elections import load_elections, plot_official_shares
    from coursekit.narratives import load_narratives, plot_narratives
    from coursekit.scorecard import build_scorecard, plot_scorecard
    from coursekit.timeline import load_timeline, plot_timeline

    return {
        "01 types by paragraph": lambda: plot_types_by_paragraph(load_claims()),
        "02 timeline": lambda: plot_timeline(load_timeline()),
        "04 troop figures": maps.efp_strength_chart,
        "04 exercise estimates": maps.exercise_estimates_chart,
        "05 techniques": lambda: plot_narratives(load_narratives()),
        "06 elections": lambda: plot_official_shares(load_elections()),
        "07 scorecard": lambda: plot_scorecard(build_scorecard()),
    }


CHARTS = ["01 types by paragraph", "02 timeline", "04 troop figures", "04 exercise estimates", "05 techniques",
          "06 elections", "07 scorecard"]


@pytest.mark.parametrize("name", CHARTS)
def test_a_kit_chart_is_drawn_whole(name):
    import matplotlib.pyplot as plt
    import numpy as np
    from PIL import Image

    from coursekit.figures import KitFigure, render

    build = _charts()[name]
    kit = build()
    got = np.asarray(Image.open(io.BytesIO(render(kit).png)).convert("RGB")).astype(int)
    fig = build()
    fig = fig.figure if isinstance(fig, KitFigure) else fig
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=110, bbox_inches="tight")
    plt.close("all")
    expected = np.asarray(Image.open(buf).convert("RGB")).astype(int)
    assert abs(got.shape[0] - expected.shape[0]) <= 1 and abs(got.shape[1] - expected.shape[1]) <= 1, (
        got.shape, expected.shape)
    ink_got, ink_expected = (255 - got).sum(), (255 - expected).sum()
    assert abs(ink_got - ink_expected) < 0.03 * ink_expected  # all of it drawn, none cut off
