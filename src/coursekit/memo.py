"""What a kernel has read, kept while the files it came from stay the same.

A module's exercises load one quiz bank a dozen times and a map reads the same few tables each
time it is drawn; both keep what they read here, under a *slot* (which file, read how) with a
*stamp* (what the result depends on, e.g. :func:`content` of the file). A later call with the
same slot and an equal stamp gets the kept value; any other stamp reads again.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Hashable
from pathlib import Path
from typing import Any


class Kept:
    """At most ``size`` values, each under a slot with the stamp it was made for (oldest first out)."""

    def __init__(self, size: int = 64) -> None:
        self.size = size
        self._items: dict[Hashable, tuple[Any, Any]] = {}

    def get(self, slot: Hashable, stamp: Any, make: Callable[[], Any]) -> Any:
        """The value kept under ``slot`` if it was made for ``stamp``, else ``make()`` (kept)."""
        hit = self._items.get(slot)
        if hit is not None and hit[0] == stamp:
            return hit[1]
        value = make()  # an error is raised before anything is kept
        self._items.pop(slot, None)
        if len(self._items) >= self.size:
            self._items.pop(next(iter(self._items)))
        self._items[slot] = (stamp, value)
        return value

    def clear(self) -> None:
        self._items.clear()


def content(path: Path) -> str | None:
    """A digest of the file's bytes (an edit is seen even at the same size and time), or None
    when it cannot be read."""
    try:
        return hashlib.blake2b(path.read_bytes(), digest_size=16).hexdigest()
    except OSError:
        return None
