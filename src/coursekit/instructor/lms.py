"""The gradebook in a learning management system's CSV import layout (``grade --format``).

**Canvas** (Grades → Import): the columns ``Student``, ``ID``, ``SIS User ID``, ``SIS Login ID``,
``Section``, then one column per assignment, named ``Name (id)`` for an assignment Canvas
already has (the id from ``--assignment-ids``) or plain ``Name`` for a new one (Canvas creates
it); the second row is ``Points Possible`` with each assignment's maximum. Canvas matches a
learner by ID, SIS User ID or SIS Login ID. A blank score leaves Canvas's score unchanged.

**Moodle** (Grade administration → Import → CSV file): a header row and one row per learner;
on import, *Map from* picks the column that identifies the user (``Username``, ``ID number``
or ``Email address``) and *Map to* the matching user field (username, useridnumber,
useremail); each module's column is then mapped to a grade item (or a new one).

Learners map to LMS ids through the hub user name (the ``learner`` of each submission file),
or a ``--roster`` CSV whose ``learner`` column holds that name and whose other columns give the
LMS's fields (:data:`ROSTER_FIELDS`). With a roster, a graded learner it does not list is left
out of the LMS file and reported (``unmatched-learner`` in problems.csv, and in the summary);
so is a roster learner with no graded file (``no-submission``). Nobody is dropped silently.
Every cell passes through the same formula neutralising as grade's other reports.
"""

from __future__ import annotations

import csv
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from coursekit.instructor.common import InstructorError

FORMATS = ("canvas", "moodle")
CANVAS_IDENTITY = ["Student", "ID", "SIS User ID", "SIS Login ID", "Section"]
MOODLE_IDENTITY = ["First name", "Last name", "ID number", "Username", "Email address"]
#: roster columns: ``learner`` (required) and the LMS fields each may give
ROSTER_FIELDS = ("learner", "name", "canvas_id", "sis_user_id", "sis_login_id", "section",
                 "first_name", "last_name", "idnumber", "username", "email")
MAX_ROSTER_BYTES = 5_000_000


@dataclass(frozen=True)
class Unmatched:
    """A learner the LMS file leaves out, and why (a line of problems.csv)."""

    learner: str
    kind: str  # unmatched-learner | no-submission
    reason: str


def read_roster(path: str | Path) -> dict[str, dict[str, str]]:
    """learner -> their LMS fields, from a roster CSV (UTF-8, header row, ``learner`` column)."""
    path = Path(path)
    if not path.is_file():
        raise InstructorError(f"{path}: the roster does not exist. Fix: give a CSV file with a 'learner' column.")
    if path.stat().st_size > MAX_ROSTER_BYTES:
        raise InstructorError(f"{path}: the roster is over {MAX_ROSTER_BYTES:,} bytes; a class list is far "
                              "smaller. Fix: give the roster CSV.")
    try:
        with open(path, newline="", encoding="utf-8-sig") as fh:
            reader = csv.DictReader(fh)
            header = [h.strip().lower() for h in reader.fieldnames or []]
            unknown = [h for h in header if h not in ROSTER_FIELDS]
            if "learner" not in header or unknown:
                what = f"unknown column(s) {unknown}" if unknown else "no 'learner' column"
                raise InstructorError(f"{path}: {what}. Fix: use the columns {', '.join(ROSTER_FIELDS)} "
                                      "(learner: the hub user name the submission files carry).")
            reader.fieldnames = header
            out: dict[str, dict[str, str]] = {}
            for n, row in enumerate(reader, start=2):
                if None in row:
                    raise InstructorError(f"{path}, line {n}: more cells than columns. Fix: quote cells "
                                          "that hold a comma.")
                learner = (row.get("learner") or "").strip()
                if not learner:
                    raise InstructorError(f"{path}, line {n}: the learner cell is empty. Fix: give the hub "
                                          "user name, or delete the line.")
                if learner in out:
                    raise InstructorError(f"{path}, line {n}: learner {learner!r} is listed twice. Fix: keep "
                                          "one line per learner.")
                out[learner] = {k: (v or "").strip() for k, v in row.items()}
    except UnicodeDecodeError:
        raise InstructorError(f"{path}: not UTF-8 text. Fix: save the roster as CSV UTF-8.") from None
    except csv.Error as exc:
        raise InstructorError(f"{path}: not a readable CSV file ({exc}). Fix: save it as CSV.") from None
    return out


def _canvas_row(learner: str, who: dict[str, str]) -> list[str]:
    return [who.get("name") or learner, who.get("canvas_id", ""), who.get("sis_user_id", ""),
            who.get("sis_login_id") or ("" if who else learner), who.get("section", "")]


def _moodle_row(learner: str, who: dict[str, str]) -> list[str]:
    return [who.get("first_name", ""), who.get("last_name", ""), who.get("idnumber", ""),
            who.get("username") or ("" if who else learner), who.get("email", "")]


def columns(fmt: str, modules: list[str], titles: dict[str, str], ids: dict[str, str] | None = None) -> list[str]:
    """The header row of the LMS file."""
    ids = ids or {}
    names = []
    for m in modules:
        name = f"Quiz {m}: {titles[m]}"
        names.append(f"{name} ({ids[m]})" if fmt == "canvas" and m in ids else name)
    return (CANVAS_IDENTITY if fmt == "canvas" else MOODLE_IDENTITY) + names


def lms_rows(fmt: str, rows: list[dict[str, str]], modules: list[str], roster: dict[str, dict[str, str]] | None
             ) -> tuple[list[list[str]], list[Unmatched]]:
    """The LMS file's rows (after the header) from grade's gradebook rows, and who was left out."""
    if fmt not in FORMATS:
        raise InstructorError(f"unknown format {fmt!r}. Fix: use one of {', '.join(FORMATS)}.")
    identity: Callable[[str, dict[str, str]], list[str]] = _canvas_row if fmt == "canvas" else _moodle_row
    possible, learners = rows[0], rows[1:]
    out = []
    if fmt == "canvas":
        out.append(["Points Possible", "", "", "", "", *[possible[m] for m in modules]])
    left_out = []
    graded = set()
    for r in learners:
        learner = r["learner"]
        graded.add(learner)
        if roster is not None and learner not in roster:
            left_out.append(Unmatched(learner, "unmatched-learner",
                                      f"learner {learner!r} is not in the roster, so the {fmt} file leaves them "
                                      "out; add a line for them to the roster and grade again"))
            continue
        who = roster[learner] if roster is not None else {}
        out.append(identity(learner, who) + [r[m] for m in modules])
    for learner in sorted(set(roster or ()) - graded):
        left_out.append(Unmatched(learner, "no-submission",
                                  f"learner {learner!r} is in the roster but no graded submission file is theirs; "
                                  f"the {fmt} file leaves them out (their LMS grades stay as they are)"))
    return out, left_out


def parse_assignment_ids(text: str | None) -> dict[str, str]:
    """``"01=1234,04=5678"`` -> {"01": "1234", "04": "5678"} (Canvas assignment ids per module)."""
    out: dict[str, str] = {}
    for part in (text or "").split(","):
        if not part.strip():
            continue
        module, sep, ident = part.partition("=")
        if not sep or not module.strip().isdigit() or not ident.strip().isdigit():
            raise InstructorError(f"{part!r} is not MODULE=ID. Fix: e.g. --assignment-ids 01=1234,04=5678 "
                                  "(the number at the end of the assignment's address in Canvas).")
        out[module.strip()] = ident.strip()
    return out


def write_lms(fmt: str, out: Path, rows: list[dict[str, str]], modules: list[str], titles: dict[str, str], *,
              roster: dict[str, dict[str, str]] | None = None, assignment_ids: dict[str, str] | None = None,
              write: Callable[[Path, list[str], list[list[str]]], Any]) -> tuple[Path, list[Unmatched]]:
    """Write ``out/<fmt>.csv`` (``roster`` from :func:`read_roster`); returns its path and who it leaves out."""
    unknown = sorted(set(assignment_ids or {}) - set(modules))
    if unknown:
        raise InstructorError(f"--assignment-ids names module(s) {unknown} that the key folder does not have. "
                              f"Fix: use module ids from {', '.join(modules)}.")
    body, left_out = lms_rows(fmt, rows, modules, roster)
    out.mkdir(parents=True, exist_ok=True)
    path = out / f"{fmt}.csv"
    write(path, columns(fmt, modules, titles, assignment_ids), body)
    return path, left_out
