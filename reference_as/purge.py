"""Housekeeping: delete what has expired, so the database does not grow without bound.

Codes, refresh tokens, grants and the revocation list are kept `purge_grace`
seconds past their expiry (a replay of an expired code is still recognised and
answered by revoking its grant during that time), then deleted. A grant
expires with the last token it issued, so a revoked grant is remembered as
long as any token of it could still be presented. Clients that arrived
unannounced (RFC 7591, metadata documents) and were given no token for
`unused_client_ttl` seconds are deleted too, each by name in the log: anyone
may make such a client, so they must not pile up. `reference-as purge` runs it once; the server
runs it every `purge_interval` seconds in a background thread of each worker
(running it twice at once is harmless: each delete is one transaction). Each
purge logs, at INFO, how many rows of each kind it deleted (counts only, never
a value). DPoP proofs (RFC 9449 §11.1) are deleted as soon as their iat leaves
the window, with no grace: a late replay is refused by its iat. The same thread
keeps the store's journal small after a burst of writes (`Store.checkpoint`),
every CHECKPOINT_SECONDS.
"""

import logging
import threading
import time

from .clock import Clock
from .config import Settings
from .policy import login_throttle
from .store import PurgeCutoffs, Store, StoreUnavailable
from .store.records import METADATA_DOCUMENT, RFC7591
from .trace import printable

UNANNOUNCED = (RFC7591, METADATA_DOCUMENT)

log = logging.getLogger("reference_as.purge")

CHECKPOINT_SECONDS = 0.1


def purge(store: Store, settings: Settings, clock: Clock) -> dict[str, int]:
    now = clock.now()
    expired_before = now - settings.purge_grace
    counts = store.purge(
        PurgeCutoffs(
            expired_before=expired_before,
            sessions_before=now + 1,  # a session is over at its expires_at (sessions.py)
            failures_before=now - login_throttle.FORGET_AFTER,
            # RFC 9449 §11.1: a proof past its window is refused by its iat; no grace is needed.
            dpop_proofs_before=now,
        )
    )
    unused = store.delete_unused_clients(UNANNOUNCED, now - settings.unused_client_ttl, now)
    for client_id in unused:
        log.info(
            "deleted the client %s: it arrived unannounced and was given no token for %d s",
            printable(client_id),
            settings.unused_client_ttl,
        )
    counts = {**counts, "unused_clients": len(unused)}
    store.checkpoint()  # the deletes themselves may have filled the journal
    log.info("purge deleted: %s", ", ".join(f"{kind.replace('_', ' ')} {n}" for kind, n in counts.items()))
    return counts


def start_periodic(store: Store, settings: Settings, clock: Clock) -> threading.Event:
    """A daemon thread that purges every `purge_interval` seconds, and checkpoints the
    store every CHECKPOINT_SECONDS, until the process ends or the event returned is set."""

    def loop():
        next_purge = time.monotonic() + settings.purge_interval
        while not stop.wait(CHECKPOINT_SECONDS):
            try:
                store.checkpoint()
                if time.monotonic() >= next_purge:
                    next_purge = time.monotonic() + settings.purge_interval
                    purge(store, settings, clock)
            except StoreUnavailable as error:  # the database is away: no bug, no traceback
                log.warning("housekeeping skipped: %s; will try again", error)
            except Exception:
                log.exception("housekeeping failed; will try again")

    stop = threading.Event()
    threading.Thread(target=loop, name="reference-as-purge", daemon=True).start()
    return stop
