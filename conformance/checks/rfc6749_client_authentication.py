"""RFC 6749 §2.3 and §3.2.1, client authentication at the token endpoint, and the
invalid_client / unauthorized_client answers of §5.2.
https://www.rfc-editor.org/rfc/rfc6749#section-2.3

The requests are client credentials requests (the simplest request that needs
an authenticated client), so these checks need that grant. Each method is
tried only with a client configured for it: a server may hold a client to the
method it registered (RFC 7591 `token_endpoint_auth_method`).
Leaves out: JWT client authentication (RFC 7523) and mutual TLS (RFC 8705).
"""

import base64
from urllib.parse import quote_plus, urlencode

from conformance import expect, steps
from conformance.client import basic_credentials
from conformance.marks import check
from conformance.outcomes import fail, not_applicable, not_configured


def _client_using(clients, target, method: str):
    for role in ("confidential", "second"):
        config = target.clients.get(role)
        if config and config.auth_method == method and "client_credentials" in config.grant_types:
            return clients(role)
    not_configured(f"no confidential client with client_credentials authenticates with {method}")


# RFC6749-2.3.1 MUST: the server supports HTTP Basic for clients issued a password.
@check("rfc6749-2.3.1-basic-authentication-accepted", "RFC6749-2.3.1")
def check_basic(server, target, clients):
    """A client credentials request authenticated with HTTP Basic gets a token."""
    client = steps.ready_for(server, _client_using(clients, target, "client_secret_basic"), "client_credentials")
    expect.token(client.token_request(steps.cc_params(client)))


# RFC6749-2.3.1 MAY: the secret in the request body, when the server offers it.
@check("rfc6749-2.3.1-body-credentials-accepted-when-offered", "RFC6749-2.3.1", level="MAY")
def check_post(server, target, clients):
    """With client_secret_post offered, credentials in the body get a token."""
    server.need_auth_method("client_secret_post")
    client = steps.ready_for(server, _client_using(clients, target, "client_secret_post"), "client_credentials")
    expect.token(client.token_request(steps.cc_params(client)))


# RFC6749-2.3.1 MUST: client_id and secret are form-urlencoded before HTTP Basic encoding.
@check("rfc6749-2.3.1-basic-credentials-are-form-urlencoded", "RFC6749-2.3.1")
def check_basic_encoding(server, target, clients):
    """Basic credentials are decoded as form-urlencoded (a '+' or '%' in them survives)."""
    client = steps.ready_for(server, _client_using(clients, target, "client_secret_basic"), "client_credentials")
    config = client.config
    if quote_plus(config.client_id) == config.client_id and quote_plus(config.client_secret) == config.client_secret:
        not_applicable("neither client_id nor secret has a character that form encoding changes")
    expect.token(client.token_request(steps.cc_params(client)))


# RFC6749-5.2 MUST: failed client authentication is invalid_client (400, or 401).
@check("rfc6749-5.2-wrong-secret-is-invalid-client", "RFC6749-5.2")
def check_wrong_secret(server, confidential):
    """A wrong client secret is refused with invalid_client."""
    steps.ready_for(server, confidential, "client_credentials")
    data, headers = steps.cc_params(confidential), {}
    if confidential.config.auth_method == "client_secret_basic":
        headers["Authorization"] = basic_credentials(confidential.config.client_id, "wrong-secret-0000")
    else:
        data.update(client_id=confidential.config.client_id, client_secret="wrong-secret-0000")
    response = confidential.session.post(server.endpoints.token, data=data, headers=headers)
    expect.error(response, "invalid_client", (400, 401))


# RFC6749-5.2 MUST: with HTTP authentication, 401 and a WWW-Authenticate of the scheme used.
@check("rfc6749-5.2-basic-failure-is-401-with-basic-challenge", "RFC6749-5.2")
def check_basic_failure(server, target, clients):
    """A client failing HTTP Basic authentication gets 401 with WWW-Authenticate: Basic."""
    client = steps.ready_for(server, _client_using(clients, target, "client_secret_basic"), "client_credentials")
    headers = {"Authorization": basic_credentials(client.config.client_id, "wrong-secret-0000")}
    response = client.session.post(server.endpoints.token, data=steps.cc_params(client), headers=headers)
    expect.error(response, "invalid_client", (401,))
    challenge = response.headers.get("WWW-Authenticate", "")
    if not challenge.lower().startswith("basic"):
        fail(f"WWW-Authenticate is {challenge!r}, not a Basic challenge (the scheme the client used)")


@check("rfc6749-5.2-unknown-client-is-invalid-client", "RFC6749-5.2")
def check_unknown_client(server, confidential):
    """An unknown client_id is refused with invalid_client."""
    steps.ready_for(server, confidential, "client_credentials")
    headers = {"Authorization": basic_credentials("conformance-unknown-client", "some-secret-0000")}
    response = confidential.session.post(
        server.endpoints.token, data={"grant_type": "client_credentials"}, headers=headers
    )
    expect.error(response, "invalid_client", (400, 401))


@check("rfc6749-5.2-malformed-basic-header-refused", "RFC6749-5.2")
def check_malformed_basic(server, confidential):
    """An Authorization: Basic header that is not base64 of 'id:secret' is refused (invalid_client or
    invalid_request), never a token or a 500."""
    steps.ready_for(server, confidential, "client_credentials")
    for value in ("Basic %%%not-base64%%%", "Basic " + base64.b64encode(b"no-colon-here").decode()):
        response = confidential.session.post(
            server.endpoints.token, data={"grant_type": "client_credentials"}, headers={"Authorization": value}
        )
        expect.error(response, ("invalid_client", "invalid_request"), (400, 401))


# RFC6749-3.2.1 MUST: confidential clients authenticate when using the token endpoint.
@check("rfc6749-3.2.1-confidential-client-without-secret-refused", "RFC6749-3.2.1")
def check_no_secret(server, confidential):
    """A confidential client sending only its client_id gets no token."""
    steps.ready_for(server, confidential, "client_credentials")
    response = confidential.token_request(steps.cc_params(confidential), auth_method="none")  # client_id alone
    expect.unauthenticated(response, "the client did not authenticate")


# RFC6749-2.3 MUST NOT (and §5.2: "utilizes more than one mechanism" is invalid_request).
@check("rfc6749-2.3-two-authentication-methods-invalid-request", "RFC6749-2.3")
def check_two_methods(server, confidential):
    """HTTP Basic and client_secret in the body at once is invalid_request."""
    steps.ready_for(server, confidential, "client_credentials")
    config = confidential.config
    data = {**steps.cc_params(confidential), "client_id": config.client_id, "client_secret": config.client_secret}
    headers = {"Authorization": basic_credentials(config.client_id, config.client_secret)}
    response = confidential.session.post(server.endpoints.token, data=data, headers=headers)
    expect.error(response, "invalid_request")


# RFC6749-2.3.1 MUST NOT (a client rule): credentials in the request URI. A careful server refuses them.
@check("rfc6749-2.3.1-credentials-in-query-refused", "RFC6749-2.3.1", level="SHOULD")
def check_query_credentials(server, confidential):
    """client_id and client_secret in the token URL's query get no token."""
    steps.ready_for(server, confidential, "client_credentials")
    config = confidential.config
    query = urlencode({"client_id": config.client_id, "client_secret": config.client_secret})
    separator = "&" if "?" in server.endpoints.token else "?"
    response = confidential.session.post(server.endpoints.token + separator + query, data=steps.cc_params(confidential))
    expect.no_token(response, "the credentials were in the URL")


# RFC6749-4.4 MUST: the client credentials grant is for confidential clients only.
@check("rfc6749-4.4-public-client-cannot-use-client-credentials", "RFC6749-4.4")
def check_public_cc(server, public):
    """A public client (client_id only) gets no client credentials token."""
    server.need_grant("client_credentials")
    response = public.token_request({"grant_type": "client_credentials"})
    expect.no_token(response, "a public client asked for client credentials")
    expect.refused(response, "a public client asked for client credentials")


# RFC6749-5.2 MUST: unauthorized_client for a grant type the client may not use.
@check("rfc6749-5.2-grant-not-allowed-is-unauthorized-client", "RFC6749-5.2")
def check_unauthorized_client(server, target, clients):
    """A confidential client not allowed client credentials gets unauthorized_client."""
    server.need_grant("client_credentials")
    roles = [
        role
        for role in ("confidential", "second")
        if role in target.clients and "client_credentials" not in target.clients[role].grant_types
    ]
    if not roles:
        not_configured("every confidential client is allowed client_credentials (set grant_types of one without)")
    client = clients(roles[0])
    response = client.token_request({"grant_type": "client_credentials"})
    expect.error(response, "unauthorized_client")
