"""Figures that carry their alt text and sources, shown with alt text that the browser sees.

Every chart and map recipe of the kit returns a :class:`KitFigure`: the matplotlib figure with
its alt text, the ids of its sources (in ``data/sources.yml``) and a note on its data.
JupyterLab shows a plain matplotlib output as an ``<img>`` without ``alt``; screen readers then
announce nothing. :func:`show` renders the figure to PNG and emits an ``<img>`` that carries the
alt text, with a visible caption, plus a text/plain version of the alt text for consoles and
static previews. It also remembers the kit figures it showed, so that a notebook's Sources
section can list their sources (:func:`shown`, :func:`coursekit.sources.render_sources`).

>>> from coursekit import maps                          # doctest: +SKIP
>>> fig = maps.suwalki_map()                             # doctest: +SKIP
>>> fig.alt[:27], fig.sources[:1]                        # doctest: +SKIP
('Map of the Suwałki gap on t', ('naturalearth-2018-admin0-4-1',))
>>> show(fig)                                            # doctest: +SKIP
"""

from __future__ import annotations

import base64
import html
import io
from dataclasses import dataclass, field
from typing import Any


@dataclass(eq=False)
class KitFigure:
    """A kit figure: the matplotlib ``figure``, its ``alt`` text, its ``sources`` (ids in
    data/sources.yml) and a ``note`` on where its data come from.

    ``tight`` says whether rendering should trim the margins (a second drawing pass); maps are
    laid out to the inch and skip it. ``axes`` and ``ax`` reach the figure's axes, e.g. to add a
    layer with :func:`coursekit.maps.add_points`.
    """

    figure: Any
    alt: str
    sources: tuple[str, ...] = ()
    note: str = ""
    tight: bool = field(default=True, repr=False)

    def __post_init__(self) -> None:
        if not isinstance(self.alt, str) or not self.alt.strip():
            raise ValueError("every figure needs alt text: describe what the figure shows.")
        self.sources = tuple(dict.fromkeys(self.sources))

    @property
    def axes(self) -> list:
        """The figure's axes (matplotlib ``Figure.axes``)."""
        return self.figure.axes

    @property
    def ax(self):
        """The first axes: the map panel of a one-panel map."""
        return self.figure.axes[0]

    def _repr_html_(self) -> str:
        return render(self)._repr_html_()


class Figure:
    """A rendered figure with its alt text (displays itself in Jupyter)."""

    def __init__(self, png: bytes, alt: str, caption: str | None = None) -> None:
        if not alt or not alt.strip():
            raise ValueError("every figure needs alt text: describe what the figure shows.")
        self.png = png
        self.alt = alt.strip()
        self.caption = caption

    def _repr_html_(self) -> str:
        data = base64.b64encode(self.png).decode("ascii")
        cap = f"<figcaption>{html.escape(self.caption)}</figcaption>" if self.caption else ""
        return (
            f'<figure class="coursekit-figure" style="margin:0">'
            f'<img src="data:image/png;base64,{data}" alt="{html.escape(self.alt, quote=True)}" '
            f'style="max-width:100%;height:auto"/>{cap}</figure>'
        )

    def __repr__(self) -> str:
        return f"[Figure: {self.alt}]"

    def save(self, path) -> None:
        with open(path, "wb") as fh:
            fh.write(self.png)


_SHOWN: list[KitFigure] = []


def shown() -> list[KitFigure]:
    """The kit figures :func:`show` has displayed in this session, oldest first, without their
    drawings (``figure`` is None): their alt text, sources and notes, for a Sources section."""
    return list(_SHOWN)


def render(fig, alt: str | None = None, caption: str | None = None, dpi: int = 110) -> Figure:
    """Render a :class:`KitFigure` or a matplotlib figure to a :class:`Figure` and close it.

    ``alt`` defaults to the kit figure's own alt text; a plain matplotlib figure needs one.
    """
    import matplotlib.pyplot as plt

    kit = fig if isinstance(fig, KitFigure) else None
    alt = alt or (kit.alt if kit else None)
    if not alt:
        raise ValueError("render() needs alt text: describe what the figure shows in a sentence.")
    mpl = kit.figure if kit else fig
    if kit is not None and not kit.tight:
        png = _png_of_exact(mpl, dpi)
    else:
        buf = io.BytesIO()
        mpl.savefig(buf, format="png", dpi=dpi, bbox_inches="tight", metadata={"Software": None},
                    pil_kwargs={"compress_level": PNG_LEVEL})
        png = buf.getvalue()
    plt.close(mpl)
    return Figure(png, alt, caption)


PNG_LEVEL = 3
"""zlib level of the PNGs: 3 encodes in about two thirds of the time of the default 6, for a file
a few per cent larger (and smaller than the default when the image is stored without alpha)."""


def _png_of_exact(fig, dpi: int) -> bytes:
    """A figure laid out to the inch, rendered once (no tight bounding box, which lays the figure
    out twice) and stored as RGB when it is opaque: the same pixels as ``savefig``, encoded in
    about half the time."""
    import numpy as np
    from PIL import Image

    buf = io.BytesIO()
    fig.savefig(buf, format="rgba", dpi=dpi)
    width, height = (int(v) for v in fig.get_size_inches() * dpi)
    image = Image.frombuffer("RGBA", (width, height), buf.getbuffer(), "raw", "RGBA", 0, 1)
    if np.asarray(image)[..., 3].min() == 255:
        image = image.convert("RGB")
    out = io.BytesIO()
    image.save(out, format="png", compress_level=PNG_LEVEL, dpi=(dpi, dpi))
    return out.getvalue()


def show(fig, alt: str | None = None, caption: str | None = None) -> None:
    """Display a :class:`KitFigure` (or a matplotlib figure) with alt text.

    ``alt`` defaults to the kit figure's alt text; a plain matplotlib figure needs one. Returns
    nothing, so that a cell ending in ``show(...)`` displays the figure once; use :func:`render`
    to keep the rendered :class:`Figure` (e.g. to save it).
    """
    if not alt and not isinstance(fig, KitFigure):
        raise ValueError("show() needs alt text: describe what the figure shows in a sentence.")
    rendered = render(fig, alt, caption)
    if isinstance(fig, KitFigure):  # keep what Sources needs, not the drawing
        kept = KitFigure(None, fig.alt, fig.sources, fig.note, fig.tight)
        if all((k.alt, k.sources) != (kept.alt, kept.sources) for k in _SHOWN):
            _SHOWN.append(kept)
    try:
        from IPython.display import display

        display(rendered)
    except ImportError:  # pragma: no cover
        pass
