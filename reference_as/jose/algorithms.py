"""JWS signing algorithms (RFC 7518 §3) and how to make a key for each.

Each algorithm is one entry: how to generate a key, sign bytes, verify bytes.
The server signs with one of them; a verifier accepts only the algorithm the key
was made for, which is what makes `alg: none` and the RS256-to-HS256 confusion
attack impossible (RFC 8725 §2.1 and §3.1).
"""

from collections.abc import Callable
from dataclasses import dataclass

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, padding, rsa
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature, encode_dss_signature


@dataclass(frozen=True)
class Algorithm:
    name: str
    generate: Callable[[], object]
    sign: Callable[[object, bytes], bytes]
    verify: Callable[[object, bytes, bytes], None]  # raises InvalidSignature


def _rs256_sign(key, data):
    return key.sign(data, padding.PKCS1v15(), hashes.SHA256())


def _rs256_verify(key, signature, data):
    key.verify(signature, data, padding.PKCS1v15(), hashes.SHA256())


def _es256_sign(key, data):
    # RFC 7518 §3.4: the signature is R || S, each 32 bytes, not DER.
    r, s = decode_dss_signature(key.sign(data, ec.ECDSA(hashes.SHA256())))
    return r.to_bytes(32, "big") + s.to_bytes(32, "big")


def _es256_verify(key, signature, data):
    if len(signature) != 64:
        raise InvalidSignature()
    der = encode_dss_signature(int.from_bytes(signature[:32], "big"), int.from_bytes(signature[32:], "big"))
    key.verify(der, data, ec.ECDSA(hashes.SHA256()))


def _eddsa_sign(key, data):
    return key.sign(data)


def _eddsa_verify(key, signature, data):
    key.verify(signature, data)


ALGORITHMS = {
    "RS256": Algorithm(
        "RS256", lambda: rsa.generate_private_key(public_exponent=65537, key_size=2048), _rs256_sign, _rs256_verify
    ),
    "ES256": Algorithm("ES256", lambda: ec.generate_private_key(ec.SECP256R1()), _es256_sign, _es256_verify),
    "EdDSA": Algorithm("EdDSA", ed25519.Ed25519PrivateKey.generate, _eddsa_sign, _eddsa_verify),
}
