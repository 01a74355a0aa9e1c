"""Clients that authenticate with a signed JWT (RFC 7523 §2.2, `private_key_jwt`), and
their assertions, made with PyJWT: an independent JOSE library, so that what the
server accepts is what another implementation produces."""

import json
import secrets
import time

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, rsa

ASSERTION_TYPE = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
KEY_MAKERS = {
    "RS256": lambda: rsa.generate_private_key(public_exponent=65537, key_size=2048),
    "ES256": lambda: ec.generate_private_key(ec.SECP256R1()),
    "EdDSA": ed25519.Ed25519PrivateKey.generate,
}


class Signer:
    """A client's private key and the public JWK Set it registers."""

    def __init__(self, alg: str = "ES256", kid: str | None = None):
        self.alg = alg
        self.private_key = KEY_MAKERS[alg]()
        self.kid = kid or secrets.token_hex(4)
        jwk = jwt.get_algorithm_by_name(alg).to_jwk(self.private_key.public_key(), as_dict=True)
        self.jwk = {**jwk, "kid": self.kid, "use": "sig", "alg": alg}

    def jwks(self) -> dict:
        return {"keys": [self.jwk]}

    def assertion(self, client_id: str, aud: str, *, lifetime: int = 60, headers: dict | None = None, **claims) -> str:
        """RFC 7523 §3: iss = sub = client_id, aud, exp, iat, jti; `claims` override or (None) leave out."""
        now = int(time.time())
        body = {"iss": client_id, "sub": client_id, "aud": aud, "iat": now, "exp": now + lifetime}
        body["jti"] = secrets.token_urlsafe(16)
        body.update(claims)
        body = {name: value for name, value in body.items() if value is not None}
        return jwt.encode(body, self.private_key, algorithm=self.alg, headers={"kid": self.kid, **(headers or {})})


def token_endpoint(settings) -> str:
    return settings.issuer + "/oauth2/token"


def assertion_body(assertion: str, **params) -> dict:
    return {"client_assertion_type": ASSERTION_TYPE, "client_assertion": assertion, **params}


@pytest.fixture
def signer():
    return Signer("ES256")


@pytest.fixture
def jwt_client(clients, signer):
    """A confidential client of client_credentials that registered `signer`'s public key."""
    client, secret = clients.create(
        name="Signing service", client_type="confidential", grant_types=("client_credentials",),
        scopes=("api:read", "api:write"), jwks=json.dumps(signer.jwks()),
    )  # fmt: skip
    assert secret is None
    return client
