"""JSON Web Keys (RFC 7517) for the public half of a signing key, and the key id.

The `kid` is the key's JWK thumbprint (RFC 7638): a hash of its required
members, so the same key always has the same id and a verifier can check it.
"""

import hashlib
import json

from cryptography.hazmat.primitives.asymmetric import ec, ed25519, rsa
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from .jws import b64url, b64url_decode


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


# RFC 7518 §3.1: the key type each signing algorithm needs.
KEY_TYPES = {"RS256": "RSA", "ES256": "EC", "EdDSA": "OKP"}
MIN_RSA_BITS = 2048  # RFC 7518 §3.3: "a key of size 2048 bits or larger MUST be used"


def public_key(members: dict, alg: str):
    """The public key a JWK of someone else describes (RFC 7517 §4, RFC 7518 §6.2-6.3,
    RFC 8037 §2), checked to be of the type `alg` signs with. Raises ValueError otherwise."""
    kty = members.get("kty")
    if kty != KEY_TYPES.get(alg):
        raise ValueError(f"{alg} needs a key of type {KEY_TYPES.get(alg)}")
    if kty == "RSA":
        n, e = _member_int(members, "n"), _member_int(members, "e")
        if n.bit_length() < MIN_RSA_BITS:
            raise ValueError(f"an RSA key needs at least {MIN_RSA_BITS} bits")
        return rsa.RSAPublicNumbers(e, n).public_key()
    if kty == "EC":
        if members.get("crv") != "P-256":
            raise ValueError("ES256 needs a P-256 key")
        return ec.EllipticCurvePublicNumbers(
            _member_int(members, "x"), _member_int(members, "y"), ec.SECP256R1()
        ).public_key()
    if members.get("crv") != "Ed25519":
        raise ValueError("EdDSA here needs an Ed25519 key")
    return ed25519.Ed25519PublicKey.from_public_bytes(_member_bytes(members, "x"))


def _member_bytes(members: dict, name: str) -> bytes:
    value = members.get(name)
    if not isinstance(value, str) or not value:
        raise ValueError(f"the JWK member {name} is missing")
    return b64url_decode(value)


def _member_int(members: dict, name: str) -> int:
    return int.from_bytes(_member_bytes(members, name), "big")
