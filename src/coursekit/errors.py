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
