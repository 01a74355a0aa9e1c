"""RFC 9126 §6: `require_pushed_authorization_requests`, for the whole server (a setting,
advertised in the metadata) or for one client: an authorization request that was not
pushed is refused with `invalid_request`."""

import dataclasses

import pytest
from webtest import TestApp

from reference_as.app import make_app
from spec_tests.helpers import Flow, redirect_params
from spec_tests.rfc9126.conftest import authorize_pushed, push


@pytest.fixture
def strict(settings, store, clock, box, alice):
    """The server with pushed requests required of every client; a Flow through it."""
    required = dataclasses.replace(settings, require_pushed_authorization_requests=True)
    return Flow(TestApp(make_app(required, store, clock, box)), *alice)


@pytest.mark.requirement("RFC9126-6")
def test_where_the_server_requires_them_a_request_not_pushed_is_invalid_request(strict, web_client, web_secret):
    strict.login()
    assert redirect_params(strict.authorize(web_client))["error"] == "invalid_request"
    response = push(strict.web, web_client, web_secret, **strict.params(web_client, client_id=None))
    code = redirect_params(authorize_pushed(strict, web_client.client_id, response.json["request_uri"]))["code"]
    assert strict.exchange(web_client, code, web_secret).status_int == 200


@pytest.mark.requirement("RFC9126-6")
def test_the_metadata_says_when_the_server_requires_them(strict):
    assert strict.web.get("/.well-known/oauth-authorization-server").json["require_pushed_authorization_requests"]


@pytest.mark.requirement("RFC9126-6")
def test_a_client_can_be_made_to_need_them_alone(flow, clients, web_client, web_secret):
    strict_client, secret = clients.create(
        name="Bank app", client_type="confidential", grant_types=("authorization_code",), scopes=("api:read",),
        redirect_uris=("https://bank.example/cb",), require_pushed_authorization_requests=True,
    )  # fmt: skip
    flow.login()
    assert redirect_params(flow.authorize(strict_client))["error"] == "invalid_request"
    assert flow.authorize(web_client).status_int == 200  # others are not affected: the consent page
    response = push(flow.web, strict_client, secret, **flow.params(strict_client, client_id=None))
    assert "code" in redirect_params(authorize_pushed(flow, strict_client.client_id, response.json["request_uri"]))
