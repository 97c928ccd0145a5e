"""One validation layer: dates, file readers and the shape of the kit's errors.

**Dates.** Every loader parses dates with :func:`parse_date`, which has one rule for partial
dates: a date given only to the month (``2020-08``) or year (``2020``) stands for that whole
period. Its :attr:`PartialDate.start` is the period's first day, which is what loaders store,
sort on and compare; :attr:`PartialDate.end` is its last day; ``precision`` says ``day``,
``month`` or ``year``. A loader may also allow a ``period`` (ISO 8601's interval form,
``2020-05/2020-12``) for what a source dates only as a stretch of time: it starts on the first
day of its first date and ends on the last day of its second. A chart draws a partial date as
the span from ``start`` to ``end``, never at a single day the source did not give.

>>> parse_date("2020-08")
PartialDate(text='2020-08', start=datetime.date(2020, 8, 1), end=datetime.date(2020, 8, 31), precision='month')
>>> parse_date("2020").end
datetime.date(2020, 12, 31)
>>> parse_date("2020-05/2020-12", PRECISIONS + (PERIOD,)).end
datetime.date(2020, 12, 31)
>>> period_text(dt.date(2020, 5, 1), dt.date(2020, 12, 31))
'2020-05/2020-12'
>>> parse_date("2020-13-01")  # doctest: +ELLIPSIS
Traceback (most recent call last):
...
coursekit.validate.DateError: '2020-13-01' is not an ISO date: no such day (month must be in 1..12). Fix: ...

**Files.** :func:`read_yaml` and :func:`csv_rows` read a data file or fail with a
:class:`~coursekit.errors.DataError` naming the file and line; YAML files are then validated
with pydantic models, whose first error :func:`raise_pydantic` turns into a ``DataError`` that
names the entry, the field and the fix. CSV files are described by a declarative ``Schema``
(:mod:`coursekit.schema`).
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from coursekit.errors import DataError, KitError

PRECISIONS = ("day", "month", "year")
PERIOD = "period"
_FORMS = {"day": "YYYY-MM-DD", "month": "YYYY-MM", "year": "YYYY", PERIOD: "YYYY-MM/YYYY-MM"}
_ISO = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")


class DateError(KitError, ValueError):
    """A text that is not an ISO 8601 date of an allowed precision."""


@dataclass(frozen=True)
class PartialDate:
    """An ISO date of day, month or year precision and the period it stands for."""

    text: str
    start: dt.date
    end: dt.date
    precision: str

    @property
    def exact(self) -> bool:
        return self.precision == "day"


def parse_date(text: Any, precisions: tuple[str, ...] = PRECISIONS) -> PartialDate:
    """Parse ``YYYY-MM-DD``, ``YYYY-MM`` or ``YYYY`` (only the ``precisions`` allowed).

    Raises :class:`DateError` (with the fix) for anything else, including impossible dates.
    """
    forms = " or ".join(_FORMS[p] for p in precisions)
    raw = "" if text is None else str(text).strip()
    if "/" in raw and PERIOD in precisions:
        return _period(raw, tuple(p for p in precisions if p != PERIOD), forms)
    m = _ISO.match(raw)
    precision = None if not m else "day" if m.group(3) else "month" if m.group(2) else "year"
    if precision is None or precision not in precisions:
        raise DateError(f"{text!r} is not an ISO date in the form {forms}.",
                        fix=f"write the date as {forms}, e.g. 2017-06-19.")
    year, month, day = int(m.group(1)), int(m.group(2) or 1), int(m.group(3) or 1)
    try:
        start = dt.date(year, month, day)
    except ValueError as exc:
        raise DateError(f"{text!r} is not an ISO date: no such day ({exc}).",
                        fix=f"write a calendar date as {forms}.") from None
    if precision == "day":
        end = start
    elif precision == "month":
        end = dt.date(year, month, calendar.monthrange(year, month)[1])
    else:
        end = dt.date(year, 12, 31)
    return PartialDate(raw, start, end, precision)


def _period(raw: str, precisions: tuple[str, ...], forms: str) -> PartialDate:
    """``first/last``: from the first day of ``first`` to the last day of ``last``."""
    first, _, last = raw.partition("/")
    try:
        a, b = parse_date(first, precisions), parse_date(last, precisions)
    except DateError as exc:
        raise DateError(f"{raw!r} is not a period of two ISO dates: {exc.what}",
                        fix=f"write it as {forms}, e.g. 2020-05/2020-12.") from None
    if b.end <= a.start:
        raise DateError(f"{raw!r} ends before it starts.", fix="put the earlier date first.")
    return PartialDate(raw, a.start, b.end, PERIOD)


def period_text(start: dt.date, end: dt.date) -> str:
    """The shortest ISO text of the period from ``start`` to ``end`` (whole years, months or days)."""
    whole_months = start.day == 1 and end.day == calendar.monthrange(end.year, end.month)[1]
    if whole_months and start.month == 1 and end.month == 12:
        return f"{start.year}" if start.year == end.year else f"{start.year}/{end.year}"
    fmt = "%Y-%m" if whole_months else "%Y-%m-%d"
    return f"{start.strftime(fmt)}/{end.strftime(fmt)}"


def check_date(value: Any, path: str | Path, *, row: str | int | None = None, field: str = "date",
               precisions: tuple[str, ...] = PRECISIONS, quoted: bool = False) -> PartialDate:
    """:func:`parse_date` for a value read from a data file: a bad date is a DataError there."""
    try:
        return parse_date(value, precisions)
    except DateError as exc:
        fix = exc.fix + (" Put it in quotes in YAML." if quoted else "")
        raise DataError(path, exc.what, row=row, field=field, fix=fix) from None


# --- file readers ---------------------------------------------------------------------------


def _missing(p: Path) -> DataError:
    return DataError(p, "the file is missing.", fix="restore it with `git checkout -- " + p.as_posix() + "`.")


def csv_rows(path: str | Path, required, *, header=None, empty: str = "rows") -> list[tuple[str, dict]]:
    """The rows of a CSV data file as ``("line N", row)`` pairs, the header being line 1.

    Fails with a :class:`DataError` when the file is missing, lacks a ``required`` column
    (``header``, default ``required``, is the header the fix suggests) or has no rows.
    """
    import csv

    p = Path(path)
    if not p.is_file():
        raise _missing(p)
    with open(p, newline="", encoding="utf-8") as fh:
        reader = csv.DictReader(fh)
        missing = [c for c in required if c not in (reader.fieldnames or [])]
        if missing:
            raise DataError(p, f"missing column(s) {missing}.", row="line 1", field=missing[0],
                            fix="the header must be: " + ",".join(header or required))
        rows = [(f"line {n}", raw) for n, raw in enumerate(reader, start=2)]
    if not rows:
        raise DataError(p, f"the file has no {empty}.", fix="add at least one row.")
    return rows


def read_yaml(path: str | Path) -> object:
    """Parse a YAML data file within :mod:`coursekit.safeyaml`'s limits (size, encoding, aliases,
    duplicate keys, huge numbers); a :class:`DataError` names the file and the line."""
    from coursekit.safeyaml import load_yaml

    return load_yaml(path)


# --- pydantic -------------------------------------------------------------------------------


_FIXES = {
    "missing": "add the field.",
    "extra_forbidden": "remove the field or correct its spelling (see {doc}).",
    "literal_error": "use one of the allowed values ({expected}).",
}


def pydantic_error(path: str | Path, exc, *, where: str | None = None, doc: str = "data/README.md",
                   skip: int = 0) -> DataError:
    """The first error of a pydantic ``ValidationError`` as a :class:`DataError` (file, where, field, fix).

    ``skip`` drops that many leading parts of the error's location (e.g. a list position that
    ``where`` already names).
    """
    err = exc.errors()[0]
    loc = list(err["loc"])[skip:]
    field = ".".join(str(x).rstrip("_") for x in loc) or None
    message = err["msg"]
    if message.startswith("Value error, "):
        message = message[len("Value error, "):]
    fix = _FIXES.get(err["type"], "see {doc} for the format.").format(
        doc=doc, expected=err.get("ctx", {}).get("expected", ""))
    if err["type"] == "value_error" and " Fix: " in message:
        message, fix = message.split(" Fix: ", 1)
    return DataError(path, message.rstrip(".") + ".", row=where, field=field, fix=fix)


def raise_pydantic(path: str | Path, exc, raw: Any, *, list_key: str | None = None, entry: str = "entry",
                   id_field: str = "id", doc: str = "data/README.md") -> None:
    """Raise the first error of a pydantic ``ValidationError`` as a :class:`DataError`.

    ``raw`` is the parsed YAML; when the model's entries sit in a list (under ``list_key``, or
    at the top when ``list_key`` is None and ``raw`` is a list), the error names the entry by
    its ``id_field`` (e.g. "question vote-share", "claim c07"), else by its position.
    """
    loc = list(exc.errors()[0]["loc"])
    skip = 0
    where = None
    items = raw.get(list_key) if list_key and isinstance(raw, dict) else raw if list_key is None else None
    if list_key and loc and loc[0] == list_key:
        skip = 1
    if len(loc) > skip and isinstance(items, list | dict) and (isinstance(loc[skip], int) or list_key):
        pos = loc[skip]
        item = items[pos] if isinstance(items, list) and isinstance(pos, int) and pos < len(items) else None
        ident = item.get(id_field) if isinstance(item, dict) else None
        where = f"{entry} {ident}" if ident is not None else f"{entry} {pos + 1}" if isinstance(pos, int) \
            else f"{entry} {pos}"
        skip += 1
    raise pydantic_error(path, exc, where=where, doc=doc, skip=skip) from None
