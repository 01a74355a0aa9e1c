"""RFC 6750 §2.1 and §3 at the sample protected resource `/api/me`, and RFC 9068 §4:
what a resource server must refuse."""

import pytest

from reference_as.keys import Keyring
from spec_tests.forgery import FORGERIES
from spec_tests.helpers import call_api, introspect, issue, revoke


@pytest.fixture
def keyring(app, store, box, clock, settings):
    return Keyring(store, box, clock, settings)


@pytest.mark.requirement("RFC6750-2.1")
def test_a_valid_bearer_token_in_the_header_is_accepted(web, confidential):
    client, secret = confidential
    response = call_api(web, issue(web, client, secret))
    assert response.status_int == 200
    # The answer names its holder: no cache keeps it, as for every JSON answer of this server.
    assert response.headers["Cache-Control"] == "no-store" and response.headers["Pragma"] == "no-cache"
    assert response.json == {
        "sub": client.client_id,
        "client_id": client.client_id,
        "scope": " ".join(client.default_scopes),
        "username": None,
    }


def test_a_users_token_names_the_user(web, grant, alice):
    body = call_api(web, grant["access_token"]).json
    assert body["sub"] == alice[0].user_id and body["username"] == "alice"


@pytest.mark.requirement("RFC6750-3")
@pytest.mark.parametrize("headers", [{}, {"Authorization": "Basic dXNlcjpwYXNz"}])
def test_no_bearer_credentials_get_a_bare_challenge(web, headers, settings):
    response = web.get("/api/me", headers=headers, expect_errors=True)
    assert response.status_int == 401
    # No error code; only where the resource's metadata is (RFC 9728 §5.1).
    metadata = settings.issuer + "/.well-known/oauth-protected-resource/api"
    assert response.headers["WWW-Authenticate"] == f'Bearer realm="reference-as", resource_metadata="{metadata}"'


@pytest.mark.requirement("RFC6750-3.1")
def test_an_invalid_token_is_401_invalid_token_with_the_error_in_the_challenge(web):
    response = call_api(web, "not.a.token")
    assert response.status_int == 401 and response.json["error"] == "invalid_token"
    challenge = response.headers["WWW-Authenticate"]
    assert challenge.startswith('Bearer realm="reference-as"') and 'error="invalid_token"' in challenge
    assert "error_description=" in challenge


@pytest.mark.requirement("RFC6750-3.1")
def test_a_token_without_the_needed_scope_is_403_insufficient_scope_naming_it(web, confidential):
    client, secret = confidential
    response = call_api(web, issue(web, client, secret, scope="api:write"))
    assert response.status_int == 403 and response.json["error"] == "insufficient_scope"
    assert 'error="insufficient_scope"' in response.headers["WWW-Authenticate"]
    assert 'scope="api:read"' in response.headers["WWW-Authenticate"]


@pytest.mark.requirement("RFC6750-2.3")
def test_a_token_in_the_query_string_is_refused_as_invalid_request(web, confidential):
    client, secret = confidential
    response = web.get("/api/me?access_token=" + issue(web, client, secret), expect_errors=True)
    assert response.status_int == 400 and response.json["error"] == "invalid_request"
    assert 'error="invalid_request"' in response.headers["WWW-Authenticate"]


@pytest.mark.requirement("RFC6750-2.1")
def test_a_malformed_bearer_value_is_invalid_token(web):
    response = web.get("/api/me", headers={"Authorization": "Bearer two words"}, expect_errors=True)
    assert response.status_int == 401 and response.json["error"] == "invalid_token"


def test_challenge_values_stay_printable_ascii(web):
    response = call_api(web, "x" * 10)
    assert all(" " <= ch <= "~" for ch in response.headers["WWW-Authenticate"])


def test_a_revoked_token_is_refused_within_the_same_second(web, confidential, clock):
    client, secret = confidential
    token = issue(web, client, secret)
    assert call_api(web, token).status_int == 200
    revoke(web, client, secret, token)
    assert call_api(web, token).status_int == 401  # the clock has not moved


def test_a_paused_clients_tokens_are_refused_and_live_again_on_resume_unless_expired(
    web, confidential, clients, clock, settings
):
    client, secret = confidential
    token = issue(web, client, secret)
    clock.advance(settings.access_token_ttl - 10)
    clients.pause(client.client_id)
    assert call_api(web, token).status_int == 401
    clients.resume(client.client_id)
    assert call_api(web, token).status_int == 200
    clients.pause(client.client_id)
    clock.advance(10)
    clients.resume(client.client_id)
    assert call_api(web, token).status_int == 401  # expired meanwhile: stays dead


@pytest.mark.requirement("RFC9068-4")
@pytest.mark.requirement("RFC8725-3.1")  # alg none and the RS256/HS256 confusion are among the forgeries
@pytest.mark.parametrize("forge", FORGERIES, ids=[f.__name__ for f in FORGERIES])
def test_a_forged_token_is_refused_by_the_resource_and_inactive_at_introspection(web, confidential, keyring, forge):
    client, secret = confidential
    real = issue(web, client, secret)
    forged = forge(real, keyring)
    response = call_api(web, forged)
    assert response.status_int == 401 and response.json["error"] == "invalid_token"
    assert introspect(web, client, secret, forged).json == {"active": False}
    assert call_api(web, real).status_int == 200  # the real one still works


def test_api_me_answers_get_only(web):
    assert web.post("/api/me", expect_errors=True).status_int == 405
