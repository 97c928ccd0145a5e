"""Helpers shared by the instructor commands: output folders, module selection, solution cells, progress."""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any, TypeVar

from coursekit.course import Course, Module, load_course
from coursekit.errors import KitError
from coursekit.paths import root as course_root

SOLUTION_TAG = "solution"
#: a visible line above a worked answer that says how to open it (dropped where answers are removed)
POINTER_TAG = "solution-pointer"
# Folders of the course checkout that no instructor command may write into.
PROTECTED = ("data", "notebooks", "src", "tests", "scripts", "benchmarks", "docs", ".git", ".ci")
T = TypeVar("T")
KEY_SCHEMA = b"coursekit-quiz-key/1"
_KEY_MODULE = re.compile(rb"""^module:\s*["']?(\d{2})""", re.M)
_SKIP_DIRS = {"node_modules", "__pycache__", ".ipynb_checkpoints", ".git", ".venv", "venv"}


class InstructorError(KitError, ValueError):
    """A usage problem with an instructor command (the message says how to fix it)."""


def resolve_root(root: str | Path | None) -> Path:
    """The course folder (holding data/ and notebooks/): ``root`` if given, else the usual lookup."""
    return Path(root).resolve() if root else course_root()


def load_course_at(root: Path) -> Course:
    return load_course(root / "data" / "course.yml")


def guard_out_dir(out: str | Path, root: Path, *, marker: str | None = None) -> Path:
    """Check that ``out`` is a safe place to write, and return it resolved.

    ``out`` may not be the course folder, hold it, or lie inside one of its source folders
    (data/, notebooks/, src/, ...). With ``marker``, the folder is one this command owns and
    rewrites whole: it must be new, empty, or hold ``marker`` from an earlier run.
    """
    out_path = Path(out).expanduser().resolve()
    root = root.resolve()
    if out_path == root or root.is_relative_to(out_path):
        raise InstructorError(f"{out_path} is (or holds) the course folder {root}: writing there would "
                              "overwrite the source. Fix: choose a new folder, e.g. --out student/.")
    for name in PROTECTED:
        if out_path.is_relative_to(root / name):
            raise InstructorError(f"{out_path} is inside the course's {name}/ folder. Fix: choose a folder "
                                  "outside data/, notebooks/, src/ and tests/, e.g. --out student/.")
    if out_path.exists() and not out_path.is_dir():
        raise InstructorError(f"{out_path} is a file. Fix: give a folder for --out.")
    if marker and out_path.is_dir() and any(out_path.iterdir()) and not (out_path / marker).is_file():
        raise InstructorError(f"{out_path} is not empty and was not written by this command "
                              f"(no {marker} file). Fix: choose a new or empty folder.")
    return out_path


def reset_dir(path: Path) -> None:
    """Empty a folder that :func:`guard_out_dir` accepted with a marker (or create it)."""
    if path.is_dir():
        for child in path.iterdir():
            if child.is_dir() and not child.is_symlink():
                shutil.rmtree(child)
            else:
                child.unlink()
    path.mkdir(parents=True, exist_ok=True)


def parse_module_ids(text: str | None) -> list[str] | None:
    """``"01,4"`` -> ``["01", "04"]``; None or empty -> None (all available modules)."""
    if not text:
        return None
    ids = []
    for part in text.replace(" ", ",").split(","):
        part = part.strip()
        if not part:
            continue
        if not part.isdigit() or len(part) > 2:
            raise InstructorError(f"{part!r} is not a module id. Fix: give two-digit ids, e.g. --modules 01,04.")
        ids.append(part.zfill(2))
    return sorted(set(ids)) or None


def select_modules(course: Course, ids: Iterable[str] | None) -> list[Module]:
    """The available modules, or those of ``ids`` (each must exist and be available)."""
    if ids is None:
        return list(course.available)
    out = []
    known = {m.id: m for m in course.modules}
    for mid in ids:
        if mid not in known:
            raise InstructorError(f"no module {mid!r} in data/course.yml. Fix: use one of "
                                  f"{', '.join(known)} (coursekit list).")
        if not known[mid].available:
            raise InstructorError(f"module {mid} is planned, not available: its notebook is not written yet. "
                                  "Fix: leave it out of --modules.")
        out.append(known[mid])
    return sorted(out, key=lambda m: m.id)


def cell_tags(cell: dict[str, Any]) -> list[str]:
    """A cell's tags, tolerating what hand-edited notebooks contain (no metadata, a string, None)."""
    meta = cell.get("metadata")
    if not isinstance(meta, dict):
        return []
    tags = meta.get("tags")
    if isinstance(tags, str):
        tags = [tags]
    if not isinstance(tags, list):
        return []
    return [t.strip().lower() for t in tags if isinstance(t, str)]


def is_solution_pointer(cell: dict[str, Any]) -> bool:
    """True for the line above a worked answer that says how to open it (tag ``solution-pointer``)."""
    return POINTER_TAG in cell_tags(cell)


def is_solution(cell: dict[str, Any]) -> bool:
    """True for a cell tagged ``solution`` (exactly that tag, any letter case)."""
    return SOLUTION_TAG in cell_tags(cell)


def progress(items: list[T], label: str, *, enabled: bool = True, min_items: int = 50) -> Iterator[T]:
    """Iterate with i/n and elapsed time on stderr (see :mod:`coursekit.progressbar`)."""
    from coursekit.progressbar import track

    yield from track(items, label, enabled=enabled and len(items) >= min_items, unit="file")


def key_module(path: Path) -> str | None:
    """The module of an answer key file, found by its content (any name: ``04.yml~``, ``old/04.yml``).

    None when the file is not a key (or cannot be read). A key whose module is not written
    gives ``"??"``.
    """
    try:
        if path.is_symlink() or not path.is_file() or path.stat().st_size > 5_000_000:
            return None
        data = path.read_bytes()
    except OSError:
        return None
    if KEY_SCHEMA not in data:
        return None
    m = _KEY_MODULE.search(data)
    return m.group(1).decode() if m else "??"


def bank_modes(root: Path) -> dict[str, str]:
    """Module id -> mode (formative or assessed) of each bank in ``root/data/quizzes``."""
    from coursekit.errors import DataError
    from coursekit.safeyaml import load_yaml

    modes = {}
    folder = root / "data" / "quizzes"
    for bank in sorted(folder.glob("*.yml")) if folder.is_dir() else []:
        try:
            raw = load_yaml(bank)
        except DataError:
            continue
        if isinstance(raw, dict):
            modes[bank.stem] = str(raw.get("mode", "formative"))
    return modes


def assessed_keys(root: Path) -> list[str]:
    """Every file under ``root`` (but .git, node_modules, ...) holding the key of a bank not in
    formative mode, found by content: stray copies and backups included. Paths relative to root."""
    modes = bank_modes(root)
    found = []
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if d not in _SKIP_DIRS)
        for name in sorted(filenames):
            if ".yml" not in name and ".yaml" not in name:
                continue
            path = Path(dirpath) / name
            module = key_module(path)
            if module is not None and modes.get(module) != "formative":
                found.append(path.relative_to(root).as_posix())
    return found
