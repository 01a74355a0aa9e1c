"""JSON Web Keys (RFC 7517) for the public half of a signing key, and the key id.

The `kid` is the key's JWK thumbprint (RFC 7638): a hash of its required
members, so the same key always has the same id and a verifier can check it.
"""

import hashlib
import json

from cryptography.hazmat.primitives.asymmetric import ec, ed25519, rsa
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from .jws import b64url, b64url_decode

# RFC 7518 §6.1 and RFC 8037 §2: the key types and curves read, and the algorithm each signs with.
ALGORITHM_OF = {("RSA", None): "RS256", ("EC", "P-256"): "ES256", ("OKP", "Ed25519"): "EdDSA"}
PRIVATE_MEMBERS = ("d", "p", "q", "dp", "dq", "qi", "oth", "k")
MIN_RSA_BITS = 2048


class InvalidJwk(ValueError):
    """A JWK that is not a public key of a type read here; the message says why."""


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


def _uint(jwk: dict, name: str) -> int:
    value = jwk.get(name)
    if not isinstance(value, str) or not value:
        raise InvalidJwk(f"the key has no {name!r} member")
    try:
        return int.from_bytes(b64url_decode(value), "big")
    except ValueError:
        raise InvalidJwk(f"the key's {name!r} member is not base64url") from None


def algorithm_of(jwk: dict) -> str:
    """The one JWS algorithm the key signs with (RFC 7518 §3): RS256, ES256 or EdDSA."""
    kty, crv = jwk.get("kty"), jwk.get("crv")
    found = ALGORITHM_OF.get((kty, None if kty == "RSA" else crv))
    if found is None:
        raise InvalidJwk(f"a key of type {kty!r} (curve {crv!r}) is not read here; use RSA, EC P-256 or OKP Ed25519")
    return found


def public_key(jwk: dict, alg: str | None = None):
    """The `cryptography` public key of someone else's JWK (RFC 7517 §4, RFC 7518 §6,
    RFC 8037 §2), of the type `alg` signs with if it is given.
    Refused (InvalidJwk): private members (RFC 7517 §7.1: a public key set carries none),
    other key types, members missing or malformed, a point not on the curve, an RSA key
    under 2048 bits (RFC 7518 §3.3: "a key of size 2048 bits or larger MUST be used")."""
    if not isinstance(jwk, dict):
        raise InvalidJwk("a JWK is a JSON object")
    if any(name in jwk for name in PRIVATE_MEMBERS):
        raise InvalidJwk("the key carries private or symmetric key members; register the public key only")
    algorithm = algorithm_of(jwk)
    if alg is not None and algorithm != alg:
        raise InvalidJwk(f"{alg} needs another type of key than this {algorithm} key")
    try:
        if algorithm == "RS256":
            n = _uint(jwk, "n")
            if n.bit_length() < MIN_RSA_BITS:
                raise InvalidJwk(f"an RSA key needs at least {MIN_RSA_BITS} bits")
            return rsa.RSAPublicNumbers(_uint(jwk, "e"), n).public_key()
        if algorithm == "ES256":
            return ec.EllipticCurvePublicNumbers(_uint(jwk, "x"), _uint(jwk, "y"), ec.SECP256R1()).public_key()
        raw = b64url_decode(jwk.get("x") or "")
        return ed25519.Ed25519PublicKey.from_public_bytes(raw)
    except InvalidJwk:
        raise
    except ValueError as error:
        raise InvalidJwk(f"the key's members do not make a {algorithm} public key ({error})") from None
