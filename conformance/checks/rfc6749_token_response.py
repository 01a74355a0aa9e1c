"""RFC 6749 §4.4 and §5, the client credentials grant and the shape of token
responses: success (§5.1), error (§5.2), and scope (§3.3).
https://www.rfc-editor.org/rfc/rfc6749#section-5

The successful response inspected is one client credentials response of the
confidential client; the error responses are the ones any client can provoke.
Leaves out the token_type-specific rules of other token types (MAC, DPoP).
"""

import re

import pytest

from conformance import expect, fixes, steps
from conformance.marks import check
from conformance.outcomes import fail, not_applicable, not_configured

# RFC 6749 §5.2: error and error_description use %x20-21 / %x23-5B / %x5D-7E only.
ERROR_TEXT = re.compile(r"[\x20-\x21\x23-\x5b\x5d-\x7e]*")
UNKNOWN_SCOPE = "conformance-unknown-scope"
ERROR_CODES = (
    "invalid_request",
    "invalid_client",
    "invalid_grant",
    "unauthorized_client",
    "unsupported_grant_type",
    "invalid_scope",
)


@pytest.fixture(scope="module")
def cc_response(server, clients):
    """One raw client credentials response of the confidential client."""
    client = steps.ready_for(server, clients("confidential"), "client_credentials")
    return client.token_request(steps.cc_params(client))


@pytest.fixture(scope="module")
def cc_body(cc_response):
    return expect.token(cc_response)


@pytest.fixture(scope="module")
def error_responses(server, clients):
    """Error responses any client can provoke: unknown grant type, missing grant type, wrong secret."""
    client = steps.ready_for(server, clients("confidential"), "client_credentials")
    wrong = {
        "grant_type": "client_credentials",
        "client_id": client.config.client_id,
        "client_secret": "wrong-secret-0000",
    }
    return [
        client.token_request({"grant_type": "urn:example:conformance:unknown-grant"}),
        client.token_request({"scope": "x"}),
        client.session.post(server.endpoints.token, data=wrong),
    ]


# RFC6749-4.4.3 MUST: a valid client credentials request gets an access token.
@check("rfc6749-4.4.3-client-credentials-issues-a-token", "RFC6749-4.4.3")
def check_cc_token(cc_response):
    """A client credentials request of an allowed confidential client gets an access token."""
    expect.token(cc_response)


# RFC6749-4.4.3 SHOULD NOT: a refresh token for client credentials.
@check("rfc6749-4.4.3-no-refresh-token-for-client-credentials", "RFC6749-4.4.3", level="SHOULD")
def check_no_refresh(cc_body):
    """The client credentials response carries no refresh token."""
    if "refresh_token" in cc_body:
        fail("the client credentials response carries a refresh_token")


# RFC6749-5.1 MUST: Cache-Control: no-store.
@check("rfc6749-5.1-cache-control-no-store", "RFC6749-5.1")
def check_no_store(cc_response):
    """The token response carries Cache-Control: no-store."""
    expect.token(cc_response)
    if not expect.header_has(cc_response, "Cache-Control", "no-store"):
        fail(f"Cache-Control is {cc_response.headers.get('Cache-Control')!r}, without no-store")


# RFC6749-5.1 MUST: Pragma: no-cache (RFC 6749 asks for it; OAuth 2.1 drops it).
@check("rfc6749-5.1-pragma-no-cache", "RFC6749-5.1")
def check_pragma(cc_response):
    """The token response carries Pragma: no-cache."""
    expect.token(cc_response)
    if not expect.header_has(cc_response, "Pragma", "no-cache"):
        fail(f"Pragma is {cc_response.headers.get('Pragma')!r}, not no-cache")


@check("rfc6749-5.1-content-type-is-json", "RFC6749-5.1")
def check_json(cc_response):
    """The token response is application/json."""
    expect.token(cc_response)
    if "application/json" not in cc_response.headers.get("Content-Type", ""):
        fail(f"Content-Type is {cc_response.headers.get('Content-Type')!r}")


@check("rfc6749-5.1-access-token-and-token-type-are-strings", "RFC6749-5.1")
def check_required_members(cc_body):
    """access_token and token_type are non-empty strings."""
    for name in ("access_token", "token_type"):
        if not isinstance(cc_body.get(name), str) or not cc_body[name]:
            fail(f"{name} is {cc_body.get(name)!r}, not a non-empty string")


@check("rfc6749-5.1-expires-in-given", "RFC6749-5.1", level="SHOULD")
def check_expires_in_given(cc_body):
    """expires_in is given (RECOMMENDED)."""
    if "expires_in" not in cc_body:
        fail("expires_in is missing (RECOMMENDED)")


# RFC6749-5.1: numerical values are JSON numbers.
@check("rfc6749-5.1-expires-in-is-a-positive-number", "RFC6749-5.1")
def check_expires_in_number(cc_body):
    """expires_in, when given, is a positive JSON number (not a string)."""
    if "expires_in" not in cc_body:
        not_applicable("no expires_in")
    value = cc_body["expires_in"]
    if isinstance(value, bool) or not isinstance(value, int | float) or value <= 0:
        fail(f"expires_in is {value!r}, not a positive JSON number")


@check("rfc6749-5.1-scope-is-a-string", "RFC6749-5.1")
def check_scope_string(cc_body):
    """scope, when given, is a space-delimited string (not a JSON array)."""
    if "scope" not in cc_body:
        not_applicable("no scope in the response")
    if not isinstance(cc_body["scope"], str):
        fail(f"scope is {cc_body['scope']!r}, not a string")


# RFC6749-3.3 MUST (and §5.1: scope "OPTIONAL, if identical to the scope requested by the client;
# otherwise, REQUIRED"): a response whose scope differs from the one requested names it.
@check("rfc6749-3.3-granted-scope-named-when-different", "RFC6749-3.3")
def check_scope_named(server, confidential):
    """When the scope issued for the client's configured scope differs from it, the response names it."""
    steps.ready_for(server, confidential, "client_credentials")
    requested = confidential.config.scope
    if not requested:
        not_configured("the confidential client has no scope to ask for", fixes.two_scopes("confidential"))
    body = expect.token(confidential.token_request(steps.cc_params(confidential)))
    steps.scope_named_when_different(server, confidential, requested, body)


@check("rfc6749-3.3-narrower-client-credentials-scope-named-when-different", "RFC6749-3.3")
def check_narrower_scope_named(server, confidential):
    """Asking for one of the client's scopes, the response names the scope issued when it is not that one."""
    steps.ready_for(server, confidential, "client_credentials")
    part = sorted(steps.two_scopes(confidential))[0]
    body = expect.token(confidential.token_request(steps.cc_params(confidential, scope=part)))
    steps.scope_named_when_different(server, confidential, part, body)


@check("rfc6749-3.3-scope-narrowed-by-the-server-is-named", "RFC6749-3.3")
def check_narrowed_scope_named(server, confidential):
    """Asking for the client's scope and one the server does not know, the response is invalid_scope,
    or a token whose response names the scope issued (it cannot be the one asked for)."""
    steps.ready_for(server, confidential, "client_credentials")
    requested = " ".join(filter(None, [confidential.config.scope, UNKNOWN_SCOPE]))
    response = confidential.token_request(steps.cc_params(confidential, scope=requested))
    if not expect.issued_token(response):
        expect.error(response, "invalid_scope")
        return
    steps.scope_named_when_different(server, confidential, requested, expect.json_object(response))


# RFC6749-3.3: an unknown scope may be refused (invalid_scope) or left out; it is never granted.
@check("rfc6749-3.3-unknown-scope-refused-or-left-out", "RFC6749-3.3")
def check_unknown_scope(server, confidential):
    """A scope the server does not know is refused with invalid_scope, or not granted."""
    steps.ready_for(server, confidential, "client_credentials")
    response = confidential.token_request(steps.cc_params(confidential, scope=UNKNOWN_SCOPE))
    if not expect.issued_token(response):
        expect.error(response, "invalid_scope")
        return
    body = expect.json_object(response)
    # No scope named: perhaps none was granted at all (RFC 6749 §3.3's grammar has no empty scope to
    # name). What the token carries is read from it, or asked of the introspection endpoint.
    granted = set(body["scope"].split()) if isinstance(body.get("scope"), str) else None
    if granted is None:
        granted = steps.issued_scope(server, confidential, body)
    if granted is None:
        not_applicable("the response names no scope, and neither the token nor introspection shows it")
    if UNKNOWN_SCOPE in granted:
        fail(f"the server granted the unknown scope {UNKNOWN_SCOPE!r}")


# RFC6749-5.2 MUST: the error response is a JSON object with a registered error code.
@check("rfc6749-5.2-errors-are-json-with-a-registered-code", "RFC6749-5.2")
def check_error_json(error_responses):
    """Token errors are application/json objects whose 'error' is a code of RFC 6749 §5.2."""
    for response in error_responses:
        body = expect.json_object(response)
        if body is None or "application/json" not in response.headers.get("Content-Type", ""):
            fail(f"an error response is not a JSON object: {expect.describe(response)}")
        if body.get("error") not in ERROR_CODES:
            fail(f"error {body.get('error')!r} is not an error code of RFC 6749 §5.2")


@check("rfc6749-5.2-error-status-is-400-or-401", "RFC6749-5.2")
def check_error_status(error_responses):
    """Token errors are answered 400 (401 for invalid_client), never 2xx or 5xx."""
    for response in error_responses:
        error = (expect.json_object(response) or {}).get("error")
        allowed = (400, 401) if error == "invalid_client" else (400,)
        if response.status_code not in allowed:
            fail(f"error {error!r} came with HTTP {response.status_code}")


@check("rfc6749-5.2-error-text-is-ascii", "RFC6749-5.2")
def check_error_text(error_responses):
    """error and error_description hold only printable ASCII other than '\"' and '\\'."""
    for response in error_responses:
        body = expect.json_object(response) or {}
        for name in ("error", "error_description"):
            value = body.get(name)
            if value is not None and (not isinstance(value, str) or not ERROR_TEXT.fullmatch(value)):
                fail(f"{name} {value!r} has characters RFC 6749 §5.2 does not allow")
