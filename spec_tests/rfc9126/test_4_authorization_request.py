"""RFC 9126 §4: the authorization request that uses a pushed one: `client_id` and
`request_uri` stand for the pushed parameters. The request_uri is the client's only,
used once, not after it expires; nothing sent beside it may change the request."""

from urllib.parse import parse_qsl, urlencode, urlsplit

import pytest

from spec_tests.helpers import redirect_params
from spec_tests.rfc9126.conftest import authorize_pushed, push


def pushed(web, flow, client, secret=None, **changes) -> str:
    response = push(web, client, secret, **flow.params(client, client_id=None, **changes))
    assert response.status_int == 201, response.text
    return response.json["request_uri"]


def error_page(response) -> bool:
    """RFC6749-4.1.2.1: shown to the user, not redirected to the client."""
    return response.status_int == 400 and response.content_type == "text/html"


@pytest.mark.requirement("RFC9126-4")
def test_the_pushed_request_gives_a_code_and_tokens(web, flow, web_client, web_secret):
    request_uri = pushed(web, flow, web_client, web_secret, scope="api:read api:write", state="pushed-state")
    reply = redirect_params(authorize_pushed(flow, web_client.client_id, request_uri))
    assert reply["state"] == "pushed-state"  # the pushed parameters, used
    tokens = flow.exchange(web_client, reply["code"], web_secret)
    assert tokens.status_int == 200, tokens.text
    assert tokens.json["scope"].split() == ["api:read", "api:write"]


@pytest.mark.requirement("RFC9126-4")
def test_a_public_clients_pushed_request_works_the_same(web, flow, public_client):
    request_uri = pushed(web, flow, public_client)
    reply = redirect_params(authorize_pushed(flow, public_client.client_id, request_uri))
    assert flow.exchange(public_client, reply["code"]).status_int == 200


@pytest.mark.requirement("RFC9126-4")
def test_sign_in_and_consent_carry_only_the_reference_on(web, flow, web_client, web_secret):
    request_uri = pushed(web, flow, web_client, web_secret)
    query = urlencode({"client_id": web_client.client_id, "request_uri": request_uri})
    to_login = web.get("/oauth2/authorize?" + query)
    back = dict(parse_qsl(urlsplit(dict(parse_qsl(urlsplit(to_login.location).query))["next"]).query))
    assert back == {"client_id": web_client.client_id, "request_uri": request_uri}
    flow.login()
    consent = web.get("/oauth2/authorize?" + query)
    fields = {name for name in consent.forms[0].fields if name not in ("csrf_token", "decision", "remember")}
    assert fields == {"client_id", "request_uri"}


@pytest.mark.requirement("RFC9126-2.2")
def test_a_request_uri_is_used_once(web, flow, web_client, web_secret):
    request_uri = pushed(web, flow, web_client, web_secret)
    redirect_params(authorize_pushed(flow, web_client.client_id, request_uri))
    again = authorize_pushed(flow, web_client.client_id, request_uri)
    assert error_page(again) and "invalid_request_uri" in again.text


@pytest.mark.requirement("RFC9126-2.2")
def test_a_denied_request_is_spent_too(web, flow, web_client, web_secret):
    request_uri = pushed(web, flow, web_client, web_secret)
    flow.login()
    query = urlencode({"client_id": web_client.client_id, "request_uri": request_uri})
    denied = flow.consent(web.get("/oauth2/authorize?" + query), decision="deny")
    assert redirect_params(denied)["error"] == "access_denied"
    assert error_page(web.get("/oauth2/authorize?" + query, expect_errors=True))


@pytest.mark.requirement("RFC9126-2.2")
def test_an_expired_request_uri_is_refused(web, flow, clock, settings, web_client, web_secret):
    request_uri = pushed(web, flow, web_client, web_secret)
    clock.advance(settings.par_ttl)
    assert error_page(authorize_pushed(flow, web_client.client_id, request_uri))


@pytest.mark.requirement("RFC9126-2.2")
def test_a_request_uri_is_bound_to_the_client_that_pushed_it(web, flow, web_client, web_secret, public_client):
    request_uri = pushed(web, flow, web_client, web_secret)
    assert error_page(authorize_pushed(flow, public_client.client_id, request_uri))
    # and it is still the pushing client's to use
    assert "code" in redirect_params(authorize_pushed(flow, web_client.client_id, request_uri))


@pytest.mark.requirement("RFC9126-4")
@pytest.mark.parametrize("request_uri", ["urn:ietf:params:oauth:request_uri:made-up", "https://app.example/request"])
def test_a_request_uri_never_pushed_gets_the_error_page(flow, web_client, request_uri):
    flow.login()
    assert error_page(authorize_pushed(flow, web_client.client_id, request_uri))


@pytest.mark.requirement("RFC9126-4")
@pytest.mark.parametrize(
    "sent", [{"scope": "api:write"}, {"redirect_uri": "http://127.0.0.1:8001/callback"}, {"state": "other"}]
)
def test_a_parameter_that_changes_the_pushed_request_is_refused(web, flow, web_client, web_secret, sent):
    request_uri = pushed(web, flow, web_client, web_secret)
    flow.login()
    response = authorize_pushed(flow, web_client.client_id, request_uri, **sent)
    assert error_page(response) and "invalid_request" in response.text


@pytest.mark.requirement("RFC6749-3.1")
def test_a_repeated_request_uri_is_refused(web, flow, web_client, web_secret):
    first, second = (pushed(web, flow, web_client, web_secret) for _ in range(2))
    flow.login()
    query = urlencode([("client_id", web_client.client_id), ("request_uri", first), ("request_uri", second)])
    response = web.get("/oauth2/authorize?" + query, expect_errors=True)
    assert error_page(response) and "invalid_request" in response.text


@pytest.mark.requirement("RFC9126-4")
def test_a_parameter_repeating_the_pushed_one_unchanged_is_accepted(web, flow, web_client, web_secret):
    request_uri = pushed(web, flow, web_client, web_secret)
    response = authorize_pushed(flow, web_client.client_id, request_uri, response_type="code", scope="api:read")
    assert "code" in redirect_params(response)


@pytest.mark.requirement("RFC9126-4")
def test_the_pushed_request_is_validated_again_when_used(web, flow, clients, web_client, web_secret):
    request_uri = pushed(web, flow, web_client, web_secret)
    clients.pause(web_client.client_id)
    assert redirect_params(authorize_pushed(flow, web_client.client_id, request_uri))["error"] == "unauthorized_client"


@pytest.mark.requirement("OIDC-3.1.2.3")
@pytest.mark.parametrize("freshness", [{"prompt": "login"}, {"max_age": "0"}])
def test_a_sign_in_after_the_push_satisfies_its_freshness(web, flow, clients, clock, freshness):
    rp, secret = clients.create(
        name="Relying party", client_type="confidential", grant_types=("authorization_code",),
        scopes=("openid", "api:read"), redirect_uris=("https://rp.example/cb",),
    )  # fmt: skip
    flow.login()  # a sign-in before the push: too old for it
    clock.advance(5)
    request_uri = pushed(web, flow, rp, secret, scope="openid", nonce="n-1", **freshness)
    query = urlencode({"client_id": rp.client_id, "request_uri": request_uri})
    assert urlsplit(web.get("/oauth2/authorize?" + query).location).path == "/login"
    clock.advance(5)
    flow.login()
    clock.advance(5)
    response = web.get("/oauth2/authorize?" + query)
    assert response.status_int == 200 and response.forms  # the consent page, not the sign-in again
    assert "code" in redirect_params(flow.consent(response))
