"""The SQLite store's file: checked before anything is written to it, kept private.

`prepare(path)` runs before the store opens its file for writing, and refuses
with one line (`StoreError`) what would otherwise start a server that answers
500, or change a file that is not ours:
  - a directory at the path; a file or a folder that cannot be read or written
    (SQLite writes `<name>-wal` and `<name>-shm` beside the database);
  - a file that is not an SQLite database (its first 16 bytes are not
    "SQLite format 3\\0", sqlite.org/fileformat.html §1.3), or that SQLite cannot read;
  - the database of another application: an `application_id` in its header that
    is not ours, or tables but not ours. It is left as it was: never switched to
    WAL, never given our tables;
  - a damaged page: `PRAGMA quick_check`, which reads every page of the file. On
    a store of a million access tokens (241 MB) it took 0.21-0.27 s with the file
    in the page cache and 3.4-3.9 s from disk (`bench/experiments/store_check.py`),
    once per start or command: cheap beside serving 500s.
The checks only read (`mode=ro`). A new database file is created 0600 and its
folder, when made here, 0700; an existing store's files are set to 0600 (they
hold password hashes and sealed keys). SQLite gives the `-wal` and `-shm` files
it creates the database file's mode.
"""

import os
import sqlite3
import stat
from pathlib import Path

from .base import StoreError

HEADER = b"SQLite format 3\x00"
# sqlite.org/pragma.html#pragma_application_id: a file format names itself in the
# header. Ours is the bytes "RfAS"; a store made before it was set has 0 there.
APPLICATION_ID = int.from_bytes(b"RfAS", "big")
OUR_TABLES = {"schema_version", "clients", "signing_keys"}
# The write-ahead log is held to about this size (SQLiteStore.checkpoint), which holds
# writers back at most CHECKPOINT_WAIT_MS each time and tries CHECKPOINT_TRIES times
# when another connection is checkpointing.
WAL_LIMIT_BYTES = 8 * 2**20
CHECKPOINT_WAIT_MS = 100
CHECKPOINT_TRIES = 50


def prepare(path: Path) -> None:
    """Check `path` for use as the store (StoreError if it cannot be), create it if absent."""
    shown = path.absolute()
    if path.is_dir():
        raise StoreError(f"the store {shown} is a directory, not a database file")
    folder = path.parent
    if not folder.exists():
        try:
            folder.mkdir(mode=0o700, parents=True)
        except OSError as error:
            raise StoreError(f"cannot create the store's folder {folder.absolute()}: {error.strerror}") from None
    if not folder.is_dir():
        raise StoreError(f"the store's folder {folder.absolute()} is a file")
    if not os.access(folder, os.W_OK | os.X_OK):
        raise StoreError(f"the store's folder {folder.absolute()} is read-only (SQLite writes {path.name}-wal there)")
    if not path.exists():
        _create(path)
        return
    if not os.access(path, os.R_OK):
        raise StoreError(f"the store {shown} cannot be read (permission denied)")
    if not os.access(path, os.W_OK):
        raise StoreError(f"the store {shown} is read-only")
    _inspect(path, shown)
    _restrict(path)


def _create(path: Path) -> None:
    try:
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    except FileExistsError:
        pass  # another process made it at the same moment


def _inspect(path: Path, shown: Path) -> None:
    """Read-only: is this an SQLite database, ours (or empty), and undamaged?"""
    with open(path, "rb") as file:
        header = file.read(len(HEADER))
    if not header:
        return  # an empty file: SQLite makes it a new database
    if header != HEADER:
        raise StoreError(f"the store {shown} is not an SQLite database")
    try:
        db = sqlite3.connect(f"{shown.as_uri()}?mode=ro", uri=True)
        try:
            application_id = db.execute("PRAGMA application_id").fetchone()[0]
            tables = {row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
            if application_id not in (0, APPLICATION_ID) or (tables and not OUR_TABLES <= tables):
                raise StoreError(
                    f"the store {shown} is the database of another application (tables: {', '.join(sorted(tables))}):"
                    " left untouched; choose another store path"
                )
            problems = db.execute("PRAGMA quick_check").fetchall()
        finally:
            db.close()
    except sqlite3.OperationalError as error:  # locked, cannot be opened
        raise StoreError(f"the store {shown} cannot be read: {error}") from None
    except sqlite3.DatabaseError as error:  # the header is SQLite's, what follows is not
        problems = [(str(error),)]
    if problems != [("ok",)]:
        raise StoreError(f"the store {shown} is damaged ({problems[0][0]}): restore it from a backup")


def _restrict(path: Path) -> None:
    """0600 for the database and its -wal and -shm files, where they are ours and open to others."""
    for file in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
        try:
            status = file.stat()
        except FileNotFoundError:
            continue
        if status.st_uid == os.geteuid() and stat.S_IMODE(status.st_mode) & 0o077:
            file.chmod(0o600)
