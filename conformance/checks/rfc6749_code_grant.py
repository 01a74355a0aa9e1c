"""RFC 6749 §4.1.2 and §4.1.3, the authorization code at the token endpoint:
exchange, single use, binding to client and redirect URI, lifetime, and
parallel redemption.
https://www.rfc-editor.org/rfc/rfc6749#section-4.1.3

PKCE is sent on every request (the client of this suite always uses S256);
its own checks are in rfc7636_pkce.py. Whether a replay revoked the tokens of
the first redemption is asked of the introspection endpoint or the protected
resource; without either that check is skipped. Parallel redemption is tried
in `steps.ROUNDS` rounds (a race is won by chance).
"""

from conformance import expect, fixes, steps
from conformance.marks import check
from conformance.outcomes import fail, not_applicable, not_configured


@check("rfc6749-4.1.3-code-exchange-issues-tokens", "RFC6749-4.1.3")
def check_exchange(code_client, driver):
    """A fresh code, redeemed by its client with the same redirect_uri, gets an access token."""
    code, request = steps.obtain_code(code_client, driver)
    body = expect.token(steps.redeem(code_client, code, request))
    if not isinstance(body.get("token_type"), str):
        fail("the token response has no token_type")


# RFC6749-5.1 MUST: this response holds a refresh token too: no-store and no-cache.
@check("rfc6749-5.1-code-token-response-not-cached", "RFC6749-5.1")
def check_exchange_no_store(code_client, driver):
    """The code exchange response carries Cache-Control: no-store and Pragma: no-cache."""
    code, request = steps.obtain_code(code_client, driver)
    response = steps.redeem(code_client, code, request)
    expect.token(response)
    if not expect.header_has(response, "Cache-Control", "no-store"):
        fail(f"Cache-Control is {response.headers.get('Cache-Control')!r}")
    if not expect.header_has(response, "Pragma", "no-cache"):
        fail(f"Pragma is {response.headers.get('Pragma')!r}")


# RFC6749-4.1.2 MUST NOT: a code used more than once; §5.2 invalid_grant.
@check("rfc6749-4.1.2-code-is-single-use", "RFC6749-4.1.2")
def check_single_use(code_client, driver):
    """A code redeemed a second time is refused with invalid_grant."""
    code, request = steps.obtain_code(code_client, driver)
    expect.token(steps.redeem(code_client, code, request))
    expect.error(steps.redeem(code_client, code, request), "invalid_grant")


# RFC6749-4.1.2 SHOULD: a replayed code revokes the tokens issued for it.
@check("rfc6749-4.1.2-code-replay-revokes-its-tokens", "RFC6749-4.1.2", level="SHOULD")
def check_replay_revokes(server, target, code_client, driver):
    """After a code is replayed, the access token the first redemption got is no longer active."""
    code, request = steps.obtain_code(code_client, driver)
    first = expect.token(steps.redeem(code_client, code, request))
    resource = target.resource.url if target.resource else None
    if not steps.access_token_alive(server, code_client, first["access_token"], resource):
        not_applicable("the fresh access token is not reported active, so its revocation cannot be seen")
    steps.redeem(code_client, code, request)
    if steps.access_token_alive(server, code_client, first["access_token"], resource):
        fail("the access token of the first redemption is still active after the code was replayed")


# RFC6749-4.1.3 MUST: the code was issued to the authenticated client.
@check("rfc6749-4.1.3-code-bound-to-client", "RFC6749-4.1.3")
def check_bound_to_client(server, code_client, second, driver):
    """A code issued to one client, redeemed by another, is refused with invalid_grant."""
    steps.ready_for(server, second, "authorization_code")
    if second.config.client_id == code_client.config.client_id:
        not_configured("the second client is the same client", fixes.client("second"))
    code, request = steps.obtain_code(code_client, driver)
    expect.error(steps.redeem(second, code, request), "invalid_grant")


# RFC6749-4.1.3 MUST: redirect_uri identical to the authorization request's.
@check("rfc6749-4.1.3-different-redirect-uri-refused", "RFC6749-4.1.3")
def check_redirect_mismatch(code_client, driver):
    """A code redeemed with another redirect_uri gets no token."""
    code, request = steps.obtain_code(code_client, driver)
    response = steps.redeem(code_client, code, request, redirect_uri=request.redirect_uri + "/other")
    expect.no_token(response, "the redirect_uri differs from the authorization request's")
    expect.refused(response, "the redirect_uri differs from the authorization request's")


# RFC6749-5.2: "does not match the redirection URI used in the authorization request" is invalid_grant.
@check("rfc6749-4.1.3-different-redirect-uri-is-invalid-grant", "RFC6749-4.1.3")
def check_redirect_mismatch_code(code_client, driver):
    """The refusal of a different redirect_uri is invalid_grant (not invalid_request)."""
    code, request = steps.obtain_code(code_client, driver)
    response = steps.redeem(code_client, code, request, redirect_uri=request.redirect_uri + "/other")
    expect.error(response, "invalid_grant")


# RFC6749-4.1.3 MUST: redirect_uri is REQUIRED when the authorization request had one, and the server
# MUST "ensure that the redirect_uri parameter is present". It binds the code to where it was sent;
# with PKCE the verifier binds it too, and the OAuth 2.1 draft drops the parameter from its own token
# request, but tells a server that takes OAuth 2.0 clients to enforce it "as described in RFC6749"
# (§10.2): a MUST either way. Checked on a code issued without PKCE and on one issued with it.
@check("rfc6749-4.1.3-missing-redirect-uri-refused", "RFC6749-4.1.3")
def check_redirect_missing(server, confidential, driver):
    """A code issued without PKCE, redeemed without the redirect_uri its request had, gets no token."""
    steps.ready_for(server, confidential, "authorization_code")
    request, landing = steps.authorize(confidential, driver, code_challenge=None, code_challenge_method=None)
    if "code" not in landing.params:
        not_applicable("no code without PKCE for this client: the verifier binds the code (OAuth 2.1 §10.2)")
    response = steps.redeem(confidential, landing.params["code"], request, redirect_uri=None, code_verifier=None)
    expect.no_token(response, "the redirect_uri was left out, and no PKCE bound the code")
    expect.refused(response, "the redirect_uri was left out, and no PKCE bound the code")


@check("rfc6749-4.1.3-missing-redirect-uri-refused-with-pkce", "RFC6749-4.1.3")
def check_redirect_missing_pkce(code_client, driver):
    """A code issued with PKCE, redeemed without the redirect_uri its request had, gets no token."""
    code, request = steps.obtain_code(code_client, driver)
    response = steps.redeem(code_client, code, request, redirect_uri=None)
    expect.no_token(response, "the redirect_uri was left out")
    expect.refused(response, "the redirect_uri was left out")


@check("rfc6749-4.1.3-unknown-code-is-invalid-grant", "RFC6749-4.1.3")
def check_unknown_code(code_client):
    """A code the server never issued is refused with invalid_grant."""
    request = code_client.authorization_request()
    expect.error(steps.redeem(code_client, "conformance-never-issued-code-000000000000", request), "invalid_grant")


# RFC6749-4.1.3 MUST: a confidential client authenticates to redeem its code.
@check("rfc6749-4.1.3-confidential-client-must-authenticate", "RFC6749-4.1.3")
def check_must_authenticate(server, confidential, driver):
    """A confidential client's code redeemed with client_id only (no secret) gets no token."""
    steps.ready_for(server, confidential, "authorization_code")
    code, request = steps.obtain_code(confidential, driver)
    response = confidential.token_request(request.redemption(code), auth_method="none")  # client_id alone
    expect.unauthenticated(response, "the confidential client did not authenticate")


# RFC6749-4.1.3 REQUIRED: client_id, when the client does not authenticate.
@check("rfc6749-4.1.3-public-client-must-send-client-id", "RFC6749-4.1.3")
def check_public_client_id(server, public, driver):
    """A public client's code redeemed without client_id gets no token."""
    steps.ready_for(server, public, "authorization_code")
    code, request = steps.obtain_code(public, driver)
    response = public.session.post(server.endpoints.token, data=request.redemption(code))
    expect.no_token(response, "no client_id was sent")
    expect.refused(response, "no client_id was sent")


# RFC6749-4.1.2 MUST NOT use twice ("the authorization server MUST deny the request"), under concurrency.
@check("rfc6749-4.1.2-parallel-redemptions-have-one-winner", "RFC6749-4.1.2", profiles=("rfc6749", "concurrency"))
def check_parallel(code_client, driver, http, tell):
    """In each of 30 rounds, of four simultaneous redemptions of one fresh code one gets a token."""

    def new_round():
        code, request = steps.obtain_code(code_client, driver)
        data, headers = code_client.authenticate(request.redemption(code))
        return code_client.endpoints.token, data, headers

    steps.one_winner_per_round("code", new_round, http, tell)


# RFC6749-4.1.2 RECOMMENDED: a code lives 10 minutes at most.
@check("rfc6749-4.1.2-code-expires-within-10-minutes", "RFC6749-4.1.2", level="SHOULD", profiles=("slow",))
def check_lifetime(code_client, driver, target, progress):
    """A code redeemed after code_lifetime_wait seconds (default 605) is refused."""
    code, request = steps.obtain_code(code_client, driver)
    progress.wait(target.code_lifetime_wait, "waiting for the code to expire")
    response = steps.redeem(code_client, code, request)
    if expect.issued_token(response):
        fail(f"a code was still accepted {target.code_lifetime_wait:.0f} s after it was issued")
