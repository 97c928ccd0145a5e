"""Errors the kit raises for bad input: each says what is wrong, where, and the fix.

Every error the kit raises on purpose derives from :class:`KitError`, so a caller (the
command line, a widget) catches one class and shows its message, never a traceback.
"""

from __future__ import annotations

from pathlib import Path


class KitError(Exception):
    """What is wrong, where (a file, a row, a field, a command option) and the fix."""

    def __init__(self, what: str, *, where: str | None = None, fix: str | None = None) -> None:
        self.what = what
        self.where = where
        self.fix = fix
        text = f"{where}: {what}" if where else what
        if fix:
            text += f" Fix: {fix}"
        super().__init__(text)


class DataError(KitError, ValueError):
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
        self.detail = message
        where = [self.path]
        if row is not None:
            where.append(f"row {row}" if isinstance(row, int) else str(row))
        if field is not None:
            where.append(f"field '{field}'")
        super().__init__(message, where=", ".join(where), fix=fix)


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
    import yaml

    p = Path(path)
    if not p.is_file():
        raise DataError(p, "the file is missing.", fix="restore it with `git checkout -- " + p.as_posix() + "`.")
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    try:
        return yaml.load(p.read_text(encoding="utf-8"), Loader=loader)  # noqa: S506 - a safe loader
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise DataError(p, f"is not valid YAML ({getattr(exc, 'problem', None) or exc}).",
                        row=f"line {mark.line + 1}" if mark else None,
                        fix="correct the YAML at that line (quote text that contains ': ').") from exc
