"""RFC 6749 §4.4: the client credentials grant, and the client's life cycle around it
(pause, resume, secret rotation, deletion: the seed's client administration)."""

import pytest

from spec_tests.helpers import basic, call_api, token_request

CC = {"grant_type": "client_credentials"}


@pytest.mark.requirement("RFC6749-4.4.3")
def test_a_confidential_client_gets_an_access_token_and_no_refresh_token(web, confidential):
    client, secret = confidential
    response = token_request(web, CC, basic(client.client_id, secret))
    assert response.status_int == 200
    assert set(response.json) == {"access_token", "token_type", "expires_in", "scope"}
    assert "refresh_token" not in response.json


@pytest.mark.requirement("RFC6749-4.4")
def test_a_public_client_cannot_use_client_credentials(web, clients):
    client, _ = clients.create(
        name="spa",
        client_type="public",
        grant_types=("authorization_code",),
        scopes=("api:read",),
        redirect_uris=("http://127.0.0.1:9000/cb",),
    )
    response = token_request(web, {**CC, "client_id": client.client_id})
    assert response.status_int == 400
    assert response.json["error"] == "unauthorized_client"


@pytest.mark.requirement("RFC6749-5.2")
def test_a_client_not_allowed_the_grant_is_unauthorized_client(web, clients):
    client, secret = clients.create(
        name="web",
        client_type="confidential",
        grant_types=("authorization_code",),
        scopes=("api:read",),
        redirect_uris=("https://app.example/cb",),
    )
    response = token_request(web, CC, basic(client.client_id, secret))
    assert response.status_int == 400
    assert response.json["error"] == "unauthorized_client"


@pytest.mark.requirement("RFC6749-5.2")
def test_an_unknown_grant_type_is_unsupported_grant_type(web, confidential):
    client, secret = confidential
    response = token_request(web, {"grant_type": "urn:example:magic"}, basic(client.client_id, secret))
    assert response.status_int == 400
    assert response.json["error"] == "unsupported_grant_type"


@pytest.mark.requirement("RFC6749-3.3")
def test_without_scope_the_client_gets_its_default_scopes_not_every_allowed_one(web, confidential):
    client, secret = confidential
    assert client.default_scopes == ("api:read",)  # the lowest of api:read, api:write: least privilege
    assert token_request(web, CC, basic(client.client_id, secret)).json["scope"] == "api:read"


@pytest.mark.requirement("RFC6749-3.3")
def test_an_administrator_chooses_the_default_scopes(web, confidential, clients):
    client, secret = confidential
    clients.edit(client.client_id, default_scopes=("api:read", "api:write"))
    assert token_request(web, CC, basic(client.client_id, secret)).json["scope"] == "api:read api:write"


@pytest.mark.requirement("RFC6749-3.3")
def test_a_subset_of_allowed_scopes_is_granted_as_asked(web, confidential):
    client, secret = confidential
    response = token_request(web, {**CC, "scope": "api:write"}, basic(client.client_id, secret))
    assert response.json["scope"] == "api:write"


@pytest.mark.requirement("RFC6749-5.2")
@pytest.mark.parametrize("scope", ["api:admin", "api:read api:superuser", "unknown", "api:read  api:write"])
def test_a_scope_not_allowed_is_invalid_scope(web, confidential, scope):
    client, secret = confidential
    response = token_request(web, {**CC, "scope": scope}, basic(client.client_id, secret))
    assert response.status_int == 400
    assert response.json["error"] == "invalid_scope"


@pytest.fixture
def one_scope_settings(settings):
    import dataclasses

    return dataclasses.replace(settings, one_scope_per_request=True)


@pytest.mark.requirement("SEED-ONE-SCOPE")
def test_the_one_scope_rule_refuses_two_scopes_and_a_missing_scope(store, clock, box, one_scope_settings):
    from webtest import TestApp

    from reference_as.app import make_app
    from reference_as.clients import ClientService

    web = TestApp(make_app(one_scope_settings, store, clock, box))
    service = ClientService(store, one_scope_settings, clock)
    both = ("api:read", "api:write")
    client, secret = service.create(
        name="svc", client_type="confidential", grant_types=("client_credentials",), scopes=both, default_scopes=both
    )
    auth = basic(client.client_id, secret)
    assert token_request(web, {**CC, "scope": "api:read api:write"}, auth).json["error"] == "invalid_scope"
    assert token_request(web, CC, auth).json["error"] == "invalid_scope"  # its default is two scopes
    assert token_request(web, {**CC, "scope": "api:read"}, auth).json["scope"] == "api:read"
    service.edit(client.client_id, default_scopes=("api:write",))
    assert token_request(web, CC, auth).json["scope"] == "api:write"


# -- the client's life cycle ------------------------------------------------------------


def test_a_paused_client_is_refused_until_resumed(web, confidential, clients):
    client, secret = confidential
    clients.pause(client.client_id)
    refused = token_request(web, CC, basic(client.client_id, secret))
    assert refused.status_int == 400
    assert refused.json["error"] == "unauthorized_client"
    clients.resume(client.client_id)
    assert token_request(web, CC, basic(client.client_id, secret)).status_int == 200


def test_a_rotated_secret_stops_the_old_one_at_once_and_the_new_one_works(web, confidential, clients):
    client, old = confidential
    _, new = clients.rotate_secret(client.client_id)
    assert token_request(web, CC, basic(client.client_id, old)).json["error"] == "invalid_client"
    assert token_request(web, CC, basic(client.client_id, new)).status_int == 200


def test_a_deleted_client_is_refused_and_its_tokens_are_revoked(web, confidential, clients):
    client, secret = confidential
    token = token_request(web, CC, basic(client.client_id, secret)).json["access_token"]
    assert call_api(web, token).status_int == 200
    clients.delete(client.client_id)
    assert token_request(web, CC, basic(client.client_id, secret)).json["error"] == "invalid_client"
    assert call_api(web, token).status_int == 401


def test_a_client_made_again_under_a_deleted_ones_id_does_not_revive_its_tokens(web, confidential, clients, clock):
    client, secret = confidential
    token = token_request(web, CC, basic(client.client_id, secret)).json["access_token"]
    clients.delete(client.client_id)
    clock.advance(1)
    again, again_secret = clients.create(
        name="again", client_type="confidential", grant_types=("client_credentials",), scopes=client.scopes,
        client_id=client.client_id,
    )  # fmt: skip
    assert call_api(web, token).status_int == 401
    assert (
        call_api(web, token_request(web, CC, basic(again.client_id, again_secret)).json["access_token"]).status_int
        == 200
    )


def test_client_credentials_tokens_write_nothing_but_the_last_use_once_a_minute(web, confidential, store, clock):
    """Access tokens are not recorded (DESIGN.md): issuing one changes no row but,
    at most once a minute, the client's last use."""
    client, secret = confidential
    for _ in range(3):
        assert token_request(web, CC, basic(client.client_id, secret)).status_int == 200
    assert store.get_client(client.client_id).last_used_at == clock.now()
    clock.advance(59)
    token_request(web, CC, basic(client.client_id, secret))
    assert store.get_client(client.client_id).last_used_at == clock.now() - 59
    clock.advance(1)
    token_request(web, CC, basic(client.client_id, secret))
    assert store.get_client(client.client_id).last_used_at == clock.now()


def test_a_client_credentials_token_changes_no_row_of_the_store(tmp_path, settings, clock, box):
    """The hot path writes nothing (issue 19): after the first token of the minute
    (the client's last use), SQLite's count of changed rows stands still."""
    from webtest import TestApp

    from reference_as.app import make_app
    from reference_as.clients import ClientService
    from reference_as.store import SQLiteStore

    store = SQLiteStore(tmp_path / "s.sqlite3")
    web = TestApp(make_app(settings, store, clock, box))
    client, secret = ClientService(store, settings, clock).create(
        name="svc", client_type="confidential", grant_types=("client_credentials",), scopes=("api:read",)
    )
    token_request(web, CC, basic(client.client_id, secret))
    changes = store._db.total_changes
    for _ in range(5):
        assert token_request(web, CC, basic(client.client_id, secret)).status_int == 200
    assert store._db.total_changes == changes
    store.close()
