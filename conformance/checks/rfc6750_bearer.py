"""RFC 6750, Bearer Token Usage, at the protected resource named in the target
file (`[resource] url`), and what a resource must refuse of JWT access tokens
(RFC 9068 §4, RFC 8725 §3.1: forged signatures, `alg: none`, algorithm confusion).
https://www.rfc-editor.org/rfc/rfc6750

Skipped without a resource URL. Covers the Authorization header method (§2.1)
and the answers of §3 and §3.1. Leaves out the form-body and query methods
(§2.2, §2.3): a resource MAY offer them; RFC 9700 §4.3.2 advises against the query.
"""

import base64
import hashlib
import hmac
import json

import jwt
import pytest
from cryptography.hazmat.primitives import serialization

from conformance import expect, steps
from conformance.client import OAuthClientError
from conformance.jwts import claims_of, jwt_parts, signing_key
from conformance.marks import check
from conformance.outcomes import Unverifiable, fail, not_applicable, not_configured

BOTH = ("bearer", "jwt-access-token")


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _challenge(response) -> str:
    return response.headers.get("WWW-Authenticate", "")


@pytest.fixture
def resource(target):
    if target.resource is None:
        not_configured("no [resource] url in the target file")
    return target.resource


def _token_for(server, target, clients, request, scope: str | None) -> str:
    """An access token with `scope`: client credentials if possible, else the code flow."""
    confidential = target.clients.get("confidential")
    if confidential and "client_credentials" in confidential.grant_types and "client_credentials" in server.grant_types:
        return clients("confidential").client_credentials(scope=scope).access_token
    client = request.getfixturevalue("code_client")
    return steps.obtain_tokens(client, request.getfixturevalue("driver"), scope=scope).access_token


@pytest.fixture
def token(resource, server, target, clients, request) -> str:
    try:
        return _token_for(server, target, clients, request, resource.scope)
    except OAuthClientError as error:
        raise Unverifiable(f"no access token for the resource: {error}") from None


def _get(http, url: str, token: str | None = None):
    return http.get(url, headers={"Authorization": f"Bearer {token}"} if token else {})


# RFC6750-2.1 MUST: resource servers support the Authorization: Bearer header.
@check("rfc6750-2.1-authorization-header-accepted", "RFC6750-2.1")
def check_header(resource, http, token):
    """A valid token in Authorization: Bearer is accepted (200)."""
    response = _get(http, resource.url, token)
    if response.status_code != 200:
        fail(f"the resource refused a fresh token: {expect.describe(response)}; {_challenge(response)}")


# RFC6750-3 MUST: a request without a usable token gets WWW-Authenticate: Bearer.
@check("rfc6750-3-no-token-gets-401-bearer-challenge", "RFC6750-3")
def check_no_token(resource, http):
    """A request without any token is answered 401 with a WWW-Authenticate: Bearer challenge."""
    response = _get(http, resource.url)
    if response.status_code != 401:
        fail(f"a request without a token got {expect.describe(response)}")
    if not _challenge(response).lower().startswith("bearer"):
        fail(f"WWW-Authenticate is {_challenge(response)!r}, not a Bearer challenge")


# RFC6750-3 SHOULD NOT: an error code when the request had no authentication at all.
@check("rfc6750-3-no-token-challenge-has-no-error-code", "RFC6750-3", level="SHOULD")
def check_no_error_code(resource, http):
    """The challenge to a request without credentials carries no error attribute."""
    response = _get(http, resource.url)
    if "error=" in _challenge(response):
        fail(f"the challenge names an error although no credentials were sent: {_challenge(response)!r}")


@check("rfc6750-3-invalid-token-gets-bearer-challenge", "RFC6750-3")
def check_invalid_challenge(resource, http):
    """A request with an invalid token is refused with a WWW-Authenticate: Bearer challenge."""
    response = _get(http, resource.url, "conformance-invalid-token")
    if response.status_code < 400 or not _challenge(response).lower().startswith("bearer"):
        fail(f"an invalid token got {expect.describe(response)}, WWW-Authenticate {_challenge(response)!r}")


# RFC6750-3.1: invalid_token SHOULD be 401.
@check("rfc6750-3.1-invalid-token-is-401-invalid-token", "RFC6750-3.1", level="SHOULD")
def check_invalid_token(resource, http):
    """An invalid token is answered 401 with error="invalid_token" in the challenge."""
    response = _get(http, resource.url, "conformance-invalid-token")
    if response.status_code != 401 or 'error="invalid_token"' not in _challenge(response):
        fail(f"got {expect.describe(response)}, WWW-Authenticate {_challenge(response)!r}")


# RFC6750-3.1: insufficient_scope SHOULD be 403.
@check("rfc6750-3.1-insufficient-scope-is-403", "RFC6750-3.1", level="SHOULD")
def check_insufficient_scope(resource, server, target, clients, request, http):
    """A valid token without the resource's scope is answered 403 with error="insufficient_scope"."""
    if not resource.scope:
        not_configured("the [resource] table names no scope")
    others = [s for s in (server.metadata or {}).get("scopes_supported", []) if s != resource.scope]
    if not others:
        not_applicable("the server lists no other scope to ask for")
    try:
        token = _token_for(server, target, clients, request, others[0])
    except OAuthClientError:
        not_applicable(f"no token could be had for the scope {others[0]!r} alone")
    if resource.scope in str((claims_of(token) or {}).get("scope", "")).split():
        not_applicable(f"a token asked for {others[0]!r} still carries {resource.scope!r}")
    response = _get(http, resource.url, token)
    if response.status_code != 403 or 'error="insufficient_scope"' not in _challenge(response):
        fail(f"got {expect.describe(response)}, WWW-Authenticate {_challenge(response)!r}")


# -- forged JWTs ---------------------------------------------------------------------------------------


def _assert_refused(http, url: str, forged: str, what: str):
    response = _get(http, url, forged)
    if response.status_code < 400:
        fail(f"the resource accepted {what}: {expect.describe(response)}")


# RFC9068-4 MUST: the resource validates the signature.
@check("rfc9068-4-resource-refuses-altered-claims", "RFC9068-4", profiles=BOTH)
def check_altered(resource, http, token):
    """A token whose claims were altered (signature kept) is refused."""
    _, claims = jwt_parts(token)
    head, _, signature = token.split(".")
    altered = {**claims, "sub": "conformance-someone-else", "scope": claims.get("scope", "") + " admin"}
    _assert_refused(
        http, resource.url, f"{head}.{b64(json.dumps(altered).encode())}.{signature}", "a token with altered claims"
    )


# RFC8725-3.1 MUST: 'none' is not accepted.
@check("rfc8725-3.1-resource-refuses-alg-none", "RFC8725-3.1", profiles=BOTH)
def check_alg_none(resource, http, token):
    """The same claims with alg 'none' and no signature are refused."""
    header, claims = jwt_parts(token)
    forged_header = {**header, "alg": "none"}
    forged = f"{b64(json.dumps(forged_header).encode())}.{b64(json.dumps(claims).encode())}."
    _assert_refused(http, resource.url, forged, "an unsigned token (alg none)")


# RFC8725-3.1 MUST: the key decides the algorithm: an HMAC keyed with the public key is refused.
@check("rfc8725-3.1-resource-refuses-hmac-with-public-key", "RFC8725-3.1", profiles=BOTH)
def check_alg_confusion(resource, http, token, jwks):
    """The same claims signed HS256 with the server's public key as the secret are refused."""
    header, claims = jwt_parts(token)
    key = signing_key(header, jwks)
    if key is None or key.get("kty") not in ("RSA", "EC", "OKP"):
        not_applicable("the signing key is not a public key")
    pem = jwt.PyJWK(key).key.public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    signing_input = f"{b64(json.dumps({**header, 'alg': 'HS256'}).encode())}.{b64(json.dumps(claims).encode())}"
    signature = b64(hmac.new(pem, signing_input.encode(), hashlib.sha256).digest())
    _assert_refused(http, resource.url, f"{signing_input}.{signature}", "a token signed HS256 with the public key")
