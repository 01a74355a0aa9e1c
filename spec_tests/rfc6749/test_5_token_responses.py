"""RFC 6749 §5.1 and §5.2: the shape of every token endpoint response."""

import pytest

from spec_tests.helpers import basic, token_request

CC = {"grant_type": "client_credentials"}


@pytest.mark.requirement("RFC6749-5.1")
def test_a_successful_response_is_json_with_no_store_and_no_cache(web, confidential):
    client, secret = confidential
    response = token_request(web, CC, basic(client.client_id, secret))
    assert response.content_type == "application/json"
    assert response.headers["Cache-Control"] == "no-store"
    assert response.headers["Pragma"] == "no-cache"


@pytest.mark.requirement("RFC6749-5.1")
def test_a_successful_response_has_token_type_bearer_and_expires_in(web, confidential, settings):
    client, secret = confidential
    body = token_request(web, CC, basic(client.client_id, secret)).json
    assert body["token_type"] == "Bearer"
    assert body["expires_in"] == settings.access_token_ttl


ERROR_CASES = {
    # error code: (request body, use Basic with the right secret?, expected status)
    "invalid_request": ({"scope": "api:read"}, True, 400),
    "invalid_client": (CC, False, 401),
    "unauthorized_client": (None, True, 400),  # built below: a client without the grant
    "unsupported_grant_type": ({"grant_type": "password", "username": "u", "password": "p"}, True, 400),
    "invalid_scope": ({**CC, "scope": "api:superuser"}, True, 400),
}


@pytest.mark.requirement("RFC6749-5.2")
@pytest.mark.parametrize("error", sorted(ERROR_CASES))
def test_each_error_has_its_code_status_description_and_no_store(web, confidential, clients, error):
    client, secret = confidential
    body, right_secret, status = ERROR_CASES[error]
    if error == "unauthorized_client":
        clients.edit(client.client_id, grant_types=("authorization_code",), redirect_uris=("https://app.example/cb",))
        body = CC
    response = token_request(web, body, basic(client.client_id, secret if right_secret else "wrong"))
    assert response.status_int == status
    assert response.content_type == "application/json"
    assert response.json["error"] == error
    assert response.json["error_description"]
    assert response.headers["Cache-Control"] == "no-store"
    assert response.headers["Pragma"] == "no-cache"


@pytest.mark.requirement("RFC6749-5.2")
def test_invalid_client_carries_a_www_authenticate_basic_challenge(web, confidential):
    client, _ = confidential
    response = token_request(web, CC, basic(client.client_id, "wrong"))
    assert response.status_int == 401
    assert response.headers["WWW-Authenticate"].split()[0] == "Basic"
    assert 'realm="' in response.headers["WWW-Authenticate"]
