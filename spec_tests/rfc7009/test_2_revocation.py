"""RFC 7009 §2: token revocation."""

import pytest

from spec_tests.helpers import basic, call_api, introspect, issue, refresh, revoke


@pytest.mark.requirement("RFC7009-2.2")
def test_revoking_an_access_token_answers_200_and_it_stops_working(web, confidential):
    client, secret = confidential
    token = issue(web, client, secret)
    response = revoke(web, client, secret, token)
    assert response.status_int == 200
    assert call_api(web, token).status_int == 401
    assert introspect(web, client, secret, token).json == {"active": False}


@pytest.mark.requirement("RFC7009-2.1")
def test_revoking_a_refresh_token_revokes_the_access_tokens_of_its_grant(web, web_client, web_secret, grant):
    assert revoke(web, web_client, web_secret, grant["refresh_token"]).status_int == 200
    assert call_api(web, grant["access_token"]).status_int == 401
    assert refresh(web, web_client, grant["refresh_token"], web_secret).json["error"] == "invalid_grant"


@pytest.mark.requirement("RFC7009-2.1")
@pytest.mark.parametrize("hint", ["access_token", "refresh_token", "bogus_type"])
def test_a_wrong_or_unknown_hint_does_not_stop_the_search(web, web_client, web_secret, grant, hint):
    wrong_hint = "access_token" if hint == "refresh_token" else hint
    assert revoke(web, web_client, web_secret, grant["refresh_token"], token_type_hint=wrong_hint).status_int == 200
    assert refresh(web, web_client, grant["refresh_token"], web_secret).json["error"] == "invalid_grant"


@pytest.mark.requirement("RFC7009-2.2")
@pytest.mark.parametrize("token", ["unknown-token", "a.b.c", "e30.e30.", "x" * 2000])
def test_an_unknown_or_malformed_token_answers_200(web, confidential, token):
    client, secret = confidential
    assert revoke(web, client, secret, token).status_int == 200


@pytest.mark.requirement("RFC7009-2.2")
def test_revoking_twice_or_an_expired_token_answers_200(web, confidential, clock, settings):
    client, secret = confidential
    token = issue(web, client, secret)
    assert revoke(web, client, secret, token).status_int == 200
    assert revoke(web, client, secret, token).status_int == 200
    expired = issue(web, client, secret)
    clock.advance(settings.access_token_ttl + 1)
    assert revoke(web, client, secret, expired).status_int == 200


@pytest.mark.requirement("RFC7009-2.1")
def test_a_client_cannot_revoke_another_clients_token(web, confidential, clients):
    client, secret = confidential
    token = issue(web, client, secret)
    other, other_secret = clients.create(
        name="other", client_type="confidential", grant_types=("client_credentials",), scopes=("api:read",)
    )
    assert revoke(web, other, other_secret, token).status_int == 200  # nothing said ...
    assert call_api(web, token).status_int == 200  # ... and nothing done


@pytest.mark.requirement("RFC7009-2.1")
def test_the_client_must_authenticate(web, confidential):
    client, secret = confidential
    token = issue(web, client, secret)
    response = revoke(web, client, "wrong-secret", token)
    assert response.status_int == 401 and response.json["error"] == "invalid_client"
    assert response.headers["WWW-Authenticate"].startswith("Basic")
    assert call_api(web, token).status_int == 200


@pytest.mark.requirement("RFC7009-2.1")
def test_a_public_client_revokes_with_its_client_id(flow, public_client, web):
    tokens = flow.exchange(public_client, flow.code(public_client)).json
    assert revoke(web, public_client, None, tokens["refresh_token"]).status_int == 200
    assert refresh(web, public_client, tokens["refresh_token"]).json["error"] == "invalid_grant"


@pytest.mark.requirement("RFC7009-2.1")
def test_a_missing_token_is_invalid_request(web, confidential):
    client, secret = confidential
    response = web.post(
        "/oauth2/revoke",
        {"token_type_hint": "access_token"},
        headers=basic(client.client_id, secret),
        expect_errors=True,
    )
    assert response.status_int == 400 and response.json["error"] == "invalid_request"


@pytest.mark.requirement("RFC7009-2")
def test_revocation_accepts_post_only(web):
    assert web.get("/oauth2/revoke", expect_errors=True).status_int == 405


def test_revocation_is_advertised(web):
    metadata = web.get("/.well-known/oauth-authorization-server").json
    assert metadata["revocation_endpoint"].endswith("/oauth2/revoke")
    assert "none" in metadata["revocation_endpoint_auth_methods_supported"]
