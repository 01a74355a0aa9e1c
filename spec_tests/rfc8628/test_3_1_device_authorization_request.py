"""RFC 8628 §3.1-3.2 and §4: the device authorization request and response; the metadata."""

import pytest

from reference_as.policy import rfc8628_device, secrets
from spec_tests.helpers import DEVICE_GRANT, basic, device_authorization


@pytest.mark.requirement("RFC8628-3.2")
def test_the_response_carries_both_codes_the_verification_uris_the_lifetime_and_the_interval(device, settings):
    assert device.keys() == {
        "device_code", "user_code", "verification_uri", "verification_uri_complete", "expires_in", "interval",
    }  # fmt: skip
    assert device["verification_uri"] == settings.issuer + "/device"
    assert device["verification_uri_complete"] == settings.issuer + "/device?user_code=" + device["user_code"]
    assert (device["expires_in"], device["interval"]) == (settings.device_code_ttl, settings.device_poll_interval)
    assert (device["expires_in"], device["interval"]) == (600, 5)  # the defaults


@pytest.mark.requirement("RFC8628-3.2")
def test_the_response_is_json_that_no_cache_may_keep(web, cli_client):
    response = device_authorization(web, cli_client)
    assert response.content_type == "application/json"
    assert response.headers["Cache-Control"] == "no-store" and response.headers["Pragma"] == "no-cache"


@pytest.mark.requirement("RFC8628-5.2")
def test_device_codes_are_256_bit_random_and_stored_only_hashed(web, cli_client, device, store):
    assert len(device["device_code"]) == 43  # 32 bytes, base64url
    assert device_authorization(web, cli_client).json["device_code"] != device["device_code"]
    stored = store.get_device_authorization(secrets.hash_secret(device["device_code"]))
    assert stored is not None and device["device_code"] not in repr(stored)
    assert device["user_code"].replace("-", "") not in repr(stored)


@pytest.mark.requirement("RFC8628-3.2")
def test_the_device_code_is_bound_to_the_client_and_scope_and_lives_the_configured_time(
    web, cli_client, store, clock, settings
):
    body = device_authorization(web, cli_client, scope="api:write").json
    stored = store.get_device_authorization(secrets.hash_secret(body["device_code"]))
    assert (stored.client_id, stored.scope) == (cli_client.client_id, "api:write")
    assert stored.expires_at == clock.now() + settings.device_code_ttl


@pytest.mark.requirement("RFC8628-3.1")
@pytest.mark.requirement("RFC6749-3.3")
def test_a_request_without_scope_gets_the_clients_default_scope_not_everything(web, cli_client, store):
    body = device_authorization(web, cli_client).json
    stored = store.get_device_authorization(secrets.hash_secret(body["device_code"]))
    assert stored.scope == "api:read" == " ".join(cli_client.default_scopes)


@pytest.mark.requirement("RFC6749-3.3")
def test_a_scope_the_client_is_not_allowed_is_invalid_scope(web, cli_client):
    response = device_authorization(web, cli_client, scope="api:read api:admin")
    assert (response.status_int, response.json["error"]) == (400, "invalid_scope")


@pytest.mark.requirement("RFC8628-3.1")
@pytest.mark.requirement("RFC6749-3.2.1")
def test_a_confidential_client_authenticates_with_http_basic_alone(web, tv_app):
    client, secret = tv_app
    response = web.post("/oauth2/device_authorization", {"scope": "api:read"}, headers=basic(client.client_id, secret))
    assert response.status_int == 200 and response.json["device_code"]


@pytest.mark.requirement("RFC8628-3.1")
@pytest.mark.requirement("RFC6749-3.2.1")
def test_a_confidential_client_that_does_not_authenticate_is_invalid_client(web, tv_app):
    client, secret = tv_app
    response = device_authorization(web, client)  # its client_id alone
    assert (response.status_int, response.json["error"]) == (401, "invalid_client")
    assert response.headers["WWW-Authenticate"].startswith("Basic")
    wrong = device_authorization(web, client, "x" + secret)
    assert (wrong.status_int, wrong.json["error"]) == (401, "invalid_client")


@pytest.mark.requirement("RFC8628-3.1")
def test_an_unknown_client_or_none_at_all_is_invalid_client(web):
    assert web.post("/oauth2/device_authorization", {"client_id": "nobody"}, status=401).json["error"] == (
        "invalid_client"
    )
    assert web.post("/oauth2/device_authorization", {"scope": "api:read"}, status=401).json["error"] == (
        "invalid_client"
    )


@pytest.mark.requirement("RFC6749-5.2")
def test_a_client_not_allowed_the_device_grant_is_unauthorized_client(web, public_client, confidential):
    response = device_authorization(web, public_client)  # authorization_code and refresh_token only
    assert (response.status_int, response.json["error"]) == (400, "unauthorized_client")
    client, secret = confidential
    assert device_authorization(web, client, secret).json["error"] == "unauthorized_client"


def test_a_paused_client_is_refused(web, cli_client, clients):
    clients.pause(cli_client.client_id)
    response = device_authorization(web, cli_client)
    assert (response.status_int, response.json["error"]) == (400, "unauthorized_client")


@pytest.mark.requirement("RFC8628-3.1")
def test_the_request_must_be_a_post_of_a_form_without_repeated_parameters(web, cli_client):
    get = web.get("/oauth2/device_authorization?client_id=" + cli_client.client_id, expect_errors=True)
    assert get.status_int == 405 and get.headers["Allow"] == "POST"
    repeated = web.post(
        "/oauth2/device_authorization",
        f"client_id={cli_client.client_id}&scope=api:read&scope=api:write",
        headers={"Content-Type": "application/x-www-form-urlencoded"},
        expect_errors=True,
    )
    assert (repeated.status_int, repeated.json["error"]) == (400, "invalid_request")
    json_body = web.post_json("/oauth2/device_authorization", {"client_id": cli_client.client_id}, expect_errors=True)
    assert (json_body.status_int, json_body.json["error"]) == (400, "invalid_request")


@pytest.mark.requirement("RFC8628-4")
def test_the_metadata_names_the_endpoint_and_the_grant(web, settings):
    metadata = web.get("/.well-known/oauth-authorization-server").json
    assert metadata["device_authorization_endpoint"] == settings.issuer + "/oauth2/device_authorization"
    assert DEVICE_GRANT in metadata["grant_types_supported"]
    assert rfc8628_device.GRANT_TYPE == DEVICE_GRANT
