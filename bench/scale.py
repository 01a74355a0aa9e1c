"""Scale: the token endpoint and introspection with a million live grants in the
SQLite store, against the same on a nearly empty store, measured in turn (empty,
full, full, empty).

Access tokens are not recorded (DESIGN.md); what grows with use is the grants,
their refresh tokens and the revocation list. The rows are generated directly
into the `grants` and `refresh_tokens` tables before the server starts, and
into `revoked_tokens` (one revoked access token for every ten grants): one
`executemany` per table in one transaction, on a connection of its own with a
large page cache and no syncing (the bench times the server, not the load).
They look like what the server writes: random 22-character grant ids and
SHA-256 hex token hashes, 10,000 resource owners of 100 clients, made within
the last 50 minutes, live for days. The database size per grant is the growth
of the file (after a WAL checkpoint) divided by the grants; the indexes, made
in one sort after the load, are packed: a store grown one insert at a time is a
few per cent larger.

BENCH_SCALE_GRANTS changes the count (default 1,000,000).
"""

import base64
import os
import sqlite3
import time

from flows import POOL_TOKENS, client_credentials, introspection, row
from harness import write_pool
from ours import Ours, prepared

from reference_as.store.sql import GRANT_COLUMNS, REFRESH_COLUMNS

LIVE_GRANTS = int(os.environ.get("BENCH_SCALE_GRANTS", "1000000"))
TABLES = ("grants", "refresh_tokens", "revoked_tokens")
SCOPE = "api:read api:write api:admin api:superuser"
BATCH = 100_000  # random bytes are drawn per batch


def _size(db: sqlite3.Connection) -> int:
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return db.execute("PRAGMA page_count").fetchone()[0] * db.execute("PRAGMA page_size").fetchone()[0]


def _random_ids(count: int, length: int):
    for start in range(0, count, BATCH):
        size = min(BATCH, count - start)
        text = base64.urlsafe_b64encode(os.urandom((length * 3 + 3) // 4 * size)).decode()
        yield from (text[length * n : length * n + length] for n in range(size))


def _grants(count: int, now: int):
    for i, grant_id in enumerate(_random_ids(count, 22)):
        made = now - 3000 + i % 3000
        yield (
            grant_id,
            f"client-{i % 100:03d}",
            f"user-{i % 10_000:05d}",
            SCOPE,
            made,
            made + 30 * 86400,
            made + 14 * 86400,
            None,
        )


def _refresh_tokens(grant_ids: list[str], now: int):
    for grant_id, token_hash in zip(grant_ids, (os.urandom(32).hex() for _ in grant_ids), strict=True):
        yield (token_hash, grant_id, now - 100, now + 14 * 86400, None, 0)


def fill(ours: Ours, count: int = LIVE_GRANTS) -> dict:
    """`count` live grants (each with a refresh token) and `count // 10` revoked access
    tokens in the store of `ours`; the time taken and bytes per grant. The tables'
    secondary indexes are dropped for the load and made again after it with the store's
    own definitions (sorting once is twice as fast as a million index inserts)."""
    db = sqlite3.connect(ours.db_path, isolation_level=None)
    now = int(time.time())
    try:
        db.execute("PRAGMA cache_size = -1000000")  # 1 GB of page cache for the load only
        db.execute("PRAGMA synchronous = OFF")
        before = _size(db)
        started = time.perf_counter()
        indexes = db.execute(
            f"SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL AND tbl_name IN {TABLES}"
        ).fetchall()
        db.execute("BEGIN")
        for name, _ in indexes:
            db.execute(f"DROP INDEX {name}")
        grants = list(_grants(count, now))
        db.executemany(f"INSERT INTO grants ({GRANT_COLUMNS}) VALUES (?,?,?,?,?,?,?,?)", grants)
        refresh = _refresh_tokens([grant[0] for grant in grants], now)
        db.executemany(f"INSERT INTO refresh_tokens ({REFRESH_COLUMNS}) VALUES (?,?,?,?,?,?)", refresh)
        revoked = ((jti, now + 3600) for jti in _random_ids(count // 10, 32))
        db.executemany("INSERT INTO revoked_tokens (jti, expires_at) VALUES (?, ?)", revoked)
        for _, sql in indexes:
            db.execute(sql)
        db.execute("COMMIT")
        seconds = time.perf_counter() - started
        after = _size(db)
    finally:
        db.close()
    return {
        "live_grants": count,
        "fill_seconds": round(seconds, 1),
        "database_bytes": after,
        "bytes_per_grant": round((after - before) / count, 1),
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
        stores = ((empty, "nearly empty store"), (full, f"{filled['live_grants']:,} live grants"))
        # the tokens introspected, minted first (naming one grant each)
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
