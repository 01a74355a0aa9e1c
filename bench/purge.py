"""How long `purge` takes on a store of 100 000 expired grants (each with its refresh token,
and as many entries on the revocation list) beside 1 000 live ones (SQLite, a real file),
and that it removes exactly the expired rows.

Access tokens are not recorded when issued (DESIGN.md): what a purge clears is the grants
whose last token has expired, their refresh tokens, and the revocation list's jtis past
their token's expiry.

Run: .venv/bin/python bench/purge.py   (part of `make bench`)
"""

import tempfile
import time
from pathlib import Path

from reference_as.clock import ManualClock
from reference_as.config import Settings
from reference_as.purge import purge
from reference_as.store import SQLiteStore
from reference_as.store.records import Grant, RefreshToken
from reference_as.store.sqlite import GRANT_COLUMNS, REFRESH_COLUMNS, _grant_values, _insert, _refresh_values

EXPIRED, LIVE = 100_000, 1_000
KINDS = ("grants", "refresh_tokens", "revoked_tokens")


def fill(store: SQLiteStore, prefix: str, count: int, issued: int, expires: int) -> None:
    """`count` grants ending at `expires`, each with a refresh token and a revoked jti
    (made directly in one transaction: the bench times the purge, not the inserts)."""
    with store._transaction() as db:
        for n in range(count):
            grant = Grant(f"{prefix}{n}", "c1", "u1", "api:read", issued, expires + 86400, expires)
            _insert(db, "grants", GRANT_COLUMNS, _grant_values(grant))
            token = RefreshToken(f"{prefix}-refresh{n}", grant.grant_id, issued, expires)
            _insert(db, "refresh_tokens", REFRESH_COLUMNS, _refresh_values(token))
            db.execute("INSERT INTO revoked_tokens (jti, expires_at) VALUES (?, ?)", (f"{prefix}-jti{n}", expires))


def main() -> None:
    clock = ManualClock()
    settings = Settings(issuer="http://127.0.0.1:8000")
    now, old = clock.now(), clock.now() - settings.purge_grace - 3600
    with tempfile.TemporaryDirectory() as folder:
        store = SQLiteStore(Path(folder) / "purge.sqlite3")
        fill(store, "old", EXPIRED, old - 3600, old)
        fill(store, "live", LIVE, now, now + 3600)
        started = time.perf_counter()
        counts = purge(store, settings, clock)
        elapsed = time.perf_counter() - started
        remaining = {kind: store._db.execute(f"SELECT count(*) FROM {kind}").fetchone()[0] for kind in KINDS}
        store.close()
    assert all(counts[kind] == EXPIRED and remaining[kind] == LIVE for kind in KINDS), (counts, remaining)
    print(
        f"purge: {EXPIRED:,} expired + {LIVE:,} live grants (each with a refresh token and a revoked jti) -> "
        f"deleted {EXPIRED:,} of each, kept {LIVE:,} of each, in {elapsed * 1000:.0f} ms"
    )


if __name__ == "__main__":
    main()
