"""RFC 9126 §2: the pushed authorization request endpoint. The client authenticates as at
the token endpoint; the body is validated as an authorization request; 201 with a
single-use, short-lived `request_uri` bound to the client; errors as JSON, never redirects."""

import json

import pytest

from spec_tests.rfc7523.conftest import Signer, assertion_body
from spec_tests.rfc9126.conftest import PAR, PREFIX, push, stored_pushed_requests


@pytest.mark.requirement("RFC9126-2.2")
def test_a_pushed_request_gets_201_a_request_uri_and_its_lifetime(web, flow, web_client, web_secret, settings):
    response = push(web, web_client, web_secret, **flow.params(web_client, client_id=None))
    assert response.status_int == 201, response.text
    assert response.json["request_uri"].startswith(PREFIX)
    assert len(response.json["request_uri"]) >= len(PREFIX) + 43  # 256 random bits
    assert response.json["expires_in"] == settings.par_ttl
    assert "no-store" in response.headers["Cache-Control"]


@pytest.mark.requirement("RFC9126-2.2")
def test_each_push_gets_its_own_request_uri(web, flow, web_client, web_secret):
    params = flow.params(web_client, client_id=None)
    first, second = (push(web, web_client, web_secret, **params).json["request_uri"] for _ in range(2))
    assert first != second


@pytest.mark.requirement("RFC9126-2")
def test_a_public_client_pushes_with_its_client_id(web, flow, public_client):
    response = push(web, public_client, **flow.params(public_client, client_id=None))
    assert response.status_int == 201, response.text


@pytest.mark.requirement("RFC9126-2")
@pytest.mark.parametrize("secret", ["wrong", None])
def test_a_confidential_client_that_does_not_authenticate_is_invalid_client(web, store, flow, web_client, secret):
    response = push(web, web_client, secret, **flow.params(web_client, client_id=None))
    assert response.status_int == 401 and response.json["error"] == "invalid_client"
    assert stored_pushed_requests(store) == 0


@pytest.mark.requirement("RFC9126-2")
def test_a_client_of_private_key_jwt_pushes_with_an_assertion_for_the_par_url(web, flow, clients, settings):
    signer = Signer("ES256")
    client, _ = clients.create(
        name="Signing web app", client_type="confidential", grant_types=("authorization_code",),
        scopes=("api:read",), redirect_uris=("https://app.example/cb",), jwks=json.dumps(signer.jwks()),
    )  # fmt: skip
    for aud in (settings.issuer + PAR, settings.issuer):
        assertion = signer.assertion(client.client_id, aud)
        body = {**flow.params(client), **assertion_body(assertion)}
        response = web.post(PAR, body, expect_errors=True)
        assert response.status_int == 201, response.text


@pytest.mark.requirement("RFC9126-2.1")
@pytest.mark.parametrize("name", ["request_uri", "request"])
def test_a_push_carrying_a_request_uri_or_a_request_object_is_refused(web, store, flow, web_client, web_secret, name):
    params = flow.params(web_client, client_id=None, **{name: "urn:ietf:params:oauth:request_uri:abc"})
    response = push(web, web_client, web_secret, **params)
    assert response.status_int == 400 and response.json["error"] == "invalid_request"
    assert response.json["error_description"]
    assert stored_pushed_requests(store) == 0


@pytest.mark.requirement("RFC9126-2.1")
@pytest.mark.parametrize(
    "changes, error",
    [
        ({"redirect_uri": "https://evil.example/cb"}, "invalid_request"),
        ({"redirect_uri": None}, "invalid_request"),
        ({"scope": "api:superuser"}, "invalid_scope"),
        ({"response_type": "token"}, "unsupported_response_type"),
        ({"code_challenge": None}, "invalid_request"),
        ({"resource": "https://unknown.example/api"}, "invalid_target"),
        ({"code_challenge_method": "plain"}, "invalid_request"),
    ],
)
def test_the_body_is_validated_as_an_authorization_request_and_errors_are_json(
    web, store, flow, web_client, web_secret, changes, error
):
    response = push(web, web_client, web_secret, **flow.params(web_client, client_id=None, **changes))
    assert response.status_int == 400, response.text
    assert response.content_type == "application/json" and "Location" not in response.headers
    assert response.json["error"] == error and response.json["error_description"]
    assert stored_pushed_requests(store) == 0


@pytest.mark.requirement("RFC9126-2")
def test_a_client_id_in_the_body_must_be_the_authenticated_clients(web, flow, web_client, web_secret, public_client):
    response = push(web, web_client, web_secret, **flow.params(public_client))
    assert response.status_int == 400 and response.json["error"] == "invalid_request"


@pytest.mark.requirement("RFC9126-2")
def test_the_endpoint_accepts_post_only(web):
    response = web.get(PAR, expect_errors=True)
    assert response.status_int == 405 and response.headers["Allow"] == "POST"


@pytest.mark.requirement("RFC9126-5")
def test_the_metadata_advertises_the_endpoint(web, settings):
    document = web.get("/.well-known/oauth-authorization-server").json
    assert document["pushed_authorization_request_endpoint"] == settings.issuer + PAR
    assert document["require_pushed_authorization_requests"] is False


def test_expired_pushed_requests_are_purged(web, store, clock, flow, web_client, web_secret, settings):
    from reference_as.store import PurgeCutoffs

    push(web, web_client, web_secret, **flow.params(web_client, client_id=None))
    assert stored_pushed_requests(store) == 1
    later = clock.now() + settings.par_ttl + 1
    counts = store.purge(PurgeCutoffs(expired_before=later, sessions_before=0, failures_before=0))
    assert counts["pushed_requests"] == 1 and stored_pushed_requests(store) == 0
