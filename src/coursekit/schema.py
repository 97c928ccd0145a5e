"""Declarative CSV schemas: one description per data file, one reader for all of them.

A :class:`Schema` lists a file's columns (:class:`Col`: text, iso3, lat, lon, count, date,
choice, list, sources), its unique key and row checks across columns. :func:`read_csv` reads
and checks a file against it and returns a DataFrame whose index is each row's line number
in the file (the header is line 1), so a row can always be traced back; the path is kept in
``df.attrs["path"]``. Any bad cell is a :class:`~coursekit.errors.DataError` naming the file,
the line, the field and the fix. Dates follow the kit's one rule (:mod:`coursekit.validate`):
a partial date is stored as its first day, with ``<column>_precision`` when a column allows
more than one precision and ``<column>_end`` (the period's last day) when ``span=True``.

>>> import tempfile, pathlib
>>> schema = Schema("demo.csv", (Col("name"), Col("date", "date", dates=("day", "month"), span=True)))
>>> tmp = pathlib.Path(tempfile.mkdtemp()) / "demo.csv"
>>> _ = tmp.write_text("name,date" + chr(10) + "Warsaw summit,2016-07" + chr(10))
>>> df = read_csv(schema, tmp, sources={})
>>> df.loc[2, ["date", "date_end", "date_precision"]].tolist()
[Timestamp('2016-07-01 00:00:00'), Timestamp('2016-07-31 00:00:00'), 'month']
"""

from __future__ import annotations

import csv
import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from coursekit.errors import DataError
from coursekit.memo import Kept, content
from coursekit.paths import data_file
from coursekit.sources import Source, load_sources, require_ids
from coursekit.validate import DateError, parse_date

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

__all__ = ["CellError", "Col", "Schema", "read_csv"]


class CellError(Exception):
    """A cell that does not parse: what is wrong and how to fix it."""

    def __init__(self, message: str, fix: str) -> None:
        super().__init__(message)
        self.message = message
        self.fix = fix


# --- cell parsers --------------------------------------------------------------------------
# Each takes the cell's text (already stripped) and returns the parsed value or raises CellError.

def _date(text: str, precisions: tuple[str, ...]) -> tuple[dt.date, str, dt.date]:
    """An ISO 8601 date at one of the allowed precisions: its first day, precision and last day."""
    try:
        parsed = parse_date(text, precisions)
    except DateError as exc:
        raise CellError(exc.what, exc.fix) from None
    return parsed.start, parsed.precision, parsed.end


def _text(text: str) -> str:
    if not text:
        raise CellError("is empty.", "fill it in.")
    return text


def _iso3(text: str) -> str:
    if not re.fullmatch(r"[A-Z]{3}", text):
        raise CellError(f"{text!r} is not an ISO 3166-1 alpha-3 code.",
                   "write three capital letters, e.g. LTU.")
    return text


def _number(text: str, low: float, high: float, what: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise CellError(f"{text!r} is not a number.",
                   "write decimal degrees with a point, e.g. 54.69.") from None
    if not low <= value <= high:
        raise CellError(f"{value:g} is outside {low:g}..{high:g}.",
                   f"give the {what} in decimal degrees; check that lat and lon are not swapped.")
    return value


def _count(text: str) -> int:
    if not re.fullmatch(r"\d+", text):
        raise CellError(f"{text!r} is not a whole number.",
                   "write digits only, without separators or words (e.g. 12700).")
    value = int(text)
    if value <= 0:
        raise CellError(f"{value} is not more than 0.", "give a positive count.")
    return value


def _choice(options: tuple[str, ...]) -> Callable[[str], str]:
    def parse(text: str) -> str:
        if text not in options:
            raise CellError(f"{text!r} is not one of the allowed values.",
                       "use one of: " + ", ".join(repr(o) for o in options) + ".")
        return text

    return parse


def _semilist(text: str) -> list[str]:
    items = [t.strip() for t in text.split(";")]
    if any(not t for t in items) and text:
        raise CellError(f"{text!r} has an empty item.", "separate names with single semicolons.")
    return [t for t in items if t]


@dataclass(frozen=True)
class Col:
    """One column of a file's schema.

    ``kind`` is one of ``text``, ``iso3``, ``lat``, ``lon``, ``count``, ``date``, ``choice``,
    ``list`` (semicolon list) or ``sources``; ``dates`` are the allowed date precisions and
    ``options`` the allowed values of a ``choice``. ``empty_ok`` lets a cell be blank.
    """

    name: str
    kind: str = "text"
    empty_ok: bool = False
    dates: tuple[str, ...] = ("day",)
    options: tuple[str, ...] = ()
    span: bool = False


@dataclass(frozen=True)
class Schema:
    """A file's columns, its unique key (if any) and row checks across columns."""

    file: str
    columns: tuple[Col, ...]
    key: tuple[str, ...] = ()
    checks: tuple[Callable[[dict[str, Any]], None], ...] = ()


def _parse_cell(col: Col, text: str) -> Any:
    if col.kind == "text":
        return _text(text)
    if col.kind == "iso3":
        return _iso3(text)
    if col.kind == "lat":
        return _number(text, -90.0, 90.0, "latitude")
    if col.kind == "lon":
        return _number(text, -180.0, 180.0, "longitude")
    if col.kind == "count":
        return _count(text)
    if col.kind == "date":
        return _date(text, col.dates)
    if col.kind == "choice":
        return _choice(col.options)(text)
    if col.kind == "list":
        return _semilist(text)
    raise ValueError(f"unknown column kind {col.kind!r}")  # pragma: no cover - schema bug


# --- reading a file ------------------------------------------------------------------------


def _resolve(path: str | Path | None, schema: Schema) -> Path:
    return Path(path) if path is not None else data_file(schema.file)


_READ = Kept()


def read_csv(schema: Schema, path: str | Path | None,
          sources: dict[str, Source] | None = None) -> pd.DataFrame:
    """Read and check a CSV file against its schema; return the parsed DataFrame (a copy of its
    own: the caller may change it).

    A file read before is parsed again only when its content or the bibliography changed; a
    kernel that draws a dozen maps reads the same few tables each time. With ``sources`` given
    (a bibliography other than the course's), the file is always read.
    """
    p = _resolve(path, schema)
    if not p.is_file():
        raise DataError(p, "the file is missing.",
                        fix=f"restore data/{schema.file} (e.g. `git checkout -- data/{schema.file}`).")
    if sources is not None:
        return _read_csv(schema, p, sources)
    try:
        bib = data_file("sources.yml").stat()
        bib_stamp: tuple | None = (bib.st_size, bib.st_mtime_ns)  # as load_sources checks it
    except OSError:
        bib_stamp = None
    # the schema in the stamp keeps it alive, so its id in the slot stays its own
    stamp = (schema, content(p), bib_stamp)
    return _READ.get((str(p.resolve()), id(schema)), stamp, lambda: _read_csv(schema, p, load_sources())).copy()


def _read_csv(schema: Schema, p: Path, known: dict[str, Source]) -> pd.DataFrame:
    with p.open(encoding="utf-8", newline="") as fh:
        reader = csv.reader(fh)
        try:
            header = [h.strip() for h in next(reader)]
        except StopIteration:
            raise DataError(p, "the file is empty.", row="line 1",
                            fix="write the header line: " + ",".join(c.name for c in schema.columns)
                            ) from None
        except UnicodeDecodeError as exc:
            raise DataError(p, f"is not UTF-8 text ({exc}).", fix="save the file as UTF-8.") from exc
        for col in schema.columns:
            if col.name not in header:
                raise DataError(p, "the column is missing from the header.", row="line 1", field=col.name,
                                fix=f"add '{col.name}' to the header line and a value to every row.")
        dupes = sorted({h for h in header if header.count(h) > 1})
        if dupes:
            raise DataError(p, "the column appears twice in the header.", row="line 1", field=dupes[0],
                            fix="keep one column of that name.")
        records: list[dict[str, Any]] = []
        lines: list[int] = []
        seen: dict[tuple[str, ...], int] = {}
        line = 1
        try:
            for cells in reader:
                line = reader.line_num
                if not any(c.strip() for c in cells):
                    continue  # a blank line
                if len(cells) != len(header):
                    raise DataError(p, f"has {len(cells)} cells, the header {len(header)}.",
                                    row=f"line {line}", fix="quote cells that contain commas and give every "
                                    "column a value (blank if allowed).")
                raw = {h: c.strip() for h, c in zip(header, cells, strict=True)}
                records.append(_parse_row(schema, raw, p, line, known))
                lines.append(line)
                if schema.key:
                    key = tuple(raw[k] for k in schema.key)
                    if key in seen:
                        raise DataError(p, f"{' / '.join(key)!r} already appears on line "
                                        f"{seen[key]}.", row=f"line {line}", field=schema.key[0],
                                        fix="keep one row per " + " and ".join(schema.key) + ".")
                    seen[key] = line
        except UnicodeDecodeError as exc:
            raise DataError(p, f"is not UTF-8 text ({exc}).", row=f"line {line + 1}",
                            fix="save the file as UTF-8.") from exc
        except csv.Error as exc:
            raise DataError(p, f"is not valid CSV ({exc}).", row=f"line {reader.line_num}",
                            fix="check the quotes on that line.") from exc
    if not records:
        raise DataError(p, "has a header but no rows.", row="line 2", fix="add the data rows.")
    return _frame(schema, records, lines, p)


def _parse_row(schema: Schema, raw: dict[str, str], path: Path, line: int,
               known: dict[str, Source]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for col in schema.columns:
        text = raw[col.name]
        if col.kind == "sources":
            out[col.name] = require_ids(text, path=path, row=f"line {line}", field=col.name, known=known,
                                        allow_empty=col.empty_ok)
            continue
        if not text:
            if col.empty_ok:
                out[col.name] = [] if col.kind == "list" else None
                continue
            raise DataError(path, "is empty.", row=f"line {line}", field=col.name,
                            fix=f"fill in '{col.name}' (see data/README.md).")
        try:
            out[col.name] = _parse_cell(col, text)
        except CellError as bad:
            raise DataError(path, bad.message, row=f"line {line}", field=col.name, fix=bad.fix) from None
    extra = {k: (v or None) for k, v in raw.items() if k not in out}
    out.update(extra)
    for check in schema.checks:
        try:
            check(out)
        except CellError as bad:
            field, _, message = bad.message.partition(": ")
            raise DataError(path, message, row=f"line {line}", field=field, fix=bad.fix) from None
    return out


def _frame(schema: Schema, records: list[dict[str, Any]], lines: list[int],
           path: Path) -> pd.DataFrame:
    """Build the DataFrame: dates to datetime64 (+ precision), counts to Int64."""
    import pandas as pd

    rows = []
    for rec in records:
        row: dict[str, Any] = {}
        for name, value in rec.items():
            col = next((c for c in schema.columns if c.name == name), None)
            if col is not None and col.kind == "date":
                date, precision, end = value if value is not None else (None, None, None)
                row[name] = date
                if len(col.dates) > 1:
                    row[f"{name}_precision"] = precision
                if col.span:
                    row[f"{name}_end"] = end
            else:
                row[name] = value
        rows.append(row)
    df = pd.DataFrame(rows, index=pd.Index(lines, name="line"))
    for col in schema.columns:
        if col.kind == "date":
            df[col.name] = pd.to_datetime(df[col.name])
            if col.span:
                df[f"{col.name}_end"] = pd.to_datetime(df[f"{col.name}_end"])
        elif col.kind == "count":
            df[col.name] = df[col.name].astype("Int64")
        elif col.kind in ("lat", "lon"):
            df[col.name] = df[col.name].astype(float)
    df.attrs["path"] = str(path)
    return df
