"""RFC 9068 §2: the JWT profile for access tokens, checked with an independent
library (PyJWT) against the JWKS the server publishes."""

import dataclasses

import jwt
import pytest
from webtest import TestApp

from reference_as.app import make_app
from reference_as.clients import ClientService
from spec_tests.helpers import basic, issue, token_request, verify_with_pyjwt


@pytest.mark.requirement("RFC9068-2.1")
def test_the_header_has_typ_at_jwt_alg_and_a_kid_from_the_jwks(web, confidential):
    token = issue(web, *confidential)
    header = jwt.get_unverified_header(token)
    assert header["typ"] == "at+jwt"
    assert header["alg"] == "RS256"
    assert header["kid"] in [key["kid"] for key in web.get("/oauth2/jwks").json["keys"]]


@pytest.mark.requirement("RFC9068-2.2")
@pytest.mark.requirement("RFC9068-2.2.3")  # the scope granted, in a scope claim
def test_every_required_claim_is_present_and_right(web, confidential, settings, clock):
    client, secret = confidential
    token = issue(web, client, secret, scope="api:read")
    claims = verify_with_pyjwt(token, web.get("/oauth2/jwks").json, settings)
    assert claims["iss"] == settings.issuer
    assert claims["aud"] == settings.resource_audience
    assert claims["sub"] == client.client_id  # RFC9068-2.2 SHOULD: no resource owner, the client
    assert claims["client_id"] == client.client_id
    assert claims["iat"] == clock.now()
    assert claims["exp"] == clock.now() + settings.access_token_ttl
    assert claims["scope"] == "api:read"
    assert len(claims["jti"]) >= 22  # at least 128 bits of base64url


@pytest.mark.requirement("RFC9068-2.2")
def test_each_token_has_its_own_jti(web, confidential):
    tokens = [issue(web, *confidential) for _ in range(3)]
    jtis = [jwt.decode(t, options={"verify_signature": False})["jti"] for t in tokens]
    assert len(set(jtis)) == 3


def test_a_token_of_a_grant_names_its_grant_and_a_client_credentials_token_none(web, confidential, grant, store, alice):
    """RFC 9068 §2.2 allows claims beyond its list: `grant_id` is what makes a token
    inactive when its grant is revoked, though the token is recorded nowhere."""
    claims = jwt.decode(grant["access_token"], options={"verify_signature": False})
    assert [g.grant_id for g in store.grants_of(alice[0].user_id, claims["iat"])] == [claims["grant_id"]]
    assert "grant_id" not in jwt.decode(issue(web, *confidential), options={"verify_signature": False})


def test_the_lifetime_follows_the_setting(store, clock, box, settings):
    settings = dataclasses.replace(settings, access_token_ttl=120)
    web = TestApp(make_app(settings, store, clock, box))
    client, secret = ClientService(store, settings, clock).create(
        name="svc", client_type="confidential", grant_types=("client_credentials",), scopes=("api:read",)
    )
    response = token_request(web, {"grant_type": "client_credentials"}, basic(client.client_id, secret))
    claims = jwt.decode(response.json["access_token"], options={"verify_signature": False})
    assert response.json["expires_in"] == 120
    assert claims["exp"] - claims["iat"] == 120


@pytest.mark.requirement("RFC9068-4")
def test_a_token_past_its_exp_is_refused_by_an_independent_verifier(web, confidential, settings, clock):
    clock.advance(-(settings.access_token_ttl + 60))  # issued long enough ago to have expired by now
    token = issue(web, *confidential)
    with pytest.raises(jwt.ExpiredSignatureError):
        verify_with_pyjwt(token, web.get("/oauth2/jwks").json, settings)


@pytest.mark.requirement("RFC7518-3.1")
@pytest.mark.parametrize("alg", ["ES256", "EdDSA"])
def test_other_signing_algorithms_verify_too(store, clock, box, settings, alg):
    settings = dataclasses.replace(settings, signing_alg=alg)
    web = TestApp(make_app(settings, store, clock, box))
    client, secret = ClientService(store, settings, clock).create(
        name="svc", client_type="confidential", grant_types=("client_credentials",), scopes=("api:read",)
    )
    token = issue(web, client, secret)
    assert jwt.get_unverified_header(token)["alg"] == alg
    assert verify_with_pyjwt(token, web.get("/oauth2/jwks").json, settings)["client_id"] == client.client_id
