"""RFC 9449 §10: an authorization request may bind the code to a DPoP key (`dpop_jkt`,
its thumbprint); the code is then redeemed only with a proof of that key. A malformed
`dpop_jkt` is `invalid_request`, redirected to the client."""

import pytest

from spec_tests.helpers import redirect_params, token_request


def _exchange(flow, client, code, proof=None):
    params = {
        "grant_type": "authorization_code",
        "code": code,
        "redirect_uri": client.redirect_uris[0],
        "code_verifier": flow.verifier,
        "client_id": client.client_id,
    }
    return token_request(flow.web, params, {"DPoP": proof} if proof else {})


@pytest.mark.requirement("RFC9449-10")
def test_a_code_bound_to_a_key_needs_a_proof_of_that_key(flow, public_client, prover, other_prover):
    code = flow.code(public_client, dpop_jkt=prover.jkt)
    without = _exchange(flow, public_client, code)
    assert (without.status_int, without.json["error"]) == (400, "invalid_grant")
    other = _exchange(flow, public_client, code, other_prover.proof())
    assert (other.status_int, other.json["error"]) == (400, "invalid_grant")
    # The refusals spent nothing: the key's holder redeems the code.
    rightful = _exchange(flow, public_client, code, prover.proof())
    assert rightful.status_int == 200, rightful.text
    assert rightful.json["token_type"] == "DPoP"


@pytest.mark.requirement("RFC9449-10")
def test_a_code_without_dpop_jkt_takes_any_proof_or_none(flow, public_client, prover):
    assert _exchange(flow, public_client, flow.code(public_client)).json["token_type"] == "Bearer"
    assert _exchange(flow, public_client, flow.code(public_client), prover.proof()).json["token_type"] == "DPoP"


@pytest.mark.requirement("RFC9449-10")
@pytest.mark.parametrize("jkt", ["short", "x" * 44, "+" * 43])
def test_a_malformed_dpop_jkt_is_invalid_request_at_the_client(flow, public_client, jkt):
    flow.login()
    response = flow.authorize(public_client, dpop_jkt=jkt)
    assert redirect_params(response)["error"] == "invalid_request"
