"""Where the client's public keys come from: a JWK Set registered with it (RFC 7591 §2
`jwks`, by RFC 7591 registration or the client service), or fetched from its
`jwks_uri` by the guarded fetcher (outbound.py: https, no redirects, small, quick),
against a real https server on loopback."""

import json
import secrets

import pytest

from reference_as.config import Settings
from spec_tests.conftest import ISSUER
from spec_tests.document_server import Reply
from spec_tests.helpers import token_request
from spec_tests.registration import register
from spec_tests.rfc7523.conftest import Signer, assertion_body, token_endpoint

SIGNING_APP = {"client_name": "Signing app", "grant_types": ["client_credentials"], "response_types": []}


@pytest.fixture
def settings(test_ca):
    return Settings(issuer=ISSUER, password_scrypt_n=2**10, outbound_ca_file=str(test_ca.ca_file))


def send(web, assertion: str):
    return token_request(web, {"grant_type": "client_credentials", **assertion_body(assertion)})


def unique(path: str) -> str:
    """A path of its own: the document server outlives each test (and each store)."""
    return f"/{secrets.token_hex(4)}{path}"


def serve_jwks(documents, path: str, *signers: Signer, **reply) -> str:
    body = json.dumps({"keys": [signer.jwk for signer in signers]}).encode()
    return documents.serve(path, Reply(body, **reply))


def keyed_client(clients, **keys):
    client, secret = clients.create(
        name="Fetched keys", client_type="confidential", grant_types=("client_credentials",), scopes=("api:read",),
        **keys,
    )  # fmt: skip
    return client


@pytest.mark.requirement("RFC7591-2")
def test_a_client_registers_private_key_jwt_with_its_jwks_and_gets_no_secret(web, store, settings):
    signer = Signer("RS256")
    metadata = {**SIGNING_APP, "token_endpoint_auth_method": "private_key_jwt", "jwks": signer.jwks()}
    response = register(web, metadata)
    assert response.status_int == 201, response.text
    body = response.json
    assert "client_secret" not in body and "client_secret_expires_at" not in body
    assert body["token_endpoint_auth_method"] == "private_key_jwt" and body["jwks"] == signer.jwks()
    assert send(web, signer.assertion(body["client_id"], token_endpoint(settings))).status_int == 200


@pytest.mark.requirement("RFC7591-2")
@pytest.mark.parametrize(
    "changes",
    [
        {"jwks": None},  # private_key_jwt with no keys
        {"jwks_uri": "https://keys.example/jwks.json"},  # both jwks and jwks_uri
        {"jwks": {"keys": []}},
        {"jwks": {"keys": [{"kty": "oct", "k": "c2VjcmV0"}]}},
        {"jwks": "not an object"},
        {"private": True},  # the private key's members in the set
        {"token_endpoint_auth_method": "client_secret_jwt"},
    ],
    ids=["no-keys", "both", "empty", "symmetric", "string", "private", "client_secret_jwt"],
)
def test_a_registration_with_unusable_keys_is_invalid_client_metadata(web, store, changes):
    signer = Signer("ES256")
    jwks = signer.jwks()
    changes = dict(changes)
    if changes.pop("private", False):
        jwks = {"keys": [{**signer.jwk, "d": "AAAA"}]}
    metadata = {**SIGNING_APP, "token_endpoint_auth_method": "private_key_jwt", "jwks": jwks, **changes}
    metadata = {name: value for name, value in metadata.items() if value is not None}
    response = register(web, metadata)
    assert response.status_int == 400 and response.json["error"] == "invalid_client_metadata"
    assert response.json["error_description"]
    assert not store.list_clients()


@pytest.mark.requirement("RFC7523-2.2")
def test_keys_are_fetched_from_the_jwks_uri(web, documents, clients, settings):
    signer = Signer("ES256")
    path = unique("/fetched/jwks.json")
    client = keyed_client(clients, jwks_uri=serve_jwks(documents, path, signer))
    assert send(web, signer.assertion(client.client_id, token_endpoint(settings))).status_int == 200
    assert send(web, signer.assertion(client.client_id, token_endpoint(settings))).status_int == 200
    assert documents.hits[path] == 1  # kept as its cache lifetime allows


@pytest.mark.requirement("RFC7523-2.2")
def test_a_new_kid_fetches_the_set_again_once(web, documents, clients, settings):
    old, new = Signer("ES256"), Signer("RS256")
    path = unique("/rotating/jwks.json")
    client = keyed_client(clients, jwks_uri=serve_jwks(documents, path, old))
    assert send(web, old.assertion(client.client_id, token_endpoint(settings))).status_int == 200
    serve_jwks(documents, path, old, new)  # the client rotated
    assert send(web, new.assertion(client.client_id, token_endpoint(settings))).status_int == 200
    assert documents.hits[path] == 2


def test_unknown_kids_fetch_the_set_again_at_most_once_a_minute(web, documents, clients, settings, clock):
    from reference_as.client_assertions import REFETCH_AFTER

    signer = Signer("ES256")
    path = unique("/probed/jwks.json")
    client = keyed_client(clients, jwks_uri=serve_jwks(documents, path, signer))
    for kid in ("made-up-1", "made-up-2", "made-up-3"):
        made_up = signer.assertion(client.client_id, token_endpoint(settings), headers={"kid": kid})
        assert send(web, made_up).status_int == 401
    assert documents.hits[path] == 2  # the first fetch, and one refetch for the first unknown kid
    clock.advance(REFETCH_AFTER)
    send(web, signer.assertion(client.client_id, token_endpoint(settings), headers={"kid": "made-up-4"}))
    assert documents.hits[path] == 3


@pytest.mark.requirement("RFC7523-2.2")
@pytest.mark.parametrize(
    "reply",
    [
        {"status": 302, "headers": {"Location": "https://127.0.0.1/elsewhere", "Content-Type": "application/json"}},
        {"status": 404},
        {"headers": {"Content-Type": "text/html"}},
        {},  # padded past outbound_max_bytes below
    ],
    ids=["redirect", "404", "html", "too-large"],
)
def test_a_jwks_uri_that_cannot_be_used_is_invalid_client(web, documents, clients, settings, reply):
    signer = Signer("ES256")
    path = unique("/bad/jwks.json")
    if not reply:
        body = json.dumps({"keys": [signer.jwk], "padding": "x" * settings.outbound_max_bytes}).encode()
        url = documents.serve(path, Reply(body))
    else:
        url = serve_jwks(documents, path, signer, **reply)
    client = keyed_client(clients, jwks_uri=url)
    response = send(web, signer.assertion(client.client_id, token_endpoint(settings)))
    assert response.status_int == 401 and response.json["error"] == "invalid_client"
    assert response.json["error_description"]
