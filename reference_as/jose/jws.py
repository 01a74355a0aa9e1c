"""JWS Compact Serialization (RFC 7515 §7.1): BASE64URL(header) '.' BASE64URL(payload) '.' BASE64URL(signature).

Only what an authorization server signs with: a JSON object payload, a
protected header, one signature. Verification of incoming tokens (with its
algorithm allow-list) builds on `decode_unverified` and `Algorithm.verify`.
"""

import base64
import json

from .algorithms import Algorithm


def b64url(data: bytes) -> str:
    """RFC 7515 §2: base64url without padding."""
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def b64url_decode(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _json(value: dict) -> bytes:
    return json.dumps(value, separators=(",", ":")).encode()


def sign(header: dict, payload: dict, algorithm: Algorithm, private_key) -> str:
    """RFC 7515 §5.1: the signature covers ASCII(BASE64URL(header) '.' BASE64URL(payload))."""
    signing_input = b64url(_json(header)) + "." + b64url(_json(payload))
    return signing_input + "." + b64url(algorithm.sign(private_key, signing_input.encode("ascii")))


def decode_unverified(token: str) -> tuple[dict, dict, bytes, bytes]:
    """Split a compact JWS into (header, payload, signing input, signature).

    Raises ValueError for anything that is not three base64url parts with JSON
    objects in the first two. Nothing here is trusted until the signature is
    checked by the caller.
    """
    parts = token.split(".")
    if len(parts) != 3:
        raise ValueError("a compact JWS has three parts")
    header, payload = (json.loads(b64url_decode(part)) for part in parts[:2])
    if not isinstance(header, dict) or not isinstance(payload, dict):
        raise ValueError("header and payload must be JSON objects")
    return header, payload, (parts[0] + "." + parts[1]).encode("ascii"), b64url_decode(parts[2])
