"""OpenID Connect Core §9 `client_secret_jwt`: an RFC 7523 §2.2 assertion signed HS256 with
the client's secret. Off by default (the secret must then be kept usable as a key,
sealed under the master key, not only hashed); with the `client_secret_jwt` setting on,
a client registers it and authenticates with PyJWT-made assertions."""

import dataclasses

import jwt
import pytest
from webtest import TestApp

from reference_as.app import make_app
from reference_as.clients import ClientService
from spec_tests.helpers import basic, token_request
from spec_tests.registration import register
from spec_tests.rfc7523.conftest import assertion_body, token_endpoint

APP = {"client_name": "HMAC service", "grant_types": ["client_credentials"], "response_types": []}


@pytest.fixture
def on(settings):
    return dataclasses.replace(settings, client_secret_jwt=True)


@pytest.fixture
def web_on(on, store, clock, box):
    return TestApp(make_app(on, store, clock, box))


def hs256(client_id: str, secret: str, settings, **claims) -> str:
    import secrets as random
    import time

    now = int(time.time())
    body = {"iss": client_id, "sub": client_id, "aud": token_endpoint(settings), "exp": now + 60, "iat": now}
    return jwt.encode({**body, "jti": random.token_urlsafe(8), **claims}, secret, algorithm="HS256")


def send(web, assertion: str):
    return token_request(web, {"grant_type": "client_credentials", **assertion_body(assertion)})


@pytest.mark.requirement("OIDC-9")
def test_a_registered_client_secret_jwt_client_authenticates_with_an_hmac_of_its_secret(web_on, on, store):
    body = register(web_on, {**APP, "token_endpoint_auth_method": "client_secret_jwt"}).json
    client_id, secret = body["client_id"], body["client_secret"]
    assert body["token_endpoint_auth_method"] == "client_secret_jwt" and body["client_secret_expires_at"] == 0
    stored = store.get_client(client_id)
    assert stored.secret_sealed and secret not in stored.secret_sealed  # sealed, not in clear
    assert send(web_on, hs256(client_id, secret, on)).status_int == 200
    wrong = send(web_on, hs256(client_id, secret + "x", on))
    assert wrong.status_int == 401 and wrong.json["error"] == "invalid_client"
    # Its registered method only: the secret itself is not accepted as Basic.
    assert token_request(web_on, {"grant_type": "client_credentials"}, basic(client_id, secret)).status_int == 401


@pytest.mark.requirement("OIDC-9")
def test_a_rotated_secret_keys_the_hmac_and_the_old_one_no_longer(web_on, on, store, clock, box):
    service = ClientService(store, on, clock, box)
    client, old = service.create(
        name="Rotating", client_type="confidential", grant_types=("client_credentials",), scopes=("api:read",),
        client_secret_jwt=True,
    )  # fmt: skip
    _, new = service.rotate_secret(client.client_id)
    assert send(web_on, hs256(client.client_id, new, on)).status_int == 200
    assert send(web_on, hs256(client.client_id, old, on)).status_int == 401


@pytest.mark.requirement("OIDC-9")
def test_the_metadata_advertises_it_and_hs256_only_when_on(web, web_on):
    off = web.get("/.well-known/oauth-authorization-server").json
    assert "client_secret_jwt" not in off["token_endpoint_auth_methods_supported"]
    assert "HS256" not in off["token_endpoint_auth_signing_alg_values_supported"]
    document = web_on.get("/.well-known/oauth-authorization-server").json
    assert "client_secret_jwt" in document["token_endpoint_auth_methods_supported"]
    assert "HS256" in document["token_endpoint_auth_signing_alg_values_supported"]


@pytest.mark.requirement("OIDC-9")
def test_when_off_it_cannot_be_registered_nor_made(web, store, clients):
    response = register(web, {**APP, "token_endpoint_auth_method": "client_secret_jwt"})
    assert response.status_int == 400 and response.json["error"] == "invalid_client_metadata"
    from reference_as.clients import InvalidClientSettings

    with pytest.raises(InvalidClientSettings):
        clients.create(
            name="No", client_type="confidential", grant_types=("client_credentials",), scopes=("api:read",),
            client_secret_jwt=True,
        )  # fmt: skip
    assert not store.list_clients()
