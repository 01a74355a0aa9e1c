"""RFC 9110 §11.1, the authentication scheme is case-insensitive: `basic` and
`BASIC` are HTTP Basic (RFC 7617 §2), `bearer` is Bearer (RFC 6750 §2.1).
https://www.rfc-editor.org/rfc/rfc9110#section-11.1

"It uses a case-insensitive token to identify the authentication scheme": a
server that compares the scheme name as bytes refuses clients that spell it
otherwise. Tried where credentials go in the Authorization header: the token,
revocation and introspection endpoints (a client with client_secret_basic),
and the protected resource (a bearer token). Revocation and introspection are
asked about a token the server never issued: the answer to an authenticated
client is 200, to an unauthenticated one 401.
"""

from conformance import expect, steps
from conformance.marks import check
from conformance.outcomes import fail
from oauth_client.client import basic_credentials

from .rfc6749_client_authentication import client_using

BASIC, BEARER = ("basic", "BASIC"), ("bearer", "BEARER")
# A token no server issued: revocation answers 200 and introspection {"active": false} to an
# authenticated client whatever the kind of tokens the server can revoke or introspect.
NEVER_ISSUED = "conformance-never-issued-token-0000000000"


def _basic(config, scheme: str) -> dict:
    return {"Authorization": scheme + basic_credentials(config.client_id, config.client_secret).removeprefix("Basic")}


def _each_spelling(spellings, send, works, where: str) -> None:
    for scheme in spellings:
        response = send(scheme)
        if not works(response):
            fail(f"Authorization: {scheme} ... at the {where} was refused: {expect.describe(response)}")


@check("rfc9110-11.1-basic-scheme-case-insensitive-at-token-endpoint", "RFC9110-11.1")
def check_token(server, target, clients):
    """'basic' and 'BASIC' authenticate a client credentials request like 'Basic'."""
    client = steps.ready_for(server, client_using(clients, target, "client_secret_basic"), "client_credentials")
    data = steps.cc_params(client)
    _each_spelling(
        BASIC,
        lambda scheme: client.session.post(server.endpoints.token, data=data, headers=_basic(client.config, scheme)),
        expect.issued_token,
        "token endpoint",
    )


@check("rfc9110-11.1-basic-scheme-case-insensitive-at-revocation", "RFC9110-11.1", profiles=("revocation",))
def check_revocation(server, target, clients):
    """'basic' and 'BASIC' authenticate a revocation request like 'Basic' (200, as for any invalid token)."""
    url = server.need_endpoint("revocation")
    client = steps.ready_for(server, client_using(clients, target, "client_secret_basic"), "client_credentials")
    _each_spelling(
        BASIC,
        lambda scheme: client.session.post(url, data={"token": NEVER_ISSUED}, headers=_basic(client.config, scheme)),
        lambda response: response.status_code == 200,
        "revocation endpoint",
    )


@check("rfc9110-11.1-basic-scheme-case-insensitive-at-introspection", "RFC9110-11.1", profiles=("introspection",))
def check_introspection(server, target, clients):
    """'basic' and 'BASIC' authenticate an introspection request like 'Basic' (200 {"active": false}
    for a token the server never issued, not 401)."""
    url = server.need_endpoint("introspection")
    client = steps.ready_for(server, client_using(clients, target, "client_secret_basic"), "client_credentials")

    def works(response) -> bool:
        return response.status_code == 200 and (expect.json_object(response) or {}).get("active") is False

    _each_spelling(
        BASIC,
        lambda scheme: client.session.post(url, data={"token": NEVER_ISSUED}, headers=_basic(client.config, scheme)),
        works,
        "introspection endpoint",
    )


@check("rfc9110-11.1-bearer-scheme-case-insensitive", "RFC9110-11.1", profiles=("bearer",))
def check_bearer(resource, http, resource_token):
    """A valid token sent as 'bearer' (and 'BEARER') is accepted like 'Bearer'."""
    _each_spelling(
        BEARER,
        lambda scheme: http.get(resource.url, headers={"Authorization": f"{scheme} {resource_token}"}),
        lambda response: response.status_code == 200,
        "protected resource",
    )
