"""RFC 9126, OAuth 2.0 Pushed Authorization Requests (PAR).
https://www.rfc-editor.org/rfc/rfc9126

Covers the endpoint as a client sees it: the metadata (§5), the push with the
client authenticated as at the token endpoint (§2.1: refused without it or
with a wrong secret, invalid_client), the 201 answer with request_uri and
expires_in (§2.2), errors as JSON, never redirects (§2.3: a redirect URI not
registered, a request_uri in the pushed body, invalid_request), and the
request_uri at the authorization endpoint (§4): it gets a code that redeems,
once only, for the client that pushed it only (§2.2). Skipped without a
pushed_authorization_request_endpoint. Leaves out the lifetime of a
request_uri (expires_in is the server's choice), request objects (RFC 9101)
and require_pushed_authorization_requests (§6: whether plain requests are
still taken is the server's policy).
"""

from urllib.parse import parse_qsl, urlencode, urlsplit

import pytest

from conformance import expect, steps
from conformance.marks import check
from conformance.outcomes import Unverifiable, fail, not_advertised, not_applicable
from oauth_client.client import basic_credentials

PAR = ("par", "fapi2-security")
ENDPOINT = "pushed_authorization_request_endpoint"


def par_endpoint(server) -> str:
    url = (server.metadata or {}).get(ENDPOINT)
    if not url:
        not_advertised(f"no {ENDPOINT}: PAR is not offered")
    return url


@pytest.fixture
def par_client(server, confidential):
    par_endpoint(server)
    return steps.ready_for(server, confidential, "authorization_code")


def parameters(client, **extra):
    """A fresh authorization request of `client` (state, PKCE S256) and its parameters."""
    request = client.authorization_request(**extra)
    return request, dict(parse_qsl(urlsplit(request.url).query))


def push(server, client, params: dict, auth_method: str | None = None):
    """POST `params` to the PAR endpoint with the client's authentication (RFC9126-2.1)."""
    return client.token_request(params, auth_method, url=par_endpoint(server))


def pushed(server, client):
    """A request pushed and accepted: (the authorization request, its request_uri)."""
    request, params = parameters(client)
    body = expect.json_object(push(server, client, params))
    if not body or not isinstance(body.get("request_uri"), str):
        raise Unverifiable("the pushed authorization request was not accepted")
    return request, body["request_uri"]


def by_reference(server, client_id: str, request_uri: str) -> str:
    """RFC9126-4: the authorization request that names the pushed one."""
    separator = "&" if urlsplit(server.endpoints.authorization).query else "?"
    return server.endpoints.authorization + separator + urlencode({"client_id": client_id, "request_uri": request_uri})


def no_code(landing, request_uri_use: str) -> None:
    if "code" in landing.params:
        fail(f"{request_uri_use}, and the user agent came back with a code")


# RFC9126-5: "pushed_authorization_request_endpoint: The URL of the pushed authorization request endpoint".
@check("rfc9126-5-endpoint-is-an-absolute-url", "RFC9126-5", profiles=PAR)
def check_endpoint_url(server):
    """pushed_authorization_request_endpoint is an absolute URL without fragment."""
    url = par_endpoint(server)
    parts = urlsplit(url) if isinstance(url, str) else None
    if parts is None or parts.scheme not in ("https", "http") or not parts.netloc or parts.fragment:
        fail(f"{ENDPOINT} is {url!r}, not an absolute URL without fragment")


# RFC9126-2.2: "the server MUST generate a request URI and provide it in the response with a 201 HTTP
# status code"; request_uri and expires_in ("a positive integer") as JSON members.
@check("rfc9126-2.2-push-is-201-with-request-uri", "RFC9126-2.2", profiles=PAR)
def check_push(server, par_client):
    """A pushed authorization request is answered 201 JSON with request_uri and a positive expires_in."""
    _, params = parameters(par_client)
    response = push(server, par_client, params)
    body = expect.json_object(response)
    if response.status_code != 201 or body is None:
        fail(f"expected HTTP 201 with a JSON object, got {expect.describe(response)}")
    if not isinstance(body.get("request_uri"), str) or not body["request_uri"]:
        fail(f"request_uri is {body.get('request_uri')!r}, not a string")
    expires_in = body.get("expires_in")
    if not isinstance(expires_in, int) or isinstance(expires_in, bool) or expires_in <= 0:
        fail(f"expires_in is {expires_in!r}, not a positive integer")


# RFC9126-2.1: the client authenticates as at the token endpoint; RFC 6749 §5.2: "invalid_client: Client
# authentication failed (e.g., ... no client authentication included ...)".
@check("rfc9126-2.1-unauthenticated-push-is-invalid-client", "RFC9126-2.1", profiles=PAR)
def check_unauthenticated(server, par_client):
    """A push by a confidential client that does not authenticate (client_id only) is invalid_client."""
    _, params = parameters(par_client)
    response = push(server, par_client, params, auth_method="none")
    if (expect.json_object(response) or {}).get("request_uri"):
        fail("a confidential client that did not authenticate was given a request_uri")
    expect.error(response, "invalid_client", (400, 401))


# RFC9126-2.3 errors as RFC 6749 §5.2: a client that used the Authorization header gets 401 invalid_client.
@check("rfc9126-2.3-wrong-secret-is-401-invalid-client", "RFC9126-2.3", profiles=PAR)
def check_wrong_secret(server, par_client):
    """A push with a wrong client secret (Basic) is 401 invalid_client."""
    _, params = parameters(par_client)
    header = {"Authorization": basic_credentials(par_client.config.client_id, "wrong-secret-0000")}
    response = par_client.session.post(par_endpoint(server), data=params, headers=header)
    if (expect.json_object(response) or {}).get("request_uri"):
        fail("a client with a wrong secret was given a request_uri")
    expect.error(response, "invalid_client", 401)


# RFC9126-2.3: the endpoint answers errors as JSON (there is no user agent to redirect): a redirect URI the
# client did not register is invalid_request.
@check("rfc9126-2.3-unregistered-redirect-uri-is-json-invalid-request", "RFC9126-2.3", profiles=PAR)
def check_unregistered_redirect(server, par_client):
    """A push with a redirect_uri the client did not register is a 400 JSON invalid_request, not a redirect."""
    _, params = parameters(par_client, redirect_uri="https://attacker.example/callback")
    response = push(server, par_client, params)
    if 300 <= response.status_code < 400:
        fail(f"the error was a redirect (HTTP {response.status_code}), not a JSON error")
    expect.error(response, "invalid_request")


# RFC9126-2.1: "The request_uri authorization request parameter is one exception, and it MUST NOT be provided."
# The RFC names no error code for it: invalid_request (RFC 6749 §5.2, "includes a parameter ... not supported")
# or OpenID Connect Core §6.2's request_uri_not_supported both say it.
@check("rfc9126-2.1-request-uri-in-push-is-invalid-request", "RFC9126-2.1", profiles=PAR)
def check_request_uri_in_push(server, par_client):
    """A push whose body holds a request_uri is a 400 error (invalid_request or request_uri_not_supported)."""
    _, first = pushed(server, par_client)
    _, params = parameters(par_client, request_uri=first)
    response = push(server, par_client, params)
    if (expect.json_object(response) or {}).get("request_uri"):
        fail("a pushed request holding a request_uri was accepted")
    expect.error(response, ("invalid_request", "request_uri_not_supported"))


def use_pushed(server, client, driver):
    """A pushed request used at the authorization endpoint: (request_uri, the token response of its code,
    or None when no code came back, and what came back)."""
    request, request_uri = pushed(server, client)
    landing = driver.run(by_reference(server, client.config.client_id, request_uri), request.redirect_uri)
    params = steps.returned(landing, request, "a code")
    if "code" not in params:
        return request_uri, None, f"no code (error={params.get('error')!r})"
    return request_uri, steps.redeem(client, params["code"], request), "a code"


# RFC9126-4: the authorization request carries client_id and request_uri; the pushed parameters apply.
@check("rfc9126-4-request-uri-gets-a-code", "RFC9126-4", profiles=PAR)
def check_by_reference(server, par_client, driver):
    """client_id and request_uri at the authorization endpoint get a code, which redeems (PKCE of the push)."""
    _, response, came_back = use_pushed(server, par_client, driver)
    if response is None:
        fail(f"the authorization request by request_uri came back with {came_back}")
    expect.token(response)


# RFC9126-2.2: the request_uri is "a single-use reference to the respective request data".
@check("rfc9126-4-request-uri-is-single-use", "RFC9126-4", profiles=PAR)
def check_single_use(server, par_client, driver):
    """A request_uri already used gets no code the second time."""
    request_uri, response, came_back = use_pushed(server, par_client, driver)
    if response is None:
        raise Unverifiable(f"the first use of the request_uri came back with {came_back}")
    url = by_reference(server, par_client.config.client_id, request_uri)
    no_code(driver.run(url, par_client.config.redirect_uri), "the request_uri was used a second time")


# RFC9126-2.2: "The request_uri value MUST be bound to the client that posted the authorization request."
@check("rfc9126-2.2-request-uri-is-bound-to-its-client", "RFC9126-2.2", profiles=PAR)
def check_bound_to_client(server, par_client, second, driver):
    """A request_uri pushed by one client opens nothing when another client_id names it."""
    if second.config.client_id == par_client.config.client_id:
        not_applicable("the second client is the confidential one")
    _, request_uri = pushed(server, par_client)
    url = by_reference(server, second.config.client_id, request_uri)
    no_code(driver.run(url, second.config.redirect_uri or par_client.config.redirect_uri), "another client named it")
