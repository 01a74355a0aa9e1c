"""The SQLite store's files: private to their owner, and a write-ahead log that
shrinks again after a burst (reference_as/store/sqlite_file.py, SQLiteStore.checkpoint)."""

import os
import sqlite3
import stat
import time

import pytest

from reference_as.clock import ManualClock
from reference_as.config import Settings
from reference_as.purge import start_periodic
from reference_as.store import SQLiteStore
from reference_as.store.records import User
from reference_as.store.sqlite_file import WAL_LIMIT_BYTES


@pytest.fixture
def usual_umask():
    """The umask most systems give a process (022: new files readable by everyone)."""
    previous = os.umask(0o022)
    yield
    os.umask(previous)


def mode(path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


def files_of(path):
    return [path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")]


def a_user(n: int, hash_size: int = 100) -> User:
    return User(f"id-{n}", f"user-{n}", "h" * hash_size, False, 0)


def test_a_new_store_its_log_and_its_index_are_0600_and_its_new_folder_0700(tmp_path, usual_umask):
    path = tmp_path / "var" / "store.sqlite3"
    store = SQLiteStore(path)
    store.add_user(a_user(1))  # the -wal and -shm files exist while a connection is open
    assert [mode(file) for file in files_of(path)] == [0o600, 0o600, 0o600]
    assert mode(path.parent) == 0o700
    store.close()


def test_a_store_made_readable_by_everyone_is_made_0600_when_opened(tmp_path, usual_umask):
    path = tmp_path / "store.sqlite3"
    store = SQLiteStore(path)
    store.add_user(a_user(1))
    for file in files_of(path):
        file.chmod(0o644)  # as a version that did not restrict them left them
    again = SQLiteStore(path)
    assert [mode(file) for file in files_of(path)] == [0o600, 0o600, 0o600]
    again.close()
    store.close()


def test_the_write_ahead_log_is_emptied_within_seconds_once_a_burst_is_over(tmp_path):
    path = tmp_path / "store.sqlite3"
    store = SQLiteStore(path)
    stop = start_periodic(store, Settings(issuer="http://127.0.0.1:8000"), ManualClock())  # as each worker does
    try:
        # A reader on an old snapshot (a long request, another process) keeps SQLite's own
        # checkpoints from starting the log over: every write makes it longer.
        reader = sqlite3.connect(path, isolation_level=None)
        reader.execute("BEGIN")
        reader.execute("SELECT count(*) FROM users").fetchone()
        n = 0
        while os.path.getsize(f"{path}-wal") <= 2 * WAL_LIMIT_BYTES:
            store.add_user(a_user(n, hash_size=3000))
            n += 1
        reader.execute("ROLLBACK")
        reader.close()
        deadline = time.monotonic() + 15
        while os.path.getsize(f"{path}-wal") > WAL_LIMIT_BYTES and time.monotonic() < deadline:
            time.sleep(0.1)
        assert os.path.getsize(f"{path}-wal") <= WAL_LIMIT_BYTES
        assert store.get_user_by_name(f"user-{n - 1}")  # nothing lost: copied into the database
    finally:
        stop.set()
        store.close()
