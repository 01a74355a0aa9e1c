"""RFC 6749 §2.3, §4.4.2 and §5.2, client authentication at the token endpoint:
HTTP Basic and its encoding (§2.3.1), the client the server must authenticate
(§4.4.2), and the invalid_client / invalid_request / unauthorized_client answers.
https://www.rfc-editor.org/rfc/rfc6749#section-2.3

The requests are client credentials requests (the simplest request that needs
an authenticated client), so these checks need that grant. Each method is
tried only with a client configured for it: a server may hold a client to the
method it registered (RFC 7591 `token_endpoint_auth_method`). Malformed Basic
credentials are in rfc6749_malformed_requests.py, the case of the scheme name
in rfc9110_authentication_scheme.py.
Leaves out: JWT client authentication (RFC 7523) and mutual TLS (RFC 8705).
"""

import base64
import re
from urllib.parse import quote, quote_plus, urlencode

from conformance import expect, steps
from conformance.marks import check
from conformance.outcomes import fail, not_applicable, not_configured, target_line
from oauth_client.client import basic_credentials


def client_using(clients, target, method: str):
    for role in ("confidential", "second"):
        config = target.clients.get(role)
        if config and config.auth_method == method and "client_credentials" in config.grant_types:
            return clients(role)
    not_configured(
        f"no confidential client with client_credentials authenticates with {method}",
        target_line("clients.second", auth_method=method, grant_types=["client_credentials"])
        + " (a client registered so)",
    )


def _percent_encoded(text: str) -> str:
    """`text` with every occurrence of its first letter or digit percent-encoded ("a" -> "%61"):
    the same text once form-urldecoded, a different string if compared raw."""
    first = re.search(r"[A-Za-z0-9]", text)
    if first is None:
        return quote_plus(text)
    letter = first.group(0)
    return "".join(f"%{ord(c):02X}" if c == letter else quote(c, safe="") for c in text)


# RFC6749-2.3.1 MUST: the server supports HTTP Basic for clients issued a password.
@check("rfc6749-2.3.1-basic-authentication-accepted", "RFC6749-2.3.1")
def check_basic(server, target, clients):
    """A client credentials request authenticated with HTTP Basic gets a token."""
    client = steps.ready_for(server, client_using(clients, target, "client_secret_basic"), "client_credentials")
    expect.token(client.token_request(steps.cc_params(client)))


# RFC6749-2.3.1 MAY: the secret in the request body, when the server offers it.
@check("rfc6749-2.3.1-body-credentials-accepted-when-offered", "RFC6749-2.3.1", level="MAY")
def check_post(server, target, clients):
    """With client_secret_post offered, credentials in the body get a token."""
    server.need_auth_method("client_secret_post")
    client = steps.ready_for(server, client_using(clients, target, "client_secret_post"), "client_credentials")
    expect.token(client.token_request(steps.cc_params(client)))


# RFC6749-2.3.1 MUST: client_id and secret are form-urlencoded before HTTP Basic encoding, so the server
# form-urldecodes them: "%61" is "a". A server that compares the raw strings refuses this client.
@check("rfc6749-2.3.1-percent-encoded-basic-credentials-accepted", "RFC6749-2.3.1")
def check_percent_encoded(server, target, clients):
    """Basic credentials with some unreserved characters percent-encoded (%61 for a) get a token."""
    client = steps.ready_for(server, client_using(clients, target, "client_secret_basic"), "client_credentials")
    config = client.config
    pair = f"{_percent_encoded(config.client_id)}:{_percent_encoded(config.client_secret)}"
    headers = {"Authorization": "Basic " + base64.b64encode(pair.encode()).decode()}
    response = client.session.post(server.endpoints.token, data=steps.cc_params(client), headers=headers)
    if not expect.issued_token(response):
        fail(
            f"the client's id and secret, each with one character percent-encoded (form-urlencoding allows "
            f"it, and decoding gives them back), were refused: {expect.describe(response)}"
        )


@check("rfc6749-2.3.1-basic-credentials-are-form-urlencoded", "RFC6749-2.3.1")
def check_basic_encoding(server, target, clients):
    """A client whose id or secret holds characters form encoding changes ('+', '%', '/') gets a token."""
    client = steps.ready_for(server, client_using(clients, target, "client_secret_basic"), "client_credentials")
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
    client = steps.ready_for(server, client_using(clients, target, "client_secret_basic"), "client_credentials")
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


# RFC6749-4.4.2 MUST: "The authorization server MUST authenticate the client."
@check("rfc6749-4.4.2-confidential-client-without-secret-refused", "RFC6749-4.4.2")
def check_no_secret(server, confidential):
    """A confidential client sending only its client_id gets no token."""
    steps.ready_for(server, confidential, "client_credentials")
    response = confidential.token_request(steps.cc_params(confidential), auth_method="none")  # client_id alone
    expect.unauthenticated(response, "the client did not authenticate")


# RFC6749-5.2: a request that "utilizes more than one mechanism for authenticating the client" is
# invalid_request (§2.3: the client MUST NOT).
@check("rfc6749-5.2-two-authentication-methods-invalid-request", "RFC6749-5.2")
def check_two_methods(server, confidential):
    """HTTP Basic and client_secret in the body at once is invalid_request."""
    steps.ready_for(server, confidential, "client_credentials")
    config = confidential.config
    data = {**steps.cc_params(confidential), "client_id": config.client_id, "client_secret": config.client_secret}
    headers = {"Authorization": basic_credentials(config.client_id, config.client_secret)}
    response = confidential.session.post(server.endpoints.token, data=data, headers=headers)
    expect.error(response, "invalid_request")


# RFC6749-2.3.1 MUST NOT, a rule for the client: credentials in the request URI. A server that takes
# them lets secrets reach access logs; no sentence tells it to refuse them, hence advice.
@check("rfc6749-2.3.1-credentials-in-query-refused", "RFC6749-2.3.1", level="ADVICE")
def check_query_credentials(server, confidential):
    """client_id and client_secret in the token URL's query get no token."""
    steps.ready_for(server, confidential, "client_credentials")
    config = confidential.config
    query = urlencode({"client_id": config.client_id, "client_secret": config.client_secret})
    separator = "&" if "?" in server.endpoints.token else "?"
    response = confidential.session.post(server.endpoints.token + separator + query, data=steps.cc_params(confidential))
    expect.no_token(response, "the credentials were in the URL")


# RFC6749-4.4.2 MUST: the client is authenticated, which a public client cannot be (§4.4: the grant
# "MUST only be used by confidential clients").
@check("rfc6749-4.4.2-public-client-cannot-use-client-credentials", "RFC6749-4.4.2")
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
        not_configured(
            "every confidential client is allowed client_credentials",
            target_line("clients.second", grant_types=["authorization_code", "refresh_token"])
            + " (a client the server does not allow client_credentials)",
        )
    client = clients(roles[0])
    response = client.token_request({"grant_type": "client_credentials"})
    expect.error(response, "unauthorized_client")
