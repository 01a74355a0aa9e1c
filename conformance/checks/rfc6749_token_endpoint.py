"""RFC 6749 §3.2, the token endpoint: how requests reach it, and the errors of
§5.2 that do not depend on a grant.
https://www.rfc-editor.org/rfc/rfc6749#section-3.2

Requests are client credentials requests of the confidential client where one
is needed. RFC 6749 puts several of these rules on the client (use POST, put
parameters in the body); a server that tolerates a client breaking them
breaks no server rule, so those checks are SHOULDs (see requirements.py).
"""

import json
from urllib.parse import urlencode, urlsplit

from conformance import expect, steps
from conformance.marks import check
from conformance.outcomes import fail

from .rfc8414_metadata import secure_or_loopback

FORM = {"Content-Type": "application/x-www-form-urlencoded"}


def _same_outcome(first, second) -> bool:
    """Two token responses that mean the same: both tokens, or the same error and status."""
    if expect.issued_token(first) or expect.issued_token(second):
        return expect.issued_token(first) and expect.issued_token(second)
    a, b = expect.json_object(first) or {}, expect.json_object(second) or {}
    return first.status_code == second.status_code and a.get("error") == b.get("error")


def _post_raw(client, body: str):
    """POST a hand-written form body with the client's authentication."""
    data, headers = client.authenticate({})
    if data:  # client_secret_post: the credentials go into the hand-written body too
        body = body + "&" + urlencode(data)
    return client.session.post(client.endpoints.token, data=body.encode(), headers={**FORM, **headers})


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


# RFC6749-3.2 MUST (client): POST. A GET must not yield a token.
@check("rfc6749-3.2-get-refused", "RFC6749-3.2", level="SHOULD")
def check_get(server, confidential):
    """A token request sent with GET gets no token."""
    steps.ready_for(server, confidential, "client_credentials")
    data, headers = confidential.authenticate(steps.cc_params(confidential))
    response = confidential.session.get(server.endpoints.token, params=data, headers=headers)
    expect.no_token(response, "the request used GET")
    expect.refused(response, "the request used GET")


# RFC6749-3.2 MUST NOT repeat a parameter; §5.2: that is invalid_request.
@check(
    "rfc6749-3.2-repeated-{variant}-is-invalid-request",
    "RFC6749-3.2",
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


# RFC6749-3.2 (client MUST): parameters form-encoded in the body. JSON is not that.
@check("rfc6749-3.2-json-body-not-accepted", "RFC6749-3.2", level="SHOULD")
def check_json_body(server, confidential):
    """A JSON request body gets no token."""
    steps.ready_for(server, confidential, "client_credentials")
    data, headers = confidential.authenticate(steps.cc_params(confidential))
    response = confidential.session.post(
        server.endpoints.token, data=json.dumps(data), headers={**headers, "Content-Type": "application/json"}
    )
    expect.no_token(response, "the body was JSON")


# RFC6749-3.2 (client MUST): parameters in the body, not in the URI.
@check("rfc6749-3.2-parameters-in-query-not-accepted", "RFC6749-3.2", level="SHOULD")
def check_query_parameters(server, confidential):
    """grant_type in the URL's query (and an empty body) gets no token."""
    steps.ready_for(server, confidential, "client_credentials")
    data, headers = confidential.authenticate(steps.cc_params(confidential))
    query = urlencode({k: v for k, v in data.items() if k not in ("client_id", "client_secret")})
    body = {k: v for k, v in data.items() if k in ("client_id", "client_secret")}
    separator = "&" if "?" in server.endpoints.token else "?"
    response = confidential.session.post(server.endpoints.token + separator + query, data=body, headers=headers)
    expect.no_token(response, "the parameters were in the URL")


# RFC6749-5.2: a malformed request is a 4xx error, never a server failure.
@check("rfc6749-5.2-malformed-body-is-a-client-error", "RFC6749-5.2")
def check_malformed_body(server, confidential):
    """A body that is not valid form encoding of UTF-8 is a client error, never a 5xx."""
    steps.ready_for(server, confidential, "client_credentials")
    data, headers = confidential.authenticate({})
    body = b"grant_type=client_credentials&scope=%FF%FE" + (b"&" + urlencode(data).encode() if data else b"")
    response = confidential.session.post(server.endpoints.token, data=body, headers={**FORM, **headers})
    if response.status_code >= 500:
        fail(f"invalid UTF-8 in the body made the server fail: {expect.describe(response)}")
