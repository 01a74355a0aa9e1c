"""Hostile input at every endpoint: malformed HTTP Basic credentials, bodies that
are not form encoding of UTF-8, oversized bodies and queries. A client error,
never a 5xx (nor a token).
https://www.rfc-editor.org/rfc/rfc6749#section-5.2

RFC 6749 §5.2: a request that is "otherwise malformed" is `invalid_request`,
failed client authentication `invalid_client`, answered 400 (401 for HTTP
authentication); revocation errors follow §5.2 (RFC 7009 §2.2.1), and so do
introspection's (RFC 7662 §2.3: invalid client credentials are 401). A body
is not failed for being read leniently: the form-urlencoded parser of WHATWG
URL leaves a broken escape as it is and decodes bytes that are not UTF-8 as
U+FFFD, never failing; what is failed is a 5xx. At the authorization
endpoint a malformed request is `invalid_request` or, when the client or
redirect URI cannot be trusted, an error page (§4.1.2.1); a 500 there is
nothing the client sent. An oversized request may also be refused
by closing the connection (RFC 9110 §15.5.14); that is not failed.
"""

import base64

import requests

from conformance import expect, steps
from conformance.marks import check
from conformance.outcomes import fail

OVERSIZED = 1024 * 1024 + 1  # bytes: just over the common 1 MiB limit of HTTP servers and proxies
MALFORMED_BASIC = {
    "a client_id that is not UTF-8": "Basic " + base64.b64encode(b"\xff\xfe\xfd:secret").decode(),
    "a secret that is not UTF-8": "Basic " + base64.b64encode(b"conformance:\xff\xfe").decode(),
    "credentials that are not base64": "Basic %%%not-base64%%%",
    "credentials without a colon": "Basic " + base64.b64encode(b"no-colon-here").decode(),
    "no credentials after the scheme": "Basic ",
}
URL_VALUES = {
    "percent-encoded bytes that are not UTF-8": b"%FF%FE",
    "a broken percent escape": b"%G0%",
}
MALFORMED_VALUES = {**URL_VALUES, "raw bytes that are not UTF-8": b"\xff\xfe"}
# The body of a request each endpoint would otherwise take; the malformed value goes into `field`.
REQUESTS = {
    "token": (b"grant_type=client_credentials", b"scope"),
    "revocation": (b"token_type_hint=access_token", b"token"),
    "introspection": (b"token_type_hint=access_token", b"token"),
}


def _post(client, endpoint: str, body: bytes):
    return steps.post_form(client, getattr(client.endpoints, endpoint), body)


def _no_server_error(response, what: str, where: str) -> None:
    if response.status_code >= 500:
        fail(f"{what} made the {where} fail: {expect.describe(response)}")


def malformed_basic(server, client, endpoint: str, statuses) -> None:
    url = server.need_endpoint(endpoint)
    base, _ = REQUESTS[endpoint]
    for what, value in MALFORMED_BASIC.items():
        response = client.session.post(url, data=base, headers={**steps.FORM, "Authorization": value})
        _no_server_error(response, what, f"{endpoint} endpoint")
        expect.no_token(response, f"{what} in HTTP Basic")
        if response.status_code not in statuses:
            fail(f"{what} in HTTP Basic: expected HTTP {'/'.join(map(str, statuses))}, got {expect.describe(response)}")


def malformed_body(server, client, endpoint: str) -> None:
    server.need_endpoint(endpoint)
    base, field = REQUESTS[endpoint]
    for what, value in MALFORMED_VALUES.items():
        response = _post(client, endpoint, base + b"&" + field + b"=" + value)
        _no_server_error(response, f"a body with {what}", f"{endpoint} endpoint")


def oversized_body(server, client, endpoint: str) -> None:
    server.need_endpoint(endpoint)
    base, _ = REQUESTS[endpoint]
    body = base + b"&conformance_padding=" + b"a" * OVERSIZED
    try:
        response = _post(client, endpoint, body)
    except requests.ConnectionError:
        return  # refused by closing the connection: allowed for an oversized request
    _no_server_error(response, f"a body of {len(body)} bytes", f"{endpoint} endpoint")


# -- the token endpoint (RFC 6749 §5.2) -----------------------------------------------------------------


@check("rfc6749-5.2-malformed-basic-credentials-refused", "RFC6749-5.2")
def check_token_basic(server, confidential):
    """Basic credentials that are not UTF-8, not base64 or lack the colon are refused with
    invalid_client or invalid_request (400/401), never a token or a 5xx."""
    malformed_basic(server, confidential, "token", (400, 401))


@check("rfc6749-5.2-malformed-body-is-a-client-error", "RFC6749-5.2")
def check_token_body(server, confidential):
    """A body that is not form encoding of UTF-8 is a client error, never a 5xx."""
    malformed_body(server, confidential, "token")


@check("rfc6749-5.2-oversized-body-is-a-client-error", "RFC6749-5.2")
def check_token_oversized(server, confidential):
    """A body of more than 1 MiB is refused (or the connection closed), never a 5xx."""
    oversized_body(server, confidential, "token")


# -- revocation (RFC 7009 §2.2.1: errors as RFC 6749 §5.2) --------------------------------------------------


@check("rfc7009-2.2.1-malformed-basic-credentials-refused", "RFC7009-2.2.1")
def check_revocation_basic(server, confidential):
    """Malformed Basic credentials at the revocation endpoint are refused (400/401), never a 5xx."""
    malformed_basic(server, confidential, "revocation", (400, 401))


@check("rfc7009-2.2.1-malformed-body-is-a-client-error", "RFC7009-2.2.1")
def check_revocation_body(server, confidential):
    """A revocation body that is not form encoding of UTF-8 is answered, never with a 5xx."""
    malformed_body(server, confidential, "revocation")


@check("rfc7009-2.2.1-oversized-body-is-a-client-error", "RFC7009-2.2.1")
def check_revocation_oversized(server, confidential):
    """A revocation body of more than 1 MiB is refused (or the connection closed), never a 5xx."""
    oversized_body(server, confidential, "revocation")


# -- introspection (RFC 7662 §2.3) ----------------------------------------------------------------------------


@check("rfc7662-2.3-malformed-basic-credentials-refused", "RFC7662-2.3")
def check_introspection_basic(server, confidential):
    """Malformed Basic credentials at the introspection endpoint are answered 401 (or 400), never a 5xx."""
    malformed_basic(server, confidential, "introspection", (400, 401))


@check("rfc7662-2.3-malformed-body-is-a-client-error", "RFC7662-2.3")
def check_introspection_body(server, confidential):
    """An introspection body that is not form encoding of UTF-8 is answered, never with a 5xx."""
    malformed_body(server, confidential, "introspection")


@check("rfc7662-2.3-oversized-body-is-a-client-error", "RFC7662-2.3")
def check_introspection_oversized(server, confidential):
    """An introspection body of more than 1 MiB is refused (or the connection closed), never a 5xx."""
    oversized_body(server, confidential, "introspection")


# -- the authorization endpoint (RFC 6749 §4.1.2.1) ------------------------------------------------------------


@check("rfc6749-4.1.2.1-malformed-request-is-not-a-server-error", "RFC6749-4.1.2.1")
def check_authorization_malformed(code_client, http):
    """An authorization request whose state holds bytes that are not UTF-8 or a broken escape, or whose
    query is 16 KiB long, is answered with an error (a redirect or a page), never a 5xx."""
    request = code_client.authorization_request()
    head, _, query = request.url.partition("?")
    kept = "&".join(pair for pair in query.split("&") if not pair.startswith("state="))
    urls = {f"a state of {what}": f"{head}?{kept}&state={value.decode()}" for what, value in URL_VALUES.items()}
    urls["a query of 16 KiB"] = f"{request.url}&conformance_padding={'a' * 16 * 1024}"
    for what, url in urls.items():
        try:
            response = http.get(url)
        except requests.ConnectionError:
            if what.startswith("a query"):
                continue  # an oversized request may be refused by closing the connection
            raise
        if response.status_code >= 500:
            fail(f"an authorization request with {what} made the server fail: {expect.describe(response)}")
