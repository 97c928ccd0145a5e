"""The essay the course is built around, and how the kit dates it.

The essay's web page shows no date. The kit dates it from internal evidence:
events the essay refers to as past give the earliest possible date, events it
does not yet know of give the latest (``data/essay_dating.csv``).

>>> from coursekit.essay import load_dating, dating_window
>>> earliest, latest = dating_window(load_dating())
>>> str(earliest), str(latest)
('2019-04-19', '2019-05-17')
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from coursekit.schema import CellError, Col, Schema, read_csv

URL = "https://upnorth.eu/the-independence-of-belarus-is-a-matter-of-international-security/"
SOURCE_ID = "upnorth-2019-sannikov-essay"
AUTHOR = "Andrei Sannikov"
TITLE = "The Independence of Belarus is a Matter of International Security"
VENUE = "UpNorth (upnorth.eu)"
PARAGRAPHS = 16
BOUNDS = ("after", "before")
COLUMNS = ("evidence", "paragraph", "date", "bound", "source")


@dataclass(frozen=True)
class Clue:
    """One piece of dating evidence: the essay was written after/before ``date``."""

    evidence: str
    paragraph: int
    date: dt.date
    bound: str
    source: tuple[str, ...]


def _paragraph(row: dict) -> None:
    try:
        para = int(row["paragraph"])
    except ValueError:
        para = 0
    if not 1 <= para <= PARAGRAPHS:
        raise CellError(f"paragraph: {row['paragraph']!r} is not a paragraph number.", f"use 1–{PARAGRAPHS}.")
    row["paragraph"] = para


SCHEMA = Schema("essay_dating.csv", (
    Col("evidence"),
    Col("paragraph"),
    Col("date", "date"),
    Col("bound", "choice", options=BOUNDS),
    Col("source", "sources"),
), checks=(_paragraph,))


def load_dating(path: str | Path | None = None) -> list[Clue]:
    """Load and validate ``data/essay_dating.csv`` (against :data:`SCHEMA`)."""
    df = read_csv(SCHEMA, path)
    return [Clue(r.evidence, int(r.paragraph), r.date.date(), r.bound, tuple(r.source))
            for r in df.itertuples()]


def dating_window(clues: list[Clue]) -> tuple[dt.date | None, dt.date | None]:
    """The window the evidence allows: (latest 'after' date, earliest 'before' date).

    Raises ValueError when the clues contradict each other (the window is empty).
    """
    after = [c.date for c in clues if c.bound == "after"]
    before = [c.date for c in clues if c.bound == "before"]
    earliest = max(after) if after else None
    latest = min(before) if before else None
    if earliest and latest and earliest > latest:
        raise ValueError(f"the clues contradict each other: after {earliest} but before {latest}")
    return earliest, latest
