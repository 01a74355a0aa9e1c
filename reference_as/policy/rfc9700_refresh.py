"""Refresh token rotation and reuse detection (RFC 9700 §4.14.2, RFC 6749 §6, §10.4).

Each use of a refresh token rotates it: the client gets a new one and the old
one is spent. If a spent token is presented again, either the client or an
attacker holds a stolen copy, and the server cannot tell which: it revokes the
whole family (every refresh and access token of the grant), so the attacker's
copy dies with the legitimate one.

An optional grace window (`refresh_token_reuse_grace` seconds, default 0: off)
lets a just-rotated token be presented once more, for a client that lost the
response carrying its successor.
"""

from enum import Enum

from ..store.records import Grant, RefreshToken


class Verdict(Enum):
    VALID = "valid"  # unused, alive: rotate it and issue
    GRACE = "grace"  # spent moments ago, inside the grace window: may be used once more
    REUSED = "reused"  # spent: revoke the family
    DEAD = "dead"  # unknown, expired or revoked: invalid_grant, nothing else happens


def judge(found: tuple[RefreshToken, Grant] | None, client_id: str, now: int, grace: int) -> Verdict:
    """`found`: the token and its grant, as the store hands them out."""
    if found is None:
        return Verdict.DEAD
    token, grant = found
    # RFC6749-6 MUST: the refresh token is bound to the client it was issued to.
    if grant.client_id != client_id or grant.revoked_at is not None:
        return Verdict.DEAD
    # Expired, or its grant reached its absolute end (`grant_max_lifetime`).
    if token.expires_at <= now or grant.ends_at <= now:
        return Verdict.DEAD
    if token.rotated_at is None:
        return Verdict.VALID
    # RFC9700-4.14.2: a rotated token presented again is reuse ...
    if grace and now - token.rotated_at <= grace and not token.grace_used:
        return Verdict.GRACE  # ... unless the configured grace allows one more presentation.
    return Verdict.REUSED
