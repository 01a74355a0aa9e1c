"""RFC 6749 §3.1 and §4.1.1-4.1.2.1, the authorization endpoint, with RFC 9207
(`iss` in the response), RFC 8252 §7.3 (loopback ports of native apps) and
RFC 9700 §4.16 (framing).
https://www.rfc-editor.org/rfc/rfc6749#section-4.1

Every request goes through the approval driver of the target file, so the
checks hold whatever the server shows on the way (a login page, a consent
page). A driver that cannot do its part (no consent page to deny on, a form it
does not know) leaves the check "not carried out", never failed. The redirect
URI variants (open redirects) are in rfc9700_redirect_uri.py; the token side
of the code in rfc6749_code_grant.py.
"""

from urllib.parse import parse_qsl, urlsplit, urlunsplit

from conformance import expect, fixes, steps
from conformance.marks import check
from conformance.outcomes import fail, not_advertised, not_applicable, not_carried_out, not_configured, target_line

from .rfc8414_metadata import secure_or_loopback


def _error_redirect(landing, request, code: str) -> dict:
    """The authorization error came back to the client, with `code` and the state."""
    params = steps.returned(landing, request, f"error={code}")
    if "code" in params:
        fail(f"expected error={code}, but a code was issued")
    if params.get("error") != code:
        fail(f"expected error={code}, got error={params.get('error')!r}")
    return params


# RFC6749-3.1 MUST: TLS at the authorization endpoint; no fragment in its URI.
@check("rfc6749-3.1-authorization-endpoint-uses-tls", "RFC6749-3.1")
def check_tls(server):
    """The authorization endpoint is an https URL (http only on loopback, for development)."""
    url = server.need_endpoint("authorization")
    if not secure_or_loopback(url):
        fail(f"the authorization endpoint {url} does not use https")


@check("rfc6749-3.1-authorization-endpoint-has-no-fragment", "RFC6749-3.1")
def check_no_fragment(server):
    """The authorization endpoint URI has no fragment."""
    url = server.need_endpoint("authorization")
    if urlsplit(url).fragment or "#" in url:
        fail(f"the authorization endpoint {url} has a fragment")


# RFC6749-4.1.2 MUST: code and the exact state, at the redirect URI.
@check("rfc6749-4.1.2-code-and-state-returned", "RFC6749-4.1.2")
def check_code_and_state(code_client, driver):
    """An approved request comes back to the redirect URI with a code and the state."""
    request, landing = steps.authorize(code_client, driver)
    params = steps.returned(landing, request, "a code and the state")
    if not params.get("code"):
        fail(f"no code in the authorization response (error={params.get('error')!r})")
    if params.get("state") != request.state:
        fail("the state came back changed or missing")


@check("rfc6749-4.1.2-state-returned-unchanged", "RFC6749-4.1.2")
def check_state_exact(code_client, driver):
    """A state with spaces, '+', '/', '=', '%' and non-ASCII comes back byte for byte."""
    state = "conformance state+/=%20&é~" + "x" * 8
    request, landing = steps.authorize(code_client, driver, state=state)
    params = steps.returned(landing, request, "the state")
    if params.get("state") != state:
        fail(f"sent state {state!r}, got back {params.get('state')!r}")


# RFC6749-3.1.2 MUST: the redirect URI's query is kept.
@check("rfc6749-3.1.2-redirect-uri-query-retained", "RFC6749-3.1.2")
def check_query_retained(target, server, clients, driver):
    """The query component of a registered redirect URI is kept beside code and state."""
    roles = [
        r
        for r, c in target.clients.items()
        if c.redirect_uri and urlsplit(c.redirect_uri).query and "authorization_code" in c.grant_types
    ]
    if not roles:
        not_configured(
            "no client's redirect_uri has a query component",
            fixes.redirect_uri("public", fixes.REDIRECT_URI + "?app=conformance"),
        )
    client = steps.ready_for(server, clients(roles[0]), "authorization_code")
    request, landing = steps.authorize(client, driver)
    params = steps.returned(landing, request, "a code")
    for name, value in parse_qsl(urlsplit(request.redirect_uri).query):
        if params.get(name) != value:
            fail(f"the redirect URI's own parameter {name}={value} was dropped")
    if "code" not in params:
        fail("no code in the authorization response")


# RFC6749-4.1.1 / 4.1.2.1: response_type is required; a missing one is invalid_request.
@check("rfc6749-4.1.2.1-missing-response-type-is-invalid-request", "RFC6749-4.1.2.1")
def check_missing_response_type(code_client, driver):
    """A request without response_type comes back with error=invalid_request and the state."""
    request, landing = steps.authorize(code_client, driver, response_type=None)
    params = _error_redirect(landing, request, "invalid_request")
    if params.get("state") != request.state:
        fail("the error response does not carry the state")


@check("rfc6749-4.1.2.1-unknown-response-type-is-unsupported", "RFC6749-4.1.2.1")
def check_unknown_response_type(code_client, driver):
    """response_type=conformance_unknown comes back with error=unsupported_response_type."""
    request, landing = steps.authorize(code_client, driver, response_type="conformance_unknown")
    _error_redirect(landing, request, "unsupported_response_type")


@check("rfc6749-4.1.2.1-error-response-carries-state", "RFC6749-4.1.2.1")
def check_error_state(code_client, driver):
    """An authorization error response carries the request's state unchanged."""
    request, landing = steps.authorize(code_client, driver, response_type="conformance_unknown")
    params = steps.returned(landing, request, "error=unsupported_response_type and the state")
    if params.get("state") != request.state:
        fail(f"the error response's state is {params.get('state')!r}")


# RFC6749-3.3 via §4.1.2.1: an unknown scope is invalid_scope, or not granted.
@check("rfc6749-3.3-unknown-scope-at-authorization-refused-or-left-out", "RFC6749-3.3")
def check_unknown_scope(code_client, driver):
    """A scope the server does not know is refused (invalid_scope) or left out of the token."""
    unknown = "conformance-unknown-scope"
    scope = f"{code_client.config.scope} {unknown}" if code_client.config.scope else unknown
    request, landing = steps.authorize(code_client, driver, scope=scope)
    params = steps.returned(landing, request, "a code or error=invalid_scope")
    if "code" not in params:
        if params.get("error") != "invalid_scope":
            fail(f"expected invalid_scope or a code, got error={params.get('error')!r}")
        return
    body = expect.token(steps.redeem(code_client, params["code"], request))
    granted = steps.granted_scope(body)
    if granted is None:
        fail("a token was issued for a request with an unknown scope, and the response names no scope")
    if unknown in granted:
        fail(f"the server granted the unknown scope {unknown!r}")


# RFC6749-4.1.2.1: a request that "includes a parameter more than once" is invalid_request (§3.1: MUST NOT).
@check("rfc6749-4.1.2.1-repeated-parameter-is-invalid-request", "RFC6749-4.1.2.1")
def check_repeated(code_client, driver):
    """A request repeating state gets no code."""
    request = code_client.authorization_request()
    landing = driver.run(request.url + "&state=conformance-second-state", request.redirect_uri)
    if "code" in landing.params:
        fail("a code was issued for a request with two state parameters")
    if landing.location and landing.params.get("error") != "invalid_request":
        fail(f"expected error=invalid_request, got error={landing.params.get('error')!r}")


# RFC6749-3.1 MUST: unrecognised parameters are ignored.
@check("rfc6749-3.1-unknown-parameter-ignored", "RFC6749-3.1")
def check_unknown_parameter(code_client, driver):
    """A parameter the server does not know changes nothing: a code comes back."""
    request, landing = steps.authorize(code_client, driver, conformance_extension="ignored")
    params = steps.returned(landing, request, "a code")
    if "code" not in params:
        fail(f"no code for a request with one extra parameter (error={params.get('error')!r})")


# RFC6749-4.1.2.1: the resource owner denies: access_denied, with the state.
@check("rfc6749-4.1.2.1-denial-is-access-denied", "RFC6749-4.1.2.1")
def check_denied(code_client, driver):
    """When the user denies, the client gets error=access_denied and the state."""
    request, landing = steps.deny(code_client, driver)
    params = _error_redirect(landing, request, "access_denied")
    if params.get("state") != request.state:
        fail("the access_denied response does not carry the state")


# RFC9207-2 MUST (when advertised): iss in every authorization response.
@check("rfc9207-2-iss-in-authorization-response", "RFC9207-2")
def check_iss(server, code_client, driver):
    """The authorization response carries iss, equal to the issuer."""
    if not server.endpoints.iss_parameter:
        not_advertised("authorization_response_iss_parameter_supported")
    request, landing = steps.authorize(code_client, driver)
    params = steps.returned(landing, request, "iss")
    if params.get("iss") != server.issuer:
        fail(f"iss is {params.get('iss')!r}, the issuer is {server.issuer!r}")


@check("rfc9207-2-iss-in-error-response", "RFC9207-2")
def check_iss_error(server, code_client, driver):
    """An authorization error response carries iss too."""
    if not server.endpoints.iss_parameter:
        not_advertised("authorization_response_iss_parameter_supported")
    request, landing = steps.authorize(code_client, driver, response_type="conformance_unknown")
    params = steps.returned(landing, request, "an error and iss")
    if params.get("iss") != server.issuer:
        fail(f"iss is {params.get('iss')!r} in the error response")


# RFC8252-7.3 MUST: any port for loopback IP redirect URIs of native apps. Not every public client is
# one: a browser-based app is public too, and RFC 9700 §4.1.3 holds it (like every web client) to exact
# matching, port included (rfc9700_redirect_uri.py). So the target says which the public client is.
@check("rfc8252-7.3-loopback-redirect-any-port", "RFC8252-7.3")
def check_loopback_port(server, public, driver):
    """A native app's loopback IP redirect URI with another port is accepted, and the code sent there."""
    code_client = steps.ready_for(server, public, "authorization_code")
    config = code_client.config
    if config.application_type is None:
        not_configured(
            "the public client does not say whether it is a native app (RFC 8252) or a browser-based one",
            target_line("clients.public", application_type="native") + ' (or "browser")',
        )
    if not config.is_native:
        not_applicable("the public client is a browser-based app: RFC 8252 is for native apps")
    parts = urlsplit(config.redirect_uri)
    if parts.scheme != "http" or parts.hostname not in ("127.0.0.1", "::1"):
        not_configured("the native app's redirect URI is not a loopback IP address", fixes.redirect_uri("public"))
    host = f"[{parts.hostname}]" if ":" in parts.hostname else parts.hostname
    port = 1 + (parts.port or 80) if (parts.port or 80) < 65000 else 50123
    other = urlunsplit((parts.scheme, f"{host}:{port}", parts.path, parts.query, ""))
    request, landing = steps.authorize(code_client, driver, redirect_uri=other)
    if landing.stuck:
        not_carried_out(landing.stuck, fixes.form_fields())
    if not landing.arrived_at(other) or "code" not in landing.params:
        fail(
            f"the redirect URI on port {port} was not accepted: the user agent {landing.describe()} "
            f"(error={landing.params.get('error')!r})"
        )


def _framing(page) -> tuple[bool, bool]:
    """(framing refused at all, refused by CSP frame-ancestors)."""
    xfo = page.headers.get("X-Frame-Options", "").strip().upper()
    csp = page.headers.get("Content-Security-Policy", "").lower()
    by_csp = "frame-ancestors" in csp and "frame-ancestors *" not in csp
    return xfo in ("DENY", "SAMEORIGIN") or by_csp, by_csp


def _pages(code_client, driver):
    # A new user agent: the sign-in page too, even if the server remembers an earlier sign-in.
    request, landing = steps.authorize(code_client, driver, fresh=True)
    pages = [page for page in landing.pages if page.status_code == 200]
    if not pages:
        not_carried_out(
            f"no page was shown to the user (the {driver.name} driver went straight through)", fixes.form_driver()
        )
    return pages


# RFC9700-4.16 MUST: the pages of the authorization server cannot be framed (clickjacking).
@check("rfc9700-4.16-pages-refuse-framing", "RFC9700-4.16")
def check_framing(code_client, driver):
    """Every page shown on the way (sign-in, consent) refuses framing by other sites."""
    for page in _pages(code_client, driver):
        if not _framing(page)[0]:
            fail(f"{page.url.split('?')[0]} can be framed: no X-Frame-Options, no CSP frame-ancestors")


@check("rfc9700-4.16-pages-use-csp-frame-ancestors", "RFC9700-4.16", level="SHOULD")
def check_csp(code_client, driver):
    """The pages refuse framing with Content-Security-Policy frame-ancestors too."""
    for page in _pages(code_client, driver):
        if not _framing(page)[1]:
            fail(f"{page.url.split('?')[0]} has no CSP frame-ancestors")
