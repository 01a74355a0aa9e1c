"""Scale: the token endpoint and introspection with a million live access tokens in
the SQLite store, against the same on a nearly empty store, measured in turn (empty, full, full, empty).

The rows are generated directly into the `access_tokens` table before the server
starts: one `executemany` in one transaction, on a connection of its own with a
large page cache and no syncing (the bench times the server, not the load). They
look like what the server writes: a 32-character random jti, issued within the
last 50 minutes and expiring an hour after issue (all live during the run), the
full scope; half from client credentials (100 clients, `sub` the client), half
from authorization grants (a grant id, 10,000 resource owners). The database size
per token is the growth of the file (after a WAL checkpoint) divided by the rows;
the indexes, made in one sort after the load, are packed: a store grown one
insert at a time is a few per cent larger.

BENCH_SCALE_TOKENS changes the count (default 1,000,000).
"""

import base64
import os
import sqlite3
import time

from flows import POOL_TOKENS, client_credentials, introspection, row
from harness import write_pool
from ours import Ours, prepared

from reference_as.store.sqlite import TOKEN_COLUMNS

LIVE_TOKENS = int(os.environ.get("BENCH_SCALE_TOKENS", "1000000"))
SCOPE = "api:read api:write api:admin api:superuser"
BATCH = 100_000  # random bytes are drawn per batch


def _size(db: sqlite3.Connection) -> int:
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return db.execute("PRAGMA page_count").fetchone()[0] * db.execute("PRAGMA page_size").fetchone()[0]


def _rows(count: int, now: int):
    for start in range(0, count, BATCH):
        size = min(BATCH, count - start)
        jtis = base64.urlsafe_b64encode(os.urandom(24 * size)).decode()  # 32 characters per 24 bytes
        for n in range(size):
            i = start + n
            issued = now - 3000 + i % 3000
            if i % 2:
                client = f"client-{i % 100:03d}"
                yield (jtis[32 * n : 32 * n + 32], client, client, SCOPE, issued, issued + 3600, None, None)
            else:
                grant, user = jtis[32 * n : 32 * n + 22][::-1], f"user-{i % 10_000:05d}"
                yield (jtis[32 * n : 32 * n + 32], "client-code", user, SCOPE, issued, issued + 3600, None, grant)


def fill(ours: Ours, count: int = LIVE_TOKENS) -> dict:
    """`count` live access-token rows in the store of `ours`; the time taken and bytes per token.
    The table's secondary indexes are dropped for the load and made again after it with the
    store's own definitions (sorting once is twice as fast as a million index inserts)."""
    db = sqlite3.connect(ours.db_path, isolation_level=None)
    try:
        db.execute("PRAGMA cache_size = -1000000")  # 1 GB of page cache for the load only
        db.execute("PRAGMA synchronous = OFF")
        before = _size(db)
        started = time.perf_counter()
        indexes = db.execute(
            "SELECT name, sql FROM sqlite_master "
            "WHERE type = 'index' AND tbl_name = 'access_tokens' AND sql IS NOT NULL"
        ).fetchall()
        db.execute("BEGIN")
        for name, _ in indexes:
            db.execute(f"DROP INDEX {name}")
        insert = f"INSERT INTO access_tokens ({TOKEN_COLUMNS}) VALUES (?,?,?,?,?,?,?,?)"
        db.executemany(insert, _rows(count, int(time.time())))
        for _, sql in indexes:
            db.execute(sql)
        db.execute("COMMIT")
        seconds = time.perf_counter() - started
        after = _size(db)
    finally:
        db.close()
    return {
        "live_tokens": count,
        "fill_seconds": round(seconds, 1),
        "database_bytes": after,
        "bytes_per_token": round((after - before) / count, 1),
    }


def at_scale(workers: int = 2) -> tuple[dict, list[dict]]:
    """(the fill's figures, rows): client credentials and introspection on a nearly empty
    store and on a full one, both servers running. Each is measured twice, in the order
    empty, full, full, empty, so that a drift of the machine's speed during the four runs
    favours neither store, and its better run is kept: better by the figure its target
    is about (issuance: requests/s; introspection: p99)."""
    filled = {}
    with (
        prepared("RS256") as empty,
        prepared("RS256", before=lambda ours: filled.update(fill(ours))) as full,
        empty.running(workers),
        full.running(workers),
    ):
        stores = ((empty, "nearly empty store"), (full, f"{filled['live_tokens']:,} live tokens"))
        # the tokens introspected, minted first: 1,000 more rows in each store
        pools = {
            ours.folder: write_pool(ours.folder / "tokens.txt", ours.access_tokens(POOL_TOKENS)) for ours, _ in stores
        }
        # (row, signs, measure, what makes a run better: the figure its target is about)
        measures = (
            ("client_credentials", True, client_credentials, lambda figures: figures["requests_per_s"]),
            ("introspection", False, lambda ours: introspection(ours, pools[ours.folder]), lambda f: -f["p99_ms"]),
        )
        rows = []
        for kind, signs, measure, better in measures:
            runs = [(store, measure(ours)) for ours, store in (*stores, *reversed(stores))]
            for _, store in stores:
                best = max((figures for name, figures in runs if name == store), key=better)
                rows.append(row(f"scale: {kind}, {store}", workers, "RS256", best, signs=signs))
    return filled, rows
