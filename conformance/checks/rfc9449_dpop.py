"""RFC 9449, OAuth 2.0 Demonstrating Proof of Possession (DPoP), at the token endpoint.
https://www.rfc-editor.org/rfc/rfc9449

Covers what a client sees when it asks for tokens with a proof: the metadata
(§5.1), the proofs §4.3 makes the server refuse (wrong htm or htu, an iat long
past or far ahead, alg none or a MAC, a private key in jwk, another typ, not a
JWT, a jti used before), answered invalid_dpop_proof (§5), and the binding of
a token issued with a valid proof: token_type DPoP (§5), cnf.jkt in a JWT
access token (§6.1). The proofs are signed by the suite (PyJWT) with a key of
its own, for a client credentials grant of the confidential client. Skipped
without dpop_signing_alg_values_supported. Leaves out the server nonce (§8:
a server that requires one answers use_dpop_nonce, and these checks then stop
there), DPoP at resources (§7) and at PAR (§10).
"""

import time

import pytest

from conformance import expect, jwts
from conformance.dpop_proofs import ProofKey
from conformance.marks import check
from conformance.outcomes import fail, not_advertised, not_applicable
from conformance.steps import cc_params, ready_for

ALGS = "dpop_signing_alg_values_supported"
LONG_AGO = 3600  # seconds: §11.1 lets a server accept a few minutes either side, never an hour


def _algorithms(server) -> tuple[str, ...]:
    metadata = server.metadata or {}
    if ALGS not in metadata:
        not_advertised(f"the metadata has no {ALGS}: DPoP is not offered")
    return tuple(metadata[ALGS]) if isinstance(metadata[ALGS], list) else ()


@pytest.fixture
def key(server) -> ProofKey:
    try:
        return ProofKey(_algorithms(server))
    except ValueError as error:
        not_applicable(str(error))


@pytest.fixture
def dpop_client(server, confidential):
    return ready_for(server, confidential, "client_credentials")


def token_request(client, proof: str):
    """A client credentials request carrying `proof` in the DPoP header (RFC9449-5)."""
    data, headers = client.authenticate(cc_params(client))
    return client.session.post(client.endpoints.token, data=data, headers={**headers, "DPoP": proof})


def _use_dpop_nonce(response) -> None:
    if (expect.json_object(response) or {}).get("error") == "use_dpop_nonce":
        not_applicable("the server requires a server-provided nonce (§8), which these checks do not send")


def bound_token(client, key) -> dict:
    response = token_request(client, key.proof("POST", client.endpoints.token))
    _use_dpop_nonce(response)
    return expect.token(response)


# RFC9449-5.1: "dpop_signing_alg_values_supported: A JSON array containing a list of the JWS alg values
# ... supported by the authorization server for DPoP proof JWTs"; §4.2: never none, never a MAC.
@check("rfc9449-5.1-signing-algs-are-asymmetric-jws-algs", "RFC9449-5.1", profiles=("dpop", "fapi2-security"))
def check_signing_algs(server):
    """dpop_signing_alg_values_supported is a non-empty JSON array of asymmetric JWS alg names."""
    _algorithms(server)
    value = server.metadata[ALGS]
    if not isinstance(value, list) or not value or not all(isinstance(alg, str) for alg in value):
        fail(f"{ALGS} is {value!r}, not a non-empty JSON array of alg names")
    symmetric = [alg for alg in value if alg == "none" or alg.startswith("HS")]
    if symmetric:
        fail(f"{ALGS} lists {symmetric}: §4.2 says a proof's alg MUST NOT be none or symmetric")


# RFC9449-5: "the authorization server ... MUST ... bind the access token to the public key" and answer
# token_type DPoP: "A token_type of DPoP MUST be included in the access token response".
@check("rfc9449-5-token-type-is-dpop", "RFC9449-5", profiles=("dpop", "fapi2-security"))
def check_token_type(dpop_client, key):
    """A token issued with a valid proof has token_type DPoP."""
    body = bound_token(dpop_client, key)
    if str(body.get("token_type", "")).lower() != "dpop":
        fail(f"token_type is {body.get('token_type')!r}, not DPoP: the token is not bound to the proof's key")


# RFC9449-6.1: JWT access tokens carry the key's thumbprint as cnf.jkt.
@check("rfc9449-6.1-jwt-access-token-has-cnf-jkt", "RFC9449-6.1", profiles=("dpop", "fapi2-security"))
def check_cnf_jkt(dpop_client, key):
    """A DPoP-bound JWT access token carries cnf.jkt, the RFC 7638 thumbprint of the proof's key."""
    claims = jwts.claims_of(bound_token(dpop_client, key)["access_token"])
    if claims is None:
        not_applicable("the access tokens are not JWTs (§6.2's introspection is how opaque ones say it)")
    jkt = (claims.get("cnf") or {}).get("jkt") if isinstance(claims.get("cnf"), dict) else None
    if jkt != key.thumbprint:
        fail(f"cnf.jkt is {jkt!r}, not the thumbprint of the proof's key")


# A proof for POST `url` broken in one way §4.3 makes the server refuse: proof(key, url, now).
BROKEN = {
    "wrong-htm": lambda key, url, now: key.proof("GET", url),
    "wrong-htu": lambda key, url, now: key.proof("POST", url, htu=url.rstrip("/") + "/elsewhere"),
    "stale-iat": lambda key, url, now: key.proof("POST", url, iat=now - LONG_AGO),
    "future-iat": lambda key, url, now: key.proof("POST", url, iat=now + LONG_AGO),
    "alg-none": lambda key, url, now: key.unsigned_proof("POST", url, "none"),
    "hs256": lambda key, url, now: key.unsigned_proof("POST", url, "HS256"),
    "private-jwk": lambda key, url, now: key.proof("POST", url, header_jwk=key.jwk(private=True)),
    "wrong-typ": lambda key, url, now: key.proof("POST", url, header_typ="JWT"),
    "not-a-jwt": lambda key, url, now: "not-a-jwt",
}


# RFC9449-4.3: "To validate a DPoP proof, the receiving server MUST ensure" each rule; RFC9449-5: "If the
# DPoP proof is invalid, the authorization server issues an error response per Section 5.2 of [RFC6749]
# with invalid_dpop_proof as the value of the error parameter."
@check(
    "rfc9449-4.3-{variant}-proof-is-invalid-dpop-proof",
    "RFC9449-4.3",
    profiles=("dpop", "fapi2-security"),
    variants=BROKEN,
)
def check_broken_proof(dpop_client, key, variant):
    """A token request with a {variant} DPoP proof is 400 invalid_dpop_proof."""
    response = token_request(dpop_client, variant(key, dpop_client.endpoints.token, int(time.time())))
    _use_dpop_nonce(response)
    expect.no_token(response, "the proof was broken on purpose")
    expect.error(response, "invalid_dpop_proof")


# RFC9449-4.3 (11): "the jti value has not been used before in the time window"; §11.1 replay.
@check("rfc9449-4.3-replayed-proof-is-invalid-dpop-proof", "RFC9449-4.3", profiles=("dpop", "fapi2-security"))
def check_replayed_proof(dpop_client, key):
    """A proof used once already (the same jti) is refused the second time with invalid_dpop_proof."""
    proof = key.proof("POST", dpop_client.endpoints.token)
    first = token_request(dpop_client, proof)
    _use_dpop_nonce(first)
    expect.token(first)
    second = token_request(dpop_client, proof)
    expect.no_token(second, "the proof was replayed")
    expect.error(second, "invalid_dpop_proof")
