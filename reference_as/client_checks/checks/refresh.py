"""Refreshing (RFC 6749 §6, RFC 9700 §4.14.2).

RFC 9700 §4.14.2: this server rotates refresh tokens: each refresh answers a new one
and spends the old, and an old one presented again is taken for a stolen copy: its
whole grant is revoked. A client keeps only the newest refresh token and never
sends a rotated one (the rule binds the server; for the client it is a SHOULD
by our reading: reuse costs it the grant).
"""

from ..model import SHOULD, Check, each


def newest_only(evidence):
    refreshes = [e for e in evidence.kind("token") if e["grant_type"] == "refresh_token"]
    return each(refreshes, lambda e: not e["refresh_rotated_before"], "refreshes", "a rotated refresh token sent again")


CHECKS = (
    # RFC9700-4.14.2 (rotation): the client sends only the newest refresh token.
    Check(
        "RFC9700-4.14.2-newest-refresh-token", "RFC 9700 §4.14.2", SHOULD, "only the newest refresh token", newest_only
    ),
)
