"""SQLiteStore: the Store contract on the standard library's sqlite3.

The statements are SQLStore's (sql.py), shared with PostgresStore; this module
holds what is SQLite's own: the file, the connections, the transactions.

- Before it is written to, the file is checked, and a new one created 0600
  (`sqlite_file.py`): a bad file stops the server at start with one line.
- WAL journal, so readers never wait for the writer and several server
  processes can share one file; `busy_timeout` makes a writer wait its turn
  instead of failing. The log is kept small (`checkpoint`).
- One connection per process and thread, opened lazily: a connection is never
  carried across a fork (the production server forks its workers).
- Schema changes are numbered files in `migrations/` (schema.py), applied in
  order inside one transaction and recorded in `schema_version`, so later
  versions migrate an existing database instead of starting over; a database
  at a schema newer than the code is refused.
- Writes that touch several rows run in one `BEGIN IMMEDIATE` transaction,
  which takes SQLite's write lock before its first statement: nothing changes
  between its statements but what they do, so a conditional UPDATE (`redeem_code`,
  `rotate_refresh_token`) changes its row for exactly one of concurrent callers,
  in any process.
"""

import os
import sqlite3
import threading
import time
from contextlib import contextmanager
from pathlib import Path

from . import schema, sqlite_file
from .sql import SQLStore

BUSY_TIMEOUT_MS = 30_000  # how long a statement waits for another connection's lock

# An SQLite connection must not be used across a fork. Each process counts the forks
# that made it (a counter, not os.getpid(): that is a system call, and the connection
# is looked up several times per request), and a thread's connection opened under an
# older count is never used.
_forks = 0


def _count_fork() -> None:
    global _forks
    _forks += 1


os.register_at_fork(after_in_child=_count_fork)


class SQLiteStore(SQLStore):
    IntegrityError = sqlite3.IntegrityError

    def __init__(self, path: str | Path):
        self.path = Path(path)
        sqlite_file.prepare(self.path)
        self._local = threading.local()
        self._migrate()

    # -- connections and transactions -------------------------------------------------

    @property
    def _db(self) -> sqlite3.Connection:
        local = self._local
        if getattr(local, "forks", None) != _forks:
            conn = sqlite3.connect(
                self.path, isolation_level=None, timeout=BUSY_TIMEOUT_MS / 1000, check_same_thread=True
            )
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA synchronous=NORMAL")  # durable at each checkpoint; safe with WAL
            conn.execute("PRAGMA foreign_keys=ON")
            conn.execute(f"PRAGMA journal_size_limit={sqlite_file.WAL_LIMIT_BYTES}")  # a reset log is cut back to this
            local.conn, local.forks = conn, _forks
        return local.conn

    @contextmanager
    def _transaction(self):
        db = self._db
        db.execute("BEGIN IMMEDIATE")
        try:
            yield db
        except BaseException:
            db.execute("ROLLBACK")
            raise
        db.execute("COMMIT")

    def _migrate(self) -> None:
        with self._transaction() as db:
            schema.upgrade(db, str(self.path.absolute()))
            if db.execute("PRAGMA application_id").fetchone()[0] != sqlite_file.APPLICATION_ID:
                db.execute(f"PRAGMA application_id = {sqlite_file.APPLICATION_ID}")

    def tables(self) -> dict[str, list[str]]:
        names = self._db.execute("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")
        return {
            name: [column[1] for column in self._db.execute(f"PRAGMA table_info({name})")]
            for (name,) in names.fetchall()
        }

    def schema_version(self) -> int:
        return self._db.execute("SELECT max(version) FROM schema_version").fetchone()[0]

    def checkpoint(self) -> None:
        """Keep the write-ahead log small. SQLite's automatic checkpoints copy the log
        into the database after each 1000 pages, but the log starts over only when no
        reader still needs it, which under a burst of requests is seldom: it grew to
        44-137 MB in bursts of 15-30 s (`bench/experiments/wal_burst.py`) and never
        shrank. Past WAL_LIMIT_BYTES, a TRUNCATE checkpoint holds the writers back while the readers
        of older snapshots finish (at most CHECKPOINT_WAIT_MS: then it gives up until
        the next call), copies the log and empties it. Another connection's automatic
        checkpoint may hold the checkpoint lock for a moment: then it tries again."""
        try:
            size = os.path.getsize(f"{self.path}-wal")
        except FileNotFoundError:
            return
        if size <= sqlite_file.WAL_LIMIT_BYTES:
            return
        db = self._db
        db.execute(f"PRAGMA busy_timeout = {sqlite_file.CHECKPOINT_WAIT_MS}")
        try:
            for _ in range(sqlite_file.CHECKPOINT_TRIES):
                busy, log_frames, _ = db.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
                if not busy or log_frames != -1:  # done, or the readers took too long
                    return
                time.sleep(0.001)  # the checkpoint lock was taken
        finally:
            db.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")

    def close(self) -> None:
        if getattr(self._local, "forks", None) == _forks:
            self._local.conn.close()
        self._local = threading.local()
