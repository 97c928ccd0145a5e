"""What a figure's legend promises, checked against what its axes draw.

A legend entry is *drawn* when some artist of the figure's axes (inset axes included) looks like its
handle (same label, or same fill, hatch, marker or line style) and lies, at least partly, inside that
axes' view: the check runs on display coordinates after a full draw, so clipping and limits count.
"""

from __future__ import annotations

import numpy as np
from matplotlib.collections import Collection
from matplotlib.colors import to_rgba
from matplotlib.lines import Line2D
from matplotlib.markers import MarkerStyle
from matplotlib.patches import Patch

NO_MARKER = (None, "None", "none", "", " ")


def all_axes(fig) -> list:
    """The figure's axes and, after each, its inset axes (``child_axes``, which ``fig.axes`` leaves out)."""
    def walk(ax):
        return [ax, *(a for child in ax.child_axes for a in walk(child))]
    return [a for ax in fig.axes for a in walk(ax)]


def legends(fig) -> list:
    return [*fig.legends, *(ax.get_legend() for ax in all_axes(fig) if ax.get_legend() is not None)]


def entries(fig) -> list[tuple[str, object]]:
    """(label, handle) of every legend entry of ``fig``."""
    return [(t.get_text(), h) for leg in legends(fig) for t, h in zip(leg.get_texts(), leg.legend_handles,
                                                                      strict=True)]


def _same(a, b, tol: float = 2e-3) -> bool:
    a, b = to_rgba(a), to_rgba(b)
    return bool(np.allclose(a[:3], b[:3], atol=tol)) and (a[3] > 0) == (b[3] > 0)


def _colours(values) -> list:
    arr = np.asarray(values)
    if arr.ndim == 1 and arr.size == 4:
        arr = arr[None, :]
    return [tuple(c) for c in arr] if arr.size else []


def _grey(colour) -> bool:
    r, g, b, a = to_rgba(colour)
    return a > 0 and abs(r - g) < 0.02 and abs(g - b) < 0.02 and 0.2 < r < 0.95


def _shape(marker) -> np.ndarray:
    style = MarkerStyle(marker)
    return style.get_path().transformed(style.get_transform()).vertices


def _same_shape(path_vertices: np.ndarray, marker) -> bool:
    want = _shape(marker)
    if want.shape != path_vertices.shape:
        return False
    scale = np.abs(path_vertices).max() / max(np.abs(want).max(), 1e-9)
    return bool(np.allclose(path_vertices, want * scale, atol=1e-3 * max(scale, 1)))


def _hatch(artist) -> str:
    return artist.get_hatch() or ""


def _inside(ax, bbox) -> bool:
    """Whether a display-space box overlaps the axes' drawn area (with some extent)."""
    view = ax.bbox
    return bool(bbox.x1 >= view.x0 and bbox.x0 <= view.x1 and bbox.y1 >= view.y0 and bbox.y0 <= view.y1
                and (bbox.width > 0.5 or bbox.height > 0.5))


def _points_inside(ax, points) -> bool:
    view = ax.bbox
    pts = np.asarray(points)
    if not pts.size:
        return False
    x, y = pts[:, 0], pts[:, 1]
    return bool(((x >= view.x0) & (x <= view.x1) & (y >= view.y0) & (y <= view.y1)).any())


def _collection_parts(ax, coll, keep) -> bool:
    """Whether a part of collection ``coll`` for which ``keep(index)`` holds is drawn in view."""
    paths = coll.get_paths()
    offsets = coll.get_offsets()
    has_offsets = offsets is not None and len(offsets) and np.ma.getdata(offsets).any()
    if has_offsets:  # markers: a path in points at each offset
        display = coll.get_offset_transform().transform(np.ma.getdata(offsets))
        return _points_inside(ax, [p for i, p in enumerate(display) if keep(i)])
    transform = coll.get_transform()
    for i, path in enumerate(paths):
        if keep(i) and len(path.vertices) and _inside(ax, path.get_extents(transform)):
            return True
    return False


def _face_index(values, colour):
    cols = _colours(values)
    if not cols:
        return lambda i: False
    if len(cols) == 1:
        ok = _same(cols[0], colour)
        return lambda i: ok
    return lambda i: i < len(cols) and _same(cols[i], colour)


def _patch_drawn(ax, handle) -> bool:
    """A fill matches by colour and hatch; a hatched entry also by hatch and outline colour (the hatch is
    what the reader looks for: occupied territory is hatched over whatever fill lies below); an
    outline-only entry by its outline."""
    face, edge, hatch = handle.get_facecolor(), handle.get_edgecolor(), _hatch(handle)
    filled = to_rgba(face)[3] > 0

    def keeps(face_values, edge_values):
        by_face = _face_index(face_values, face) if filled else (lambda i: False)
        by_edge = _face_index(edge_values, edge) if hatch or not filled else (lambda i: False)
        return lambda i: by_face(i) or by_edge(i)

    for coll in ax.collections:
        if not coll.get_visible() or _hatch(coll) != hatch or not len(coll.get_paths()):
            continue
        if _collection_parts(ax, coll, keeps(coll.get_facecolor(), coll.get_edgecolor())):
            return True
    for patch in ax.patches:
        if not patch.get_visible() or _hatch(patch) != hatch:
            continue
        if keeps(patch.get_facecolor(), patch.get_edgecolor())(0) and _inside(ax, patch.get_window_extent()):
            return True
    return False


def _marker_drawn(ax, handle, shape_keys: bool) -> bool:
    marker, face = handle.get_marker(), handle.get_markerfacecolor()
    shape_only = _grey(face)  # a grey marker in a legend stands for a shape in any colour
    for coll in ax.collections:
        paths = coll.get_paths()
        if not coll.get_visible() or not len(paths) or not len(coll.get_offsets()):
            continue
        shape_ok = _same_shape(paths[0].vertices, marker)
        if shape_only:
            keep = (lambda i: True) if shape_ok else (lambda i: False)
        elif shape_ok or shape_keys:
            keep = _face_index(coll.get_facecolor(), face)
        else:
            continue
        if _collection_parts(ax, coll, keep):
            return True
    for line in ax.lines:
        if not line.get_visible() or line.get_marker() in NO_MARKER:
            continue
        shape_ok = line.get_marker() == marker
        colour_ok = _same(line.get_markerfacecolor(), face)
        if (shape_ok and (shape_only or colour_ok)) or (shape_keys and colour_ok):
            if _points_inside(ax, line.get_transform().transform(line.get_xydata())):
                return True
    return False


def _line_drawn(ax, handle) -> bool:
    for line in ax.lines:
        if not line.get_visible() or line.get_marker() not in NO_MARKER and line.get_linestyle() == "None":
            continue
        if (_same(line.get_color(), handle.get_color()) and line.get_linestyle() == handle.get_linestyle()
                and _inside(ax, line.get_window_extent())):
            return True
    for coll in ax.collections:  # outlines drawn as unfilled shapes (rings, bands)
        if not coll.get_visible() or len(coll.get_offsets()) and np.ma.getdata(coll.get_offsets()).any():
            continue
        if not any(to_rgba(c)[3] == 0 for c in _colours(coll.get_facecolor())) and len(coll.get_facecolor()):
            continue
        if _collection_parts(ax, coll, _face_index(coll.get_edgecolor(), handle.get_color())):
            return True
    return False


def _labelled_drawn(ax, label: str) -> bool | None:
    """Whether an artist of ``ax`` labelled ``label`` is drawn in view; None when none bears the label."""
    found = None
    for coll in ax.collections:
        if coll.get_label() == label:
            found = found or (coll.get_visible() and _collection_parts(ax, coll, lambda i: True))
    for line in ax.lines:
        if line.get_label() == label:
            found = found or (line.get_visible() and _inside(ax, line.get_window_extent()))
    for container in ax.containers:
        if container.get_label() == label:
            found = found or any(p.get_visible() and _inside(ax, p.get_window_extent()) for p in container)
    for patch in ax.patches:
        if patch.get_label() == label:
            found = found or (patch.get_visible() and _inside(ax, patch.get_window_extent()))
    return found


def drawn(fig, label: str, handle, shape_keys: bool = False) -> bool:
    """Whether the legend entry (``label``, ``handle``) is drawn inside some axes' view."""
    for ax in all_axes(fig):
        by_label = _labelled_drawn(ax, label)
        if by_label is not None:
            if by_label:
                return True
            continue
        if isinstance(handle, Patch) and _patch_drawn(ax, handle):
            return True
        if isinstance(handle, Line2D):
            if handle.get_marker() not in NO_MARKER and _marker_drawn(ax, handle, shape_keys):
                return True
            if handle.get_marker() in NO_MARKER and _line_drawn(ax, handle):
                return True
            if handle.get_marker() not in NO_MARKER and handle.get_linestyle() not in ("None", "none") \
                    and (_line_drawn(ax, handle) or _marker_drawn(ax, handle, True)):
                return True
        if isinstance(handle, Collection):  # an automatic legend's copy of a scatter
            continue
    return False


def undrawn_entries(fig) -> list[str]:
    """Labels of legend entries of ``fig`` that nothing inside an axes' view corresponds to."""
    fig.canvas.draw()
    found = entries(fig)
    shape_keys = any(isinstance(h, Line2D) and h.get_marker() not in NO_MARKER and _grey(h.get_markerfacecolor())
                     for _, h in found)
    return [label for label, handle in found if not drawn(fig, label, handle, shape_keys)]


MARKER_WORDS = {"^": "triangle", "s": "square", "D": "diamond", "o": "circle", "v": "triangle", "P": "plus",
                "X": "cross", "*": "star", "p": "pentagon", "h": "hexagon", "d": "diamond"}


def legend_text(fig) -> str:
    """All legend labels of ``fig``, lower-case, in one string."""
    return " | ".join(label.lower() for label, _ in entries(fig))


def marker_words(fig) -> set[str]:
    """The shape words (triangle, square, ...) of the marker entries in ``fig``'s legends."""
    return {MARKER_WORDS[h.get_marker()] for _, h in entries(fig)
            if isinstance(h, Line2D) and h.get_marker() in MARKER_WORDS}
