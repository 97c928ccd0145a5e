"""The progress store: every submission appended to a local SQLite database.

- One append-only ``events`` table; the latest answer per question is a query.
- Rollback journal (``journal_mode=DELETE``), not WAL: WAL does not work on the
  network file systems that JupyterHub home directories often live on.
- Each write is ``BEGIN IMMEDIATE`` with a busy timeout, so two notebooks (or two
  processes) writing at once both succeed, one after the other.
- Reading never writes: it opens the database read-only, so a store the learner may only
  read (another user's, a read-only mount) is still shown and exportable. Only recovering from
  an interrupted write (a leftover rollback journal) needs to write.
- Only a file that fails SQLite's integrity checks (not a database, or corrupt) is moved
  aside under a dated name and a new one started, with a warning: nothing is silently lost.
  A move that fails is reported in :attr:`ProgressStore.notice`, not raised.
- A permission problem is a :class:`StoreError` that says what, where and the fix; it is
  never taken for damage.
- Schema 2 adds ``confidence`` (the learner's 0.5-1.0, or NULL) and ``kind`` (``answer``, ``review``
  or ``discernment``: only ``answer`` events count for grades). A version-1 file is migrated in
  place, in one transaction, the first time it is written (``ALTER TABLE ... ADD COLUMN``: every
  row and id kept); reading a version-1 file works without migrating it.

Location: ``$COURSEKIT_PROGRESS_DB`` if set, else ``~/.coursekit/progress.sqlite``.
Learner: ``$COURSEKIT_LEARNER``, else ``$JUPYTERHUB_USER``, else the login name.
"""

from __future__ import annotations

import datetime as dt
import getpass
import json
import os
import sqlite3
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote

from coursekit import __version__
from coursekit.errors import KitError

SCHEMA_VERSION = 2
SUBMISSION_SCHEMA = "coursekit-submission/1"
BUSY_TIMEOUT_MS = 30_000
_COLUMNS = ("ts", "learner", "module", "question_id", "question_hash", "key_hash", "mode",
            "answer", "score", "max_score", "kit_version", "confidence", "kind")
_V1_COLUMNS = _COLUMNS[:11]
KINDS = ("answer", "review", "discernment")  # only "answer" events are graded
CONFIDENCE_RANGE = (0.5, 1.0)
_DDL = """
CREATE TABLE IF NOT EXISTS events (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    ts            TEXT NOT NULL,
    learner       TEXT NOT NULL,
    module        TEXT NOT NULL,
    question_id   TEXT NOT NULL,
    question_hash TEXT NOT NULL,
    key_hash      TEXT,
    mode          TEXT NOT NULL,
    answer        TEXT NOT NULL,
    score         REAL,
    max_score     REAL NOT NULL,
    kit_version   TEXT NOT NULL,
    confidence    REAL,
    kind          TEXT NOT NULL DEFAULT 'answer'
);
CREATE INDEX IF NOT EXISTS events_by_question ON events (learner, module, question_id, id);
"""
_MIGRATIONS = {  # column -> its definition, added to a version-1 table
    "confidence": "REAL",
    "kind": "TEXT NOT NULL DEFAULT 'answer'",
}


_DAMAGED = ("SQLITE_NOTADB", "SQLITE_CORRUPT")


def _migrate(con: sqlite3.Connection) -> None:
    """Bring a version-1 table to the current schema in one transaction; rows are not touched."""
    con.execute("BEGIN IMMEDIATE")
    try:
        have = {r[1] for r in con.execute("PRAGMA table_info(events)")}
        for column, definition in _MIGRATIONS.items():
            if column not in have:
                con.execute(f"ALTER TABLE events ADD COLUMN {column} {definition}")
        con.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
        con.execute("COMMIT")
    except BaseException:
        if con.in_transaction:
            con.execute("ROLLBACK")
        raise


class DamagedStoreWarning(UserWarning):
    """The progress database was damaged and has been moved aside."""


class StoreError(KitError):
    """The progress store cannot be read or written (a permission problem, a full disk, ...).

    ``what`` is wrong, ``where`` (the file or folder) and the ``fix``; the message joins them.
    """

    def __init__(self, what: str, where: str | Path, fix: str) -> None:
        super().__init__(what, where=str(where), fix=fix)


def _errorname(exc: sqlite3.Error) -> str:
    return getattr(exc, "sqlite_errorname", "") or ""


def _is_damage(exc: sqlite3.Error) -> bool:
    name = _errorname(exc)
    if name:
        return name.startswith(_DAMAGED)
    text = str(exc)
    return "not a database" in text or "malformed" in text


def default_path() -> Path:
    env = os.environ.get("COURSEKIT_PROGRESS_DB")
    if env:
        return Path(env).expanduser()
    return Path.home() / ".coursekit" / "progress.sqlite"


def current_learner() -> str:
    for var in ("COURSEKIT_LEARNER", "JUPYTERHUB_USER"):
        if os.environ.get(var):
            return os.environ[var]
    try:
        return getpass.getuser()
    except Exception:  # noqa: BLE001 - no login name in some containers
        return "learner"


def _dumps(value: Any, **kwargs: Any) -> str:
    """JSON text; escaped to ASCII when it holds characters UTF-8 cannot store (lone surrogates)."""
    text = json.dumps(value, ensure_ascii=False, **kwargs)
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        text = json.dumps(value, ensure_ascii=True, **kwargs)
    return text


def _loads(text: Any) -> Any:
    """A stored answer; text that is not JSON (edited by hand) is returned as it is."""
    try:
        return json.loads(text)
    except (TypeError, ValueError, RecursionError):
        return text


@dataclass(frozen=True)
class Event:
    id: int
    ts: str
    learner: str
    module: str
    question_id: str
    question_hash: str
    key_hash: str | None
    mode: str
    answer: Any
    score: float | None
    max_score: float
    kit_version: str
    confidence: float | None = None
    kind: str = "answer"

    def to_json(self) -> dict[str, Any]:
        return {c: getattr(self, c) for c in ("id", *_COLUMNS)}


class ProgressStore:
    """Append-only store of quiz submissions for one learner's machine."""

    def __init__(self, path: str | Path | None = None) -> None:
        self.path = Path(path) if path else default_path()
        self.notice: str | None = None  # set when a damaged file was moved aside

    # -- connection -------------------------------------------------------------------------
    def _uri(self, mode: str) -> str:
        return f"file:{quote(str(self.path.absolute()), safe='/')}?mode={mode}"

    def _cannot_write(self, why: str) -> StoreError:
        return StoreError(f"your answers cannot be saved ({why}).", self.path,
                          "make the folder and the file writable for you (or set COURSEKIT_PROGRESS_DB to a "
                          "file in a folder you can write, e.g. in your home folder), then submit again. "
                          "Your earlier answers are still in the file.")

    def _connect(self) -> sqlite3.Connection:
        """A connection for writing; creates the folder, the file and the table if needed."""
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise self._cannot_write(f"the folder {self.path.parent} cannot be created: "
                                     f"{exc.strerror or exc}") from None
        con = sqlite3.connect(self._uri("rwc"), uri=True, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None)
        try:
            con.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            if con.execute("PRAGMA journal_mode").fetchone()[0].lower() != "delete":
                con.execute("PRAGMA journal_mode = DELETE")
            if con.execute("SELECT count(*) FROM sqlite_master WHERE name = 'events'").fetchone()[0] == 0:
                con.executescript(_DDL)
                con.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
            elif con.execute("PRAGMA user_version").fetchone()[0] < SCHEMA_VERSION:
                _migrate(con)
        except BaseException:
            con.close()
            raise
        return con

    def _open(self) -> sqlite3.Connection:
        """A connection for writing; a damaged file is moved aside, a permission problem raised."""
        try:
            con = self._connect()
            con.execute("SELECT count(*) FROM events").fetchone()
            return con
        except sqlite3.DatabaseError as exc:
            if not _is_damage(exc):
                if "locked" in str(exc) or "busy" in str(exc):
                    raise
                raise self._cannot_write(str(exc)) from None
            if not self._move_aside(exc):
                raise self._cannot_write(f"it is damaged and could not be moved aside: {self.notice}") from None
            return self._connect()

    def _read(self, sql: str, args: list[Any]) -> list[tuple]:
        """Rows of a query, opening the file read-only; [] when there is no store yet."""
        if not self.path.exists():
            return []
        for mode in ("ro", "rw"):  # "rw" only to roll back a write that was interrupted
            try:
                con = sqlite3.connect(self._uri(mode), uri=True, timeout=BUSY_TIMEOUT_MS / 1000,
                                      isolation_level=None)
            except sqlite3.Error as exc:
                raise self._cannot_read(str(exc)) from None
            try:
                con.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
                return con.execute(sql, args).fetchall()
            except sqlite3.DatabaseError as exc:
                name = _errorname(exc)
                if _is_damage(exc):
                    self._move_aside(exc)
                    return []
                if "no such table" in str(exc):
                    return []  # an empty file: nothing answered yet
                if mode == "ro" and name.startswith("SQLITE_READONLY"):
                    continue  # a leftover journal: recovering it needs a writable connection
                if "locked" in str(exc) or "busy" in str(exc):
                    raise
                raise self._cannot_read(str(exc)) from None
            finally:
                con.close()
        raise self._cannot_read("an interrupted write left a journal that cannot be rolled back here")

    def _cannot_read(self, why: str) -> StoreError:
        return StoreError(f"your saved answers cannot be read ({why}).", self.path,
                          "make the file and its folder readable for you, or ask for help; the file is "
                          "left as it is.")

    def _move_aside(self, exc: Exception) -> bool:
        """Keep a damaged file under a dated name; True if moved (a failure is noted, not raised)."""
        stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
        target = self.path.with_name(f"{self.path.stem}.damaged-{stamp}{self.path.suffix}")
        n = 1
        while target.exists():
            target = self.path.with_name(f"{self.path.stem}.damaged-{stamp}-{n}{self.path.suffix}")
            n += 1
        try:
            os.replace(self.path, target)
        except OSError as move_error:
            self.notice = (f"Your progress file {self.path} is damaged ({exc}) and could not be moved aside "
                           f"({move_error.strerror or move_error}). Fix: make its folder writable, or tell your "
                           "instructor; the file is left as it is.")
            warnings.warn(self.notice, DamagedStoreWarning, stacklevel=3)
            return False
        side = Path(str(self.path) + "-journal")
        if side.exists():
            try:
                os.replace(side, Path(str(target) + "-journal"))
            except OSError:
                pass  # the journal of a damaged file: kept where it is
        self.notice = (f"Your progress file {self.path} was damaged ({exc}); it was kept as "
                       f"{target.name} and a new one started. Tell your instructor if answers are missing.")
        warnings.warn(self.notice, DamagedStoreWarning, stacklevel=3)
        return True

    # -- writing and reading ------------------------------------------------------------------
    def append(self, *, module: str, question_id: str, question_hash: str, key_hash: str | None,
               mode: str, answer: Any, score: float | None, max_score: float,
               learner: str | None = None, confidence: float | None = None, kind: str = "answer") -> int:
        """Append one submission; returns its row id.

        ``confidence`` is how sure the learner was (0.5-1.0) or None; ``kind`` is ``answer`` (graded),
        ``review`` (a spaced review, never graded again) or ``discernment`` (the pre/post check).
        """
        if kind not in KINDS:
            raise ValueError(f"kind {kind!r} is not one of {', '.join(KINDS)}")
        if confidence is not None:
            low, high = CONFIDENCE_RANGE
            if isinstance(confidence, bool) or not isinstance(confidence, int | float) or not (
                    low <= confidence <= high):
                raise StoreError(f"a confidence of {confidence!r} cannot be saved.", self.path,
                                 "choose how sure you are between 50% and 100%, or leave it empty.")
            confidence = float(confidence)
        try:
            text = _dumps(answer, sort_keys=True)
        except (TypeError, ValueError, RecursionError) as exc:
            raise StoreError(f"this answer cannot be saved ({type(exc).__name__}: {str(exc)[:100]}).", self.path,
                             "give an answer of text, numbers or choices.") from None
        row = (dt.datetime.now(dt.UTC).isoformat(timespec="milliseconds"), learner or current_learner(),
               module, question_id, question_hash, key_hash, mode, text, score, max_score, __version__,
               confidence, kind)
        con = self._open()
        try:
            con.execute("BEGIN IMMEDIATE")
            cur = con.execute(f"INSERT INTO events ({', '.join(_COLUMNS)}) VALUES "
                              f"({', '.join('?' * len(_COLUMNS))})", row)
            con.execute("COMMIT")
            return int(cur.lastrowid)
        except sqlite3.DatabaseError as exc:
            if con.in_transaction:
                con.execute("ROLLBACK")
            if "locked" in str(exc) or "busy" in str(exc):
                raise
            raise self._cannot_write(str(exc)) from None
        except BaseException:
            if con.in_transaction:
                con.execute("ROLLBACK")
            raise
        finally:
            con.close()

    def _select_list(self) -> str:
        """The columns to read; a version-1 file (not migrated: reading never writes) gets defaults."""
        have = {r[0] for r in self._read("SELECT name FROM pragma_table_info('events')", [])}
        cols = [c if c in have or c in _V1_COLUMNS else {"confidence": "NULL", "kind": "'answer'"}[c]
                for c in _COLUMNS]
        return ", ".join(cols)

    def events(self, learner: str | None = None, module: str | None = None,
               kind: str | None = None) -> list[Event]:
        """Events in the order they were written; ``kind`` keeps one kind (see :data:`KINDS`)."""
        if not self.path.exists():
            return []
        sql = f"SELECT id, {self._select_list()} FROM events WHERE 1=1"
        args: list[Any] = []
        if learner:
            sql += " AND learner = ?"
            args.append(learner)
        if module:
            sql += " AND module = ?"
            args.append(module)
        rows = self._read(sql + " ORDER BY id", args)
        out = [Event(r[0], r[1], r[2], r[3], r[4], r[5], r[6], r[7], _loads(r[8]), r[9], r[10], r[11],
                     r[12], r[13] or "answer") for r in rows]
        return [e for e in out if e.kind == kind] if kind else out

    def latest(self, learner: str | None = None, module: str | None = None) -> dict[tuple[str, str], Event]:
        """The last graded submission per (module, question): reviews and check answers are left out."""
        out: dict[tuple[str, str], Event] = {}
        for e in self.events(learner or current_learner(), module, kind="answer"):
            out[(e.module, e.question_id)] = e
        return out

    def export(self, out: str | Path, learner: str | None = None,
               keep: Callable[[Event], bool] | None = None,
               attachments: list[dict[str, Any]] | None = None) -> dict[str, Any]:
        """Write a schema-versioned submission file for the instructor; returns its content.

        ``keep`` chooses the events to hand in (default: all); ``latest`` points at the last
        kept *answer* event of each question (a review never replaces the graded answer).
        :func:`coursekit.quiz.progress.export_submission` keeps
        reflections out unless the learner asks. ``attachments`` (files as base64, each with its
        name, media type and description) are written under ``"attachments"``.
        """
        learner = learner or current_learner()
        events = [e for e in self.events(learner) if keep is None or keep(e)]
        latest = {f"{e.module}/{e.question_id}": e.id for e in events if e.kind == "answer"}
        doc = {
            "schema": SUBMISSION_SCHEMA,
            "kit_version": __version__,
            "learner": learner,
            "exported_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            "events": [e.to_json() for e in events],
            "latest": latest,
        }
        if attachments:  # e.g. the capstone's figure (coursekit.quiz.progress.figure_attachment)
            doc["attachments"] = attachments
        path = Path(out)
        tmp = path.with_name(path.name + ".tmp")
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp.write_text(_dumps(doc, indent=1), encoding="utf-8")
            os.replace(tmp, path)
        except OSError as exc:
            raise StoreError(f"the submission file cannot be written ({exc.strerror or exc}).", path,
                             "choose a file in a folder you can write, e.g. --out ~/my-progress.json.") from None
        return doc
