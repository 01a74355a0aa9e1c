"""RFC 7523 §2.2 (and OpenID Connect Core §9 `private_key_jwt`): a client authenticates
at the token endpoint with a JWT it signed, sent as `client_assertion` with its
`client_assertion_type`. Assertions are made with PyJWT."""

import json

import jwt
import pytest

from spec_tests.helpers import basic, introspect, token_request
from spec_tests.rfc7523.conftest import ASSERTION_TYPE, Signer, assertion_body, token_endpoint


def client_credentials(web, assertion: str, **params):
    return token_request(web, {"grant_type": "client_credentials", **assertion_body(assertion, **params)})


@pytest.mark.requirement("RFC7523-2.2")
@pytest.mark.parametrize("alg", ["RS256", "ES256", "EdDSA"])
def test_a_client_signing_with_its_registered_key_gets_a_token(web, clients, settings, alg):
    signer = Signer(alg)
    client, _ = clients.create(
        name="Signer", client_type="confidential", grant_types=("client_credentials",), scopes=("api:read",),
        jwks=json.dumps(signer.jwks()),
    )  # fmt: skip
    response = client_credentials(web, signer.assertion(client.client_id, token_endpoint(settings)))
    assert response.status_int == 200, response.text
    claims = jwt.decode(response.json["access_token"], options={"verify_signature": False})
    assert claims["client_id"] == client.client_id


@pytest.mark.requirement("RFC7523-2.2")
def test_the_client_id_may_be_sent_too_and_must_be_the_assertions(web, jwt_client, signer, settings):
    aud = token_endpoint(settings)
    same = client_credentials(web, signer.assertion(jwt_client.client_id, aud), client_id=jwt_client.client_id)
    assert same.status_int == 200, same.text
    other = client_credentials(web, signer.assertion(jwt_client.client_id, aud), client_id="someone-else")
    assert other.status_int == 401 and other.json["error"] == "invalid_client"


@pytest.mark.requirement("RFC7523-2.2")
@pytest.mark.parametrize("assertion_type", ["urn:ietf:params:oauth:client-assertion-type:saml2-bearer", "", None])
def test_another_or_no_assertion_type_is_invalid_client(web, jwt_client, signer, settings, assertion_type):
    body = {"grant_type": "client_credentials", "client_assertion": signer.assertion(jwt_client.client_id, "x")}
    if assertion_type is not None:
        body["client_assertion_type"] = assertion_type
    response = token_request(web, body)
    assert response.status_int == 401 and response.json["error"] == "invalid_client"
    assert response.json["error_description"]


@pytest.mark.requirement("RFC6749-2.3")
def test_an_assertion_with_a_secret_too_is_two_methods_and_refused(web, jwt_client, signer, settings, confidential):
    client, secret = confidential
    assertion = signer.assertion(jwt_client.client_id, token_endpoint(settings))
    response = token_request(
        web, {"grant_type": "client_credentials", **assertion_body(assertion)}, basic(client.client_id, secret)
    )
    assert response.status_int == 400 and response.json["error"] == "invalid_request"


@pytest.mark.requirement("RFC7523-2.2")
def test_a_client_of_private_key_jwt_cannot_use_a_secret_and_a_secret_client_no_assertion(
    web, jwt_client, confidential, settings
):
    client, secret = confidential
    # The secret client has no keys: an assertion naming it is refused.
    signer = Signer("ES256")
    response = client_credentials(web, signer.assertion(client.client_id, token_endpoint(settings)))
    assert response.status_int == 401 and response.json["error"] == "invalid_client"
    # The JWT client has no secret: Basic with anything is refused.
    response = token_request(web, {"grant_type": "client_credentials"}, basic(jwt_client.client_id, "guess"))
    assert response.status_int == 401 and response.json["error"] == "invalid_client"


@pytest.mark.requirement("RFC7523-2.2")
def test_introspection_accepts_the_same_client_authentication(web, jwt_client, signer, settings, confidential):
    client, secret = confidential
    token = token_request(
        web, {"grant_type": "client_credentials"}, basic(client.client_id, secret)
    ).json["access_token"]  # fmt: skip
    assertion = signer.assertion(jwt_client.client_id, token_endpoint(settings))
    response = web.post(
        "/oauth2/introspect", {"token": token, **assertion_body(assertion)}, expect_errors=True
    )  # fmt: skip
    assert response.status_int == 200, response.text
    assert "active" in response.json
    assert introspect(web, client, secret, token).json["active"] is True


def test_the_metadata_advertises_the_method_and_its_algorithms(web):
    document = web.get("/.well-known/oauth-authorization-server").json
    assert "private_key_jwt" in document["token_endpoint_auth_methods_supported"]
    assert set(document["token_endpoint_auth_signing_alg_values_supported"]) == {"RS256", "ES256", "EdDSA"}
    assert ASSERTION_TYPE  # the one type read
