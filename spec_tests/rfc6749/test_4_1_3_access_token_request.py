"""RFC 6749 §4.1.3 and §4.1.4: exchanging the code for tokens; §4.1.2 and §10.5: codes."""

import pytest

from reference_as.policy import secrets
from spec_tests.helpers import call_api, introspect, refresh, verify_with_pyjwt


@pytest.mark.requirement("RFC6749-4.1.4")
def test_a_code_gives_an_access_token_for_the_user_and_a_refresh_token(
    flow, web_client, web_secret, web, settings, alice
):
    response = flow.exchange(web_client, flow.code(web_client), web_secret)
    assert response.status_int == 200
    body = response.json
    assert body["token_type"] == "Bearer" and body["scope"] == "api:read" and body["refresh_token"]
    assert response.headers["Cache-Control"] == "no-store"
    claims = verify_with_pyjwt(body["access_token"], web.get("/oauth2/jwks").json, settings)
    assert claims["sub"] == alice[0].user_id and claims["client_id"] == web_client.client_id


def test_no_refresh_token_when_the_client_is_not_allowed_the_refresh_grant(flow, clients):
    client, secret = clients.create(
        name="x", client_type="confidential", grant_types=("authorization_code",), scopes=("api:read",),
        redirect_uris=("https://x.example/cb",),
    )  # fmt: skip
    body = flow.exchange(client, flow.code(client), secret).json
    assert "access_token" in body and "refresh_token" not in body


@pytest.mark.requirement("RFC6749-4.1.2")
def test_codes_are_256_bit_random_and_stored_only_hashed(flow, web_client, store):
    code = flow.code(web_client)
    assert len(code) == 43
    stored = store.get_code(secrets.hash_secret(code))
    assert stored is not None and code not in repr(stored)


@pytest.mark.requirement("RFC6749-4.1.3")
def test_a_redirect_uri_differing_from_the_authorization_request_is_invalid_grant(flow, web_client, web_secret):
    code = flow.code(web_client)
    response = flow.exchange(web_client, code, web_secret, redirect_uri=web_client.redirect_uris[1])
    assert (response.status_int, response.json["error"]) == (400, "invalid_grant")


@pytest.mark.requirement("RFC6749-4.1.3")
def test_a_redirect_uri_left_out_of_the_token_request_is_refused(flow, web_client, web_secret):
    response = flow.exchange(web_client, flow.code(web_client), web_secret, redirect_uri=None)
    assert response.status_int == 400 and response.json["error"] == "invalid_request"
    assert "access_token" not in response.json


@pytest.mark.requirement("RFC6749-4.1.3")
def test_a_code_issued_to_another_client_is_invalid_grant(flow, web_client, clients):
    other, other_secret = clients.create(
        name="other", client_type="confidential", grant_types=("authorization_code",), scopes=("api:read",),
        redirect_uris=web_client.redirect_uris,
    )  # fmt: skip
    response = flow.exchange(other, flow.code(web_client), other_secret)
    assert (response.status_int, response.json["error"]) == (400, "invalid_grant")


@pytest.mark.requirement("RFC6749-4.1.2")
def test_an_expired_code_is_invalid_grant(flow, web_client, web_secret, clock, settings):
    code = flow.code(web_client)
    clock.advance(settings.code_ttl)
    response = flow.exchange(web_client, code, web_secret)
    assert (response.status_int, response.json["error"]) == (400, "invalid_grant")


def test_a_code_lives_the_configured_time(flow, web_client, web_secret, clock, settings):
    code = flow.code(web_client)
    clock.advance(settings.code_ttl - 1)
    assert flow.exchange(web_client, code, web_secret).status_int == 200


@pytest.mark.requirement("RFC6749-4.1.2")
def test_a_replayed_code_is_refused_and_revokes_the_tokens_it_gave(flow, web, web_client, web_secret):
    code = flow.code(web_client)
    first = flow.exchange(web_client, code, web_secret).json
    assert call_api(web, first["access_token"]).status_int == 200
    second = flow.exchange(web_client, code, web_secret)
    assert (second.status_int, second.json["error"]) == (400, "invalid_grant")
    assert call_api(web, first["access_token"]).status_int == 401
    assert introspect(web, web_client, web_secret, first["access_token"]).json == {"active": False}
    assert refresh(web, web_client, first["refresh_token"], web_secret).json["error"] == "invalid_grant"


@pytest.mark.requirement("RFC6749-4.1.3")
def test_a_confidential_client_must_authenticate(flow, web_client):
    response = flow.exchange(web_client, flow.code(web_client))  # client_id only
    assert (response.status_int, response.json["error"]) == (401, "invalid_client")


@pytest.mark.requirement("RFC6749-3.2.1")
def test_a_public_client_identifies_itself_with_its_client_id_alone(flow, public_client):
    response = flow.exchange(public_client, flow.code(public_client))
    assert response.status_int == 200 and response.json["refresh_token"]


def test_an_unknown_or_wrong_code_is_invalid_grant(flow, web_client, web_secret):
    response = flow.exchange(web_client, "not-a-code", web_secret)
    assert (response.status_int, response.json["error"]) == (400, "invalid_grant")


def test_a_missing_code_is_invalid_request(flow, web_client, web_secret):
    response = flow.exchange(web_client, None, web_secret)
    assert (response.status_int, response.json["error"]) == (400, "invalid_request")


def test_a_paused_clients_code_is_refused(flow, web_client, web_secret, clients):
    code = flow.code(web_client)
    clients.pause(web_client.client_id)
    assert flow.exchange(web_client, code, web_secret).json["error"] == "unauthorized_client"
