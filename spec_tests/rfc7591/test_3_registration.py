"""RFC 7591 §2 and §3 at `POST /oauth2/register`: a client registers itself,
and what the server answers (and refuses)."""

import pytest

from reference_as.config import Settings
from reference_as.policy import secrets
from reference_as.registration_tokens import RegistrationTokens
from reference_as.store.records import RFC7591
from spec_tests.conftest import ISSUER
from spec_tests.helpers import basic, call_api, redirect_params, token_request
from spec_tests.registration import PUBLIC_APP, app_with, bearer, register


@pytest.mark.requirement("RFC7591-3.2.1")
def test_a_public_client_registers_and_is_answered_201_with_its_metadata_and_no_secret(web, store, clock):
    response = register(web, PUBLIC_APP)
    assert response.status_int == 201
    assert response.headers["Cache-Control"] == "no-store"
    body = response.json
    for name, value in PUBLIC_APP.items():
        assert body[name] == value
    assert body["client_id_issued_at"] == clock.now()
    assert "client_secret" not in body and "client_secret_expires_at" not in body
    assert body["registration_access_token"] and body["registration_client_uri"].endswith("/" + body["client_id"])
    client = store.get_client(body["client_id"])
    assert client.origin == RFC7591 and not client.is_confidential
    assert client.registration_token_hash == secrets.hash_secret(body["registration_access_token"])


@pytest.mark.requirement("RFC7591-2")
def test_what_is_left_out_gets_the_defaults_of_rfc7591_and_a_confidential_client_a_secret(web, store):
    body = register(web, {"redirect_uris": ["https://app.example/cb"]}).json
    assert body["grant_types"] == ["authorization_code"] and body["response_types"] == ["code"]
    assert body["token_endpoint_auth_method"] == "client_secret_basic"
    # RFC7591-3.2.1: client_secret_expires_at is REQUIRED with a secret; 0: it does not expire.
    assert body["client_secret"] and body["client_secret_expires_at"] == 0
    # Least privilege: no scope asked for, the lowest one given.
    assert body["scope"] == "api:read"
    assert store.get_client(body["client_id"]).secret_hash == secrets.hash_secret(body["client_secret"])


def test_a_registered_confidential_client_gets_tokens_with_its_secret(web):
    body = register(web, {"grant_types": ["client_credentials"], "response_types": [], "scope": "api:read"}).json
    response = token_request(web, {"grant_type": "client_credentials"}, basic(body["client_id"], body["client_secret"]))
    assert response.status_int == 200
    assert call_api(web, response.json["access_token"]).status_int == 200


def test_a_registered_public_client_runs_the_code_flow(web, store, flow):
    client = store.get_client(register(web, PUBLIC_APP).json["client_id"])
    response = flow.exchange(client, flow.code(client))
    assert response.status_int == 200 and response.json["refresh_token"]


def test_the_consent_page_says_a_self_registered_name_is_unverified(web, store, flow):
    client = store.get_client(register(web, PUBLIC_APP).json["client_id"])
    flow.login()
    page = flow.authorize(client)
    assert page.status_int == 200
    assert "registered itself" in page.text and PUBLIC_APP["client_name"] in page.text


@pytest.mark.requirement("RFC7591-2")
def test_members_the_server_does_not_understand_are_ignored(web, store):
    response = register(web, {**PUBLIC_APP, "frobnicate": [1, 2], "software_statement": "e30.e30.", "jwks": {}})
    assert response.status_int == 201
    assert not {"frobnicate", "software_statement", "jwks"} & set(response.json)
    assert "frobnicate" not in store.get_client(response.json["client_id"]).metadata


@pytest.mark.requirement("RFC7591-3.2.2")
@pytest.mark.parametrize(
    "redirect_uris",
    [
        ["http://app.example/cb"],  # http off loopback (RFC 9700 §2.6)
        ["https://app.example/cb#frag"],  # a fragment (RFC 6749 §3.1.2)
        ["/relative/cb"],
        ["javascript:alert(1)"],
        [],  # authorization_code needs one (RFC 6749 §3.1.2.2)
        ["com.example.app:/cb"],  # a private-use scheme, but application_type is web
    ],
)
def test_a_redirect_uri_not_allowed_is_invalid_redirect_uri_and_nothing_is_saved(web, store, redirect_uris):
    response = register(web, {**PUBLIC_APP, "redirect_uris": redirect_uris})
    assert response.status_int == 400 and response.json["error"] == "invalid_redirect_uri"
    assert response.json["error_description"]
    assert store.list_clients() == []


@pytest.mark.requirement("RFC8252-7.1")
def test_a_native_app_may_register_a_private_use_scheme_that_is_a_reversed_domain(web):
    native = {**PUBLIC_APP, "application_type": "native", "redirect_uris": ["com.example.notes:/callback"]}
    assert register(web, native).status_int == 201
    no_domain = {**native, "redirect_uris": ["notes:/callback"]}
    assert register(web, no_domain).json["error"] == "invalid_redirect_uri"


@pytest.mark.requirement("RFC7591-3.2.2")
@pytest.mark.parametrize(
    "change",
    [
        {"grant_types": ["authorization_code"], "response_types": ["token"]},  # implicit: not offered
        {"grant_types": ["client_credentials"], "response_types": ["code"]},  # RFC7591-2.1: they disagree
        {"grant_types": ["password"]},
        {"token_endpoint_auth_method": "private_key_jwt"},
        {"token_endpoint_auth_method": "none", "grant_types": ["client_credentials"], "response_types": []},
        {"scope": "api:read api:superuser"},  # not registrable
        {"scope": "api:unknown"},
        {"client_name": ["an", "array"]},  # an array where a string belongs
        {"redirect_uris": "http://127.0.0.1:8001/callback"},  # a string where an array belongs
        {"grant_types": [1, 2]},
        {"contacts": ["a@example.com"] * 11},
        {"client_uri": "javascript:alert(1)"},
        {"application_type": "desktop"},
        {"client_name": " "},
    ],
)
def test_metadata_the_server_cannot_accept_is_invalid_client_metadata_and_nothing_is_saved(web, store, change):
    response = register(web, {**PUBLIC_APP, **change})
    assert response.status_int == 400 and response.json["error"] == "invalid_client_metadata", response.json
    assert response.json["error_description"]
    assert store.list_clients() == []


def test_registrable_scopes_are_a_setting_and_never_the_highest_by_default():
    settings = Settings(issuer=ISSUER)
    assert settings.levels[-1] not in settings.registrable
    assert Settings(issuer=ISSUER, registrable_scopes=("api:admin",)).registrable == ("api:admin",)


def test_the_metadata_advertises_the_registration_endpoint(web):
    assert web.get("/.well-known/oauth-authorization-server").json["registration_endpoint"] == (
        ISSUER + "/oauth2/register"
    )


# -- who may register (RFC 7591 §3) -------------------------------------------------------------


def test_registration_is_open_on_a_loopback_issuer_and_needs_a_token_elsewhere():
    assert Settings(issuer=ISSUER).registration_policy == "open"
    assert Settings(issuer="https://as.example").registration_policy == "token"


@pytest.fixture
def token_web(settings, store, clock, box):
    return app_with(settings, store, clock, box, registration="token")


@pytest.mark.requirement("RFC7591-3")
@pytest.mark.parametrize("headers", [{}, {"Authorization": "Bearer not-a-token-we-made"}])
def test_with_registration_token_a_request_without_a_valid_initial_access_token_is_401(token_web, store, headers):
    response = register(token_web, PUBLIC_APP, headers)
    assert response.status_int == 401 and response.json["error"] == "invalid_token"
    assert response.headers["WWW-Authenticate"].startswith("Bearer ")
    assert store.list_clients() == []


@pytest.mark.requirement("RFC7591-3")
def test_an_initial_access_token_lets_a_client_register_until_it_expires(token_web, store, clock):
    _, token = RegistrationTokens(store, clock).create(lifetime=600)
    assert register(token_web, PUBLIC_APP, bearer(token)).status_int == 201
    assert register(token_web, PUBLIC_APP, bearer(token)).status_int == 201  # not single use
    clock.advance(600)
    assert register(token_web, PUBLIC_APP, bearer(token)).status_int == 401


def test_with_registration_off_there_is_no_endpoint_and_none_is_advertised(settings, store, clock, box):
    web = app_with(settings, store, clock, box, registration="off")
    assert register(web, PUBLIC_APP).status_int == 404
    assert "registration_endpoint" not in web.get("/.well-known/oauth-authorization-server").json


def test_registrations_are_limited_per_address_and_hour(settings, store, clock, box):
    web = app_with(settings, store, clock, box, registrations_per_hour=2)
    here, there = {"REMOTE_ADDR": "192.0.2.1"}, {"REMOTE_ADDR": "192.0.2.2"}
    assert [register(web, PUBLIC_APP, **here).status_int for _ in range(3)] == [201, 201, 429]
    refused = register(web, PUBLIC_APP, **here)
    assert refused.json["error"] == "invalid_request" and int(refused.headers["Retry-After"]) > 0
    assert register(web, PUBLIC_APP, **there).status_int == 201  # another address has its own count
    clock.advance(3600)
    assert register(web, PUBLIC_APP, **here).status_int == 201  # the next hour
    assert len(store.list_clients()) == 4


def test_a_paused_self_registered_client_gets_no_code(web, store, flow, clients):
    client = store.get_client(register(web, PUBLIC_APP).json["client_id"])
    clients.pause(client.client_id)
    flow.login()
    assert redirect_params(flow.authorize(client))["error"] == "unauthorized_client"
