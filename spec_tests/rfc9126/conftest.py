"""Pushing authorization requests (RFC 9126 §2) and following them at the authorization
endpoint (§4), as a client and a browser would."""

from urllib.parse import urlencode, urlsplit

from reference_as.store.sql import SQLStore
from spec_tests.helpers import basic

PAR = "/oauth2/par"
PREFIX = "urn:ietf:params:oauth:request_uri:"


def push(web, client, secret=None, **params):
    """RFC 9126 §2.1: the authorization request's parameters, POSTed with client authentication."""
    body = {name: value for name, value in params.items() if value is not None}
    if secret is None:
        return web.post(PAR, {"client_id": client.client_id, **body}, expect_errors=True)
    return web.post(PAR, body, headers=basic(client.client_id, secret), expect_errors=True)


def authorize_pushed(flow, client_id: str, request_uri: str, **more):
    """RFC 9126 §4: the browser at the authorization endpoint with client_id and request_uri;
    signed in and consenting as needed. The response that ends it (a redirect or an error page)."""
    query = urlencode({"client_id": client_id, "request_uri": request_uri, **more})
    response = flow.web.get("/oauth2/authorize?" + query, expect_errors=True)
    if response.status_int == 303 and urlsplit(response.location).path == "/login":
        flow.login()
        response = flow.web.get("/oauth2/authorize?" + query, expect_errors=True)
    if response.status_int == 200 and response.forms:
        response = flow.consent(response)
    return response


def stored_pushed_requests(store) -> int:
    """How many pushed requests the store holds (to prove a refused push stored none)."""
    if isinstance(store, SQLStore):
        return store.row_counts(["pushed_authorization_requests"])["pushed_authorization_requests"]
    return len(store._pushed)
