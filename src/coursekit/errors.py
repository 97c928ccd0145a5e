"""Errors the kit raises for bad input: each names the file, where in it, and the fix."""

from __future__ import annotations

from pathlib import Path


class DataError(ValueError):
    """A data, bank or manifest file is wrong.

    The message names the file, the row (or line) and the field, says what is
    wrong and how to fix it, e.g.::

        data/efp.csv, row 4, field 'established': '2017-13-01' is not an ISO date.
        Fix: write the date as YYYY-MM-DD.
    """

    def __init__(
        self,
        path: str | Path,
        message: str,
        *,
        row: int | str | None = None,
        field: str | None = None,
        fix: str | None = None,
    ) -> None:
        self.path = str(path)
        self.row = row
        self.field = field
        self.fix = fix
        self.detail = message
        where = [self.path]
        if row is not None:
            where.append(f"row {row}" if isinstance(row, int) else str(row))
        if field is not None:
            where.append(f"field '{field}'")
        text = ", ".join(where) + f": {message}"
        if fix:
            text += f" Fix: {fix}"
        super().__init__(text)


def csv_rows(path: str | Path, required, *, header=None, empty: str = "rows") -> list[tuple[str, dict]]:
    """The rows of a CSV data file as ``("line N", row)`` pairs, the header being line 1.

    Fails with a :class:`DataError` when the file is missing, lacks a ``required`` column
    (``header``, default ``required``, is the header the fix suggests) or has no rows.
    """
    import csv

    p = Path(path)
    if not p.is_file():
        raise DataError(p, "the file is missing.", fix="restore it with `git checkout -- " + p.as_posix() + "`.")
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
    """Parse a YAML data file (with libyaml when available: about 8x faster on the bibliography).

    Fails with a :class:`DataError` naming the file and the line when the file is missing or
    is not valid YAML.
    """
    from coursekit.safeyaml import load_yaml  # size, encoding, alias, duplicate-key and number limits

    return load_yaml(path)
