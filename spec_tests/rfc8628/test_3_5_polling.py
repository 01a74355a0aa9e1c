"""RFC 8628 §3.4-3.5: the device polls the token endpoint; each answer until it gets its tokens, once."""

import pytest

from reference_as.policy import secrets
from spec_tests.helpers import (
    DEVICE_GRANT,
    approve_device,
    call_api,
    device_authorization,
    device_poll,
    refresh,
    token_request,
    verify_with_pyjwt,
)


def error_of(response) -> tuple[int, str]:
    return response.status_int, response.json["error"]


@pytest.mark.requirement("RFC8628-3.5")
def test_before_the_user_decides_the_answer_is_authorization_pending(web, cli_client, device):
    response = device_poll(web, cli_client, device["device_code"])
    assert error_of(response) == (400, "authorization_pending")
    assert response.headers["Cache-Control"] == "no-store"


@pytest.mark.requirement("RFC8628-3.5")
def test_a_poll_sooner_than_the_interval_is_slow_down_and_the_interval_grows_by_5_seconds(
    web, cli_client, device, clock
):
    code = device["device_code"]
    assert error_of(device_poll(web, cli_client, code)) == (400, "authorization_pending")
    clock.advance(4)  # the interval is 5 s
    assert error_of(device_poll(web, cli_client, code)) == (400, "slow_down")
    # The interval of this device code is now 10 s: a poll 5 s later is still too soon.
    clock.advance(5)
    assert error_of(device_poll(web, cli_client, code)) == (400, "slow_down")
    clock.advance(15)  # now 15 s: the interval is 15 s after two slow_downs
    assert error_of(device_poll(web, cli_client, code)) == (400, "authorization_pending")
    clock.advance(14)
    assert error_of(device_poll(web, cli_client, code)) == (400, "slow_down")


@pytest.mark.requirement("RFC8628-3.5")
def test_the_interval_is_per_device_code(web, cli_client, device, clock):
    other = device_authorization(web, cli_client).json["device_code"]
    device_poll(web, cli_client, device["device_code"])
    assert error_of(device_poll(web, cli_client, device["device_code"])) == (400, "slow_down")
    assert error_of(device_poll(web, cli_client, other)) == (400, "authorization_pending")


@pytest.mark.requirement("RFC8628-3.5")
@pytest.mark.requirement("RFC8628-3.4")
def test_once_the_user_allows_the_next_poll_gets_tokens_for_the_user_with_the_scope_asked(
    web, flow, cli_client, store, settings, alice, clock
):
    device = device_authorization(web, cli_client, scope="api:write").json
    approve_device(flow, device["user_code"])
    response = device_poll(web, cli_client, device["device_code"])
    assert response.status_int == 200, response.text
    body = response.json
    assert body["token_type"] == "Bearer" and body["scope"] == "api:write" and body["refresh_token"]
    assert response.headers["Cache-Control"] == "no-store"
    claims = verify_with_pyjwt(body["access_token"], web.get("/oauth2/jwks").json, settings)
    assert claims["sub"] == alice[0].user_id and claims["client_id"] == cli_client.client_id
    assert claims["scope"] == "api:write"


@pytest.mark.requirement("RFC8628-3.5")
def test_tokens_are_issued_once_a_second_poll_is_invalid_grant_and_revokes_them(web, flow, cli_client, device):
    approve_device(flow, device["user_code"])
    tokens = device_poll(web, cli_client, device["device_code"]).json
    assert call_api(web, tokens["access_token"]).status_int == 200
    assert error_of(device_poll(web, cli_client, device["device_code"])) == (400, "invalid_grant")
    # As for a replayed authorization code (RFC 6749 §4.1.2): the tokens it gave are revoked.
    assert call_api(web, tokens["access_token"]).status_int == 401
    assert refresh(web, cli_client, tokens["refresh_token"]).json["error"] == "invalid_grant"


@pytest.mark.requirement("RFC8628-3.5")
def test_a_denied_request_is_access_denied(web, flow, cli_client, device):
    approve_device(flow, device["user_code"], decision="deny")
    assert error_of(device_poll(web, cli_client, device["device_code"])) == (400, "access_denied")


@pytest.mark.requirement("RFC8628-3.5")
def test_an_expired_device_code_is_expired_token_even_if_approved(web, flow, cli_client, device, clock, settings):
    approve_device(flow, device["user_code"])
    clock.advance(settings.device_code_ttl)
    assert error_of(device_poll(web, cli_client, device["device_code"])) == (400, "expired_token")


def test_a_device_code_lives_the_configured_time(web, flow, cli_client, device, clock, settings):
    approve_device(flow, device["user_code"])
    clock.advance(settings.device_code_ttl - 1)
    assert device_poll(web, cli_client, device["device_code"]).status_int == 200


@pytest.mark.requirement("RFC8628-3.4")
def test_another_clients_device_code_is_invalid_grant_and_changes_nothing(web, flow, cli_client, device, clients):
    other, _ = clients.create(
        name="Other tool", client_type="public", grant_types=(DEVICE_GRANT,), scopes=("api:read",)
    )
    approve_device(flow, device["user_code"])
    assert error_of(device_poll(web, other, device["device_code"])) == (400, "invalid_grant")
    assert device_poll(web, cli_client, device["device_code"]).status_int == 200  # not slowed, not spent


@pytest.mark.requirement("RFC6749-5.2")
def test_an_unknown_device_code_or_a_credential_of_another_grant_is_invalid_grant(web, cli_client, flow, web_client):
    assert error_of(device_poll(web, cli_client, secrets.new_secret())) == (400, "invalid_grant")
    code = flow.code(web_client)  # an authorization code presented as a device code
    assert error_of(device_poll(web, cli_client, code)) == (400, "invalid_grant")


@pytest.mark.requirement("RFC8628-3.4")
def test_a_poll_without_device_code_is_invalid_request(web, cli_client):
    response = token_request(web, {"grant_type": DEVICE_GRANT, "client_id": cli_client.client_id})
    assert error_of(response) == (400, "invalid_request")


@pytest.mark.requirement("RFC6749-5.2")
def test_a_client_not_allowed_the_device_grant_is_unauthorized_client_at_the_token_endpoint(
    web, cli_client, device, clients, public_client
):
    assert error_of(device_poll(web, public_client, device["device_code"])) == (400, "unauthorized_client")
    clients.edit(cli_client.client_id, grant_types=("refresh_token", "authorization_code"),
                 redirect_uris=("http://127.0.0.1:8001/callback",))  # fmt: skip
    assert error_of(device_poll(web, cli_client, device["device_code"])) == (400, "unauthorized_client")


@pytest.mark.requirement("RFC8628-3.4")
def test_a_confidential_client_authenticates_to_poll(web, flow, tv_app):
    client, secret = tv_app
    device = device_authorization(web, client, secret).json
    approve_device(flow, device["user_code"])
    assert error_of(device_poll(web, client, device["device_code"])) == (401, "invalid_client")  # no secret
    response = device_poll(web, client, device["device_code"], secret)
    assert response.status_int == 200
    assert "refresh_token" not in response.json  # not allowed the refresh grant


@pytest.mark.requirement("RFC9700-4.14.2")
def test_the_refresh_token_rotates_and_its_reuse_revokes_the_grant_as_in_the_code_flow(web, flow, cli_client, device):
    approve_device(flow, device["user_code"])
    first = device_poll(web, cli_client, device["device_code"]).json
    second = refresh(web, cli_client, first["refresh_token"])
    assert second.status_int == 200 and second.json["refresh_token"] != first["refresh_token"]
    assert refresh(web, cli_client, first["refresh_token"]).json["error"] == "invalid_grant"
    assert refresh(web, cli_client, second.json["refresh_token"]).json["error"] == "invalid_grant"


@pytest.mark.requirement("RFC6749-3.3")
def test_a_scope_the_client_lost_meanwhile_is_not_issued(web, flow, cli_client, clients):
    device = device_authorization(web, cli_client, scope="api:write").json
    approve_device(flow, device["user_code"])
    clients.edit(cli_client.client_id, scopes=("api:read",))
    assert error_of(device_poll(web, cli_client, device["device_code"])) == (400, "invalid_scope")


def test_deleting_the_client_or_the_user_revoking_access_ends_an_approved_device_code(
    web, flow, cli_client, device, store, clock, alice
):
    approve_device(flow, device["user_code"])
    store.revoke_access(alice[0].user_id, clock.now(), cli_client.client_id)
    assert error_of(device_poll(web, cli_client, device["device_code"])) == (400, "invalid_grant")
