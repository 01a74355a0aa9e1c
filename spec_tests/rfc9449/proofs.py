"""DPoP proofs made as a client makes them: with joserfc (an independent JOSE library;
its RFC 7638 thumbprint is what the server's `cnf.jkt` must equal) or PyJWT, and with
the project's own `reference_as.jose`, so the server is not only checked against itself."""

import secrets
import time

import jwt as pyjwt
from joserfc import jwt as joserfc_jwt
from joserfc.jwk import ECKey, OKPKey, RSAKey

from reference_as.jose import jws as own_jws
from reference_as.jose.algorithms import ALGORITHMS
from reference_as.policy.rfc9449_dpop import access_token_hash

ISSUER = "http://127.0.0.1:8000"
TOKEN_URL = ISSUER + "/oauth2/token"
ME_URL = ISSUER + "/api/me"


class Prover:
    """A client's DPoP key and the proofs it signs (RFC 9449 §4.2). `library`: joserfc,
    pyjwt or own. `header` and `claims` override or add to what a proof would carry
    (None removes a member)."""

    def __init__(self, alg: str = "ES256", library: str = "joserfc"):
        self.alg, self.library = alg, library
        make = {"ES256": lambda: ECKey.generate_key("P-256"), "RS256": lambda: RSAKey.generate_key(2048)}
        self.key = make.get(alg, lambda: OKPKey.generate_key("Ed25519"))()
        self.public_jwk = self.key.as_dict(private=False)
        self.jkt = self.key.thumbprint()

    def proof(
        self, htm="POST", htu=TOKEN_URL, access_token=None, header=None, claims=None, now=None, library=None
    ) -> str:
        """`library`: this proof's signer, if not the prover's (joserfc refuses to sign some bad headers)."""
        body = {"jti": secrets.token_urlsafe(16), "htm": htm, "htu": htu, "iat": int(now or time.time())}
        if access_token is not None:
            body["ath"] = access_token_hash(access_token)
        head = {"typ": "dpop+jwt", "alg": self.alg, "jwk": self.public_jwk}
        head.update(header or {})
        body.update(claims or {})
        head = {name: value for name, value in head.items() if value is not None}
        body = {name: value for name, value in body.items() if value is not None}
        return self._sign(head, body, library or self.library)

    def _sign(self, head: dict, body: dict, library: str) -> str:
        if library == "pyjwt":
            extra = {name: value for name, value in head.items() if name != "alg"}
            return pyjwt.encode(body, self.key.private_key, algorithm=self.alg, headers=extra)
        if library == "own":
            return own_jws.sign(head, body, ALGORITHMS[self.alg], self.key.private_key)
        return joserfc_jwt.encode(head, body, self.key, algorithms=[self.alg])


def dpop_token(web, client, secret, prover: Prover, **params):
    """A client credentials token request with a proof; the response."""
    from spec_tests.helpers import basic, token_request

    headers = {**basic(client.client_id, secret), "DPoP": prover.proof()}
    return token_request(web, {"grant_type": "client_credentials", **params}, headers)


def call_me(web, token: str, proof: str | None = None, scheme: str = "DPoP"):
    headers = {"Authorization": f"{scheme} {token}"}
    if proof is not None:
        headers["DPoP"] = proof
    return web.get("/api/me", headers=headers, expect_errors=True)


def stored_proofs(store) -> int:
    """How many proofs the replay cache holds (read directly: the store has no listing)."""
    if hasattr(store, "_dpop_proofs"):
        return len(store._dpop_proofs)
    return store._db.execute("SELECT count(*) FROM dpop_proofs").fetchone()[0]
