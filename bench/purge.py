"""How long `purge` takes on a store of 100 000 expired and 1 000 live access tokens
(SQLite, a real file), and that it removes exactly the expired ones.

Run: .venv/bin/python bench/purge.py   (part of `make bench`)
"""

import tempfile
import time
from pathlib import Path

from reference_as.clock import ManualClock
from reference_as.config import Settings
from reference_as.purge import purge
from reference_as.store import SQLiteStore
from reference_as.store.sqlite import TOKEN_COLUMNS

EXPIRED, LIVE = 100_000, 1_000


def main() -> None:
    clock = ManualClock()
    settings = Settings(issuer="http://127.0.0.1:8000")
    now, old = clock.now(), clock.now() - settings.purge_grace - 3600
    with tempfile.TemporaryDirectory() as folder:
        store = SQLiteStore(Path(folder) / "purge.sqlite3")
        rows = [(f"old{n}", "c1", "s", "api:read", old - 3600, old, None, None) for n in range(EXPIRED)]
        rows += [(f"live{n}", "c1", "s", "api:read", now, now + 3600, None, None) for n in range(LIVE)]
        with store._transaction() as db:  # rows made directly: the bench times the purge, not the inserts
            db.executemany(f"INSERT INTO access_tokens ({TOKEN_COLUMNS}) VALUES (?,?,?,?,?,?,?,?)", rows)
        started = time.perf_counter()
        counts = purge(store, settings, clock)
        elapsed = time.perf_counter() - started
        remaining = store._db.execute("SELECT count(*) FROM access_tokens").fetchone()[0]
        store.close()
    assert counts["access_tokens"] == EXPIRED and remaining == LIVE, (counts, remaining)
    print(
        f"purge: {EXPIRED:,} expired + {LIVE:,} live access tokens -> deleted {counts['access_tokens']:,}, "
        f"kept {remaining:,}, in {elapsed * 1000:.0f} ms"
    )


if __name__ == "__main__":
    main()
