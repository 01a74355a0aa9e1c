"""RFC 6749 §2.3: client authentication at the token endpoint."""

import base64

import pytest

from spec_tests.helpers import basic, token_request

CC = {"grant_type": "client_credentials"}


@pytest.mark.requirement("RFC6749-2.3.1")
def test_http_basic_authentication_is_supported(web, confidential):
    client, secret = confidential
    response = token_request(web, CC, basic(client.client_id, secret))
    assert response.status_int == 200
    assert response.json["access_token"]


@pytest.mark.requirement("RFC6749-2.3.1")
def test_credentials_in_the_body_are_supported(web, confidential):
    client, secret = confidential
    response = token_request(web, {**CC, "client_id": client.client_id, "client_secret": secret})
    assert response.status_int == 200


@pytest.mark.requirement("RFC6749-2.3.1")
def test_basic_credentials_are_form_urlencoded_before_encoding(web, clients):
    client, secret = clients.create(
        client_id="svc.a~b",
        name="x",
        client_type="confidential",
        grant_types=("client_credentials",),
        scopes=("api:read",),
    )
    encoded_id = "svc.a%7Eb"  # '~' percent-encoded, as a form encoder may do
    response = token_request(web, CC, basic(encoded_id, secret))
    assert response.status_int == 200
    assert response.json["scope"] == "api:read"


@pytest.mark.requirement("RFC6749-5.2")
@pytest.mark.parametrize("how", ["basic", "post"])
def test_wrong_secret_is_invalid_client_with_401_and_basic_challenge(web, confidential, how):
    client, secret = confidential
    wrong = secret[:-1] + ("A" if secret[-1] != "A" else "B")
    if how == "basic":
        response = token_request(web, CC, basic(client.client_id, wrong))
    else:
        response = token_request(web, {**CC, "client_id": client.client_id, "client_secret": wrong})
    assert response.status_int == 401
    assert response.json["error"] == "invalid_client"
    assert response.headers["WWW-Authenticate"].startswith("Basic ")


@pytest.mark.requirement("RFC6749-5.2")
def test_unknown_client_is_invalid_client(web):
    response = token_request(web, CC, basic("nobody", "nothing"))
    assert response.status_int == 401
    assert response.json["error"] == "invalid_client"


@pytest.mark.requirement("RFC6749-5.2")
def test_no_credentials_at_all_is_invalid_client(web):
    response = token_request(web, CC)
    assert response.status_int == 401
    assert response.json["error"] == "invalid_client"


@pytest.mark.requirement("RFC6749-5.2")
@pytest.mark.parametrize(
    "header",
    [
        "Bearer abc",
        "Basic !!!not-base64!!!",
        "Basic " + base64.b64encode(b"no-colon").decode(),
        "Basic " + base64.b64encode(b"\xff\xfe:x").decode(),
        "Basic é",  # not ASCII at all (a WSGI server hands header bytes over as latin-1)
        "Basic \xff\xfe",
    ],
)
def test_malformed_authorization_header_is_invalid_client(web, header):
    response = token_request(web, CC, {"Authorization": header})
    assert response.status_int == 401
    assert response.json["error"] == "invalid_client"


@pytest.mark.requirement("RFC6749-2.3")
def test_two_authentication_methods_in_one_request_are_refused(web, confidential):
    client, secret = confidential
    response = token_request(
        web, {**CC, "client_id": client.client_id, "client_secret": secret}, basic(client.client_id, secret)
    )
    assert response.status_int == 400
    assert response.json["error"] == "invalid_request"


@pytest.mark.requirement("RFC6749-2.3")
def test_body_client_id_differing_from_basic_is_refused(web, confidential, clients):
    client, secret = confidential
    response = token_request(web, {**CC, "client_id": "someone-else"}, basic(client.client_id, secret))
    assert response.status_int == 400
    assert response.json["error"] == "invalid_request"


@pytest.mark.requirement("RFC6749-2.3.1")
def test_credentials_in_the_query_string_are_refused(web, confidential, store):
    client, secret = confidential
    response = web.post(f"/oauth2/token?client_id={client.client_id}&client_secret={secret}", CC, expect_errors=True)
    assert response.status_int == 400
    assert response.json["error"] == "invalid_request"
    assert secret not in response.text
