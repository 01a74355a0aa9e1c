"""RFC 6749 §3.2, the token endpoint: how requests reach it, and the errors of
§5.2 that do not depend on a grant.
https://www.rfc-editor.org/rfc/rfc6749#section-3.2

Requests are client credentials requests of the confidential client where one
is needed. RFC 6749 puts several rules of §3.2 on the client (use POST, put
the parameters in a form-encoded body): a server that tolerates a client
breaking them breaks no rule written for servers, so they are not checked.
Hostile input (malformed and oversized bodies) is in rfc6749_malformed_requests.py.
"""

from urllib.parse import urlencode, urlsplit

from conformance import expect, steps
from conformance.marks import check
from conformance.outcomes import fail

from .rfc8414_metadata import secure_or_loopback


def _same_outcome(first, second) -> bool:
    """Two token responses that mean the same: both tokens, or the same error and status."""
    if expect.issued_token(first) or expect.issued_token(second):
        return expect.issued_token(first) and expect.issued_token(second)
    a, b = expect.json_object(first) or {}, expect.json_object(second) or {}
    return first.status_code == second.status_code and a.get("error") == b.get("error")


def _post_raw(client, body: str):
    return steps.post_form(client, client.endpoints.token, body.encode())


# RFC6749-3.2 MUST: TLS at the token endpoint.
@check("rfc6749-3.2-token-endpoint-uses-tls", "RFC6749-3.2")
def check_tls(server):
    """The token endpoint is an https URL (http only on loopback, for development)."""
    url = server.need_endpoint("token")
    if not secure_or_loopback(url):
        fail(f"the token endpoint {url} does not use https")


# RFC6749-3.2 MUST NOT: a fragment in the endpoint URI.
@check("rfc6749-3.2-token-endpoint-has-no-fragment", "RFC6749-3.2")
def check_no_fragment(server):
    """The token endpoint URI has no fragment."""
    url = server.need_endpoint("token")
    if urlsplit(url).fragment or "#" in url:
        fail(f"the token endpoint {url} has a fragment")


# RFC6749-5.2: a request that "repeats a parameter" is invalid_request (§3.2: MUST NOT be repeated).
@check(
    "rfc6749-5.2-repeated-{variant}-is-invalid-request",
    "RFC6749-5.2",
    variants={"grant-type": "grant_type", "scope": "scope"},
)
def check_repeated(server, confidential, variant):
    """A token request repeating {variant} is invalid_request."""
    steps.ready_for(server, confidential, "client_credentials")
    if variant == "grant_type":
        pairs = [("grant_type", "client_credentials")] * 2
    else:
        pairs = [("grant_type", "client_credentials")] + [("scope", confidential.config.scope or "conformance")] * 2
    expect.error(_post_raw(confidential, urlencode(pairs)), "invalid_request")


# RFC6749-3.2 MUST: a parameter sent without a value is treated as omitted.
@check("rfc6749-3.2-empty-parameter-treated-as-omitted", "RFC6749-3.2")
def check_empty_parameter(server, confidential):
    """'scope=' (empty) gets the same answer as no scope at all."""
    steps.ready_for(server, confidential, "client_credentials")
    without = _post_raw(confidential, "grant_type=client_credentials")
    empty = _post_raw(confidential, "grant_type=client_credentials&scope=")
    if not _same_outcome(without, empty):
        fail(f"without scope: {expect.describe(without)}; with an empty scope: {expect.describe(empty)}")


# RFC6749-3.2 MUST: unrecognised request parameters are ignored.
@check("rfc6749-3.2-unknown-parameter-ignored", "RFC6749-3.2")
def check_unknown_parameter(server, confidential):
    """A parameter the server does not know changes nothing: the request still gets a token."""
    steps.ready_for(server, confidential, "client_credentials")
    response = confidential.token_request(steps.cc_params(confidential, conformance_extension="ignored"))
    expect.token(response)


# RFC6749-5.2: a missing required parameter is invalid_request (not unsupported_grant_type).
@check("rfc6749-5.2-missing-grant-type-is-invalid-request", "RFC6749-5.2")
def check_missing_grant_type(server, confidential):
    """A token request without grant_type is invalid_request."""
    server.need_endpoint("token")
    steps.ready_for(server, confidential, "client_credentials")
    response = confidential.token_request({"scope": confidential.config.scope or "conformance"})
    expect.error(response, "invalid_request")


@check("rfc6749-5.2-unknown-grant-type-is-unsupported-grant-type", "RFC6749-5.2")
def check_unknown_grant_type(server, confidential):
    """A grant_type the server does not know is unsupported_grant_type."""
    steps.ready_for(server, confidential, "client_credentials")
    response = confidential.token_request({"grant_type": "urn:example:conformance:unknown-grant"})
    expect.error(response, "unsupported_grant_type")
