"""Making DPoP proofs (RFC 9449 §4.2) for the checks: a key of the suite's own, its public JWK and
RFC 7638 thumbprint, and proofs signed with it, right or broken on purpose (§4.3 says what a server
must refuse). PyJWT signs, so the proofs are not the reference server's own JOSE code speaking."""

import base64
import hashlib
import json
import secrets
import time
from urllib.parse import urlsplit, urlunsplit

import jwt
from cryptography.hazmat.primitives.asymmetric import ec, rsa

TYPE = "dpop+jwt"
# The algorithms the suite signs with, by preference; a server's list decides (§5.1).
KEY_MAKERS = {
    "ES256": lambda: ec.generate_private_key(ec.SECP256R1()),
    "RS256": lambda: rsa.generate_private_key(public_exponent=65537, key_size=2048),
    "PS256": lambda: rsa.generate_private_key(public_exponent=65537, key_size=2048),
}
# RFC 7638 §3.2: the members of a thumbprint, by key type.
THUMBPRINT_MEMBERS = {"EC": ("crv", "kty", "x", "y"), "RSA": ("e", "kty", "n")}


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def htu_of(url: str) -> str:
    """RFC9449-4.2: the htu of a request to `url`: without query and fragment."""
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, parts.path, "", ""))


class ProofKey:
    """A key pair of the suite's, for one algorithm of those the server lists."""

    def __init__(self, algorithms: tuple[str, ...]):
        self.alg = next((alg for alg in KEY_MAKERS if alg in algorithms), None)
        if self.alg is None:
            raise ValueError(f"the suite signs DPoP proofs with {', '.join(KEY_MAKERS)}: none is listed")
        self.key = KEY_MAKERS[self.alg]()
        self.algorithm = jwt.get_algorithm_by_name(self.alg)

    def jwk(self, private: bool = False) -> dict:
        key = self.key if private else self.key.public_key()
        return json.loads(self.algorithm.to_jwk(key))

    @property
    def thumbprint(self) -> str:
        """RFC 7638 §3: base64url SHA-256 of the required members, sorted, without whitespace."""
        jwk = self.jwk()
        members = {name: jwk[name] for name in THUMBPRINT_MEMBERS[jwk["kty"]]}
        return b64url(hashlib.sha256(json.dumps(members, separators=(",", ":"), sort_keys=True).encode()).digest())

    def proof(self, method: str, url: str, **changes) -> str:
        """A proof for `method` `url`; `changes` override claims (htm, htu, iat, jti) or, prefixed
        `header_`, header members (header_typ, header_jwk)."""
        claims = {"htm": method, "htu": htu_of(url), "iat": int(time.time()), "jti": secrets.token_urlsafe(16)}
        header = {"typ": TYPE, "jwk": self.jwk()}
        for name, value in changes.items():
            if name.startswith("header_"):
                header[name.removeprefix("header_")] = value
            else:
                claims[name] = value
        return jwt.encode(claims, self.key, algorithm=self.alg, headers=header)

    def unsigned_proof(self, method: str, url: str, alg: str) -> str:
        """A proof whose alg is `none` (no signature) or a MAC (HS256, keyed with random bytes)."""
        claims = {"htm": method, "htu": htu_of(url), "iat": int(time.time()), "jti": secrets.token_urlsafe(16)}
        header = {"typ": TYPE, "jwk": self.jwk()}
        if alg == "none":
            return jwt.encode(claims, None, algorithm="none", headers=header)
        return jwt.encode(claims, secrets.token_bytes(32), algorithm=alg, headers=header)
