"""RFC 7636, Proof Key for Code Exchange, with RFC 9700's rules for it (§4.8.2
the downgrade attack) and the OAuth 2.1 draft's (§4.1.1: servers enforce PKCE).
https://www.rfc-editor.org/rfc/rfc7636

Covers: S256 offered (§4.2), methods the server does not support refused
(§4.4.1), the verifier checked at the token endpoint (§4.6), and the two ways
to get around PKCE: leaving the challenge out (public clients) and sending a
verifier for a code issued without one (downgrade). The lengths of challenge
and verifier (43 to 128 characters) are rules for clients: advice. Leaves out
`plain` itself: RFC 9700 asks clients to use S256, and a server need not offer plain.
"""

from conformance import expect, steps
from conformance.marks import check
from conformance.outcomes import fail, not_advertised, not_applicable
from oauth_client.client import pkce_pair, s256


def _no_code(landing, request, why: str, expected_error: str | None = "invalid_request"):
    """The authorization request was refused: no code; an error redirect, if any, says expected_error."""
    params = landing.params
    if "code" in params:
        fail(f"{why}, yet a code was issued")
    if expected_error and landing.arrived_at(request.redirect_uri) and params.get("error") != expected_error:
        fail(f"{why}: expected error={expected_error}, got error={params.get('error')!r}")


# RFC7636-4.2 MUST: S256 is mandatory to implement for servers supporting PKCE.
@check("rfc7636-4.2-s256-offered", "RFC7636-4.2")
def check_s256_offered(server):
    """code_challenge_methods_supported includes S256."""
    methods = server.pkce_methods
    if not methods:
        not_advertised("no code_challenge_methods_supported")
    if "S256" not in methods:
        fail(f"code_challenge_methods_supported is {list(methods)}, without S256")


# RFC7636-4.6 MUST: the verifier is checked; the right one gets the token.
@check("rfc7636-4.6-matching-verifier-accepted", "RFC7636-4.6")
def check_right_verifier(code_client, driver):
    """A code requested with an S256 challenge is redeemed with its verifier."""
    code, request = steps.obtain_code(code_client, driver)
    expect.token(steps.redeem(code_client, code, request))


@check("rfc7636-4.6-wrong-verifier-is-invalid-grant", "RFC7636-4.6")
def check_wrong_verifier(code_client, driver):
    """A code redeemed with another verifier is refused with invalid_grant."""
    code, request = steps.obtain_code(code_client, driver)
    other, _ = pkce_pair()
    expect.error(steps.redeem(code_client, code, request, code_verifier=other), "invalid_grant")


@check("rfc7636-4.6-missing-verifier-refused", "RFC7636-4.6")
def check_missing_verifier(code_client, driver):
    """A code requested with a challenge, redeemed without a verifier, gets no token."""
    code, request = steps.obtain_code(code_client, driver)
    response = steps.redeem(code_client, code, request, code_verifier=None)
    expect.no_token(response, "no code_verifier was sent")
    expect.error(response, ("invalid_grant", "invalid_request"))


@check("rfc7636-4.6-challenge-as-verifier-refused", "RFC7636-4.6")
def check_challenge_as_verifier(code_client, driver):
    """Sending the challenge itself as the verifier (as if it were plain) gets no token."""
    code, request = steps.obtain_code(code_client, driver)
    response = steps.redeem(code_client, code, request, code_verifier=s256(request.code_verifier))
    expect.no_token(response, "the verifier was the S256 challenge itself")
    expect.error(response, ("invalid_grant", "invalid_request"))


# RFC7636-4.4.1 MUST: a transformation the server does not support is invalid_request.
@check("rfc7636-4.4.1-unsupported-method-is-invalid-request", "RFC7636-4.4.1")
def check_unknown_method(code_client, driver):
    """code_challenge_method=S512 (no such method) is refused with invalid_request."""
    request, landing = steps.authorize(code_client, driver, code_challenge_method="S512")
    _no_code(landing, request, "the challenge method S512 does not exist")


@check("rfc7636-4.4.1-plain-refused-when-not-offered", "RFC7636-4.4.1")
def check_plain_not_offered(server, code_client, driver):
    """With plain not among the methods offered, a plain challenge is refused with invalid_request."""
    if not server.pkce_methods:
        not_advertised("no code_challenge_methods_supported")
    if "plain" in server.pkce_methods:
        not_applicable("the server offers plain")
    verifier, _ = pkce_pair()
    request, landing = steps.authorize(code_client, driver, code_challenge=verifier, code_challenge_method="plain")
    _no_code(landing, request, "plain is not offered")


# RFC 7636 §4.2: the client makes a challenge of 43 to 128 characters; no sentence has the server refuse
# another (advice: a 3-character challenge tells of a broken client).
@check("rfc7636-4.2-malformed-challenge-refused", "RFC7636-4.2", level="ADVICE")
def check_short_challenge(code_client, driver):
    """A code_challenge of 3 characters is refused at the authorization endpoint."""
    request, landing = steps.authorize(code_client, driver, code_challenge="abc")
    _no_code(landing, request, "the code_challenge has 3 characters", expected_error=None)


# RFC 7636 §4.1: the client makes a verifier of 43 to 128 characters (low entropy otherwise); §4.6 has the
# server compare, not count: advice.
@check("rfc7636-4.6-short-verifier-refused", "RFC7636-4.6", level="ADVICE")
def check_short_verifier(code_client, driver):
    """A 10-character verifier whose S256 matches the challenge still gets no token."""
    verifier = "short-0123"
    code, request = steps.obtain_code(code_client, driver, code_challenge=s256(verifier))
    response = steps.redeem(code_client, code, request, code_verifier=verifier)
    expect.no_token(response, "the verifier has 10 characters (RFC 7636 §4.1: 43 to 128)")


# OAUTH21-4.1.1 MUST: "authorization servers MUST enforce their use" (RFC 9700 §2.1.1 has only the
# client's MUST: "Public clients MUST use PKCE"), with no exception for public clients (§7.5.1).
@check("oauth21-4.1.1-public-client-without-pkce-refused", "OAUTH21-4.1.1", profiles=("pkce", "bcp"))
def check_public_needs_pkce(server, public, driver):
    """A public client's authorization request without code_challenge gets no code."""
    steps.ready_for(server, public, "authorization_code")
    request, landing = steps.authorize(public, driver, code_challenge=None, code_challenge_method=None)
    _no_code(landing, request, "a public client sent no code_challenge")


# RFC9700-4.8.2 MUST: a code_verifier is accepted only if the authorization request had a challenge.
@check("rfc9700-4.8.2-verifier-without-challenge-refused", "RFC9700-4.8.2")
def check_downgrade(server, confidential, driver):
    """A code issued without a challenge, redeemed with a code_verifier, gets no token."""
    steps.ready_for(server, confidential, "authorization_code")
    request, landing = steps.authorize(confidential, driver, code_challenge=None, code_challenge_method=None)
    if "code" not in landing.params:
        return  # PKCE is required of this client: the downgrade cannot even start
    verifier, _ = pkce_pair()
    response = steps.redeem(confidential, landing.params["code"], request, code_verifier=verifier)
    expect.no_token(response, "a code_verifier was sent for a code issued without a challenge")
