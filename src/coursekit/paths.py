"""Where the kit's data and notebooks live.

The kit runs from a checkout (the usual case, also on Binder and in an editable
install). ``COURSEKIT_ROOT`` points elsewhere, e.g. at a student release.
"""

from __future__ import annotations

import os
from pathlib import Path


def root() -> Path:
    """The course root: the folder that holds ``data/`` and ``notebooks/``."""
    env = os.environ.get("COURSEKIT_ROOT")
    if env:
        return Path(env).expanduser().resolve()
    # src/coursekit/paths.py -> the checkout is three levels up
    here = Path(__file__).resolve().parent
    for candidate in (here.parent.parent, Path.cwd(), *Path.cwd().parents):
        if (candidate / "data" / "course.yml").is_file():
            return candidate
    raise FileNotFoundError(
        "Cannot find the course folder (one with data/course.yml). Run from a checkout of "
        "coursekit, or set COURSEKIT_ROOT to the folder that holds data/ and notebooks/."
    )


def data_dir() -> Path:
    return root() / "data"


def notebooks_dir() -> Path:
    return root() / "notebooks"


def data_file(name: str) -> Path:
    """Path of a file under data/ (``name`` may contain subfolders)."""
    return data_dir() / name
