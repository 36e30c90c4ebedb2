"""The SQLite store (`--state FILE`): a snapshot of the state plus the calls that changed it since.

Every recorded call is one row of `changes`, committed (its own transaction, WAL) before the call's
request is answered. Opening the file loads the snapshot, replays the rows after it in order, then
folds them into a new snapshot; one is also taken every `COMPACT_EVERY` changes, so a restart never
replays more than that. The file is created owner-only (0600: it holds API secrets).
"""

from __future__ import annotations

import json
import logging
import os
import sqlite3
from pathlib import Path
from typing import Any

from .base import Store
from .codec import Codec, fingerprint
from .recorder import Call, Recorder, Root, replay

SCHEMA_VERSION = 1
FORMAT = "bitget-mock state"
COMPACT_EVERY = 50_000
log = logging.getLogger("mock_exchange.store")

_SCHEMA = """
CREATE TABLE meta (name TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE snapshot (id INTEGER PRIMARY KEY CHECK (id = 1), last_change INTEGER NOT NULL,
                       clock TEXT NOT NULL, state BLOB NOT NULL);
CREATE TABLE changes (seq INTEGER PRIMARY KEY AUTOINCREMENT, call BLOB NOT NULL);  -- never reused
"""


class StateFileError(ValueError):
    """A state file this mock cannot use (the CLI prints it as one line and exits 2)."""


class SqliteStore(Store):
    def __init__(self, path: Path, synchronous: str = "NORMAL") -> None:
        self.path = Path(path)
        self.db = self._open(synchronous)
        self.since_snapshot = 0

    # -- opening ------------------------------------------------------------------------
    def _open(self, synchronous: str) -> sqlite3.Connection:
        path = self.path
        fresh = not path.exists() or path.stat().st_size == 0
        if fresh:
            # owner-only from the first byte; SQLite gives its -wal and -shm files the same mode
            os.close(os.open(path, os.O_CREAT | os.O_WRONLY, 0o600))
            os.chmod(path, 0o600)
        try:
            db = sqlite3.connect(path, isolation_level=None, check_same_thread=False, timeout=0)
            # One mock per file, holding it from its first write until it stops: a second one is refused
            # at once, and no transaction takes or drops file locks or keeps a shared-memory index
            # (~20-25 % of a durable order's time). Set before WAL, so that no -shm file is used.
            db.execute("PRAGMA locking_mode=EXCLUSIVE")
            db.execute("PRAGMA journal_mode=WAL")
            db.execute(f"PRAGMA synchronous={synchronous}")
            if fresh:
                self._create(db)
            else:
                self._check(db)
        except sqlite3.DatabaseError as exc:
            busy = getattr(exc, "sqlite_errorname", None) == "SQLITE_BUSY"  # another mock holds the file
            why = "in use by another process" if busy else "not a bitget-mock state file"
            raise StateFileError(f"--state {path}: {why} ({exc})") from None
        return db

    @staticmethod
    def _create(db: sqlite3.Connection) -> None:
        db.execute("BEGIN")
        for statement in filter(str.strip, _SCHEMA.split(";")):
            db.execute(statement)
        db.executemany("INSERT INTO meta VALUES (?, ?)", [("format", FORMAT), ("schema", str(SCHEMA_VERSION)),
                                                         ("state shape", fingerprint())])
        db.execute(f"PRAGMA user_version={SCHEMA_VERSION}")
        db.execute("COMMIT")

    def _check(self, db: sqlite3.Connection) -> None:
        version = db.execute("PRAGMA user_version").fetchone()[0]
        tables = {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        meta = dict(db.execute("SELECT name, value FROM meta").fetchall()) if "meta" in tables else {}
        if meta.get("format") != FORMAT:
            raise StateFileError(f"--state {self.path}: not a bitget-mock state file")
        if version != SCHEMA_VERSION:
            raise StateFileError(f"--state {self.path}: schema version {version}, this mock reads version "
                                 f"{SCHEMA_VERSION} only (no migration exists yet): use a new file")
        if meta.get("state shape") != fingerprint():
            raise StateFileError(f"--state {self.path}: written by a mock whose state has another shape "
                                 "(a different version): use a new file, or the version that wrote it")

    # -- the Store interface ------------------------------------------------------------
    def load(self, fresh: Root) -> Any:
        live = fresh.live_parts()
        clock = live["clock"]
        self.codec: Codec = Codec(live)
        row = self.db.execute("SELECT last_change, clock, state FROM snapshot WHERE id = 1").fetchone()
        if row is None:
            root: Any = fresh
        else:
            last, saved_clock, state = row
            try:
                root = self.codec.decode(state)
                clock.restore(*json.loads(saved_clock))
                calls = [Call(*self.codec.decode(blob)) for (blob,) in
                         self.db.execute("SELECT call FROM changes WHERE seq > ? ORDER BY seq", (last,))]
            except Exception as exc:  # unreadable content: refuse the file, never serve half of it
                raise StateFileError(f"--state {self.path}: cannot read its state ({exc})") from None
            for call in calls:
                replay(root, call)
            replayed = len(calls)
            log.info("state loaded from %s: snapshot and %d changes replayed", self.path, replayed)
        self.root = root
        self.recorder: Recorder = Recorder(root, self.codec.encode, self.write)
        self.snapshot()
        return root

    def write(self, call: bytes) -> None:
        try:
            self.db.execute("INSERT INTO changes (call) VALUES (?)", (call,))
        except sqlite3.Error as exc:  # memory and file would disagree from here on: stop serving
            log.critical("cannot write the state file %s: %s; stopping", self.path, exc)
            os._exit(70)
        self.since_snapshot += 1
        if self.since_snapshot >= COMPACT_EVERY:
            self.snapshot()

    def snapshot(self) -> None:
        """Replace the snapshot by the state as it is now, and drop the changes it includes (after `load`)."""
        self.recorder.detach()
        try:
            state = self.codec.encode(self.root)
        finally:
            self.recorder.attach()
        clock = json.dumps(self.root.components()["clock"].saved())
        db = self.db
        db.execute("BEGIN IMMEDIATE")
        last = db.execute("SELECT COALESCE(MAX(seq), 0) FROM changes").fetchone()[0]
        db.execute("INSERT OR REPLACE INTO snapshot VALUES (1, ?, ?, ?)", (last, clock, state))
        db.execute("DELETE FROM changes WHERE seq <= ?", (last,))
        db.execute("COMMIT")
        self.since_snapshot = 0

    def close(self) -> None:
        if hasattr(self, "recorder"):
            self.snapshot()
            self.recorder.detach()
        self.db.close()
