"""RFC 7009, OAuth 2.0 Token Revocation.
https://www.rfc-editor.org/rfc/rfc7009

Covers: refresh tokens can be revoked (§2) and access tokens should be, the
request (§2.1: client authentication, only the client's own tokens, the hint
is only a hint) and the response (§2.2: 200, also for an invalid token).
Whether a revoked access token is dead is asked of the introspection endpoint
or the protected resource. Skipped as a whole without a revocation_endpoint.
Leaves out CORS and JSONP (§2.1, §2.2.2), which concern browsers, and the
HTTP method: "the client ... making an HTTP POST request" is a rule for clients.
Hostile input (malformed credentials and bodies) is in rfc6749_malformed_requests.py.
"""

import pytest

from conformance import expect, fixes, steps
from conformance.marks import check
from conformance.outcomes import fail, not_applicable, not_configured


def revoke(server, client, token: str, hint: str | None = None):
    data, headers = client.authenticate({"token": token, **({"token_type_hint": hint} if hint else {})})
    return client.session.post(server.endpoints.revocation, data=data, headers=headers)


@pytest.fixture
def revocation(server):
    return server.need_endpoint("revocation")


def _access_token(server, confidential):
    steps.ready_for(server, confidential, "client_credentials")
    return confidential.client_credentials().access_token


def _refresh_tokens(server, client, driver):
    steps.ready_for(server, client, "refresh_token")
    steps.ready_for(server, client, "authorization_code")
    tokens = steps.obtain_tokens(client, driver)
    steps.need_refresh_token(tokens)
    return tokens


def _resource(target):
    return target.resource.url if target.resource else None


def _unsupported(response) -> bool:
    """RFC 7009 §2.2.1: unsupported_token_type, "the client tried to revoke an access token on a
    server not supporting this feature" (revoking access tokens is a SHOULD, §2)."""
    body = expect.json_object(response) or {}
    return response.status_code == 400 and body.get("error") == "unsupported_token_type"


# RFC7009-2.2 MUST: 200 when the token was revoked.
@check("rfc7009-2.2-revoking-an-access-token-answers-200", "RFC7009-2.2")
def check_revoke_access(revocation, server, confidential):
    """Revoking one's own access token is answered 200 (or unsupported_token_type, §2.2.1)."""
    response = revoke(server, confidential, _access_token(server, confidential), "access_token")
    if _unsupported(response):
        not_applicable("the server does not revoke access tokens (unsupported_token_type; a SHOULD of §2)")
    if response.status_code != 200:
        fail(f"revocation answered {expect.describe(response)}")


# RFC7009-2.2 MUST: invalid tokens do not cause an error response.
@check("rfc7009-2.2-invalid-token-answers-200", "RFC7009-2.2")
def check_invalid_token(revocation, server, confidential):
    """Revoking a token the server never issued is answered 200 all the same."""
    response = revoke(server, confidential, "conformance-never-issued-token-000000000000")
    if response.status_code != 200:
        fail(f"revoking an invalid token answered {expect.describe(response)}")


# RFC7009-2.1: an unknown token_type_hint is ignored.
@check("rfc7009-2.1-unknown-hint-ignored", "RFC7009-2.1")
def check_unknown_hint(revocation, server, confidential):
    """A token_type_hint the server does not know does not change the answer (that of no hint)."""
    without = revoke(server, confidential, _access_token(server, confidential))
    response = revoke(server, confidential, _access_token(server, confidential), "urn:example:conformance:hint")
    same = response.status_code == without.status_code and (expect.json_object(response) or {}).get("error") == (
        expect.json_object(without) or {}
    ).get("error")
    if not same or response.status_code >= 500:
        fail(
            f"an unknown token_type_hint changed the answer: {expect.describe(response)}, "
            f"without a hint {expect.describe(without)}"
        )


# RFC7009-2 MUST: refresh tokens can be revoked.
@check("rfc7009-2-revoked-refresh-token-refused", "RFC7009-2")
def check_refresh_revoked(revocation, server, code_client, driver):
    """After revocation, the refresh token is refused with invalid_grant."""
    tokens = _refresh_tokens(server, code_client, driver)
    response = revoke(server, code_client, tokens.refresh_token, "refresh_token")
    if response.status_code != 200:
        fail(f"revoking the refresh token answered {expect.describe(response)}")
    expect.error(steps.refresh_request(code_client, tokens.refresh_token), "invalid_grant")


# RFC7009-2.1 MUST: the server extends its search across all token types when the hint is wrong.
@check("rfc7009-2.1-wrong-hint-still-revokes", "RFC7009-2.1")
def check_wrong_hint(revocation, server, code_client, driver):
    """A refresh token revoked with token_type_hint=access_token is revoked all the same."""
    tokens = _refresh_tokens(server, code_client, driver)
    revoke(server, code_client, tokens.refresh_token, "access_token")
    expect.error(steps.refresh_request(code_client, tokens.refresh_token), "invalid_grant")


# RFC7009-2 SHOULD: access tokens can be revoked.
@check("rfc7009-2-revoked-access-token-inactive", "RFC7009-2", level="SHOULD")
def check_access_revoked(revocation, server, target, confidential):
    """After revocation, the access token is no longer active."""
    token = _access_token(server, confidential)
    if _unsupported(revoke(server, confidential, token, "access_token")):
        fail("the server does not revoke access tokens: it answered unsupported_token_type")
    if steps.access_token_alive(server, confidential, token, _resource(target)):
        fail("the revoked access token is still active")


# RFC7009-2.1 SHOULD: revoking a refresh token invalidates the access tokens of the same grant.
@check("rfc7009-2.1-revoking-refresh-revokes-its-access-tokens", "RFC7009-2.1", level="SHOULD")
def check_grant_revoked(revocation, server, target, code_client, driver):
    """After its refresh token is revoked, the grant's access token is no longer active."""
    tokens = _refresh_tokens(server, code_client, driver)
    revoke(server, code_client, tokens.refresh_token, "refresh_token")
    if steps.access_token_alive(server, code_client, tokens.access_token, _resource(target)):
        fail("the access token is still active after its grant's refresh token was revoked")


# RFC7009-2.1 MUST: the client authenticates.
@check("rfc7009-2.1-wrong-client-secret-refused", "RFC7009-2.1")
def check_authentication(revocation, server, target, confidential):
    """A revocation request with a wrong client secret is refused (invalid_client), and revokes nothing."""
    token = _access_token(server, confidential)
    data = {"token": token, "client_id": confidential.config.client_id, "client_secret": "wrong-secret-0000"}
    response = confidential.session.post(server.endpoints.revocation, data=data)
    expect.error(response, "invalid_client", (400, 401))
    if steps.token_state(server, confidential, token, _resource(target)) is False:  # None: cannot be seen
        fail("an unauthenticated revocation request revoked the token")


# RFC7009-2.1 MUST: only tokens issued to the requesting client are revoked.
@check("rfc7009-2.1-other-clients-token-not-revoked", "RFC7009-2.1")
def check_other_client(revocation, server, target, confidential, second):
    """Another client revoking a token does not revoke it."""
    if second.config.client_id == confidential.config.client_id:
        not_configured("the second client is the same client", fixes.client("second"))
    token = _access_token(server, confidential)
    revoke(server, second, token)
    if not steps.access_token_alive(server, confidential, token, _resource(target)):
        fail("a token was revoked by a client it was not issued to")
