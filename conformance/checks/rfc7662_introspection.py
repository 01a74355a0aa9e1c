"""RFC 7662, OAuth 2.0 Token Introspection.
https://www.rfc-editor.org/rfc/rfc7662

Covers the request (§2.1: POST, authorization required, the hint is only a
hint) and the response (§2.2: JSON with a boolean `active`; an inactive token
says nothing more; what an active one says matches the token). The
introspecting party is the confidential client, asking about its own token,
which every server should allow. Skipped without an introspection_endpoint.
Leaves out JWT-secured responses (RFC 9701), and the HTTP method: a server
"MAY disallow the use of HTTP GET" (§4), or allow it.
"""

import time

import pytest

from conformance import expect, steps
from conformance.jwts import claims_of
from conformance.marks import check
from conformance.outcomes import fail, not_applicable


@pytest.fixture
def introspection(server):
    return server.need_endpoint("introspection")


@pytest.fixture
def own_token(introspection, server, confidential):
    steps.ready_for(server, confidential, "client_credentials")
    return confidential.client_credentials().access_token


def _answer(response) -> dict:
    body = expect.json_object(response)
    if response.status_code != 200 or body is None:
        fail(f"introspection answered {expect.describe(response)}")
    if not isinstance(body.get("active"), bool):
        fail(f"'active' is {body.get('active')!r}, not a JSON boolean")
    return body


@check("rfc7662-2.2-active-token-is-active", "RFC7662-2.2")
def check_active(server, confidential, own_token):
    """A fresh access token introspects as {"active": true}."""
    if not _answer(steps.introspect(server, confidential, own_token))["active"]:
        fail("a fresh access token introspects as inactive")


@check("rfc7662-2.2-answer-is-json", "RFC7662-2.2")
def check_json(server, confidential, own_token):
    """The introspection answer is application/json."""
    response = steps.introspect(server, confidential, own_token)
    _answer(response)
    if "application/json" not in response.headers.get("Content-Type", ""):
        fail(f"Content-Type is {response.headers.get('Content-Type')!r}")


@check("rfc7662-2.2-unknown-token-is-inactive", "RFC7662-2.2")
def check_unknown(introspection, server, confidential):
    """A token the server never issued introspects as {"active": false} (200, not an error)."""
    if _answer(steps.introspect(server, confidential, "conformance-never-issued-token-0000000000"))["active"]:
        fail("a token the server never issued introspects as active")


@check("rfc7662-2.2-inactive-answer-says-nothing-more", "RFC7662-2.2", level="SHOULD")
def check_inactive_minimal(introspection, server, confidential):
    """The answer for an inactive token holds 'active' and nothing else."""
    body = _answer(steps.introspect(server, confidential, "conformance-never-issued-token-0000000000"))
    extra = sorted(set(body) - {"active"})
    if extra:
        fail(f"the answer for an invalid token also says: {', '.join(extra)}")


# RFC7662-2.1 MUST: some form of authorization, against token scanning.
@check("rfc7662-2.1-unauthenticated-request-refused", "RFC7662-2.1")
def check_unauthenticated(server, confidential, own_token):
    """An introspection request without credentials does not say the token is active."""
    response = confidential.session.post(server.endpoints.introspection, data={"token": own_token})
    body = expect.json_object(response) or {}
    if response.status_code == 200 and body.get("active") is True:
        fail("an unauthenticated caller learnt that the token is active")
    if not 400 <= response.status_code < 500:
        fail(f"expected a 4xx refusal, got {expect.describe(response)}")


# RFC7662-2.3 MUST: invalid client credentials are answered 401.
@check("rfc7662-2.3-wrong-client-secret-is-401", "RFC7662-2.3")
def check_wrong_secret(server, confidential, own_token):
    """An introspection request with a wrong client secret is refused (401)."""
    data = {"token": own_token, "client_id": confidential.config.client_id, "client_secret": "wrong-secret-0000"}
    response = confidential.session.post(server.endpoints.introspection, data=data)
    if response.status_code == 200 and (expect.json_object(response) or {}).get("active") is True:
        fail("a caller with a wrong secret learnt that the token is active")
    if response.status_code != 401:
        fail(f"expected 401, got {expect.describe(response)}")


# RFC7662-2.1 MUST: a wrong hint extends the search to every token type.
@check("rfc7662-2.1-wrong-hint-still-finds-the-token", "RFC7662-2.1")
def check_wrong_hint(server, confidential, own_token):
    """An access token introspected with token_type_hint=refresh_token is still found active."""
    if not _answer(steps.introspect(server, confidential, own_token, hint="refresh_token"))["active"]:
        fail("the access token was not found when the hint said refresh_token")


@check("rfc7662-2.2-active-answer-matches-the-token", "RFC7662-2.2")
def check_consistent(server, confidential, own_token):
    """What an active answer says (client_id, exp, scope, token_type) matches the token."""
    body = _answer(steps.introspect(server, confidential, own_token))
    if "client_id" in body and body["client_id"] != confidential.config.client_id:
        fail(f"client_id is {body['client_id']!r}, the token's client is {confidential.config.client_id!r}")
    claims = claims_of(own_token) or {}
    if "exp" in body:
        if not isinstance(body["exp"], int | float) or body["exp"] < time.time():
            fail(f"exp is {body['exp']!r}, for a token that is active")
        if "exp" in claims and body["exp"] != claims["exp"]:
            fail(f"exp is {body['exp']}, the token's exp is {claims['exp']}")
    if "scope" in body and not isinstance(body["scope"], str):
        fail(f"scope is {body['scope']!r}, not a space-separated string")
    if "token_type" in body and str(body["token_type"]).lower() not in ("bearer", "dpop", "n_a", "access_token"):
        fail(f"token_type {body['token_type']!r} is not a token type")
    if not set(body) & {"client_id", "exp", "scope", "token_type"}:
        not_applicable("the active answer says nothing beyond 'active'")
