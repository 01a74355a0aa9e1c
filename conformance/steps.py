"""Steps several checks share: getting a client ready for a grant, running the
authorization code flow up to the code or the tokens, asking whether a token
is still alive.

A step that a check needs as a precondition raises `Unverifiable` when the
server does not cooperate (the check is then reported as an error, not as a
broken requirement), and skips when the feature is not advertised or the
target does not configure what it needs. Where the approval driver could not
do the user's part (no page to deny on, a form it does not know), the check
is "not carried out", a gap of the run, never the server's failure.
"""

import threading
from collections.abc import Callable
from urllib.parse import urlencode

import requests

from oauth_client.client import AuthorizationRequest, OAuthClient, OAuthClientError, TokenSet
from oauth_client.http import RecordingSession

from . import fixes
from .approval import Driver, Landing
from .discovery import Server
from .expect import describe, issued_token, json_object
from .jwts import claims_of
from .outcomes import Unverifiable, fail, not_applicable, not_carried_out, not_configured

# -- readiness ---------------------------------------------------------------------------------------


def granted_scope(body: dict) -> set[str] | None:
    """The scope a token response says was granted (RFC 6749 §5.1), else the one its JWT
    access token carries (RFC 9068 §2.2.3); None when neither says."""
    scope = body.get("scope", (claims_of(body.get("access_token", "")) or {}).get("scope"))
    return set(str(scope).split()) if scope is not None else None


def issued_scope(server: Server, client: OAuthClient, body: dict) -> set[str] | None:
    """The scope a token was issued with when the response does not name it: its JWT claim, else
    what introspection reports (as `client`; no `scope` there: none); None when nothing tells."""
    scope = (claims_of(body.get("access_token", "")) or {}).get("scope")
    if scope is None and server.endpoints.introspection and not client.config.is_public:
        answer = json_object(introspect(server, client, body["access_token"])) or {}
        if answer.get("active") is True:
            scope = answer.get("scope", "")
    return set(str(scope).split()) if scope is not None else None


def scope_named_when_different(server: Server, client: OAuthClient, requested: str, body: dict) -> None:
    """RFC 6749 §3.3 MUST: a token issued with another scope than the one requested names it in the
    response. Fails when `scope` is left out although the scope issued differs."""
    if "scope" in body:
        return
    issued = issued_scope(server, client, body)
    if issued is None:
        not_applicable("the response names no scope, and neither the token nor introspection shows it")
    if not issued:
        not_applicable("no scope at all was issued: RFC 6749 §3.3's grammar has no empty scope to name")
    if issued != set(requested.split()):
        fail(f"asked for {requested!r}, issued {' '.join(sorted(issued))!r}, and the response does not say so")


def two_scopes(client: OAuthClient) -> list[str]:
    """The client's configured scope, at least two of them (so that a part can be asked for)."""
    scopes = (client.config.scope or "").split()
    if len(scopes) < 2:
        not_configured(
            f"the {client.config.role} client's scope has fewer than two scopes", fixes.two_scopes(client.config.role)
        )
    return scopes


def ready_for(server: Server, client: OAuthClient, grant_type: str) -> OAuthClient:
    """Skip unless the server advertises `grant_type` and the client may use it."""
    server.need_grant(grant_type)
    server.need_endpoint("token")
    if grant_type not in client.config.grant_types:
        not_configured(
            f"the {client.config.role} client's grant_types lack {grant_type}", fixes.grant(client.config, grant_type)
        )
    if grant_type == "authorization_code":
        server.need_endpoint("authorization")
        if not client.config.redirect_uri:
            not_configured(
                f"the {client.config.role} client has no redirect_uri", fixes.redirect_uri(client.config.role)
            )
    return client


def access_token(server: Server, target, clients, request, scope: str | None) -> str:
    """An access token for `scope`: by client credentials if the confidential client may, else by
    the authorization code flow (`request` is pytest's, for the code client and the driver)."""
    confidential = target.clients.get("confidential")
    if confidential and "client_credentials" in confidential.grant_types and "client_credentials" in server.grant_types:
        return clients("confidential").client_credentials(scope=scope).access_token
    client = request.getfixturevalue("code_client")
    return obtain_tokens(client, request.getfixturevalue("driver"), scope=scope).access_token


FORM = {"Content-Type": "application/x-www-form-urlencoded"}


def post_form(client: OAuthClient, url: str, body: bytes) -> requests.Response:
    """POST a hand-written form body (a repeated or malformed parameter, on purpose) with the
    client's authentication; for client_secret_post its credentials are appended to the body."""
    data, headers = client.authenticate({})
    if data:
        body += b"&" + urlencode(data).encode()
    return client.session.post(url, data=body, headers={**FORM, **headers})


def cc_params(client: OAuthClient, **extra) -> dict:
    params = {"grant_type": "client_credentials"}
    if client.config.scope:
        params["scope"] = client.config.scope
    params.update(extra)
    return {name: value for name, value in params.items() if value is not None}


# -- the authorization code flow ------------------------------------------------------------------------


def authorize(
    client: OAuthClient,
    driver: Driver,
    decision: str = "allow",
    watch: str | None = None,
    fresh: bool = False,
    **extra,
) -> tuple[AuthorizationRequest, Landing]:
    """Send the user agent with an authorization request; where did it land?
    `fresh`: a new user agent (no cookies), so that the server shows its pages
    even if it remembers an earlier sign-in or consent."""
    request = client.authorization_request(**extra)
    watch = watch or request.redirect_uri or client.config.redirect_uri
    landing = driver.run(request.url, watch, decision, fresh=fresh)
    return request, landing


def returned(landing: Landing, request: AuthorizationRequest, expected: str = "the response") -> dict[str, str]:
    """The authorization response's parameters at the client; if the user agent is not back
    there: not carried out when the driver was stuck on a page, else the server's failure."""
    if not landing.arrived_at(request.redirect_uri):
        if landing.stuck:
            not_carried_out(landing.stuck, fixes.form_fields())
        fail(f"expected a redirect to the client with {expected}; the user agent {landing.describe()}")
    return landing.params


def deny(client: OAuthClient, driver: Driver) -> tuple[AuthorizationRequest, Landing]:
    """The user denies: a new user agent (a server that remembers a sign-in would ask nothing),
    and the decision made on a consent page, else the check is not carried out."""
    if not driver.can_deny:
        not_configured(f"the {driver.name} approval driver cannot deny", fixes.deny())
    request, landing = authorize(client, driver, decision="deny", fresh=True)
    if landing.stuck:
        not_carried_out(landing.stuck, fixes.form_fields())
    if not landing.decided:
        not_carried_out(
            f"the {driver.name} driver was to deny, but no consent page was shown (the user agent "
            f"{landing.describe()}): the server remembers a consent of {driver.config.username!r}?",
            fixes.fresh_user(client.config.client_id),
        )
    return request, landing


def obtain_code(client: OAuthClient, driver: Driver, **extra) -> tuple[str, AuthorizationRequest]:
    request, landing = authorize(client, driver, **extra)
    if not landing.arrived_at(request.redirect_uri):
        if landing.stuck:
            not_carried_out(landing.stuck, fixes.form_fields())
        raise Unverifiable(f"the authorization request did not come back to the client: {landing.describe()}")
    params = landing.params
    if "code" not in params:
        raise Unverifiable(f"the authorization response has no code (error={params.get('error')!r})")
    return params["code"], request


def obtain_tokens(client: OAuthClient, driver: Driver, **extra) -> TokenSet:
    code, request = obtain_code(client, driver, **extra)
    try:
        return client.exchange_code(code, request)
    except OAuthClientError as error:
        raise Unverifiable(f"the code exchange failed: {error}") from None


def redeem(client: OAuthClient, code: str, request: AuthorizationRequest, **overrides) -> requests.Response:
    """The raw token response of a code exchange, parameters overridable (None removes one)."""
    params = {**request.redemption(code), **overrides}
    return client.token_request({k: v for k, v in params.items() if v is not None})


def need_refresh_token(tokens: TokenSet) -> str:
    if not tokens.refresh_token:
        not_applicable("the server issued no refresh token for this grant")
    return tokens.refresh_token


def refresh_request(client: OAuthClient, refresh_token: str, **extra) -> requests.Response:
    params = {"grant_type": "refresh_token", "refresh_token": refresh_token, **extra}
    return client.token_request({k: v for k, v in params.items() if v is not None})


# -- races: one credential used by several requests at once ---------------------------------------

PARALLEL = 4  # simultaneous uses of one code or refresh token in a round
# Rounds of a race check: a race won one time in three slips through 30 rounds with
# probability (2/3)^30, about 5 in a million.
ROUNDS = 30


def simultaneously(http, url: str, data: dict, headers: dict, count: int = PARALLEL) -> list[requests.Response]:
    """`count` identical POSTs, each on its own connection, released together by a barrier."""
    barrier, responses, lock = threading.Barrier(count), [], threading.Lock()

    def send():
        with RecordingSession(http.recorder, http.timeout) as session:
            barrier.wait(timeout=10)
            response = session.post(url, data=data, headers=headers)
        with lock:
            responses.append(response)

    threads = [threading.Thread(target=send) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return responses


def one_winner_per_round(what: str, new_round: Callable[[], tuple[str, dict, dict]], http, tell) -> None:
    """ROUNDS rounds of PARALLEL simultaneous uses of one fresh credential (`new_round` gives the
    URL, body and headers of a round's requests): more than one token in any round fails, at the
    first such round; none at all fails too (nothing was redeemed). `tell` records how many rounds ran."""
    for number in range(1, ROUNDS + 1):
        url, data, headers = new_round()
        responses = simultaneously(http, url, data, headers)
        winners = sum(1 for response in responses if issued_token(response))
        if winners > 1:
            fail(
                f"round {number}: {winners} of {PARALLEL} simultaneous uses of one {what} got tokens "
                f"(rounds run: {number} of up to {ROUNDS}, double wins: 1; the check stops at the first)"
            )
        if winners == 0:
            fail(
                f"round {number}: none of {PARALLEL} simultaneous uses of one {what} got a token: "
                + ", ".join(describe(response) for response in responses)
            )
    tell(f"{ROUNDS} rounds of {PARALLEL} simultaneous uses of one {what}: one winner in each, no double win")


# -- is this token alive? ----------------------------------------------------------------------------


def introspect(server: Server, client: OAuthClient, token: str, hint: str | None = None) -> requests.Response:
    data, headers = client.authenticate({"token": token, **({"token_type_hint": hint} if hint else {})})
    return client.session.post(server.endpoints.introspection, data=data, headers=headers)


def token_state(server: Server, owner: OAuthClient, token: str, resource_url: str | None) -> bool | None:
    """Is the access token active? Asked of the introspection endpoint (as the token's own
    confidential client), else of the protected resource; None when there is no way to tell:
    neither is there, or introspection declines this kind of token (`unsupported_token_type`,
    as servers that do not introspect their JWT access tokens answer)."""
    if server.endpoints.introspection and not owner.config.is_public:
        response = introspect(server, owner, token)
        body = json_object(response)
        if response.status_code == 400 and body is not None and body.get("error") == "unsupported_token_type":
            if not resource_url:
                return None
        elif response.status_code != 200 or body is None or not isinstance(body.get("active"), bool):
            raise Unverifiable(f"introspection answered {describe(response)}")
        else:
            return body["active"]
    if resource_url:
        response = owner.session.get(resource_url, headers={"Authorization": f"Bearer {token}"})
        if response.status_code in (200, 403):  # 403: a valid token without the resource's scope
            return True
        if response.status_code == 401:
            return False
        raise Unverifiable(f"the protected resource answered {describe(response)}")
    return None


def access_token_alive(server: Server, owner: OAuthClient, token: str, resource_url: str | None) -> bool:
    """`token_state`, skipping the check when there is no way to tell."""
    state = token_state(server, owner, token, resource_url)
    if state is None:
        if server.endpoints.introspection and not owner.config.is_public:
            not_applicable("introspection does not answer for this kind of token (unsupported_token_type)")
        not_configured(
            "no way to tell whether a token is active (no introspection endpoint, no [resource] url)", fixes.resource()
        )
    return state
