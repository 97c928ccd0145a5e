"""Progress for long work (``site``, ``grade``, ``release``, the benchmarks): i/n and elapsed time.

One helper, ``track``: a tqdm bar on stderr (tqdm is a dependency of the kit), or a plain
``label: i/n (12 s)`` counter where tqdm is missing. Imported only by the commands that use it,
so ``import coursekit`` stays light.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Iterable, Iterator
from typing import TypeVar

T = TypeVar("T")


def track(items: Iterable[T], label: str, *, total: int | None = None, enabled: bool | None = None,
          unit: str = "item") -> Iterator[T]:
    """Yield ``items`` while showing ``label: i/n`` and the elapsed time on stderr.

    ``enabled=None`` shows progress only when stderr is a terminal (not in logs or tests).
    """
    if total is None:
        try:
            total = len(items)  # type: ignore[arg-type]
        except TypeError:
            total = None
    if enabled is None:
        enabled = sys.stderr.isatty()
    if not enabled:
        yield from items
        return
    try:
        from tqdm import tqdm
    except ImportError:
        tqdm = None
    if tqdm is not None:
        yield from tqdm(items, desc=label, total=total, unit=unit, file=sys.stderr,
                        bar_format="{desc}: {n_fmt}/{total_fmt} |{bar:20}| elapsed {elapsed}, left {remaining}")
        return
    start = time.monotonic()
    n = 0
    step = max(1, (total or 50) // 50)
    for n, item in enumerate(items, start=1):
        yield item
        if n % step == 0 or n == total:
            sys.stderr.write(f"\r{label}: {n}/{total if total is not None else '?'} "
                             f"(elapsed {time.monotonic() - start:.0f} s)")
            sys.stderr.flush()
    sys.stderr.write("\n")
