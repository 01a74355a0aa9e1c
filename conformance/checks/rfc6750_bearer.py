"""RFC 6750, Bearer Token Usage, at the protected resource named in the target
file (`[resource] url`).
https://www.rfc-editor.org/rfc/rfc6750

Skipped without a resource URL (a gap of the run: the line to add is named).
Covers the Authorization header method (§2.1) and the answers of §3 and §3.1.
Leaves out the form-body and query methods (§2.2, §2.3): a resource MAY offer
them; RFC 9700 §4.3.2 advises against the query. What a resource (or the
introspection endpoint) must refuse of forged JWT access tokens is in
rfc9068_jwt_access_token.py; the case of the scheme name in rfc9110_authentication_scheme.py.
"""

from conformance import expect, fixes, steps
from conformance.jwts import claims_of
from conformance.marks import check
from conformance.outcomes import fail, not_applicable, not_configured
from oauth_client.client import OAuthClientError


def challenge_of(response) -> str:
    return response.headers.get("WWW-Authenticate", "")


def bearer_get(http, url: str, token: str | None = None, scheme: str = "Bearer"):
    return http.get(url, headers={"Authorization": f"{scheme} {token}"} if token else {})


# RFC6750-2.1 MUST: resource servers support the Authorization: Bearer header.
@check("rfc6750-2.1-authorization-header-accepted", "RFC6750-2.1")
def check_header(resource, http, resource_token):
    """A valid token in Authorization: Bearer is accepted (200)."""
    response = bearer_get(http, resource.url, resource_token)
    if response.status_code != 200:
        fail(f"the resource refused a fresh token: {expect.describe(response)}; {challenge_of(response)}")


# RFC6750-3 MUST: a request without a usable token gets WWW-Authenticate: Bearer.
@check("rfc6750-3-no-token-gets-401-bearer-challenge", "RFC6750-3")
def check_no_token(resource, http):
    """A request without any token is answered 401 with a WWW-Authenticate: Bearer challenge."""
    response = bearer_get(http, resource.url)
    if response.status_code != 401:
        fail(f"a request without a token got {expect.describe(response)}")
    if not challenge_of(response).lower().startswith("bearer"):
        fail(f"WWW-Authenticate is {challenge_of(response)!r}, not a Bearer challenge")


# RFC6750-3 SHOULD NOT: an error code when the request had no authentication at all.
@check("rfc6750-3-no-token-challenge-has-no-error-code", "RFC6750-3", level="SHOULD")
def check_no_error_code(resource, http):
    """The challenge to a request without credentials carries no error attribute."""
    response = bearer_get(http, resource.url)
    if "error=" in challenge_of(response):
        fail(f"the challenge names an error although no credentials were sent: {challenge_of(response)!r}")


@check("rfc6750-3-invalid-token-gets-bearer-challenge", "RFC6750-3")
def check_invalid_challenge(resource, http):
    """A request with an invalid token is refused with a WWW-Authenticate: Bearer challenge."""
    response = bearer_get(http, resource.url, "conformance-invalid-token")
    if response.status_code < 400 or not challenge_of(response).lower().startswith("bearer"):
        fail(f"an invalid token got {expect.describe(response)}, WWW-Authenticate {challenge_of(response)!r}")


# RFC6750-3.1: invalid_token SHOULD be 401.
@check("rfc6750-3.1-invalid-token-is-401-invalid-token", "RFC6750-3.1", level="SHOULD")
def check_invalid_token(resource, http):
    """An invalid token is answered 401 with error="invalid_token" in the challenge."""
    response = bearer_get(http, resource.url, "conformance-invalid-token")
    if response.status_code != 401 or 'error="invalid_token"' not in challenge_of(response):
        fail(f"got {expect.describe(response)}, WWW-Authenticate {challenge_of(response)!r}")


# RFC6750-3.1: insufficient_scope SHOULD be 403.
@check("rfc6750-3.1-insufficient-scope-is-403", "RFC6750-3.1", level="SHOULD")
def check_insufficient_scope(resource, server, target, clients, request, http):
    """A valid token without the resource's scope is answered 403 with error="insufficient_scope"."""
    if not resource.scope:
        not_configured("the [resource] table names no scope", fixes.resource_scope())
    others = [s for s in (server.metadata or {}).get("scopes_supported", []) if s != resource.scope]
    if not others:
        not_applicable("the server lists no other scope to ask for")
    try:
        token = steps.access_token(server, target, clients, request, others[0])
    except OAuthClientError:
        not_applicable(f"no token could be had for the scope {others[0]!r} alone")
    if resource.scope in str((claims_of(token) or {}).get("scope", "")).split():
        not_applicable(f"a token asked for {others[0]!r} still carries {resource.scope!r}")
    response = bearer_get(http, resource.url, token)
    if response.status_code != 403 or 'error="insufficient_scope"' not in challenge_of(response):
        fail(f"got {expect.describe(response)}, WWW-Authenticate {challenge_of(response)!r}")
