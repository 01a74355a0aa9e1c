"""Random credentials, and how they are kept: hashed, compared in constant time.

What the server only ever *compares* (client secrets; later codes and refresh
tokens) is stored as a hash, never in clear (RFC 6749 §10.3 and §10.5 ask that
credentials be kept confidential; RFC 9700 §4.14 and §2.4 for codes and refresh
tokens). The values are 256-bit random strings, so a single SHA-256 is enough:
there is nothing to guess that a slow password hash would protect (passwords
chosen by people are another matter; they get scrypt).

RFC 6749 §10.10: the probability of an attacker guessing a generated credential
MUST be less than or equal to 2^(-128) and SHOULD be less than or equal to
2^(-160). 256 bits meets both.
"""

import hashlib
import hmac
import secrets

SECRET_BYTES = 32  # 256 bits


def new_secret() -> str:
    """A fresh 256-bit credential, URL-safe base64 without padding (43 characters)."""
    return secrets.token_urlsafe(SECRET_BYTES)


def hash_secret(value: str) -> str:
    """The stored form of a high-entropy credential: hex SHA-256."""
    return hashlib.sha256(value.encode()).hexdigest()


def secret_matches(presented: str, stored_hash: str) -> bool:
    """Compare in constant time (RFC 6749 §10.10 asks that guessing be infeasible;
    a timing side channel would make it feasible byte by byte)."""
    return hmac.compare_digest(hash_secret(presented), stored_hash)


def hint(value: str) -> str:
    """The last four characters, kept beside the hash so a masked secret can be
    recognised (24 of 256 bits: nothing useful to an attacker)."""
    return value[-4:]


def mask(value_hint: str | None) -> str:
    return "…" + value_hint if value_hint else ""
