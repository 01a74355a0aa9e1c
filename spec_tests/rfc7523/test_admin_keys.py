"""The admin screens register a client's public key: the new client authenticates with
private_key_jwt (RFC 7523 §2.2) and has no secret; a key that is not a public key is
refused on the form, and no client is made."""

import json

import pytest

from spec_tests.admin.test_admin_pages import form_to, shown_secret, sign_in
from spec_tests.helpers import token_request
from spec_tests.rfc7523.conftest import Signer, assertion_body, token_endpoint


@pytest.fixture
def signed_in_admin(web, users):
    users.create("root", "root password 1", is_admin=True)
    sign_in(web, "root", "root password 1")
    return web


def post_keyed_client(web, jwks: str):
    form = form_to(web.get("/admin/clients/new"), "/admin/clients/new")
    form["name"], form["type"], form["jwks"] = "Keyed", "confidential", jwks
    for field in form.fields["grant_types"]:
        field.checked = field._value == "client_credentials"
    for field in form.fields["scopes"]:
        field.checked = field._value == "api:read"
    return form.submit(expect_errors=True)


@pytest.mark.requirement("RFC7523-2.2")
def test_a_client_made_with_a_public_key_gets_no_secret_and_signs_in_with_an_assertion(
    signed_in_admin, store, settings
):
    signer = Signer("RS256")
    response = post_keyed_client(signed_in_admin, json.dumps(signer.jwk))
    assert response.status_int == 303, response.text
    page = response.follow()
    assert shown_secret(page) is None
    (client,) = store.list_clients()
    assert client.token_endpoint_auth_method == "private_key_jwt" and client.secret_hash is None
    assertion = signer.assertion(client.client_id, token_endpoint(settings))
    answer = token_request(signed_in_admin, {"grant_type": "client_credentials", **assertion_body(assertion)})
    assert answer.status_int == 200, answer.text


@pytest.mark.parametrize("jwks", ["{not json", json.dumps({"kty": "oct", "k": "c2VjcmV0"})])
def test_a_key_that_is_not_a_public_key_is_refused_on_the_form(signed_in_admin, store, jwks):
    response = post_keyed_client(signed_in_admin, jwks)
    assert response.status_int == 400 and "jwks" in response.text
    assert not store.list_clients()
