"""The files ``coursekit grade`` reads: finding them, reading their bytes, parsing their JSON.

A folder's ``*.json`` entries are listed (:func:`collect_entries`); folders, FIFOs, devices and
symbolic links leading out of the folder are reported, never opened or followed. A file is read
only when it is a regular file of at most :data:`MAX_FILE_BYTES` (:func:`_read_bytes`) and parsed
as the standard library would (:func:`_parse`, with orjson for speed). What a file must hold is
checked in :mod:`coursekit.instructor.submissions`.
"""

from __future__ import annotations

import json
import os
import stat
from dataclasses import dataclass
from pathlib import Path
from typing import Any

try:
    import orjson
except ImportError:  # pragma: no cover - a dependency; without it the standard library reads every file
    orjson = None

from coursekit.errors import KitError
from coursekit.instructor.common import InstructorError

MAX_FILE_BYTES = 20_000_000  # 20 MB: a long capstone export is well under 1 MB
# The shape of a JSON text for :func:`_long_number`: digits 0, what comes before a value (: [ ,) a colon,
# white space and minus signs a space, anything else x.
_SHAPE = bytes(ord("0") if chr(c).isdigit() and c < 128 else ord(":") if c in b":[," else
               ord(" ") if c in b" \t\n\r\x0b\x0c-" else ord("x") for c in range(256))
_RUN = b"0" * 19  # 2**63 has 19 digits


@dataclass(frozen=True)
class Problem:
    """One line of problems.csv."""

    file: str
    learner: str
    kind: str
    action: str
    reason: str


class Rejected(KitError):
    """A submission file that cannot be graded (``kind`` says why)."""

    def __init__(self, kind: str, reason: str, learner: str = "") -> None:
        super().__init__(reason)
        self.kind = kind
        self.reason = reason
        self.learner = learner


def _read_bytes(path: Path) -> bytes:
    """The file's bytes, refusing anything but a regular file of at most MAX_FILE_BYTES."""
    try:
        info = path.stat()
    except OSError as exc:
        raise Rejected("unreadable", f"cannot be read ({exc.strerror or exc})") from None
    if not stat.S_ISREG(info.st_mode):
        raise Rejected("not-a-file", f"is {_kind_of(info.st_mode)}, not a submission file; remove it or "
                       "rename it so that it does not end in .json")
    if info.st_size > MAX_FILE_BYTES:
        raise Rejected("too-large", f"is {info.st_size:,} bytes, over the limit of {MAX_FILE_BYTES:,}; "
                       "an export is far smaller: ask the learner to export again")
    try:
        with open(path, "rb") as fh:
            data = fh.read(info.st_size + 1)  # sized to the file: asking for the limit costs a 20 MB buffer
            if len(data) > info.st_size:  # the file has grown since stat(): read on, up to the limit
                data += fh.read(MAX_FILE_BYTES + 1 - len(data))
    except OSError as exc:
        raise Rejected("unreadable", f"cannot be read ({exc.strerror or exc})") from None
    if len(data) > MAX_FILE_BYTES:
        raise Rejected("too-large", f"is over the limit of {MAX_FILE_BYTES:,} bytes")
    return data


def _kind_of(mode: int) -> str:
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISFIFO(mode):
        return "a FIFO (named pipe)"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not a regular file"


def _long_number(data: bytes) -> bool:
    """Whether ``data`` may hold a JSON number whose integer part has 19 digits or more.

    True for a run of 19 digits at the start or after ``:``, ``[`` or ``,`` (white space and a
    minus sign between), and after 16 runs that are not (digits inside strings: hashes); False
    only when there is no such number. One pass in C over the bytes.
    """
    shape = data.translate(_SHAPE)
    start = shape.find(_RUN)
    for _ in range(16):
        if start < 0:
            return False
        before = shape[:start].rstrip(b" ")
        if not before or before.endswith(b":"):
            return True
        start = shape.find(_RUN, start + len(_RUN))
    return True


def _parse(data: bytes) -> Any:
    """The JSON document in ``data``, exactly as ``json.loads`` reads it, and faster.

    orjson reads most files; whatever it refuses (not UTF-8, not JSON, NaN, a lone surrogate,
    nesting past its limit of 1,024) is read again by the standard library, which accepts the
    same or raises the error the reason names (and its RecursionError for JSON nested too
    deeply). orjson would read an integer beyond 64 bits as a float, so a file with a number
    of 19 digits or more is left to the standard library too (it keeps them integers, or says
    they have too many digits).
    """
    if orjson is not None and not _long_number(data):
        try:
            return orjson.loads(data)
        except ValueError:  # orjson.JSONDecodeError: the standard library names the problem
            pass
    return json.loads(data.decode("utf-8"))


def collect_files(inputs: list[str | Path]) -> list[Path]:
    """Files as given, and every ``*.json`` under folders (recursively), sorted, without repeats."""
    return [p for p, problem in collect_entries(inputs) if problem is None]


def collect_entries(inputs: list[str | Path]) -> list[tuple[Path, Problem | None]]:
    """Every entry to grade, each with the problem that keeps it from being read (or None).

    Under a folder: each ``*.json`` entry. Folders, FIFOs and devices with that name are
    reported (never opened); a symbolic link is followed only when it leads to a file inside the
    folder. Links are not followed into other folders.
    """
    found: list[tuple[Path, Problem | None]] = []
    for item in inputs:
        p = Path(item)
        if p.is_dir():
            top = p.resolve()
            for dirpath, dirnames, filenames in os.walk(p):  # does not follow links into folders
                dirnames.sort()
                for name in sorted([*dirnames, *filenames]):
                    entry = Path(dirpath) / name
                    if name.endswith(".json"):
                        found.append(_entry(entry, top))
                    elif name in dirnames and entry.is_symlink() and not entry.resolve().is_relative_to(top):
                        found.append((entry, Problem(str(entry), "", "outside-folder", "skipped",
                                                     f"a symbolic link to the folder {entry.resolve()}, outside "
                                                     f"the submissions folder {top}: not followed; copy the "
                                                     "files in if they are submissions")))
        elif p.exists() or p.is_symlink():
            found.append((p, None))
        else:
            raise InstructorError(f"{p} does not exist. Fix: give submission files or folders that hold them.")
    unique: dict[Path, Problem | None] = {}
    for path, problem in found:
        unique.setdefault(path, problem)
    return sorted(unique.items(), key=lambda x: str(x[0]))


def _entry(path: Path, top: Path) -> tuple[Path, Problem | None]:
    try:
        info = os.lstat(path)
    except OSError:
        info = None
    if info is not None and stat.S_ISREG(info.st_mode):  # the usual case: a file, not a link (one look)
        return path, None
    if path.is_symlink():
        target = path.resolve()
        if not target.is_relative_to(top):
            return path, Problem(str(path), "", "outside-folder", "skipped",
                                 f"a symbolic link to {target}, outside the submissions folder {top}; "
                                 "copy the file into the folder if it is a submission")
    try:
        mode = path.stat().st_mode
    except OSError as exc:
        return path, Problem(str(path), "", "unreadable", "skipped", f"cannot be read ({exc.strerror or exc})")
    if not stat.S_ISREG(mode):
        return path, Problem(str(path), "", "not-a-file", "skipped",
                             f"is {_kind_of(mode)}, not a submission file; remove it or rename it so that "
                             "it does not end in .json")
    return path, None
