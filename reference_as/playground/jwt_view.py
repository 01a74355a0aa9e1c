"""The access token, opened: its header, its claims, and whether its signature verifies.

A JWT access token (RFC 9068) is readable by anyone who holds it; what makes it
trustworthy is the signature, checked here the way a resource server checks
it (RFC 9068 §4, RFC 8725 §3.1): the key is the JWKS entry named by the
header's `kid`, and the algorithm is that key's own, never the one the token
claims for itself. Signing and verifying are the project's own
(`reference_as/jose`); only the step from a JWK to a public key is added here.
"""

from dataclasses import dataclass

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, rsa

from ..clock import readable
from ..jose import jws
from ..jose.algorithms import ALGORITHMS


@dataclass(frozen=True)
class Verdict:
    verified: bool
    reason: str  # what was checked, in a sentence


def _number(text: str) -> int:
    return int.from_bytes(jws.b64url_decode(text), "big")


def public_key(jwk: dict):
    """RFC 7518 §6.2-6.3 (EC, RSA) and RFC 8037 §2 (OKP): the public key a JWK describes."""
    kty = jwk.get("kty")
    if kty == "RSA":
        return rsa.RSAPublicNumbers(_number(jwk["e"]), _number(jwk["n"])).public_key()
    if kty == "EC" and jwk.get("crv") == "P-256":
        return ec.EllipticCurvePublicNumbers(_number(jwk["x"]), _number(jwk["y"]), ec.SECP256R1()).public_key()
    if kty == "OKP" and jwk.get("crv") == "Ed25519":
        return ed25519.Ed25519PublicKey.from_public_bytes(jws.b64url_decode(jwk["x"]))
    raise ValueError(f"a key of type {kty!r} is not supported here")


def verify(header: dict, signing_input: bytes, signature: bytes, jwks: dict | None) -> Verdict:
    kid = header.get("kid")
    keys = (jwks or {}).get("keys", [])
    jwk = next((key for key in keys if isinstance(key, dict) and key.get("kid") == kid), None)
    if jwk is None:
        return Verdict(False, "cannot be checked: no key in the JWKS has this kid")
    algorithm = ALGORITHMS.get(jwk.get("alg", ""))
    if algorithm is None or header.get("alg") != algorithm.name:
        return Verdict(False, f"refused: the token's alg {header.get('alg')!r} is not its key's ({jwk.get('alg')!r})")
    try:
        algorithm.verify(public_key(jwk), signature, signing_input)
    except (InvalidSignature, ValueError, KeyError):
        return Verdict(False, "does NOT verify with the JWKS key its kid names")
    return Verdict(True, f"verified with the JWKS key its kid names, by that key's algorithm {algorithm.name}")


@dataclass(frozen=True)
class OpenedToken:
    header: dict
    claims: dict
    verdict: Verdict


def open_token(token: str, jwks: dict | None) -> OpenedToken | None:
    """None when the token is not a JWT (an opaque token: ask introspection what it carries)."""
    try:
        header, claims, signing_input, signature = jws.decode_unverified(token)
    except ValueError:  # bad base64, bad JSON, bad UTF-8
        return None
    return OpenedToken(header, claims, verify(header, signing_input, signature, jwks))


def when(timestamp) -> str:
    """A NumericDate (RFC 7519 §2) as people read it."""
    if not isinstance(timestamp, int | float):
        return "-"
    return readable(timestamp)
