"""The client service: the seed's client administration and the RFC 6749 §2 rules it enforces."""

import re

import pytest

from reference_as.clients import ClientNotFound, InvalidClientSettings, describe

CONF = dict(name="svc", client_type="confidential", grant_types=("client_credentials",), scopes=("api:read",))
WEB = dict(name="web", client_type="confidential", grant_types=("authorization_code",), scopes=("api:read",))


def test_a_confidential_client_gets_a_256_bit_secret_stored_only_as_a_hash(clients, store):
    client, secret = clients.create(**CONF)
    assert len(secret) == 43  # 32 random bytes, base64url
    stored = store.get_client(client.client_id)
    assert secret not in repr(stored)
    assert stored.secret_hash and stored.secret_hint == secret[-4:]


@pytest.mark.requirement("RFC6749-2.2")
def test_a_generated_client_id_is_unique_hex_that_a_command_line_never_takes_for_an_option(clients):
    # A base64url id began with "-" one time in 64: `reference-as clients show -x…` then failed.
    ids = {clients.create(**CONF)[0].client_id for _ in range(20)}
    assert len(ids) == 20
    assert all(re.fullmatch(r"[0-9a-f]{24}", client_id) for client_id in ids)


def test_a_public_client_has_no_secret(clients):
    client, secret = clients.create(**{**WEB, "client_type": "public", "redirect_uris": ("http://127.0.0.1/cb",)})
    assert secret is None and client.secret_hash is None


def test_describe_masks_the_secret(clients):
    client, secret = clients.create(**CONF)
    shown = describe(client)
    assert secret not in str(shown)
    assert shown["client_secret"] == "…" + secret[-4:]


@pytest.mark.requirement("RFC6749-4.4")
def test_a_public_client_cannot_be_given_client_credentials(clients):
    with pytest.raises(InvalidClientSettings):
        clients.create(**{**CONF, "client_type": "public"})


@pytest.mark.requirement("RFC6749-3.1.2")
@pytest.mark.requirement("RFC9700-2.6")  # http only on loopback
@pytest.mark.parametrize(
    "uri",
    [
        "/relative/callback",
        "app.example/cb",
        "https://app.example/cb#fragment",
        "http://app.example/cb",  # RFC 9700 §2.6: http only on loopback
        "https://user:pw@app.example/cb",
        "javascript:alert(1)",
        " https://app.example/cb",
        "https:///no-host",
    ],
)
def test_a_redirect_uri_that_is_not_absolute_safe_and_fragment_free_is_refused(clients, uri):
    with pytest.raises(InvalidClientSettings):
        clients.create(**WEB, redirect_uris=(uri,))


@pytest.mark.requirement("RFC8252-7")
@pytest.mark.parametrize(
    "uri",
    [
        "https://app.example/cb?x=1",
        "http://127.0.0.1:8001/callback",
        "http://[::1]/cb",
        "com.example.app:/oauth2redirect",
    ],
)
def test_https_loopback_and_private_use_redirect_uris_are_accepted(clients, uri):
    client, _ = clients.create(**WEB, redirect_uris=(uri,))
    assert client.redirect_uris == (uri,)


@pytest.mark.requirement("RFC6749-3.1.2.2")
def test_authorization_code_needs_a_redirect_uri(clients):
    with pytest.raises(InvalidClientSettings):
        clients.create(**WEB)


def test_unknown_scopes_grants_and_types_are_refused(clients):
    with pytest.raises(InvalidClientSettings):
        clients.create(**{**CONF, "scopes": ("api:everything",)})
    with pytest.raises(InvalidClientSettings):
        clients.create(**{**CONF, "grant_types": ("password",)})
    with pytest.raises(InvalidClientSettings):
        clients.create(**{**CONF, "client_type": "trusted"})
    with pytest.raises(InvalidClientSettings):
        clients.create(**{**CONF, "scopes": ()})
    with pytest.raises(InvalidClientSettings):
        clients.create(**{**CONF, "name": "  "})


def test_a_chosen_client_id_must_be_unreserved_characters_and_free(clients):
    clients.create(**CONF, client_id="analytics_app")
    with pytest.raises(InvalidClientSettings):
        clients.create(**CONF, client_id="analytics_app")
    with pytest.raises(InvalidClientSettings):
        clients.create(**CONF, client_id="has:colon")


def test_edit_changes_fields_but_keeps_the_rules(clients):
    client, _ = clients.create(**CONF)
    edited = clients.edit(client.client_id, name="Renamed", scopes=("api:read", "api:write"))
    assert (edited.name, edited.scopes, edited.client_type) == ("Renamed", ("api:read", "api:write"), "confidential")
    with pytest.raises(InvalidClientSettings):
        clients.edit(client.client_id, grant_types=("authorization_code",))  # no redirect URI
    assert clients.get(client.client_id).grant_types == ("client_credentials",)  # nothing half-saved


def test_pause_and_resume_change_the_status(clients):
    client, _ = clients.create(**CONF)
    assert clients.pause(client.client_id).status == "paused"
    assert clients.resume(client.client_id).status == "active"


def test_rotating_gives_a_new_secret_and_a_public_client_has_none_to_rotate(clients):
    client, old = clients.create(**CONF)
    rotated, new = clients.rotate_secret(client.client_id)
    assert new != old and rotated.secret_hash != client.secret_hash
    public, _ = clients.create(**{**WEB, "client_type": "public", "redirect_uris": ("http://127.0.0.1/cb",)})
    with pytest.raises(InvalidClientSettings):
        clients.rotate_secret(public.client_id)


def test_operations_on_an_unknown_client_say_so(clients):
    for operation in (clients.get, clients.pause, clients.resume, clients.delete, clients.rotate_secret):
        with pytest.raises(ClientNotFound):
            operation("nobody")
