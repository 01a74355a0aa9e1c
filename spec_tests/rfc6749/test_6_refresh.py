"""RFC 6749 §6 (refreshing an access token) with RFC 9700 §4.14 (rotation and reuse detection)."""

import dataclasses

import jwt
import pytest
from webtest import TestApp

from reference_as.app import make_app
from reference_as.policy import secrets
from spec_tests.helpers import Flow, call_api, introspect, refresh


@pytest.fixture
def tokens(flow, web_client, web_secret):
    """The first token response of a grant with scopes api:read and api:write."""
    code = flow.code(web_client, scope="api:read api:write")
    return flow.exchange(web_client, code, web_secret).json


def jti(access_token: str) -> str:
    return jwt.decode(access_token, options={"verify_signature": False})["jti"]


@pytest.mark.requirement("RFC9700-4.14.2")
def test_each_use_rotates_the_refresh_token(web, web_client, web_secret, tokens):
    response = refresh(web, web_client, tokens["refresh_token"], web_secret)
    assert response.status_int == 200
    assert response.headers["Cache-Control"] == "no-store"
    assert response.json["refresh_token"] != tokens["refresh_token"]
    assert response.json["access_token"] != tokens["access_token"]


@pytest.mark.requirement("RFC9700-4.14.2")
def test_reuse_of_a_rotated_token_revokes_the_whole_family(web, web_client, web_secret, tokens):
    second = refresh(web, web_client, tokens["refresh_token"], web_secret).json
    reused = refresh(web, web_client, tokens["refresh_token"], web_secret)
    assert (reused.status_int, reused.json["error"]) == (400, "invalid_grant")
    # the legitimate successor dies too, with every access token of the grant
    assert refresh(web, web_client, second["refresh_token"], web_secret).json["error"] == "invalid_grant"
    for token in (tokens, second):
        assert call_api(web, token["access_token"]).status_int == 401
        assert introspect(web, web_client, web_secret, token["access_token"]).json == {"active": False}


@pytest.mark.requirement("RFC6749-6")
def test_the_scope_may_be_narrowed_and_the_new_refresh_token_keeps_the_original(
    web, web_client, web_secret, tokens, store
):
    narrowed = refresh(web, web_client, tokens["refresh_token"], web_secret, scope="api:read").json
    assert narrowed["scope"] == "api:read"
    _, grant = store.get_refresh_token(secrets.hash_secret(narrowed["refresh_token"]))
    assert grant.scope == "api:read api:write"
    again = refresh(web, web_client, narrowed["refresh_token"], web_secret).json
    assert again["scope"] == "api:read api:write"


@pytest.mark.requirement("RFC6749-6")
def test_widening_the_scope_is_invalid_scope_and_does_not_spend_the_token(web, web_client, web_secret, tokens, clients):
    clients.edit(web_client.client_id, scopes=("api:read", "api:write", "api:admin"))
    widened = refresh(web, web_client, tokens["refresh_token"], web_secret, scope="api:read api:admin")
    assert (widened.status_int, widened.json["error"]) == (400, "invalid_scope")
    assert refresh(web, web_client, tokens["refresh_token"], web_secret).status_int == 200


@pytest.mark.requirement("RFC6749-6")
def test_a_refresh_token_is_bound_to_its_client(web, tokens, clients):
    other, secret = clients.create(
        name="other", client_type="confidential", grant_types=("authorization_code", "refresh_token"),
        scopes=("api:read", "api:write"), redirect_uris=("https://o.example/cb",),
    )  # fmt: skip
    response = refresh(web, other, tokens["refresh_token"], secret)
    assert (response.status_int, response.json["error"]) == (400, "invalid_grant")


def test_an_expired_refresh_token_is_invalid_grant(web, web_client, web_secret, tokens, clock, settings):
    clock.advance(settings.refresh_token_ttl)
    assert refresh(web, web_client, tokens["refresh_token"], web_secret).json["error"] == "invalid_grant"


def test_an_unknown_refresh_token_is_invalid_grant(web, web_client, web_secret):
    assert refresh(web, web_client, "nope", web_secret).json["error"] == "invalid_grant"


def test_a_paused_clients_refresh_tokens_stop_working_until_resumed(web, web_client, web_secret, tokens, clients):
    clients.pause(web_client.client_id)
    assert refresh(web, web_client, tokens["refresh_token"], web_secret).json["error"] == "unauthorized_client"
    clients.resume(web_client.client_id)
    assert refresh(web, web_client, tokens["refresh_token"], web_secret).status_int == 200


def test_a_deleted_clients_refresh_tokens_stop_working(web, web_client, web_secret, tokens, clients, store):
    clients.delete(web_client.client_id)
    assert refresh(web, web_client, tokens["refresh_token"], web_secret).status_int == 401
    assert store.get_refresh_token(secrets.hash_secret(tokens["refresh_token"]))[1].revoked_at is not None


@pytest.mark.requirement("RFC9700-4.14.2")
def test_narrowing_a_clients_scopes_narrows_what_its_refresh_tokens_give(web, web_client, web_secret, tokens, clients):
    clients.edit(web_client.client_id, scopes=("api:read",))
    narrowed = refresh(web, web_client, tokens["refresh_token"], web_secret)
    assert (narrowed.status_int, narrowed.json["scope"]) == (200, "api:read")
    assert jwt.decode(narrowed.json["access_token"], options={"verify_signature": False})["scope"] == "api:read"
    asked = refresh(web, web_client, narrowed.json["refresh_token"], web_secret, scope="api:read api:write")
    assert (asked.status_int, asked.json["error"]) == (400, "invalid_scope")
    # given back by the administrator, the grant's own scope comes back: the user approved it
    clients.edit(web_client.client_id, scopes=("api:read", "api:write"))
    restored = refresh(web, web_client, narrowed.json["refresh_token"], web_secret)
    assert restored.json["scope"] == "api:read api:write"


@pytest.mark.requirement("RFC9700-4.14.2")
def test_a_grant_ends_at_its_maximum_lifetime_however_often_it_is_refreshed(
    web, web_client, web_secret, tokens, clock, settings
):
    current, end = tokens["refresh_token"], clock.now() + settings.grant_max_lifetime
    step = settings.refresh_token_ttl // 2
    while clock.now() + step < end:
        clock.advance(step)
        response = refresh(web, web_client, current, web_secret)
        assert response.status_int == 200
        current = response.json["refresh_token"]
    clock.advance(end - clock.now())
    assert refresh(web, web_client, current, web_secret).json["error"] == "invalid_grant"


def test_the_last_tokens_of_a_grant_end_with_it(settings, store, clock, box, alice, web_client, web_secret):
    settings = dataclasses.replace(settings, grant_max_lifetime=2 * 3600)
    flow = Flow(TestApp(make_app(settings, store, clock, box)), *alice)
    first = flow.exchange(web_client, flow.code(web_client), web_secret).json
    clock.advance(settings.grant_max_lifetime - 60)
    last = refresh(flow.web, web_client, first["refresh_token"], web_secret).json
    assert last["expires_in"] == 60  # not access_token_ttl: the grant ends in a minute
    assert jwt.decode(last["access_token"], options={"verify_signature": False})["exp"] == clock.now() + 60
    clock.advance(60)
    assert refresh(flow.web, web_client, last["refresh_token"], web_secret).json["error"] == "invalid_grant"
    assert call_api(flow.web, last["access_token"]).status_int == 401


@pytest.mark.requirement("RFC6749-3.2.1")
def test_a_public_client_refreshes_with_its_client_id(flow, public_client, web):
    first = flow.exchange(public_client, flow.code(public_client)).json
    response = refresh(web, public_client, first["refresh_token"])
    assert response.status_int == 200 and response.json["refresh_token"] != first["refresh_token"]


def test_a_refresh_token_is_opaque_256_bit_and_stored_hashed(tokens, store):
    assert len(tokens["refresh_token"]) == 43 and tokens["refresh_token"].count(".") == 0
    record = store.get_refresh_token(secrets.hash_secret(tokens["refresh_token"]))
    assert record is not None and tokens["refresh_token"] not in repr(record)


@pytest.mark.requirement("RFC9700-4.14.2")
def test_the_grace_window_allows_one_more_presentation_only(settings, store, clock, box, alice, web_client, web_secret):
    settings = dataclasses.replace(settings, refresh_token_reuse_grace=30)
    flow = Flow(TestApp(make_app(settings, store, clock, box)), *alice)
    first = flow.exchange(web_client, flow.code(web_client), web_secret).json
    assert refresh(flow.web, web_client, first["refresh_token"], web_secret).status_int == 200
    clock.advance(10)
    assert refresh(flow.web, web_client, first["refresh_token"], web_secret).status_int == 200  # lost response: once
    assert refresh(flow.web, web_client, first["refresh_token"], web_secret).json["error"] == "invalid_grant"


def test_after_the_grace_window_reuse_revokes_the_family(settings, store, clock, box, alice, web_client, web_secret):
    settings = dataclasses.replace(settings, refresh_token_reuse_grace=30)
    flow = Flow(TestApp(make_app(settings, store, clock, box)), *alice)
    first = flow.exchange(web_client, flow.code(web_client), web_secret).json
    second = refresh(flow.web, web_client, first["refresh_token"], web_secret).json
    clock.advance(31)
    assert refresh(flow.web, web_client, first["refresh_token"], web_secret).json["error"] == "invalid_grant"
    assert refresh(flow.web, web_client, second["refresh_token"], web_secret).json["error"] == "invalid_grant"
