"""Forged access tokens, one per classic mistake a verifier can make (RFC 8725 §2).

Each forger takes a real token and the server's keyring (tests may read it: it
is the test's own server) and returns a token that must be refused.
"""

import base64
import hashlib
import hmac
import json

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from reference_as.jose import jws
from reference_as.jose.algorithms import ALGORITHMS


def _b64(data: dict | bytes) -> str:
    raw = data if isinstance(data, bytes) else json.dumps(data, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def _parts(token):
    header, claims, _, _ = jws.decode_unverified(token)
    return header, claims


def _resign(keyring, header, claims):
    kid, algorithm, private_key = keyring.signing_key()
    return jws.sign({**header, "kid": kid}, claims, algorithm, private_key)


def alg_none(token, keyring):
    header, claims = _parts(token)
    return _b64({**header, "alg": "none"}) + "." + _b64(claims) + "."


def hs256_with_the_public_key(token, keyring):
    """The RS256/HS256 confusion: HMAC keyed with the public key a verifier knows."""
    header, claims = _parts(token)
    _, _, private_key = keyring.signing_key()
    public_pem = private_key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    signing_input = _b64({**header, "alg": "HS256"}) + "." + _b64(claims)
    signature = hmac.new(public_pem, signing_input.encode(), hashlib.sha256).digest()
    return signing_input + "." + _b64(signature)


def flipped_signature_byte(token, keyring):
    head, body, signature = token.split(".")
    raw = bytearray(jws.b64url_decode(signature))
    raw[len(raw) // 2] ^= 0x01
    return f"{head}.{body}.{_b64(bytes(raw))}"


def unknown_kid(token, keyring):
    header, claims = _parts(token)
    stranger = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return jws.sign({**header, "kid": "not-a-key-of-this-server"}, claims, ALGORITHMS["RS256"], stranger)


def expired(token, keyring):
    header, claims = _parts(token)
    return _resign(keyring, header, {**claims, "iat": claims["iat"] - 7200, "exp": claims["iat"] - 3600})


def wrong_audience(token, keyring):
    header, claims = _parts(token)
    return _resign(keyring, header, {**claims, "aud": "https://another-api.example"})


def wrong_issuer(token, keyring):
    header, claims = _parts(token)
    return _resign(keyring, header, {**claims, "iss": "https://evil.example"})


def typ_jwt(token, keyring):
    header, claims = _parts(token)
    return _resign(keyring, {**header, "typ": "JWT"}, claims)


FORGERIES = [
    alg_none,
    hs256_with_the_public_key,
    flipped_signature_byte,
    unknown_kid,
    expired,
    wrong_audience,
    wrong_issuer,
    typ_jwt,
]
