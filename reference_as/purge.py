"""Housekeeping: delete what has expired, so the database does not grow without bound.

Codes, refresh tokens, grants and the revocation list are kept `purge_grace`
seconds past their expiry (a replay of an expired code is still recognised and
answered by revoking its grant during that time), then deleted. A grant
expires with the last token it issued, so a revoked grant is remembered as
long as any token of it could still be presented. `reference-as purge` runs it once; the server
runs it every `purge_interval` seconds in a background thread of each worker
(running it twice at once is harmless: each delete is one transaction).
"""

import logging
import threading

from .clock import Clock
from .config import Settings
from .policy import login_throttle
from .store import PurgeCutoffs, Store

log = logging.getLogger("reference_as.purge")


def purge(store: Store, settings: Settings, clock: Clock) -> dict[str, int]:
    now = clock.now()
    expired_before = now - settings.purge_grace
    return store.purge(
        PurgeCutoffs(
            expired_before=expired_before,
            sessions_before=now + 1,  # a session is over at its expires_at (sessions.py)
            failures_before=now - login_throttle.FORGET_AFTER,
        )
    )


def start_periodic(store: Store, settings: Settings, clock: Clock) -> threading.Thread:
    """A daemon thread that purges every `purge_interval` seconds until the process ends."""

    def loop():
        while not stop.wait(settings.purge_interval):
            try:
                counts = purge(store, settings, clock)
                log.info("purged %s", ", ".join(f"{n} {kind}" for kind, n in counts.items() if n) or "nothing")
            except Exception:
                log.exception("purge failed; will try again")

    stop = threading.Event()
    thread = threading.Thread(target=loop, name="reference-as-purge", daemon=True)
    thread.start()
    return thread
