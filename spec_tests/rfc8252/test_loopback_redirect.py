"""RFC 8252 §7.3: loopback redirect URIs of native apps may vary only the port; those of
confidential (web) clients are matched exactly, port included (RFC 9700 §2.1)."""

import pytest

from reference_as.policy.rfc6749_redirect import registered

REGISTERED = ("http://127.0.0.1:8001/callback", "http://[::1]/cb", "https://app.example/cb")


@pytest.mark.requirement("RFC8252-7.3")
@pytest.mark.parametrize(
    "uri", ["http://127.0.0.1:51234/callback", "http://127.0.0.1/callback", "http://[::1]:7000/cb"]
)
def test_a_loopback_ip_redirect_uri_may_use_any_port(uri):
    assert registered(uri, REGISTERED)


@pytest.mark.requirement("RFC8252-7.3")
@pytest.mark.parametrize(
    "uri",
    [
        "http://127.0.0.1:51234/callback/",
        "http://127.0.0.1:51234/other",
        "http://127.0.0.1:51234/callback?x=1",
        "https://127.0.0.1:51234/callback",
        "http://127.0.0.2:8001/callback",
        "http://localhost:8001/callback",
        "http://127.0.0.1:x/callback",
        "https://app.example:444/cb",
    ],
)
def test_nothing_but_the_port_may_vary_and_only_for_loopback_ips(uri):
    assert not registered(uri, REGISTERED)


@pytest.mark.requirement("RFC9700-4.1.3")
def test_a_client_that_is_not_a_native_app_gets_no_port_allowance():
    assert not registered("http://127.0.0.1:51234/callback", REGISTERED, native=False)
    assert registered("http://127.0.0.1:8001/callback", REGISTERED, native=False)


@pytest.mark.requirement("RFC9700-4.1.3")
def test_a_confidential_clients_loopback_uri_on_another_port_is_an_error_page(flow, web_client):
    response = flow.authorize(web_client, redirect_uri="http://127.0.0.1:53999/callback")
    assert response.status_int == 400 and "Location" not in response.headers


@pytest.mark.requirement("RFC8252-7.3")
def test_the_code_is_delivered_to_the_port_the_app_chose(flow, public_client):
    chosen = "http://127.0.0.1:53999/callback"
    code = flow.code(public_client, redirect_uri=chosen)
    assert flow.exchange(public_client, code, redirect_uri=chosen).status_int == 200


def test_the_token_request_must_repeat_the_port_that_was_used(flow, public_client):
    code = flow.code(public_client, redirect_uri="http://127.0.0.1:53999/callback")
    response = flow.exchange(public_client, code, redirect_uri="http://127.0.0.1:8001/callback")
    assert response.json["error"] == "invalid_grant"
