"""Checking that a JWT was signed by this server: the steps every token it reads back shares.

Access tokens (`access_tokens.py`, presented to a resource) and ID Tokens
(`id_token_hints.py`, sent back as `id_token_hint`) are both compact JWS
signed with the keys of the JWKS. Reading one back:
  1. It is a compact JWS: three base64url parts, a JSON header and payload.
  2. The `kid` names a key this server publishes (RFC 7517); an unknown kid fails.
  3. RFC8725-3.1 MUST: the `alg` is the one that key was made for. The
     allow-list is therefore one algorithm long, so `alg: none` and the
     HS256-signed-with-the-public-key confusion can never verify.
  4. The signature verifies with that key.
What the token is (its `typ`) and what it says (its claims) are the caller's to check.
"""

from cryptography.exceptions import InvalidSignature

from .jose import jws
from .keys import Keyring


class InvalidToken(Exception):
    """The token must not be trusted; the message says why (safe to show)."""


def verified(token: str, keyring: Keyring) -> tuple[dict, dict]:
    """(header, claims) of a JWS this server signed with a key it still publishes."""
    # 1. A compact JWS with JSON objects inside.
    try:
        header, claims, signing_input, signature = jws.decode_unverified(token)
    except ValueError:  # bad base64, bad JSON, bad UTF-8 all are ValueErrors
        raise InvalidToken("The token is not a well-formed JWT.") from None
    # 2. A key we publish.
    key = keyring.verification_key(str(header.get("kid", "")))
    if key is None:
        raise InvalidToken("The token was not signed by a key of this server.")
    algorithm, public_key = key
    # 3. The key's own algorithm, and no other.
    if header.get("alg") != algorithm.name:
        raise InvalidToken("The token's algorithm is not the one of its key.")
    # 4. The signature.
    try:
        algorithm.verify(public_key, signature, signing_input)
    except InvalidSignature:
        raise InvalidToken("The token's signature does not verify.") from None
    return header, claims
