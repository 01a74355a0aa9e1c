"""`serve --trace`: each exchange printed with its decision and RFC section, secrets masked."""

import io
from urllib.parse import quote

import pytest
from webtest import TestApp

from reference_as.app import make_app
from reference_as.trace import Tracer
from spec_tests.helpers import Flow, basic, token_request


@pytest.fixture
def traced(settings, store, clock, box):
    out = io.StringIO()
    return TestApp(make_app(settings, store, clock, box, tracer=Tracer(out))), out


def test_each_exchange_names_its_decision_section_and_status_and_hides_secrets(traced, alice, web_app):
    web, out = traced
    client, secret = web_app
    flow = Flow(web, *alice)
    code = flow.code(client)
    tokens = flow.exchange(client, code, secret).json
    flow.exchange(client, code, secret)  # a replay
    text = out.getvalue()
    assert "── POST /oauth2/token" in text and "rule: RFC 6749 §4.1.3-4.1.4" in text
    assert "redirected to the client with a code, the state and iss" in text and "RFC 9207 §2" in text
    assert "refused: invalid_grant" in text and "← 400 Bad Request invalid_grant" in text
    assert f"Basic client_id={client.client_id} secret=…{secret[-4:]}" in text
    for value in (secret, code, tokens["access_token"], tokens["refresh_token"], flow.verifier, alice[1]):
        assert value not in text
    assert alice[1][-4:] not in text  # not even the end of a password


def test_client_credentials_errors_name_their_section(traced, confidential):
    web, out = traced
    client, secret = confidential
    token_request(web, {"grant_type": "client_credentials", "scope": "api:superuser"}, basic(client.client_id, secret))
    assert "refused: invalid_scope" in out.getvalue() and "rule: RFC 6749 §5.2" in out.getvalue()


FORGED = "x\n── POST /oauth2/token\n   → issued an access token"


@pytest.mark.parametrize(
    "send",
    [
        lambda web: web.get("/api/me?state=" + quote(FORGED), expect_errors=True),
        lambda web: web.post("/oauth2/token", {"grant_type": FORGED}, expect_errors=True),
        lambda web: web.post("/oauth2/token", {FORGED: "x"}, expect_errors=True),
        lambda web: web.get("/" + quote(FORGED), expect_errors=True),
        lambda web: web.post("/oauth2/token", {"grant_type": "x"}, headers=basic(FORGED, "secret"), expect_errors=True),
    ],
    ids=["query value", "body value", "body name", "path", "basic client_id"],
)
def test_no_value_a_client_sends_can_forge_a_trace_line(traced, send):
    web, out = traced
    send(web)
    lines = out.getvalue().splitlines()
    assert sum(line.startswith("──") for line in lines) == 1  # one exchange, one entry
    assert not any(line.startswith("   → issued") for line in lines)
    assert "\\n── POST /oauth2/token" in out.getvalue()  # shown, escaped


def test_a_request_the_server_cannot_decode_is_traced_too(traced):
    web, out = traced
    web.request("/", environ={"PATH_INFO": "/\xff", "QUERY_STRING": "a=%ff"}, expect_errors=True)
    assert "── GET /\ufffd" in out.getvalue() and "   a = \ufffd" in out.getvalue()


@pytest.mark.requirement("RFC8628-3.2")
@pytest.mark.requirement("RFC8628-3.5")
def test_the_device_flow_is_traced_with_its_sections_and_its_codes_hidden(traced, alice, clients):
    from spec_tests.helpers import DEVICE_GRANT, approve_device, device_authorization, device_poll

    web, out = traced
    client, _ = clients.create(name="CLI", client_type="public", grant_types=(DEVICE_GRANT,), scopes=("api:read",))
    device = device_authorization(web, client).json
    device_poll(web, client, device["device_code"])
    approve_device(Flow(web, *alice), device["user_code"])
    tokens = device_poll(web, client, device["device_code"]).json
    text = out.getvalue()
    assert "── POST /oauth2/device_authorization" in text and "rule: RFC 8628 §3.2" in text
    assert "refused: authorization_pending" in text and "rule: RFC 8628 §3.5" in text
    assert "asked the user to compare the user code and allow or deny" in text
    assert "recorded the user's decision" in text
    assert f"issued an access token for grant {DEVICE_GRANT}" in text and "rule: RFC 8628 §3.4-3.5" in text
    for value in (device["device_code"], device["user_code"], tokens["access_token"]):
        assert value not in text


def test_client_assertions_and_request_uris_are_masked(traced, alice, web_app, clients, settings):
    import json

    from spec_tests.rfc7523.conftest import Signer, assertion_body, token_endpoint
    from spec_tests.rfc9126.conftest import push

    web, out = traced
    client, secret = web_app
    signer = Signer("ES256")
    keyed, _ = clients.create(
        name="Keyed", client_type="confidential", grant_types=("client_credentials",), scopes=("api:read",),
        jwks=json.dumps(signer.jwks()),
    )  # fmt: skip
    assertion = signer.assertion(keyed.client_id, token_endpoint(settings))
    token_request(web, {"grant_type": "client_credentials", **assertion_body(assertion)})
    flow = Flow(web, *alice)
    request_uri = push(web, client, secret, **flow.params(client, client_id=None)).json["request_uri"]
    web.get(f"/oauth2/authorize?client_id={client.client_id}&request_uri={quote(request_uri)}", expect_errors=True)
    text = out.getvalue()
    assert "── POST /oauth2/par" in text
    assert assertion not in text and assertion.split(".")[1] not in text
    assert request_uri not in text and quote(request_uri, safe="") not in text
