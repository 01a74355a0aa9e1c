"""Promises the server cannot see being kept (or not yet), listed so that they are never
taken as passed (seed 000 "Security Details" and "Automatic Token Refresh").

- Encrypted storage: the client secret and the tokens are encrypted at rest: what a
  client keeps on its own disk never reaches the server.
- Nothing logged: a client's logs are its own.
- Refresh before expiry: observable in principle by a short-lifetime trap, which no
  scenario springs yet.
"""

from ..model import NOT_IN_SCENARIO, NOT_OBSERVABLE, SHOULD, Check, skipped


def never(reason: str, kind: str = NOT_OBSERVABLE):
    return lambda evidence: skipped(kind, reason)


CHECKS = (
    Check(
        "SEED000-encrypted-at-rest",
        "seed 000 (Encrypted Storage)",
        SHOULD,
        "the secret and tokens encrypted at rest",
        never("what the client stores never reaches the server"),
    ),
    Check(
        "SEED000-nothing-logged",
        "RFC 6750 §5.3; seed 000",
        SHOULD,
        "no token or secret in the client's logs",
        never("the client's logs never reach the server"),
    ),
    Check(
        "SEED000-refresh-before-expiry",
        "seed 000 (Automatic Token Refresh)",
        SHOULD,
        "the access token refreshed before it expires",
        never("needs the short-lifetime trap, which no scenario springs yet", NOT_IN_SCENARIO),
    ),
)
