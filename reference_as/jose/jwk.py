"""JSON Web Keys (RFC 7517) for the public half of a signing key, and the key id.

The `kid` is the key's JWK thumbprint (RFC 7638): a hash of its required
members, so the same key always has the same id and a verifier can check it.
"""

import hashlib
import json

from cryptography.hazmat.primitives.asymmetric import ec, ed25519, rsa
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from .jws import b64url


def _int(value: int, length: int | None = None) -> str:
    length = length or (value.bit_length() + 7) // 8
    return b64url(value.to_bytes(length, "big"))


def required_members(public_key) -> dict:
    """RFC 7518 §6 (RSA, EC) and RFC 8037 §2 (OKP): the members that define the key."""
    if isinstance(public_key, rsa.RSAPublicKey):
        numbers = public_key.public_numbers()
        return {"e": _int(numbers.e), "kty": "RSA", "n": _int(numbers.n)}
    if isinstance(public_key, ec.EllipticCurvePublicKey):
        numbers = public_key.public_numbers()
        return {"crv": "P-256", "kty": "EC", "x": _int(numbers.x, 32), "y": _int(numbers.y, 32)}
    if isinstance(public_key, ed25519.Ed25519PublicKey):
        return {"crv": "Ed25519", "kty": "OKP", "x": b64url(public_key.public_bytes(Encoding.Raw, PublicFormat.Raw))}
    raise TypeError(f"unsupported key type {type(public_key).__name__}")


def thumbprint(public_key) -> str:
    """RFC 7638 §3: SHA-256 over the required members, sorted, no whitespace."""
    canonical = json.dumps(required_members(public_key), sort_keys=True, separators=(",", ":"))
    return b64url(hashlib.sha256(canonical.encode()).digest())


def public_jwk(public_key, kid: str, alg: str) -> dict:
    """The entry of the JWKS (RFC 7517 §4): key members plus `kid`, `use: sig`, `alg`."""
    return {**required_members(public_key), "kid": kid, "use": "sig", "alg": alg}
