"""RFC 6749 §6, refreshing an access token, and RFC 9700 §4.14.2, refresh token
rotation and reuse detection.
https://www.rfc-editor.org/rfc/rfc6749#section-6

Refresh tokens come from the authorization code flow (the approval driver).
A server that issues none is skipped ("no refresh token"). Rotation is
required only of public clients' refresh tokens (RFC 9700 §4.14.2: rotated or
sender-constrained), so those checks use the public client, and so does the
parallel use of one refresh token, tried in `steps.ROUNDS` rounds (a race is
won by chance), each with a refresh token of a new grant (a reuse revokes the
grant).
"""

from conformance import expect, fixes, steps
from conformance.marks import check
from conformance.outcomes import fail, not_applicable, not_configured


def _tokens(server, client, driver):
    steps.ready_for(server, client, "refresh_token")
    steps.ready_for(server, client, "authorization_code")
    tokens = steps.obtain_tokens(client, driver)
    return tokens, steps.need_refresh_token(tokens)


@check("rfc6749-6-refresh-issues-an-access-token", "RFC6749-6")
def check_refresh(server, code_client, driver):
    """A refresh token of the client gets a new access token."""
    _, refresh_token = _tokens(server, code_client, driver)
    expect.token(steps.refresh_request(code_client, refresh_token))


# RFC6749-6 MUST: the refresh token was issued to the authenticated client.
@check("rfc6749-6-refresh-token-bound-to-client", "RFC6749-6")
def check_bound(server, code_client, second, driver):
    """Another client presenting the refresh token is refused with invalid_grant."""
    steps.ready_for(server, second, "refresh_token")
    if second.config.client_id == code_client.config.client_id:
        not_configured("the second client is the same client", fixes.client("second"))
    _, refresh_token = _tokens(server, code_client, driver)
    expect.error(steps.refresh_request(second, refresh_token), "invalid_grant")


# RFC6749-6 MUST: confidential clients authenticate to refresh.
@check("rfc6749-6-confidential-client-must-authenticate", "RFC6749-6")
def check_authenticate(server, confidential, driver):
    """A confidential client's refresh token with client_id only (no secret) gets no token."""
    _, refresh_token = _tokens(server, confidential, driver)
    params = {"grant_type": "refresh_token", "refresh_token": refresh_token}
    response = confidential.token_request(params, auth_method="none")  # client_id alone
    expect.unauthenticated(response, "the confidential client did not authenticate")


@check("rfc6749-6-unknown-refresh-token-is-invalid-grant", "RFC6749-6")
def check_unknown(server, code_client):
    """A refresh token the server never issued is refused with invalid_grant."""
    steps.ready_for(server, code_client, "refresh_token")
    expect.error(steps.refresh_request(code_client, "conformance-never-issued-refresh-token-0000"), "invalid_grant")


# RFC6749-6 MUST NOT: a scope not originally granted; §5.2 invalid_scope.
@check("rfc6749-6-wider-scope-is-invalid-scope", "RFC6749-6")
def check_wider_scope(server, code_client, driver):
    """Asking a refresh for a scope beyond the original grant is refused with invalid_scope."""
    tokens, refresh_token = _tokens(server, code_client, driver)
    granted = set((tokens.scope or code_client.config.scope or "").split())
    known = [s for s in (server.metadata or {}).get("scopes_supported", []) if s not in granted]
    extra = known[0] if known else "conformance-unknown-scope"
    response = steps.refresh_request(code_client, refresh_token, scope=" ".join(sorted(granted | {extra})))
    expect.error(response, "invalid_scope")


# RFC6749-6: an omitted scope is treated as the scope originally granted.
@check("rfc6749-6-omitted-scope-keeps-the-original", "RFC6749-6")
def check_same_scope(server, code_client, driver):
    """A refresh without scope gets the scope of the original grant."""
    tokens, refresh_token = _tokens(server, code_client, driver)
    original = steps.granted_scope(tokens.raw)
    body = expect.token(steps.refresh_request(code_client, refresh_token))
    renewed = steps.granted_scope(body)
    if original is None or renewed is None:
        not_applicable("the responses do not show the granted scope")
    if renewed != original:
        fail(f"the original grant had scope {sorted(original)}, the refreshed token {sorted(renewed)}")


# RFC6749-3.3 MUST: a refresh may ask for less than granted (§6); if what is issued differs from what
# was asked, the response names it.
@check("rfc6749-3.3-narrower-refresh-scope-named-when-different", "RFC6749-3.3")
def check_narrower(server, code_client, driver):
    """A refresh asking for one of two granted scopes names the scope issued when it is not that one."""
    scopes = steps.two_scopes(code_client)
    tokens, refresh_token = _tokens(server, code_client, driver)
    if len(steps.granted_scope(tokens.raw) or scopes) < 2:
        not_applicable("the grant has a single scope: nothing narrower to ask for")
    part = sorted(steps.granted_scope(tokens.raw) or scopes)[0]
    response = steps.refresh_request(code_client, refresh_token, scope=part)
    if not expect.issued_token(response):
        return  # a server may refuse to narrow
    steps.scope_named_when_different(server, code_client, part, expect.json_object(response))


# RFC9700-4.14.2 MUST: public clients' refresh tokens are rotated (or sender-constrained).
@check("rfc9700-4.14.2-public-client-refresh-token-rotated", "RFC9700-4.14.2")
def check_rotated(server, public, driver):
    """Refreshing with a public client's refresh token returns a new, different refresh token."""
    _, refresh_token = _tokens(server, public, driver)
    body = expect.token(steps.refresh_request(public, refresh_token))
    if not body.get("refresh_token"):
        fail("no new refresh token: the public client's refresh token is not rotated")
    if body["refresh_token"] == refresh_token:
        fail("the same refresh token came back: it is not rotated")


@check("rfc9700-4.14.2-rotated-refresh-token-refused", "RFC9700-4.14.2")
def check_old_refused(server, public, driver):
    """A public client's refresh token, once rotated, is refused (invalid_grant)."""
    _, refresh_token = _tokens(server, public, driver)
    body = expect.token(steps.refresh_request(public, refresh_token))
    if not body.get("refresh_token") or body["refresh_token"] == refresh_token:
        not_applicable("the refresh token is not rotated")
    expect.error(steps.refresh_request(public, refresh_token), "invalid_grant")


# RFC9700-4.14.2 MUST: servers detect replay for public clients, by rotation: "one of them will present an
# invalidated refresh token ... it will revoke the active refresh token".
@check("rfc9700-4.14.2-reuse-revokes-the-active-refresh-token", "RFC9700-4.14.2")
def check_reuse_revokes(server, public, driver):
    """After a rotated refresh token is presented again, its successor is refused too."""
    _, refresh_token = _tokens(server, public, driver)
    body = expect.token(steps.refresh_request(public, refresh_token))
    successor = body.get("refresh_token")
    if not successor or successor == refresh_token:
        not_applicable("the refresh token is not rotated")
    steps.refresh_request(public, refresh_token)  # the reuse
    response = steps.refresh_request(public, successor)
    if expect.issued_token(response):
        fail("the successor refresh token still works after its predecessor was reused")


# RFC9700-4.14.2 MUST, RFC 6749 §10.4: a rotated refresh token is invalidated by its first use, so of
# simultaneous uses one wins at most.
@check("rfc9700-4.14.2-parallel-refresh-has-one-winner", "RFC9700-4.14.2", profiles=("bcp", "concurrency"))
def check_parallel(server, public, driver, http, tell):
    """In each of 30 rounds, of four simultaneous uses of one fresh public client's refresh token one wins."""
    _, first = _tokens(server, public, driver)
    rotated = expect.json_object(steps.refresh_request(public, first)) or {}
    if not rotated.get("refresh_token") or rotated["refresh_token"] == first:
        not_applicable("the refresh token is not rotated (sender-constrained instead?): it may be used twice")

    def new_round():
        _, refresh_token = _tokens(server, public, driver)
        data, headers = public.authenticate({"grant_type": "refresh_token", "refresh_token": refresh_token})
        return public.endpoints.token, data, headers

    steps.one_winner_per_round("refresh token", new_round, http, tell)
