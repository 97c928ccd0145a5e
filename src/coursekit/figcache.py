"""Rendered kit figures kept on disk: a figure drawn once is shown again without drawing it.

A class on one JupyterHub draws the same maps thirty times, and a student who restarts a
notebook draws them again; drawing is most of what a map module costs (about 0.3 s of CPU a
map). A recipe decorated with :func:`cached` looks up its PNG before drawing anything. The key
covers all that decides the picture:

- the recipe and its arguments (defaults filled in; a table passed in counts by its content);
- the content of the course's ``data/`` (the course the kernel uses, see
  :func:`coursekit.paths.locate`): a student's edit to their own copy is drawn anew. Left out
  are the files no figure reads and that a student release rewrites (``IGNORED``: quiz banks,
  ``course.yml``, ``manifest.yml``, ``review.yml``, Markdown), so a hub's kernels working in a
  student release find the figures warmed from the instructor's copy;
- the kit's own code, the versions of the drawing libraries and matplotlib's settings.

A call with anything else among its arguments (an ``ax`` to draw on, an object) is drawn as
usual and not kept. A figure whose drawing the caller asked for (``fig.ax``) is not kept either.

Where figures are kept:

- ``COURSEKIT_FIGURE_CACHE``: the student's own folder, read and written (default
  ``$XDG_CACHE_HOME/coursekit/figures``, i.e. ``~/.cache/coursekit/figures``, private to the
  user); ``off`` turns the cache off altogether;
- ``COURSEKIT_FIGURE_CACHE_SHARED``: folders (separated by ``:``) that are only read, e.g. one
  that a hub's image fills with ``coursekit figures warm --into DIR``. Nothing a student draws is
  written there.

An entry is a PNG and a JSON file (alt text, sources, note, dpi, the PNG's SHA-256); nothing is
unpickled, so a planted file can at worst fail its checks, and then the figure is drawn. A
damaged or half-written entry is drawn anew, and a folder that cannot be written is reported
once, never an error. The own folder keeps the newest ``MAX_ENTRIES`` entries.
"""

from __future__ import annotations

import functools
import hashlib
import inspect
import json
import os
import sys
import tempfile
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

ENV = "COURSEKIT_FIGURE_CACHE"
SHARED_ENV = "COURSEKIT_FIGURE_CACHE_SHARED"
MAX_ENTRIES = 300
FORMAT = 1
_LIBRARIES = ("matplotlib", "numpy", "pandas", "geopandas", "shapely", "pyproj", "pillow")
_MODULES = {"pillow": "PIL"}  # distribution -> module, where the names differ
IGNORED = ("quizzes/", "course.yml", "manifest.yml", "review.yml")
_RC_SKIP = ("backend", "interactive", "figure.hooks", "keymap.", "webagg.", "savefig.directory", "toolbar")


class _Uncacheable(Exception):
    """An argument that the key cannot describe: the call is drawn as usual."""


def folders() -> tuple[Path | None, tuple[Path, ...]]:
    """The own folder (None when the cache is off) and the shared, read-only ones."""
    value = os.environ.get(ENV, "").strip()
    if value.lower() in {"off", "0", "no", "false"}:
        return None, ()
    if value:
        own = Path(value).expanduser()
    else:
        own = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "coursekit" / "figures"
    shared = tuple(Path(p).expanduser() for p in os.environ.get(SHARED_ENV, "").split(os.pathsep) if p.strip())
    return own, shared


def cached(recipe: Callable[..., Any]) -> Callable[..., Any]:
    """Decorate a recipe that returns a :class:`~coursekit.figures.KitFigure` (see the module)."""
    signature = inspect.signature(recipe)
    name = f"{recipe.__module__}.{recipe.__qualname__}"

    @functools.wraps(recipe)
    def lookup(*args: Any, **kwargs: Any) -> Any:
        own, shared = folders()
        if own is None:
            return recipe(*args, **kwargs)
        try:
            bound = signature.bind(*args, **kwargs)
            bound.apply_defaults()
            key = entry_key(name, {k: _plain(v) for k, v in bound.arguments.items()})
        except (_Uncacheable, TypeError, ValueError, OSError):
            return recipe(*args, **kwargs)  # TypeError: let the recipe report a bad call itself
        for folder in (own, *shared):
            kit = _read(folder, key)
            if kit is not None:
                kit._build = lambda: recipe(*args, **kwargs)
                kit._key = key
                return kit
        kit = recipe(*args, **kwargs)
        kit._keep = lambda dpi, png: _write(own, key, name, kit, dpi, png)
        kit._key = key
        return kit

    lookup.uncached = recipe  # type: ignore[attr-defined]
    return lookup


def layer(draw: Callable[..., None]) -> Callable[..., None]:
    """Decorate ``draw(ax, ...)``, which adds a layer to a map's first axes, so that it also takes
    a :class:`~coursekit.figures.KitFigure` and keeps that figure cacheable.

    On a kit figure from a cached recipe, the layer joins the key (the figure's key, the layer
    and its arguments): a figure kept with that layer is shown from the cache, and one drawn now
    is kept under the new key, after the figure without the layer (rendered once more, so that a
    later run finds both and draws nothing: ``coursekit figures warm`` pays for it, not the
    class). Anything else (an ``ax``, a figure whose drawing was asked for, an argument the key
    cannot describe) is drawn as usual.
    """
    signature = inspect.signature(draw)
    name = f"{draw.__module__}.{draw.__qualname__}"

    @functools.wraps(draw)
    def on(target: Any, *args: Any, **kwargs: Any) -> None:
        from coursekit.figures import KitFigure

        if not isinstance(target, KitFigure):
            return draw(target, *args, **kwargs)
        own, shared = folders()
        key = None
        if own is not None and target._key is not None and not target._touched:
            try:
                bound = signature.bind(None, *args, **kwargs)
                bound.apply_defaults()
                arguments = {k: _plain(v) for k, v in list(bound.arguments.items())[1:]}
                key = entry_key(name, {"on": target._key, **arguments})
            except (_Uncacheable, TypeError, ValueError, OSError):
                key = None
        if key is None:
            return draw(target.ax, *args, **kwargs)  # asks for the drawing: not kept
        base = target._build

        def drawn_with_layer() -> Any:
            kit = base()
            draw(kit._figure.axes[0], *args, **kwargs)
            return kit

        hit = next((kit for kit in (_read(folder, key) for folder in (own, *shared)) if kit is not None), None)
        target._key = key
        if hit is not None:  # shown from the cache; the drawing, if asked for, has the layer too
            if target._figure is None:
                target._build = drawn_with_layer
            else:
                draw(target._figure.axes[0], *args, **kwargs)
            target._png, target._keep = hit._png, None
            return None
        if target._figure is not None and target._keep is not None:
            from coursekit.figures import render

            render(target)  # the map alone is kept first: a later run finds both and draws nothing
        draw(target._drawing().axes[0], *args, **kwargs)
        target._png = None
        target._keep = lambda dpi, png: _write(own, key, name, target, dpi, png)
        return None

    on.uncached = draw  # type: ignore[attr-defined]
    return on


# --- the key ---------------------------------------------------------------------------------


def entry_key(name: str, arguments: dict[str, Any]) -> str:
    """The entry's name: a hash of the recipe, its arguments and :func:`fingerprint`."""
    text = json.dumps([FORMAT, name, arguments, fingerprint()], sort_keys=True)
    return hashlib.blake2b(text.encode(), digest_size=20).hexdigest()


def _plain(value: Any) -> Any:
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, tuple | list):
        return [_plain(v) for v in value]
    if "pandas" in sys.modules and isinstance(value, sys.modules["pandas"].DataFrame):
        return ["table", _table_digest(value)]
    raise _Uncacheable(type(value).__name__)


def _table_digest(df: Any) -> str:
    """A table by its content: columns, types, index, values, geometries and CRS."""
    import pandas as pd

    h = hashlib.blake2b(digest_size=20)
    h.update(repr([list(map(str, df.columns)), [str(t) for t in df.dtypes], str(getattr(df, "crs", None))]).encode())
    geometry = [c for c in df.columns if str(df[c].dtype) == "geometry"]
    if geometry:
        import shapely

        for column in geometry:
            for wkb in shapely.to_wkb(df[column].to_numpy()):
                h.update(wkb or b"-")
    rest = df.drop(columns=geometry)
    try:
        rows = pd.util.hash_pandas_object(rest, index=True)
    except TypeError:  # lists in cells (source ids): hashed by their repr
        rest = rest.apply(lambda col: col.map(repr) if col.dtype == object else col)
        rows = pd.util.hash_pandas_object(rest, index=True)
    h.update(rows.to_numpy().tobytes())
    return h.hexdigest()


def fingerprint() -> str:
    """What the pictures depend on besides a recipe's arguments (checked at every call)."""
    from coursekit import paths

    code = Path(__file__).resolve().parent
    parts = [_tree_digest(code, "*.py"), _tree_digest(paths.data_dir(), "*", IGNORED), _versions(), _settings()]
    return hashlib.blake2b(json.dumps(parts).encode(), digest_size=20).hexdigest()


def _tree_digest(folder: Path, pattern: str, ignored: tuple[str, ...] = ()) -> str:
    """The files under ``folder`` by relative path and content (re-read only when a file's size or
    time changes), leaving out paths that start with one of ``ignored`` and Markdown: a copy of
    the course elsewhere has the same digest."""
    files = sorted(p for p in folder.rglob(pattern) if p.is_file() and "__pycache__" not in p.parts)
    stats = tuple((str(p), rel, s.st_size, s.st_mtime_ns) for p in files
                  for rel in (p.relative_to(folder).as_posix(),) if not rel.startswith(ignored)
                  and not rel.endswith(".md") for s in (p.stat(),))
    return _content_digest(stats)


@functools.lru_cache(maxsize=16)
def _content_digest(stats: tuple[tuple[str, str, int, int], ...]) -> str:
    h = hashlib.blake2b(digest_size=20)
    for path, relative, _, _ in stats:
        h.update(relative.encode() + b"\0")
        h.update(Path(path).read_bytes())
    return h.hexdigest()


@functools.cache
def _versions() -> str:
    """The drawing libraries' versions: a loaded module's ``__version__`` (free), else the
    installed distribution's (importlib.metadata reads every installed package's metadata)."""
    from importlib.metadata import PackageNotFoundError, version

    def of(lib: str) -> str:
        loaded = getattr(sys.modules.get(_MODULES.get(lib, lib)), "__version__", None)
        if isinstance(loaded, str):
            return loaded
        try:
            return version(lib)
        except PackageNotFoundError:
            return "-"

    return ",".join(f"{lib}={of(lib)}" for lib in _LIBRARIES)


def _settings() -> str:
    """matplotlib's settings as the kernel's backend leaves them (pyplot is imported first)."""
    import matplotlib.pyplot as plt

    items = sorted((k, repr(v)) for k, v in plt.rcParams.items() if not k.startswith(_RC_SKIP))
    return hashlib.blake2b(repr(items).encode(), digest_size=16).hexdigest()


# --- entries on disk ---------------------------------------------------------------------------


def _read(folder: Path, key: str):
    from pydantic import ValidationError

    from coursekit.figures import KitFigure

    try:
        entry = _entry_model().model_validate_json((folder / f"{key}.json").read_bytes())
        png = (folder / f"{key}.png").read_bytes()
    except (OSError, ValidationError):
        return None
    if entry.format != FORMAT or hashlib.sha256(png).hexdigest() != entry.png_sha256:
        return None  # half written, or not ours
    kit = KitFigure(None, entry.alt, entry.sources, entry.note, entry.tight)
    kit._png = (entry.dpi, png)
    return kit


@functools.cache
def _entry_model():
    from pydantic import BaseModel, ConfigDict, Field

    class Entry(BaseModel):
        model_config = ConfigDict(extra="forbid")
        format: int
        recipe: str
        alt: str = Field(min_length=1)
        sources: list[str]
        note: str
        tight: bool
        dpi: int = Field(gt=0)
        png_sha256: str = Field(pattern="^[0-9a-f]{64}$")

    return Entry


_WARNED: set[str] = set()


def _write(folder: Path, key: str, name: str, kit: Any, dpi: int, png: bytes) -> None:
    entry = {"format": FORMAT, "recipe": name, "alt": kit.alt, "sources": list(kit.sources), "note": kit.note,
             "tight": kit.tight, "dpi": dpi, "png_sha256": hashlib.sha256(png).hexdigest()}
    try:
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        _replace(folder / f"{key}.png", png)  # the PNG first: an entry is whole once its JSON is there
        _replace(folder / f"{key}.json", json.dumps(entry, ensure_ascii=False).encode())
        _prune(folder)
    except OSError as exc:
        if str(folder) not in _WARNED:
            _WARNED.add(str(folder))
            warnings.warn(f"coursekit cannot keep rendered figures in {folder} ({exc.strerror or exc}); "
                          f"figures are drawn anew each time. Fix: set {ENV} to a folder you can write to, "
                          f"or to 'off'.", RuntimeWarning, stacklevel=3)


def _replace(path: Path, data: bytes) -> None:
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _prune(folder: Path) -> None:
    entries = list(folder.glob("*.json"))
    if len(entries) <= MAX_ENTRIES:
        return
    def age(path: Path) -> int:
        try:
            return path.stat().st_mtime_ns
        except OSError:  # pruned meanwhile by another kernel
            return 0

    entries.sort(key=age)
    for old in entries[: len(entries) - MAX_ENTRIES]:
        old.unlink(missing_ok=True)
        old.with_suffix(".png").unlink(missing_ok=True)
