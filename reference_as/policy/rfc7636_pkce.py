"""Proof Key for Code Exchange (RFC 7636), with RFC 9700's rules for using it.

- RFC7636-4.1: a `code_verifier` is 43 to 128 characters of [A-Z a-z 0-9 - . _ ~].
- RFC7636-4.2: S256 is BASE64URL(SHA256(ASCII(code_verifier))); `plain` is the
  verifier itself. A challenge is therefore also 43 to 128 of those characters.
- RFC7636-4.3: with no `code_challenge_method` the method is `plain`. Since
  `plain` is refused unless allowed (RFC 9700 §2.1.1: use S256), a request that
  omits the method is refused too, rather than silently downgraded.
- RFC7636-4.4.1 / RFC9700-2.1.1: PKCE is required for public clients, and by
  default for confidential ones.
- RFC7636-4.6: a verifier that does not match is `invalid_grant`.
- RFC9700-4.8.2: a verifier presented for a code issued without a challenge is
  refused (the PKCE downgrade attack).
"""

import base64
import hashlib
import hmac
import re

S256 = "S256"
PLAIN = "plain"
VERIFIER = re.compile(r"[A-Za-z0-9\-._~]{43,128}")


def methods_allowed(allow_plain: bool) -> tuple[str, ...]:
    return (S256, PLAIN) if allow_plain else (S256,)


def well_formed(value: str) -> bool:
    """RFC7636-4.1 / 4.2: the syntax of a verifier, and of a challenge."""
    return VERIFIER.fullmatch(value) is not None


def s256(verifier: str) -> str:
    digest = hashlib.sha256(verifier.encode("ascii")).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


def matches(verifier: str, challenge: str, method: str) -> bool:
    """RFC7636-4.6: transform the verifier by the method and compare, in constant time."""
    expected = s256(verifier) if method == S256 else verifier
    return hmac.compare_digest(expected.encode(), challenge.encode())
