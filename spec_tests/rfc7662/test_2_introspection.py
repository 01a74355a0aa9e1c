"""RFC 7662 §2: token introspection, and our policy of who sees what (RFC 7662 §4)."""

import pytest

from spec_tests.helpers import basic, introspect, issue, refresh, revoke

ACTIVE_FIELDS = {"active", "scope", "client_id", "sub", "exp", "iat", "iss", "aud", "token_type", "jti"}


@pytest.fixture
def resource_server(clients):
    return clients.create(
        name="API", client_type="confidential", grant_types=("client_credentials",), scopes=("api:read",),
        permissions=("introspect",),
    )  # fmt: skip


@pytest.mark.requirement("RFC7662-2.2")
def test_an_active_access_token_shows_its_claims(web, confidential, settings, clock):
    client, secret = confidential
    token = issue(web, client, secret)
    response = introspect(web, client, secret, token)
    assert response.status_int == 200 and response.content_type == "application/json"
    body = response.json
    assert set(body) == ACTIVE_FIELDS
    assert body["active"] is True and body["token_type"] == "Bearer"
    assert (body["client_id"], body["sub"], body["iss"]) == (client.client_id, client.client_id, settings.issuer)
    assert body["exp"] == clock.now() + settings.access_token_ttl


@pytest.mark.requirement("RFC7662-2.2")
def test_an_active_refresh_token_introspects_too(web, web_client, web_secret, grant, alice):
    body = introspect(web, web_client, web_secret, grant["refresh_token"], token_type_hint="refresh_token").json
    assert body["active"] is True and body["sub"] == alice[0].user_id and body["scope"] == "api:read api:write"


@pytest.mark.requirement("RFC7662-2.2")
@pytest.mark.parametrize("token", ["nope", "a.b.c", "eyJhbGciOiJub25lIn0.e30.", ""])
def test_unknown_or_malformed_tokens_are_inactive(web, confidential, token):
    client, secret = confidential
    response = introspect(web, client, secret, token or "x")
    assert response.status_int == 200 and response.json == {"active": False}


def test_expired_and_revoked_tokens_are_inactive(web, confidential, clock, settings):
    client, secret = confidential
    revoked, expiring = issue(web, client, secret), issue(web, client, secret)
    revoke(web, client, secret, revoked)
    assert introspect(web, client, secret, revoked).json == {"active": False}
    clock.advance(settings.access_token_ttl)
    assert introspect(web, client, secret, expiring).json == {"active": False}


def test_a_rotated_refresh_token_is_inactive(web, web_client, web_secret, grant):
    refresh(web, web_client, grant["refresh_token"], web_secret)
    assert introspect(web, web_client, web_secret, grant["refresh_token"]).json == {"active": False}


def test_a_paused_clients_tokens_are_inactive_until_resumed_if_not_expired(
    web, confidential, clients, resource_server, clock
):
    client, secret = confidential
    rs, rs_secret = resource_server
    token = issue(web, client, secret)
    clients.pause(client.client_id)
    assert introspect(web, rs, rs_secret, token).json == {"active": False}
    clients.resume(client.client_id)
    assert introspect(web, rs, rs_secret, token).json["active"] is True


def test_a_deleted_clients_tokens_are_inactive(web, confidential, clients, resource_server):
    client, secret = confidential
    token = issue(web, client, secret)
    clients.delete(client.client_id)
    assert introspect(web, *resource_server, token).json == {"active": False}


def test_a_token_signed_by_an_unknown_key_is_inactive(web, confidential, store, clock, box, settings):
    from webtest import TestApp

    from reference_as.app import make_app
    from reference_as.store import MemoryStore

    client, secret = confidential
    elsewhere = MemoryStore()
    elsewhere.add_client(client)
    foreign_web = TestApp(make_app(settings, elsewhere, clock, box))
    foreign = issue(foreign_web, client, secret)  # same claims, another server's key
    assert introspect(web, client, secret, foreign).json == {"active": False}


@pytest.mark.requirement("RFC7662-4")
def test_a_client_sees_its_own_tokens_but_not_anothers(web, confidential, clients):
    client, secret = confidential
    token = issue(web, client, secret)
    other, other_secret = clients.create(
        name="other", client_type="confidential", grant_types=("client_credentials",), scopes=("api:read",)
    )
    assert introspect(web, other, other_secret, token).json == {"active": False}


@pytest.mark.requirement("RFC7662-4")
def test_a_client_with_the_introspect_permission_sees_every_token(web, confidential, resource_server):
    client, secret = confidential
    token = issue(web, client, secret)
    assert introspect(web, *resource_server, token).json["client_id"] == client.client_id


@pytest.mark.requirement("RFC7662-2.1")
def test_introspection_requires_client_authentication(web, confidential, public_client):
    client, secret = confidential
    token = issue(web, client, secret)
    anonymous = web.post("/oauth2/introspect", {"token": token}, expect_errors=True)
    assert anonymous.status_int == 401 and anonymous.json["error"] == "invalid_client"
    wrong = introspect(web, client, "wrong", token)
    assert wrong.status_int == 401 and wrong.headers["WWW-Authenticate"].startswith("Basic")
    public = web.post("/oauth2/introspect", {"token": token, "client_id": public_client.client_id}, expect_errors=True)
    assert public.status_int == 401 and public.json["error"] == "invalid_client"


@pytest.mark.requirement("RFC7662-2.1")
def test_a_missing_token_is_invalid_request(web, confidential):
    client, secret = confidential
    response = web.post(
        "/oauth2/introspect",
        {"token_type_hint": "access_token"},
        headers=basic(client.client_id, secret),
        expect_errors=True,
    )
    assert response.status_int == 400 and response.json["error"] == "invalid_request"


@pytest.mark.requirement("RFC7662-2.1")
def test_the_hint_does_not_stop_the_search(web, web_client, web_secret, grant):
    body = introspect(web, web_client, web_secret, grant["access_token"], token_type_hint="refresh_token").json
    assert body["active"] is True and body["token_type"] == "Bearer"


@pytest.mark.requirement("RFC7662-2.2")
def test_responses_are_not_cached(web, confidential):
    client, secret = confidential
    response = introspect(web, client, secret, issue(web, client, secret))
    assert response.headers["Cache-Control"] == "no-store"


def test_introspection_is_advertised(web):
    metadata = web.get("/.well-known/oauth-authorization-server").json
    assert metadata["introspection_endpoint"].endswith("/oauth2/introspect")
    assert metadata["introspection_endpoint_auth_methods_supported"] == [
        "client_secret_basic", "client_secret_post", "private_key_jwt",
    ]  # fmt: skip


def test_a_public_client_cannot_hold_the_introspect_permission(clients):
    from reference_as.clients import InvalidClientSettings

    with pytest.raises(InvalidClientSettings):
        clients.create(
            name="spa", client_type="public", grant_types=("authorization_code",), scopes=("api:read",),
            redirect_uris=("http://127.0.0.1/cb",), permissions=("introspect",),
        )  # fmt: skip
