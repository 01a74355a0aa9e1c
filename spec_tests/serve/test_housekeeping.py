"""What each server process does in the background (reference_as/purge.py), seen in
the log of a real `reference-as serve`."""

import re
import time

from reference_as.store import SQLiteStore
from reference_as.store.records import Session

from .conftest import LiveServer


def test_the_periodic_purge_logs_what_it_deleted_with_counts_only(tmp_path):
    server = LiveServer(tmp_path, settings={"purge_interval": 1})
    try:
        store = SQLiteStore(tmp_path / "var" / "reference_as.sqlite3")  # the server's own file
        store.add_session(Session("expired-session-hash", None, 0, int(time.time()) - 10))
        store.close()
        deadline = time.monotonic() + 20
        while "sessions 1" not in server.log.read_text() and time.monotonic() < deadline:
            time.sleep(0.2)
        log = server.log.read_text()
        assert re.search(r"\[INFO\] reference_as\.purge: purge deleted: .*\bsessions 1\b", log), log
        assert "expired-session-hash" not in log
    finally:
        server.stop()
