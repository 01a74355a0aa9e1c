"""RFC 9449 §8: server-provided nonces, with `use_dpop_nonce` on.

A proof without the server's nonce is answered `use_dpop_nonce` with a nonce in the
`DPoP-Nonce` header: 400 at the token endpoint (§8), 401 with a DPoP challenge at a
resource (§9); the same request with that nonce in a new proof succeeds. Off by default."""

import dataclasses

import pytest
from webtest import TestApp

from reference_as.app import make_app
from spec_tests.helpers import basic, token_request
from spec_tests.rfc9449.proofs import ME_URL, call_me, stored_proofs


@pytest.fixture
def nonce_web(settings, store, clock, box):
    return TestApp(make_app(dataclasses.replace(settings, use_dpop_nonce=True), store, clock, box))


def _token_request(web, confidential, proof):
    client, secret = confidential
    return token_request(web, {"grant_type": "client_credentials"}, {**basic(client.client_id, secret), "DPoP": proof})


@pytest.mark.requirement("RFC9449-8")
def test_a_proof_without_the_nonce_gets_one_and_the_retry_succeeds(nonce_web, store, confidential, prover):
    first = _token_request(nonce_web, confidential, prover.proof())
    assert (first.status_int, first.json["error"]) == (400, "use_dpop_nonce")
    nonce = first.headers["DPoP-Nonce"]
    assert stored_proofs(store) == 0
    retry = _token_request(nonce_web, confidential, prover.proof(claims={"nonce": nonce}))
    assert retry.status_int == 200, retry.text
    assert retry.json["token_type"] == "DPoP"


@pytest.mark.requirement("RFC9449-8")
def test_a_made_up_or_stale_nonce_is_refused(nonce_web, clock, confidential, prover):
    made_up = _token_request(nonce_web, confidential, prover.proof(claims={"nonce": "0.forged"}))
    assert made_up.json["error"] == "use_dpop_nonce"
    nonce = made_up.headers["DPoP-Nonce"]
    clock.advance(3600)
    stale = _token_request(nonce_web, confidential, prover.proof(claims={"nonce": nonce}, now=clock.now()))
    assert stale.json["error"] == "use_dpop_nonce"


@pytest.mark.requirement("RFC9449-9")
def test_a_resource_asks_for_the_nonce_with_a_dpop_challenge(nonce_web, confidential, prover):
    first = _token_request(nonce_web, confidential, prover.proof())
    token = _token_request(nonce_web, confidential, prover.proof(claims={"nonce": first.headers["DPoP-Nonce"]}))
    token = token.json["access_token"]
    refused = call_me(nonce_web, token, prover.proof("GET", ME_URL, access_token=token))
    assert (refused.status_int, refused.json["error"]) == (401, "use_dpop_nonce")
    assert refused.headers["WWW-Authenticate"].startswith("DPoP ")
    nonce = refused.headers["DPoP-Nonce"]
    accepted = call_me(nonce_web, token, prover.proof("GET", ME_URL, access_token=token, claims={"nonce": nonce}))
    assert accepted.status_int == 200, accepted.text


@pytest.mark.requirement("RFC9449-8")
def test_nonces_are_off_by_default(web, confidential, prover):
    assert _token_request(web, confidential, prover.proof()).status_int == 200
