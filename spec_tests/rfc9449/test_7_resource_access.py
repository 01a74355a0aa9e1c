"""RFC 9449 §7: the protected resource `/api/me` with DPoP-bound tokens.

A bound token comes as `Authorization: DPoP <token>` with a proof of its key whose
`ath` is the token's hash (§7.1, §4.3). Sent as Bearer, with no proof, with another
key's proof, with a proof for another request or a replayed one, it is refused 401
with a `DPoP` challenge that lists the accepted algorithms (`algs`)."""

import pytest

from spec_tests.rfc9449.proofs import ME_URL, call_me, dpop_token, stored_proofs


@pytest.fixture
def bound(web, confidential, prover):
    """A DPoP-bound access token of the confidential client, bound to `prover`'s key."""
    response = dpop_token(web, *confidential, prover, scope="api:read")
    assert response.status_int == 200, response.text
    return response.json["access_token"]


def challenge(response) -> str:
    return response.headers["WWW-Authenticate"]


@pytest.mark.requirement("RFC9449-7.1")
def test_a_bound_token_with_a_proof_of_its_key_is_accepted(web, bound, prover, confidential):
    response = call_me(web, bound, prover.proof("GET", ME_URL, access_token=bound))
    assert response.status_int == 200, response.text
    assert response.json["client_id"] == confidential[0].client_id


def _refused(response, error: str):
    assert response.status_int == 401, response.text
    assert response.json["error"] == error
    assert challenge(response).startswith("DPoP ")
    assert f'error="{error}"' in challenge(response)
    assert 'algs="' in challenge(response) and "ES256" in challenge(response)


@pytest.mark.requirement("RFC9449-7.1")
def test_a_bound_token_sent_as_bearer_is_refused(web, bound, prover):
    _refused(call_me(web, bound, prover.proof("GET", ME_URL, access_token=bound), scheme="Bearer"), "invalid_token")
    _refused(call_me(web, bound, scheme="Bearer"), "invalid_token")


@pytest.mark.requirement("RFC9449-7.1")
def test_a_bound_token_without_a_proof_is_refused(web, bound):
    _refused(call_me(web, bound), "invalid_dpop_proof")


@pytest.mark.requirement("RFC9449-7.1")
def test_a_proof_of_another_key_is_refused_and_not_recorded(web, store, bound, other_prover):
    recorded = stored_proofs(store)  # the token request's proof
    _refused(call_me(web, bound, other_prover.proof("GET", ME_URL, access_token=bound)), "invalid_dpop_proof")
    assert stored_proofs(store) == recorded


@pytest.mark.requirement("RFC9449-4.3")
@pytest.mark.parametrize(
    "make",
    [
        lambda p, token: p.proof("GET", ME_URL),  # no ath
        lambda p, token: p.proof("GET", ME_URL, access_token=token + "x"),  # ath of another token
        lambda p, token: p.proof("POST", ME_URL, access_token=token),  # another method
        lambda p, token: p.proof("GET", ME_URL + "/other", access_token=token),  # another URI
        lambda p, token: "not a proof",
    ],
    ids=["no ath", "wrong ath", "wrong htm", "wrong htu", "not a JWT"],
)
def test_a_proof_for_another_request_is_refused(web, store, bound, prover, make):
    recorded = stored_proofs(store)
    _refused(call_me(web, bound, make(prover, bound)), "invalid_dpop_proof")
    assert stored_proofs(store) == recorded


@pytest.mark.requirement("RFC9449-11.1")
def test_a_replayed_proof_is_refused_at_the_resource(web, bound, prover):
    proof = prover.proof("GET", ME_URL, access_token=bound)
    assert call_me(web, bound, proof).status_int == 200
    _refused(call_me(web, bound, proof), "invalid_dpop_proof")


@pytest.mark.requirement("RFC9449-7.1")
def test_a_bearer_token_sent_as_dpop_is_refused(web, confidential, prover):
    from spec_tests.helpers import issue

    token = issue(web, *confidential, scope="api:read")
    _refused(call_me(web, token, prover.proof("GET", ME_URL, access_token=token)), "invalid_token")


@pytest.mark.requirement("RFC9449-7.1")
def test_an_invalid_token_sent_as_dpop_gets_a_dpop_challenge(web, prover):
    _refused(call_me(web, "not.a.token", prover.proof("GET", ME_URL, access_token="not.a.token")), "invalid_token")
