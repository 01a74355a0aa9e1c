"""The token-life traps' verdicts (seed 000 "Automatic Token Refresh"; `../traps.py` springs them).

- Refresh before expiry: "The plugin automatically refreshes the access token using
  the refresh token before it expires." Under the `short` trap each token is announced
  to live SHORT_LIFE seconds (RFC 6749 §5.1 `expires_in`) and refused past that: a
  client that keeps it refreshes in time and never sends one whose announced life is over.
- One retry after a 401: "If a request fails with a 401 (Unauthorized) error, the
  plugin will attempt to refresh the token and retry the request once" (RFC 6750 §3.1
  lets a client that gets `invalid_token` ask for a new token and retry): after the
  one 401 of the `401` trap, a refresh, then one call again.
Both are promises of the seed, not keywords of an RFC: SHOULD.
"""

from ..model import NO_EVIDENCE, SHOULD, Check, met, skipped, unmet
from ..scenarios import REFUSED_ONCE, SHORT_LIVED
from .traps import not_sprung_here


def refreshed_in_time(evidence):
    if outside := not_sprung_here(evidence, SHORT_LIVED):
        return outside
    calls = [e for e in evidence.kind("resource") if e["token_hash"]]
    late = [e for e in calls if e["past_announced_life"]]
    if late:
        return unmet(f"{len(late)} calls sent a token past its announced expiry", late)
    issued = {e["access_token_hash"]: e for e in evidence.kind("token") if e["access_token_hash"]}
    refreshes = [e for e in evidence.kind("token") if e["grant_type"] == "refresh_token" and e["status"] == 200]
    # Refreshed in time: a call with a token, then a refresh while that token still had life.
    in_time = [
        r
        for r in refreshes
        if any(
            c.seq < r.seq and c["token_hash"] in issued and r.at < issued[c["token_hash"]]["expires_at"] for c in calls
        )
    ]
    if not in_time:
        return skipped(NO_EVIDENCE, "no refresh yet of a token in use: keep using the client past the token's life")
    return met(f"refreshed before expiry ({len(in_time)} times), never a call with an expired token", in_time)


def retried_once(evidence):
    if outside := not_sprung_here(evidence, REFUSED_ONCE):
        return outside
    trapped = [e for e in evidence.kind("resource") if e["trap"] == REFUSED_ONCE]
    if not trapped:
        return skipped(NO_EVIDENCE, "not sprung yet: it waits for a resource call with a valid token")
    after = [e for e in evidence.events if e.seq > trapped[0].seq]
    calls = [e for e in after if e.kind == "resource"]
    refreshes = [e for e in after if e.kind == "token" and e["grant_type"] == "refresh_token"]
    if not calls:
        return skipped(NO_EVIDENCE, f"refused at #{trapped[0].seq}: the client has not called the resource again")
    if not refreshes or refreshes[0].seq > calls[0].seq:
        return unmet(
            f"after the 401 at #{trapped[0].seq} the client called again without refreshing", [*trapped, calls[0]]
        )
    return met(
        f"after the 401 at #{trapped[0].seq}: a refresh, then one call again", [trapped[0], refreshes[0], calls[0]]
    )


CHECKS = (
    # SEED000 refresh before expiry.
    Check(
        "SEED000-refresh-before-expiry",
        "seed 000 (Automatic Token Refresh); RFC 6749 §5.1",
        SHOULD,
        "the access token refreshed before it expires",
        refreshed_in_time,
    ),
    # SEED000 (RFC 6750 §3.1 MAY): after a 401 invalid_token, refresh and retry once.
    Check(
        "SEED000-retry-once-after-401",
        "seed 000 (Automatic Token Refresh); RFC 6750 §3.1",
        SHOULD,
        "after a 401, one refresh and one retry",
        retried_once,
    ),
)
