"""Steps several checks share: getting a client ready for a grant, running the
authorization code flow up to the code or the tokens, asking whether a token
is still alive.

A step that a check needs as a precondition raises `Unverifiable` when the
server does not cooperate (the check is then reported as an error, not as a
broken requirement), and skips when the feature is not advertised or the
target does not configure what it needs.
"""

import requests

from .approval import Driver, Landing
from .client import AuthorizationRequest, OAuthClient, OAuthClientError, TokenSet
from .discovery import Server
from .expect import describe, json_object
from .jwts import claims_of
from .outcomes import Unverifiable, not_applicable, not_configured

# -- readiness ---------------------------------------------------------------------------------------


def granted_scope(body: dict) -> set[str] | None:
    """The scope a token response says was granted (RFC 6749 §5.1), else the one its JWT
    access token carries (RFC 9068 §2.2.3); None when neither says."""
    scope = body.get("scope", (claims_of(body.get("access_token", "")) or {}).get("scope"))
    return set(str(scope).split()) if scope is not None else None


def ready_for(server: Server, client: OAuthClient, grant_type: str) -> OAuthClient:
    """Skip unless the server advertises `grant_type` and the client may use it."""
    server.need_grant(grant_type)
    server.need_endpoint("token")
    if grant_type not in client.config.grant_types:
        not_configured(f"the {client.config.role} client's grant_types lack {grant_type}")
    if grant_type == "authorization_code":
        server.need_endpoint("authorization")
        if not client.config.redirect_uri:
            not_configured(f"the {client.config.role} client has no redirect_uri")
    return client


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


def obtain_code(client: OAuthClient, driver: Driver, **extra) -> tuple[str, AuthorizationRequest]:
    request, landing = authorize(client, driver, **extra)
    if not landing.arrived_at(request.redirect_uri):
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
        not_configured("no way to tell whether a token is active (no introspection endpoint, no [resource] url)")
    return state
