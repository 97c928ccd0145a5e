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

    def _render_traceback_(self) -> list[str]:
        """In a notebook, the error as its message (what, where, fix), without the screen of
        traceback a student would scroll past to find it: IPython calls this for an exception
        that has it. The cell still fails, so a notebook run stops there as before."""
        return [f"{type(self).__name__}: {self}"]


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


def __getattr__(name: str):
    # csv_rows and read_yaml moved to coursekit.validate; old imports keep working.
    if name in ("csv_rows", "read_yaml"):
        from coursekit import validate

        return getattr(validate, name)
    raise AttributeError(name)
