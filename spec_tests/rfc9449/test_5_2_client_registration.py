"""RFC 9449 §5.2: `dpop_bound_access_tokens`, registered by the client itself (RFC 7591):
true, its token requests without a proof are refused; false or left out, they are not."""

import pytest

from spec_tests.helpers import token_request
from spec_tests.registration import register
from spec_tests.rfc9449.proofs import Prover

SERVICE = {
    "client_name": "Report service",
    "grant_types": ["client_credentials"],
    "response_types": [],
    "token_endpoint_auth_method": "client_secret_post",
    "scope": "api:read",
}


def _token(web, registered, proof=None):
    params = {
        "grant_type": "client_credentials",
        "client_id": registered["client_id"],
        "client_secret": registered["client_secret"],
    }
    return token_request(web, params, {"DPoP": proof} if proof else {})


@pytest.mark.requirement("RFC9449-5.2")
def test_a_client_that_registers_dpop_bound_access_tokens_must_send_a_proof(web):
    registered = register(web, {**SERVICE, "dpop_bound_access_tokens": True})
    assert registered.status_int == 201, registered.text
    assert registered.json["dpop_bound_access_tokens"] is True
    refused = _token(web, registered.json)
    assert (refused.status_int, refused.json["error"]) == (400, "invalid_dpop_proof")
    accepted = _token(web, registered.json, Prover().proof())
    assert accepted.status_int == 200 and accepted.json["token_type"] == "DPoP"


@pytest.mark.requirement("RFC9449-5.2")
def test_by_default_a_registered_client_may_ask_for_bearer_tokens(web):
    registered = register(web, SERVICE).json
    assert _token(web, registered).json["token_type"] == "Bearer"


@pytest.mark.requirement("RFC7591-2")
@pytest.mark.parametrize("value", ["yes", 1, [True]])
def test_dpop_bound_access_tokens_must_be_a_boolean(web, store, value):
    refused = register(web, {**SERVICE, "dpop_bound_access_tokens": value})
    assert (refused.status_int, refused.json["error"]) == (400, "invalid_client_metadata")
    assert store.list_clients() == []
