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
import functools
import html
import io
import weakref
from collections.abc import Callable, Iterable
from typing import Any


class KitFigure:
    """A kit figure: the matplotlib ``figure``, its ``alt`` text, its ``sources`` (ids in
    data/sources.yml) and a ``note`` on where its data come from.

    ``tight`` says whether rendering should trim the margins (a second drawing pass); maps are
    laid out to the inch and skip it. ``axes`` and ``ax`` reach the figure's axes; a layer added
    with :func:`coursekit.maps.add_points` on the figure itself keeps it cacheable.

    A figure from the figure cache (:mod:`coursekit.figcache`) arrives as its PNG, with no
    drawing: :func:`render` shows the PNG, and asking for ``figure``, ``axes`` or ``ax`` draws
    it then. A figure whose drawing was asked for is rendered from the drawing, never from a PNG
    kept before, and is not put in the cache (the caller may have changed it).
    """

    def __init__(self, figure: Any, alt: str, sources: Iterable[str] = (), note: str = "",
                 tight: bool = True) -> None:
        if not isinstance(alt, str) or not alt.strip():
            raise ValueError("every figure needs alt text: describe what the figure shows.")
        self._figure = figure
        self.alt = alt
        self.sources = tuple(dict.fromkeys(sources))
        self.note = note
        self.tight = tight
        self._png: tuple[int, bytes] | None = None  # (dpi, PNG) of the untouched drawing
        self._build: Callable[[], KitFigure] | None = None  # draws a figure that came as a PNG
        self._keep: Callable[[int, bytes], None] | None = None  # puts the first PNG in the cache
        self._key: str | None = None  # its entry in the figure cache (recipe, arguments, layers)
        self._touched = False

    @property
    def figure(self):
        """The matplotlib figure (drawn now if the figure came from the cache)."""
        self._touched = True
        return self._drawing()

    def _drawing(self):
        if self._figure is None and self._build is not None:
            self._figure = self._build()._figure
            self._build = None
        return self._figure

    @property
    def axes(self) -> list:
        """The figure's axes (matplotlib ``Figure.axes``)."""
        return self.figure.axes

    @property
    def ax(self):
        """The first axes: the map panel of a one-panel map."""
        return self.figure.axes[0]

    def __repr__(self) -> str:
        return f"KitFigure(alt={self.alt!r}, sources={self.sources!r}, note={self.note!r})"

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
_CAPTIONS: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def caption_of(fig) -> str | None:
    """The caption a matplotlib figure was last rendered with (shown under it), if any: a source
    line given as ``show(fig, alt=..., caption="Source: ...")`` is read by the exercise checks."""
    return _CAPTIONS.get(fig)


def shown() -> list[KitFigure]:
    """The kit figures :func:`show` has displayed in this session, oldest first, without their
    drawings (``figure`` is None): their alt text, sources and notes, for a Sources section."""
    return list(_SHOWN)


def render(fig, alt: str | None = None, caption: str | None = None, dpi: int = 110) -> Figure:
    """Render a :class:`KitFigure` or a matplotlib figure to a :class:`Figure` and close it.

    ``alt`` defaults to the kit figure's own alt text; a plain matplotlib figure needs one.
    """
    kit = fig if isinstance(fig, KitFigure) else None
    alt = alt or (kit.alt if kit else None)
    if not alt:
        raise ValueError("render() needs alt text: describe what the figure shows in a sentence.")
    draw_pyplot_figures_when_shown()  # also for the student's own figures drawn after this one
    if kit is not None and not kit._touched and kit._png is not None and kit._png[0] == dpi:
        if kit._figure is not None:  # drawn, but its PNG came from the cache: not shown a second time
            import matplotlib.pyplot as plt

            plt.close(kit._figure)
        return Figure(kit._png[1], alt, caption)  # drawn before (this session or the cache)
    import matplotlib.pyplot as plt

    mpl = kit._drawing() if kit else fig
    if kit is None and caption:
        _CAPTIONS[fig] = caption
    png = _png_of_exact(mpl, dpi) if kit is not None and not kit.tight else _png_of_tight(mpl, dpi)
    plt.close(mpl)
    if kit is not None and not kit._touched:
        kit._png = (dpi, png)
        if kit._keep is not None:
            kit._keep(dpi, png)
            kit._keep = None
    return Figure(png, alt, caption)


_HOOK = "coursekit.figures:_draw_when_shown"


def draw_pyplot_figures_when_shown() -> None:
    """From now on, figures made with pyplot are drawn when they are shown, not after each layer.

    geopandas' ``.plot()`` asks the canvas to redraw after every layer; on Agg and in Jupyter's
    inline backend, where nothing is on screen until the cell's figures are shown, that renders
    the whole figure each time (a map of four layers was drawn five times). This adds a pyplot
    figure hook (``rcParams["figure.hooks"]``) that turns the request into nothing for canvases
    whose ``draw_idle`` draws at once; interactive canvases, which schedule their own drawing,
    are left alone. What is shown does not change: ``show()``, ``savefig`` and the inline
    backend draw the figure when they output it. :func:`render` calls this.
    """
    import matplotlib as mpl

    hooks = mpl.rcParams["figure.hooks"]
    if _HOOK not in hooks:
        mpl.rcParams["figure.hooks"] = [*hooks, _HOOK]


def _draw_when_shown(fig) -> None:
    from matplotlib.backend_bases import FigureCanvasBase

    if type(fig.canvas).draw_idle is FigureCanvasBase.draw_idle:
        fig.canvas.draw_idle = _no_draw


def _no_draw(*args: Any, **kwargs: Any) -> None:
    return None


PNG_LEVEL = 3
"""zlib level of the PNGs: 3 compresses in less than half the time of the default 6, for a file a
few per cent larger."""


def _png_of_exact(fig, dpi: int) -> bytes:
    """A figure laid out to the inch, rendered once (no tight bounding box, which lays the figure
    out twice) and stored as RGB when it is opaque: the same pixels as ``savefig``."""
    buf = _Pixels()
    fig.savefig(buf, format="rgba", dpi=dpi)
    width, height = (int(v) for v in fig.get_size_inches() * dpi)
    return _encode(buf.getbuffer(), (width, height), dpi)


class _Pixels:
    """Where ``savefig(format="rgba")`` writes: it keeps the renderer's buffer as it is handed
    over (a view), where a BytesIO would copy the whole canvas."""

    def __init__(self) -> None:
        self.data: memoryview | None = None

    def write(self, data) -> int:
        if self.data is not None:  # pragma: no cover - matplotlib writes the canvas in one piece
            raise RuntimeError("savefig wrote the pixels in more than one piece")
        self.data = memoryview(data)
        return self.data.nbytes

    def seek(self, *args) -> int:  # pragma: no cover - makes matplotlib take this for a file
        return 0

    def getbuffer(self) -> memoryview:
        assert self.data is not None, "savefig drew nothing"
        return self.data


def _png_of_tight(fig, dpi: int) -> bytes:
    """A figure trimmed to what it draws, as ``savefig(bbox_inches="tight")`` trims it, with one
    layout instead of two.

    ``savefig`` lays the figure out once (a drawing pass that paints nothing) to find the bounding
    box of what it draws, which may reach beyond the figure's edge (a long legend, a last tick
    label), and then draws it, shifted, with a new renderer that measures every text again. Here
    the figure is drawn once onto a canvas three inches wider on every side: before anything is
    painted, an artist drawn first measures the same box (``Figure.get_tightbbox``, with the
    renderer that then paints, so every text is measured once), and after the drawing that box,
    with ``savefig.pad_inches`` around it, is cut out of the pixels. The picture is the same,
    placed up to half a pixel differently (``savefig`` shifts by fractions of a pixel, a cut
    cannot). When the box reaches beyond the wider canvas, the drawing stops at once and that box
    is drawn, as ``savefig`` would.
    """
    import math

    import matplotlib as mpl
    from matplotlib.layout_engine import PlaceHolderLayoutEngine
    from matplotlib.transforms import Bbox

    engine = fig.get_layout_engine()
    removable = isinstance(engine, PlaceHolderLayoutEngine) and not (  # None then means no engine at all
        mpl.rcParams["figure.autolayout"] or mpl.rcParams["figure.constrained_layout.use"])
    if _placed_by_the_figure_box(fig) or (engine is not None and not removable):
        # A layout engine (constrained layout) lays the figure out in a pass of its own at the
        # figure's size, where the probe would measure the wrong canvas: savefig's two passes.
        return _png_of_savefig_tight(fig, dpi)
    margin = math.ceil(3 * dpi) / dpi  # 3 inches in whole pixels: the cut keeps the figure's pixel grid
    width, height = fig.get_size_inches()
    pad = mpl.rcParams["savefig.pad_inches"]
    probe = _probe_class()(pad if isinstance(pad, int | float) else 0.1, dpi)
    fig.add_artist(probe)
    buf = _Pixels()
    try:
        # `fig.tight_layout()` leaves a placeholder engine that lays nothing out, but savefig
        # would still run its layout pass, and the probe would measure that figure-sized canvas
        # (a chart came out cut 3 inches off, nearly blank): none while this drawing runs.
        if engine is not None:
            fig.set_layout_engine(None)  # "none" would leave a placeholder, and its pass
        fig.savefig(buf, format="rgba", dpi=dpi, bbox_inches=Bbox.from_bounds(-margin, -margin, width + 2 * margin,
                                                                              height + 2 * margin))
        overflow = False
    except _Overflow:
        overflow = True
    finally:
        probe.remove()
        if engine is not None:
            fig.set_layout_engine(engine)
    if overflow:  # drawn further out: draw that box alone
        box = probe.box
        buf = _Pixels()
        fig.savefig(buf, format="rgba", dpi=dpi, bbox_inches=Bbox.from_bounds(box.x0 - margin, box.y0 - margin,
                                                                              box.width, box.height))
        return _encode(buf.getbuffer(), (int(box.width * dpi + 1e-6), int(box.height * dpi + 1e-6)), dpi)
    if probe.box is None:
        return _png_of_savefig_tight(fig, dpi)
    return _encode(buf.getbuffer(), probe.size, dpi, cut=probe.cut)


def _placed_by_the_figure_box(fig) -> bool:
    """Whether something is placed by the figure's own box: an annotation in figure coordinates
    (``xycoords="figure fraction"``, a common way to write a source line) or a figure legend
    with no anchor of its own. On the wider canvas that box is the canvas, so they would land
    3 inches out; savefig's two passes place them as a student expects.

    It looks only where annotations and legends are kept (not ``fig.findobj()``, which makes
    every axis create its ticks: about 0.1 s on a map of the world in degrees)."""
    from matplotlib.legend import Legend

    def placed(artists) -> bool:
        for artist in artists:
            if isinstance(artist, Legend) and artist.get_bbox_to_anchor() is fig.bbox:
                return True
            coords = []
            for name in ("xycoords", "anncoords", "boxcoords"):
                c = getattr(artist, name, None)
                coords.extend(c if isinstance(c, tuple) else (c,))
            if any(isinstance(c, str) and "figure" in c for c in coords):
                return True
        return False

    def in_axes(ax) -> bool:
        return placed([*ax.texts, *ax.artists, *([ax.legend_] if ax.legend_ else [])]) or any(
            in_axes(child) for child in ax.child_axes)

    def in_figure(f) -> bool:
        return (placed([*f.legends, *f.texts, *f.artists]) or any(in_axes(ax) for ax in f.axes)
                or any(in_figure(sub) for sub in f.subfigs))

    return in_figure(fig)


class _Overflow(Exception):
    """The figure draws beyond the canvas that :func:`_png_of_tight` drew it on."""


@functools.cache
def _probe_class():
    """A matplotlib artist, drawn first, that measures the figure's tight bounding box (with
    ``pad`` inches around it) with the renderer about to paint it, and where that box lies in the
    renderer's pixels; made on first use: matplotlib is not imported with this module."""
    from matplotlib.artist import Artist

    class TightBoxProbe(Artist):
        box = None
        size = (0, 0)
        cut = (0, 0, 0, 0)

        def __init__(self, pad: float, dpi: float) -> None:
            super().__init__()
            self.pad, self.dpi = pad, dpi
            self.set_in_layout(False)
            self.set_zorder(float("-inf"))

        def draw(self, renderer) -> None:
            box = self.get_figure(root=True).get_tightbbox(renderer).padded(self.pad)
            cols, rows = int(renderer.width), int(renderer.height)
            left, top = round(box.x0 * self.dpi), round(rows - box.y1 * self.dpi)
            w, h = int(box.width * self.dpi + 1e-6), int(box.height * self.dpi + 1e-6)
            self.box, self.size, self.cut = box, (cols, rows), (left, top, w, h)
            if left < 0 or top < 0 or left + w > cols or top + h > rows:
                raise _Overflow

    return TightBoxProbe


def _png_of_savefig_tight(fig, dpi: int) -> bytes:
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=dpi, bbox_inches="tight", metadata={"Software": None},
                pil_kwargs={"compress_level": PNG_LEVEL})
    return buf.getvalue()


def _encode(rgba, size: tuple[int, int], dpi: int, cut: tuple[int, int, int, int] | None = None) -> bytes:
    """RGBA pixels of ``size`` (or the ``cut``: left, top, width, height, of them) as a PNG, stored
    as RGB when they are opaque.

    Written here with zlib rather than by Pillow's PNG writer: Pillow tries four PNG filters on
    every row to pick one (two thirds of its time on a map), while a map's flat areas compress as
    well with no filter at all. The same pixels come out (tests decode them with Pillow) in about a
    third of the time, in a file about a tenth smaller for a map and a few per cent larger for a
    chart. Pillow drops the alpha channel (a third of numpy's time for the same copy), and the rows
    go to zlib one by one, each after its filter byte, so that no second copy of the image is made.
    """
    import struct
    import zlib

    import numpy as np
    from PIL import Image

    width, height = size
    left, top, w, h = cut or (0, 0, width, height)
    alpha = np.frombuffer(rgba, np.uint8).reshape(height, width, 4)[top:top + h, left:left + w, 3]
    image = Image.frombuffer("RGBA", size, rgba, "raw", "RGBA", 0, 1)
    if cut:
        image = image.crop((left, top, left + w, top + h))
    if alpha.min() == 255:
        image, colour_type, channels = image.convert("RGB"), 2, 3  # truecolour
    else:
        colour_type, channels = 6, 4  # truecolour with alpha
    data, stride = memoryview(image.tobytes()), w * channels
    packer = zlib.compressobj(PNG_LEVEL)
    parts = []
    for row in range(h):  # each row: filter type 0 (none), then the row
        parts.append(packer.compress(b"\0"))
        parts.append(packer.compress(data[row * stride:(row + 1) * stride]))
    parts.append(packer.flush())
    per_metre = round(dpi / 0.0254)

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    return b"".join((b"\x89PNG\r\n\x1a\n",
                     chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, colour_type, 0, 0, 0)),
                     chunk(b"pHYs", struct.pack(">IIB", per_metre, per_metre, 1)),
                     chunk(b"IDAT", b"".join(parts)),
                     chunk(b"IEND", b"")))


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
