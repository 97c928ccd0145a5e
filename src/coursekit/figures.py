"""Show figures with alt text that the browser sees.

JupyterLab shows a plain matplotlib output as an ``<img>`` without ``alt``; screen
readers then announce nothing. :func:`show` renders the figure to PNG and emits
an ``<img>`` that carries the alt text, with a visible caption, plus a text/plain
version of the alt text for consoles and static previews.
"""

from __future__ import annotations

import base64
import html
import io


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


def render(fig, alt: str, caption: str | None = None, dpi: int = 110) -> Figure:
    """Render a matplotlib figure to a :class:`Figure` and close it."""
    import matplotlib.pyplot as plt

    buf = io.BytesIO()
    # A tight bounding box draws the figure twice; kit maps are laid out exactly and opt out.
    bbox = "tight" if getattr(fig, "coursekit_tight", True) else None
    fig.savefig(buf, format="png", dpi=dpi, bbox_inches=bbox, metadata={"Software": None})
    plt.close(fig)
    return Figure(buf.getvalue(), alt, caption)


def show(fig, alt: str | None = None, caption: str | None = None) -> None:
    """Display a matplotlib figure with alt text.

    ``alt`` defaults to ``fig.coursekit_alt`` when a kit function set it. Returns nothing,
    so that a cell ending in ``show(...)`` displays the figure once; use :func:`render` to
    keep the rendered :class:`Figure` (e.g. to save it).
    """
    alt = alt or getattr(fig, "coursekit_alt", None)
    if not alt:
        raise ValueError("show() needs alt text: describe what the figure shows in a sentence.")
    rendered = render(fig, alt, caption)
    try:
        from IPython.display import display

        display(rendered)
    except ImportError:  # pragma: no cover
        pass
