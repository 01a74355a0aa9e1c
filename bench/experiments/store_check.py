"""Experiment (not part of `make bench`): what the damaged-page check costs at start.

Before the server writes to its store it runs `PRAGMA quick_check` (read-only, every
page: reference_as/store/sqlite_file.py). Here on the scale bench's store of a
million live grants (bench/scale.py `fill`): the check alone, three times
with the file in the page cache, then once from disk (the page cache dropped
through /proc/sys/vm/drop_caches, which needs root; skipped otherwise), and the
whole opening of the store (the checks, the migrations runner) with the file cached.

Run: .venv/bin/python bench/experiments/store_check.py   (about a minute)
"""

import os
import sqlite3
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from ours import prepared  # noqa: E402
from scale import fill  # noqa: E402

from reference_as.store import SQLiteStore  # noqa: E402

DROP_CACHES = Path("/proc/sys/vm/drop_caches")


def quick_check_ms(path: Path) -> float:
    db = sqlite3.connect(f"{path.absolute().as_uri()}?mode=ro", uri=True)
    try:
        started = time.perf_counter()
        assert db.execute("PRAGMA quick_check").fetchall() == [("ok",)]
        return (time.perf_counter() - started) * 1000
    finally:
        db.close()


def main() -> None:
    with prepared() as ours:
        filled = fill(ours)
        ours.close()
        path = ours.db_path
        print(
            f"store: {filled['live_grants']:,} grants with a refresh token each, {os.path.getsize(path) / 1e6:.0f} MB"
        )
        print("quick_check, file in the page cache:", ", ".join(f"{quick_check_ms(path):.0f} ms" for _ in range(3)))
        if os.access(DROP_CACHES, os.W_OK):
            os.sync()
            DROP_CACHES.write_text("3\n")
            print(f"quick_check, from disk: {quick_check_ms(path):.0f} ms")
        started = time.perf_counter()
        SQLiteStore(path).close()
        elapsed = (time.perf_counter() - started) * 1000
        print(f"opening the store (every check, the migrations runner): {elapsed:.0f} ms")


if __name__ == "__main__":
    main()
