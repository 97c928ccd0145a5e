"""The progress store: every submission appended to a local SQLite database.

- One append-only ``events`` table; the latest answer per question is a query.
- Rollback journal (``journal_mode=DELETE``), not WAL: WAL does not work on the
  network file systems that JupyterHub home directories often live on.
- Each write is ``BEGIN IMMEDIATE`` with a busy timeout, so two notebooks (or two
  processes) writing at once both succeed, one after the other.
- A damaged database is moved aside under a dated name and a new one started, with
  a warning: nothing is silently lost.

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
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from coursekit import __version__

SCHEMA_VERSION = 1
SUBMISSION_SCHEMA = "coursekit-submission/1"
BUSY_TIMEOUT_MS = 30_000
_COLUMNS = ("ts", "learner", "module", "question_id", "question_hash", "key_hash", "mode",
            "answer", "score", "max_score", "kit_version")
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
    kit_version   TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS events_by_question ON events (learner, module, question_id, id);
"""


class DamagedStoreWarning(UserWarning):
    """The progress database was damaged and has been moved aside."""


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

    def to_json(self) -> dict[str, Any]:
        return {c: getattr(self, c) for c in ("id", *_COLUMNS)}


class ProgressStore:
    """Append-only store of quiz submissions for one learner's machine."""

    def __init__(self, path: str | Path | None = None) -> None:
        self.path = Path(path) if path else default_path()
        self.notice: str | None = None  # set when a damaged file was moved aside

    # -- connection -------------------------------------------------------------------------
    def _connect(self) -> sqlite3.Connection:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        con = sqlite3.connect(self.path, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None)
        con.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        con.execute("PRAGMA journal_mode = DELETE")
        con.executescript(_DDL)
        con.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
        return con

    def _open(self) -> sqlite3.Connection:
        try:
            con = self._connect()
            con.execute("SELECT count(*) FROM events").fetchone()
            return con
        except sqlite3.DatabaseError as exc:
            if isinstance(exc, sqlite3.OperationalError) and "locked" in str(exc):
                raise
            self._move_aside(exc)
            return self._connect()

    def _move_aside(self, exc: Exception) -> None:
        stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
        target = self.path.with_name(f"{self.path.stem}.damaged-{stamp}{self.path.suffix}")
        n = 1
        while target.exists():
            target = self.path.with_name(f"{self.path.stem}.damaged-{stamp}-{n}{self.path.suffix}")
            n += 1
        os.replace(self.path, target)
        for suffix in ("-journal",):
            side = Path(str(self.path) + suffix)
            if side.exists():
                os.replace(side, Path(str(target) + suffix))
        self.notice = (f"Your progress file {self.path} was damaged ({exc}); it was kept as "
                       f"{target.name} and a new one started. Tell your instructor if answers are missing.")
        warnings.warn(self.notice, DamagedStoreWarning, stacklevel=3)

    # -- writing and reading ------------------------------------------------------------------
    def append(self, *, module: str, question_id: str, question_hash: str, key_hash: str | None,
               mode: str, answer: Any, score: float | None, max_score: float,
               learner: str | None = None) -> int:
        """Append one submission; returns its row id."""
        row = (dt.datetime.now(dt.UTC).isoformat(timespec="milliseconds"), learner or current_learner(),
               module, question_id, question_hash, key_hash, mode,
               json.dumps(answer, ensure_ascii=False, sort_keys=True), score, max_score, __version__)
        con = self._open()
        try:
            con.execute("BEGIN IMMEDIATE")
            cur = con.execute(f"INSERT INTO events ({', '.join(_COLUMNS)}) VALUES "
                              f"({', '.join('?' * len(_COLUMNS))})", row)
            con.execute("COMMIT")
            return int(cur.lastrowid)
        except BaseException:
            if con.in_transaction:
                con.execute("ROLLBACK")
            raise
        finally:
            con.close()

    def events(self, learner: str | None = None, module: str | None = None) -> list[Event]:
        if not self.path.exists():
            return []
        con = self._open()
        try:
            sql = f"SELECT id, {', '.join(_COLUMNS)} FROM events WHERE 1=1"
            args: list[Any] = []
            if learner:
                sql += " AND learner = ?"
                args.append(learner)
            if module:
                sql += " AND module = ?"
                args.append(module)
            rows = con.execute(sql + " ORDER BY id", args).fetchall()
        finally:
            con.close()
        return [Event(r[0], r[1], r[2], r[3], r[4], r[5], r[6], r[7], json.loads(r[8]), r[9], r[10], r[11])
                for r in rows]

    def latest(self, learner: str | None = None, module: str | None = None) -> dict[tuple[str, str], Event]:
        """The last submission per (module, question)."""
        out: dict[tuple[str, str], Event] = {}
        for e in self.events(learner or current_learner(), module):
            out[(e.module, e.question_id)] = e
        return out

    def export(self, out: str | Path, learner: str | None = None) -> dict[str, Any]:
        """Write a schema-versioned submission file for the instructor; returns its content."""
        learner = learner or current_learner()
        events = self.events(learner)
        latest = {f"{m}/{q}": e.id for (m, q), e in self.latest(learner).items()}
        doc = {
            "schema": SUBMISSION_SCHEMA,
            "kit_version": __version__,
            "learner": learner,
            "exported_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            "events": [e.to_json() for e in events],
            "latest": latest,
        }
        path = Path(out)
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(path.name + ".tmp")
        tmp.write_text(json.dumps(doc, ensure_ascii=False, indent=1), encoding="utf-8")
        os.replace(tmp, path)
        return doc
