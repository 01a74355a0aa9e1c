"""RFC 7592 §2-3: a client that registered itself reads, replaces and deletes its
registration with its registration access token, and nobody else can."""

import json

import pytest

from reference_as.policy import secrets
from reference_as.store import SQLiteStore
from spec_tests.helpers import basic, call_api, introspect, token_request
from spec_tests.registration import PUBLIC_APP, bearer, configuration_path, register

CONFIDENTIAL_APP = {"client_name": "Backend", "grant_types": ["client_credentials"], "response_types": []}


@pytest.fixture
def registered(web):
    response = register(web, PUBLIC_APP)
    assert response.status_int == 201
    return response.json


def configure(web, registered, method="GET", body=None, token=None):
    token = registered["registration_access_token"] if token is None else token
    headers = bearer(token) if token else {}
    if body is not None:
        headers["Content-Type"] = "application/json"
    return web.request(
        configuration_path(registered),
        method=method,
        body=json.dumps(body).encode() if body is not None else b"",
        headers=headers,
        expect_errors=True,
    )


def update_body(registered, **changes) -> dict:
    return {**PUBLIC_APP, "client_id": registered["client_id"], **changes}


@pytest.mark.requirement("RFC7592-2.1")
def test_a_client_reads_its_registration_with_its_registration_access_token(web, registered):
    response = configure(web, registered)
    assert response.status_int == 200 and response.headers["Cache-Control"] == "no-store"
    expected = {name: value for name, value in registered.items() if name != "registration_access_token"}
    assert response.json == expected


@pytest.mark.requirement("RFC7592-2")
@pytest.mark.parametrize("token", ["", "wrong-token", "access-token-of-another"])
def test_without_its_registration_access_token_every_method_is_401(web, registered, token):
    if token == "access-token-of-another":
        token = register(web, PUBLIC_APP).json["registration_access_token"]
    for method in ("GET", "PUT", "DELETE"):
        body = update_body(registered) if method == "PUT" else None
        response = configure(web, registered, method, body, token=token)
        assert response.status_int == 401 and response.json["error"] == "invalid_token", method
        assert response.headers["WWW-Authenticate"].startswith("Bearer ")
    assert configure(web, registered).status_int == 200  # nothing was changed or deleted


@pytest.mark.requirement("RFC7592-2")
def test_an_administrator_made_client_has_no_configuration_endpoint(web, confidential):
    client, _ = confidential
    response = web.get(f"/oauth2/register/{client.client_id}", headers=bearer("x" * 43), expect_errors=True)
    assert response.status_int == 401


@pytest.mark.requirement("RFC7592-2.2")
def test_an_update_replaces_the_registration_whole(web, store, registered):
    sent = update_body(
        registered, client_name="Notes, renamed", redirect_uris=["http://127.0.0.1:9000/cb"], scope="api:write"
    )
    del sent["grant_types"]  # left out: back to the default
    response = configure(web, registered, "PUT", sent)
    assert response.status_int == 200, response.json
    assert response.json["client_name"] == "Notes, renamed"
    assert response.json["grant_types"] == ["authorization_code"]
    client = store.get_client(registered["client_id"])
    assert client.redirect_uris == ("http://127.0.0.1:9000/cb",) and client.scopes == ("api:write",)
    assert client.grant_types == ("authorization_code",)
    assert configure(web, registered).json == {k: v for k, v in response.json.items()}


@pytest.mark.requirement("RFC7592-2.2")
@pytest.mark.parametrize(
    "changes",
    [
        {"client_id": "another"},
        {"registration_access_token": "x"},
        {"registration_client_uri": "https://elsewhere.example/"},
        {"client_id_issued_at": 1},
        {"client_secret_expires_at": 0},
        {"client_secret": "not-the-secret"},
        {"token_endpoint_auth_method": "client_secret_basic"},  # a public client stays public
        {"redirect_uris": ["http://app.example/cb"]},
    ],
)
def test_an_update_the_rules_refuse_changes_nothing(web, store, registered, changes):
    before = store.get_client(registered["client_id"])
    response = configure(web, registered, "PUT", update_body(registered, **changes))
    assert response.status_int == 400
    assert response.json["error"] in ("invalid_client_metadata", "invalid_redirect_uri")
    assert store.get_client(registered["client_id"]) == before


@pytest.mark.requirement("RFC7592-2.2")
def test_a_confidential_client_may_send_its_current_secret_in_an_update(web):
    registered = register(web, CONFIDENTIAL_APP).json
    body = {**CONFIDENTIAL_APP, "client_id": registered["client_id"], "client_secret": registered["client_secret"]}
    response = configure(web, registered, "PUT", {**body, "client_name": "Backend 2"})
    assert response.status_int == 200 and response.json["client_name"] == "Backend 2"
    assert "client_secret" not in response.json  # kept as a hash only; the client has it


@pytest.mark.requirement("RFC7592-2.3")
def test_deleting_the_registration_ends_the_client_and_its_tokens(web, store):
    registered = register(web, CONFIDENTIAL_APP).json
    credentials = basic(registered["client_id"], registered["client_secret"])
    token = token_request(web, {"grant_type": "client_credentials"}, credentials).json["access_token"]
    response = configure(web, registered, "DELETE")
    assert response.status_int == 204 and response.body == b""
    assert store.get_client(registered["client_id"]) is None
    assert call_api(web, token).status_int == 401
    assert configure(web, registered).status_int == 401  # RFC7592-2: the client no longer exists


@pytest.mark.requirement("RFC7592-3")
def test_the_registration_access_token_is_kept_hashed_and_is_no_access_token(web, store, registered, confidential):
    token = registered["registration_access_token"]
    if isinstance(store, SQLiteStore):  # nowhere in the database's files
        files = [store.path, store.path.with_name(store.path.name + "-wal")]
        assert not any(token.encode() in f.read_bytes() for f in files if f.exists())
    client = store.get_client(registered["client_id"])
    assert client.registration_token_hash == secrets.hash_secret(token) and token not in client.metadata
    assert call_api(web, token).status_int == 401
    resource_server, secret = confidential
    assert introspect(web, resource_server, secret, token).json == {"active": False}
