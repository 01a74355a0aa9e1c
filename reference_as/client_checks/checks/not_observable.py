"""Promises the server cannot see being kept, listed so that they are never taken as
passed (seed 000 "Security Details").

- Encrypted storage: the client secret and the tokens are encrypted at rest: what a
  client keeps on its own disk never reaches the server.
- Nothing logged: a client's logs are its own.
"""

from ..model import NOT_OBSERVABLE, SHOULD, Check, skipped


def never(reason: str):
    return lambda evidence: skipped(NOT_OBSERVABLE, reason)


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
)
