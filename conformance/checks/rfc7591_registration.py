"""RFC 7591, OAuth 2.0 Dynamic Client Registration Protocol.
https://www.rfc-editor.org/rfc/rfc7591

Covers the registration request (§3: a POST of JSON; §2: unknown metadata is
ignored), the response (§3.2.1: 201, a client_id, the metadata registered, a
secret for a confidential client with its expiry) and the errors (§3.2.2:
`invalid_redirect_uri`, `invalid_client_metadata`). Skipped without a
`registration_endpoint` in the metadata; where registration needs an initial
access token, the target gives it (`[server] initial_access_token_env`).
Each client registered is deleted again (RFC 7592, where offered). Leaves out
software statements (§2.3, §3.1.1) and which values a server accepts: it
"MAY reject or replace any of the client's requested metadata values" (§3.2.1).
"""

import pytest

from conformance import registration
from conformance.expect import describe, error, json_object
from conformance.marks import check
from conformance.outcomes import fail, not_applicable
from conformance.registration import CONFIDENTIAL_METHODS, Registrar


@pytest.fixture
def registrar(server, http, masker):
    registration.endpoint(server)
    made = Registrar(server, http, masker)
    yield made
    made.close()


@pytest.fixture
def confidential_registration(registrar) -> dict:
    """The client information of a confidential client registered for this check."""
    return registrar.register(registration.confidential_client())


# RFC7591-3.2.1: "the authorization server returns an HTTP 201 Created status code"; client_id REQUIRED.
@check("rfc7591-3.2.1-registration-is-201-with-client-id", "RFC7591-3.2.1")
def check_created(registrar):
    """A valid registration is answered 201 with a JSON object holding a client_id."""
    response = registrar.post(registration.confidential_client())
    body = json_object(response)
    if response.status_code != 201:
        fail(f"a valid registration was answered {describe(response)}, not 201")
    if body is None or not isinstance(body.get("client_id"), str) or not body["client_id"]:
        fail("the registration response has no client_id string")
    if "application/json" not in response.headers.get("Content-Type", ""):
        fail(f"Content-Type is {response.headers.get('Content-Type')!r}, not application/json")


# RFC7591-3.2.1 MUST: "return all registered metadata about this client"; redirect_uris MUST be
# supported by a server registering clients of the redirect-based flows (§2).
@check("rfc7591-3.2.1-redirect-uris-returned", "RFC7591-3.2.1")
def check_metadata_returned(confidential_registration):
    """The registration response returns the redirect_uris registered."""
    uris = confidential_registration.get("redirect_uris")
    if not isinstance(uris, list) or not uris or not all(isinstance(uri, str) for uri in uris):
        fail(f"redirect_uris is {uris!r} in the registration response, not the list registered")


# RFC7591-3.2.1: "The response contains the client identifier as well as the client secret, if the
# client is a confidential client." A client_secret_* method without a secret cannot authenticate.
@check("rfc7591-3.2.1-confidential-client-gets-a-secret", "RFC7591-3.2.1")
def check_secret_issued(confidential_registration):
    """A client registered with client_secret_basic is given a client_secret."""
    method = confidential_registration.get("token_endpoint_auth_method", "client_secret_basic")
    if method not in CONFIDENTIAL_METHODS:
        not_applicable(f"the server registered the client with token_endpoint_auth_method {method!r}")
    secret = confidential_registration.get("client_secret")
    if not isinstance(secret, str) or not secret:
        fail(f"a client registered for {method} was given no client_secret")


# RFC7591-3.2.1: client_secret_expires_at "REQUIRED if client_secret is issued".
@check("rfc7591-3.2.1-secret-comes-with-its-expiry", "RFC7591-3.2.1")
def check_secret_expiry(confidential_registration):
    """A client_secret issued comes with client_secret_expires_at (a number; 0: never)."""
    if "client_secret" not in confidential_registration:
        not_applicable("no client_secret was issued")
    expires = confidential_registration.get("client_secret_expires_at")
    if not isinstance(expires, int | float) or isinstance(expires, bool):
        fail(f"client_secret_expires_at is {expires!r}, not a number of seconds")


# RFC7591-3.2.1: a secret "is used by confidential clients"; no keyword forbids giving one to a
# client that registered without one (token_endpoint_auth_method none), so this is advice.
@check("rfc7591-3.2.1-public-client-gets-no-secret", "RFC7591-3.2.1", level="ADVICE")
def check_no_public_secret(registrar):
    """A client registered with token_endpoint_auth_method none is given no client_secret."""
    body = registrar.register(registration.public_client())
    if body.get("token_endpoint_auth_method", "client_secret_basic") != "none":
        not_applicable(f"the server registered the client for {body.get('token_endpoint_auth_method')!r}")
    if "client_secret" in body:
        fail("a client registered with token_endpoint_auth_method none was given a client_secret")


# RFC7591-2 MUST: "The authorization server MUST ignore any client metadata sent by the client that it
# does not understand".
@check("rfc7591-2-unknown-metadata-ignored", "RFC7591-2")
def check_unknown_ignored(registrar):
    """A registration with a member the server does not know succeeds (the member is ignored)."""
    response = registrar.post(registration.confidential_client(conformance_unknown_member="ignore me"))
    if response.status_code not in (200, 201) or "client_id" not in (json_object(response) or {}):
        fail(f"a registration with an unknown member was answered {describe(response)}")


# RFC7591-3.2.2: invalid_redirect_uri, "the value of one or more redirection URIs is invalid"; a
# redirect URI "MUST NOT include a fragment component" (RFC 6749 §3.1.2).
@check("rfc7591-3.2.2-bad-redirect-uri-is-invalid-redirect-uri", "RFC7591-3.2.2")
def check_bad_redirect(registrar):
    """A redirect URI with a fragment is refused: 400 error=invalid_redirect_uri."""
    bad = registration.confidential_client(redirect_uris=["https://client.example/callback#fragment"])
    error(registrar.post(bad), "invalid_redirect_uri")


# RFC7591-3.2.2: invalid_client_metadata, "the value of one of the client metadata fields is invalid";
# §3.2.1 lets the server replace a value instead, so a replaced one passes too.
@check("rfc7591-3.2.2-bad-metadata-is-invalid-client-metadata", "RFC7591-3.2.2")
def check_bad_metadata(registrar):
    """grant_types sent as a string (not an array) is refused as invalid_client_metadata, or replaced."""
    response = registrar.post(registration.confidential_client(grant_types="authorization_code"))
    body = json_object(response) or {}
    if response.status_code in (200, 201) and "client_id" in body:
        grants = body.get("grant_types")
        if not (isinstance(grants, list) and all(isinstance(g, str) for g in grants)):
            fail(f"grant_types sent as a string was registered as {grants!r}")
        return
    error(response, "invalid_client_metadata")
