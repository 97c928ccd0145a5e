"""Where the kit's data and notebooks live.

The course a kernel uses is the one the student works in. ``root()`` looks, in order:

1. upward from the working directory, for a folder holding ``data/course.yml``: a kernel
   started in ``~/belarus-course/notebooks`` (where nbgitpuller put the course on a hub)
   reads that copy's data, and an instructor's update pulled into it takes effect at once;
2. ``COURSEKIT_ROOT``, for work started outside any course folder (a script run from
   elsewhere, a release checked somewhere else);
3. the copy the kit itself was installed from (a checkout or an editable install).

``locate()`` returns the folder and the reason, which ``coursekit doctor`` prints.
"""

from __future__ import annotations

import os
from pathlib import Path

MARKER = Path("data") / "course.yml"


def _is_course(folder: Path) -> bool:
    return (folder / MARKER).is_file()


def locate() -> tuple[Path, str]:
    """The course root and why it was chosen (one short sentence)."""
    cwd = Path.cwd().resolve()
    for candidate in (cwd, *cwd.parents):
        if _is_course(candidate):
            return candidate, f"found upward from the working directory ({cwd})"
    env = os.environ.get("COURSEKIT_ROOT")
    if env:
        return (Path(env).expanduser().resolve(),
                "COURSEKIT_ROOT is set and the working directory is not inside a course")
    # src/coursekit/paths.py -> the checkout is three levels up
    checkout = Path(__file__).resolve().parent.parent.parent
    if _is_course(checkout):
        return checkout, "the copy the kit is installed from (no course above the working directory)"
    raise FileNotFoundError(
        f"Cannot find the course folder (one with data/course.yml) above {cwd}. Start in the "
        "course folder (or one of its subfolders), or set COURSEKIT_ROOT to the folder that holds "
        "data/ and notebooks/."
    )


def root() -> Path:
    """The course root: the folder that holds ``data/`` and ``notebooks/``."""
    return locate()[0]


def data_dir() -> Path:
    return root() / "data"


def notebooks_dir() -> Path:
    return root() / "notebooks"


def data_file(name: str) -> Path:
    """Path of a file under data/ (``name`` may contain subfolders)."""
    return data_dir() / name
