"""RFC 9449 §5-6: tokens asked for with a proof are bound to its key.

The access token is a JWT carrying `cnf.jkt`, the RFC 7638 thumbprint of the proof's key
(checked against joserfc's own thumbprint, §6.1), answered with `token_type: DPoP` (§5)
and introspected with its `cnf` (§6.2). A public client's refresh tokens are bound to
the key (§5); a confidential client's are not. A client registered with
`dpop_bound_access_tokens` must send a proof (§5.2)."""

import dataclasses

import jwt
import pytest

from spec_tests.helpers import basic, introspect, refresh, token_request
from spec_tests.rfc9449.proofs import Prover, dpop_token


def claims_of(token: str) -> dict:
    return jwt.decode(token, options={"verify_signature": False})


@pytest.mark.requirement("RFC9449-6.1")
def test_the_access_token_carries_the_thumbprint_of_the_proof_key(web, confidential, prover):
    response = dpop_token(web, *confidential, prover)
    assert response.json["token_type"] == "DPoP"
    assert claims_of(response.json["access_token"])["cnf"] == {"jkt": prover.jkt}


@pytest.mark.requirement("RFC9449-5")
def test_without_a_proof_the_token_is_a_bearer_token(web, confidential):
    client, secret = confidential
    response = token_request(web, {"grant_type": "client_credentials"}, basic(client.client_id, secret))
    assert response.json["token_type"] == "Bearer"
    assert "cnf" not in claims_of(response.json["access_token"])


@pytest.mark.requirement("RFC9449-6.2")
def test_introspection_returns_the_confirmation(web, confidential, prover):
    token = dpop_token(web, *confidential, prover).json["access_token"]
    answer = introspect(web, *confidential, token).json
    assert answer["active"] is True
    assert answer["cnf"] == {"jkt": prover.jkt}
    assert answer["token_type"] == "DPoP"


def _exchange_with_proof(flow, client, prover, secret=None):
    code = flow.code(client)
    params = {
        "grant_type": "authorization_code",
        "code": code,
        "redirect_uri": client.redirect_uris[0],
        "code_verifier": flow.verifier,
    }
    headers = {"DPoP": prover.proof()}
    if secret is None:
        params["client_id"] = client.client_id
    else:
        headers.update(basic(client.client_id, secret))
    response = token_request(flow.web, params, headers)
    assert response.status_int == 200, response.text
    return response.json


def _refresh_with(web, client, refresh_token, prover=None, secret=None):
    params = {"grant_type": "refresh_token", "refresh_token": refresh_token}
    headers = {"DPoP": prover.proof()} if prover else {}
    if secret is None:
        params["client_id"] = client.client_id
    else:
        headers.update(basic(client.client_id, secret))
    return token_request(web, params, headers)


@pytest.mark.requirement("RFC9449-5")
def test_a_public_clients_refresh_token_needs_a_proof_of_the_same_key(web, flow, public_client, prover, other_prover):
    tokens = _exchange_with_proof(flow, public_client, prover)
    assert claims_of(tokens["access_token"])["cnf"] == {"jkt": prover.jkt}
    without = _refresh_with(web, public_client, tokens["refresh_token"])
    assert (without.status_int, without.json["error"]) == (400, "invalid_grant")
    stolen = _refresh_with(web, public_client, tokens["refresh_token"], other_prover)
    assert (stolen.status_int, stolen.json["error"]) == (400, "invalid_grant")
    # Refused attempts spent nothing: the owner of the key still refreshes.
    rightful = _refresh_with(web, public_client, tokens["refresh_token"], prover)
    assert rightful.status_int == 200, rightful.text
    assert rightful.json["token_type"] == "DPoP"
    assert claims_of(rightful.json["access_token"])["cnf"] == {"jkt": prover.jkt}


@pytest.mark.requirement("RFC9449-5")
def test_a_confidential_clients_refresh_token_is_not_bound_to_the_key(web, flow, web_client, web_secret, prover):
    tokens = _exchange_with_proof(flow, web_client, prover, web_secret)
    assert tokens["token_type"] == "DPoP"
    response = refresh(web, web_client, tokens["refresh_token"], web_secret)
    assert response.status_int == 200, response.text
    assert response.json["token_type"] == "Bearer"


@pytest.mark.requirement("RFC9449-5.2")
def test_a_client_registered_with_dpop_bound_access_tokens_must_send_a_proof(web, store, confidential, prover):
    client, secret = confidential
    store.replace_client(dataclasses.replace(client, dpop_bound_access_tokens=True))
    response = token_request(web, {"grant_type": "client_credentials"}, basic(client.client_id, secret))
    assert (response.status_int, response.json["error"]) == (400, "invalid_dpop_proof")
    assert dpop_token(web, client, secret, Prover()).status_int == 200
