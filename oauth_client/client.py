"""An OAuth 2.0 client over `requests`: the client side of seed 000 done right.

What it holds to (each is a place where clients commonly go wrong):
- a fresh, unguessable `state` per authorization request, checked on return:
  a callback whose state differs is refused with "Invalid OAuth state"
  (RFC 6749 §10.12);
- the redirect URI sent exactly as registered, and the callback accepted only
  at that URI (RFC 9700 §4.1.3);
- PKCE S256 on every authorization request (RFC 7636, RFC 9700 §2.1.1);
- when the server says it sends `iss` (RFC 9207), the callback's `iss` must be
  the issuer (mix-up defence);
- client authentication as configured, HTTP Basic with the id and secret
  form-urlencoded first (RFC 6749 §2.3.1), never in the URL;
- the access token refreshed shortly before it expires, not after a failure;
- a request answered 401 is retried once with a refreshed token, then the
  failure is reported plainly (`Unauthorized`);
- tokens and secrets never shown in full: every repr masks them.

It is used by the checks, and works on its own:

    client = OAuthClient(ClientConfig(...), Endpoints.from_metadata(metadata_dict))
    request = client.authorization_request()
    # ... send the user to request.url; the server redirects back to the callback ...
    tokens = client.exchange_code(client.authorization_response(request, callback_url), request)
    client.get("https://api.example.com/me")
"""

import base64
import hashlib
import secrets
import time
from dataclasses import dataclass, field
from urllib.parse import parse_qsl, quote_plus, urlencode, urlsplit

import requests

from .config import ClientConfig
from .masking import mask

REFRESH_MARGIN = 60  # seconds before expiry at which the access token is refreshed


# -- errors --------------------------------------------------------------------------------------


class OAuthClientError(Exception):
    """Something in the OAuth exchange went wrong; the message says what."""


class InvalidState(OAuthClientError):
    def __init__(self):
        super().__init__("Invalid OAuth state")


class AuthorizationFailed(OAuthClientError):
    """The server redirected back with an error, or without a code."""

    def __init__(self, error: str | None, description: str | None = None):
        self.error = error
        self.description = description
        detail = f": {error}" + (f" ({description})" if description else "") if error else ": no code"
        super().__init__("OAuth2 authorization failed" + detail)


class TokenError(OAuthClientError):
    """The token endpoint refused the request (RFC 6749 §5.2)."""

    def __init__(self, response: requests.Response):
        self.response = response
        self.status = response.status_code
        body = _json_or_empty(response)
        self.error = body.get("error") if isinstance(body, dict) else None
        super().__init__(f"token request refused: HTTP {self.status}" + (f", error={self.error}" if self.error else ""))


class Unauthorized(OAuthClientError):
    """The resource answered 401 again after a token refresh."""

    def __init__(self, url: str, response: requests.Response):
        self.response = response
        challenge = response.headers.get("WWW-Authenticate", "no WWW-Authenticate")
        super().__init__(f"{url} refused the access token twice (401; {challenge}), once after a refresh")


def _json_or_empty(response: requests.Response):
    try:
        return response.json()
    except ValueError:
        return {}


# -- data ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Endpoints:
    issuer: str | None = None
    authorization: str | None = None
    token: str | None = None
    jwks: str | None = None
    revocation: str | None = None
    introspection: str | None = None
    device_authorization: str | None = None  # RFC 8628 §4
    userinfo: str | None = None  # OpenID Connect Core §5.3
    iss_parameter: bool = False  # RFC 9207: the server puts iss in authorization responses

    @classmethod
    def from_metadata(cls, metadata: dict) -> "Endpoints":
        return cls(
            issuer=metadata.get("issuer"),
            authorization=metadata.get("authorization_endpoint"),
            token=metadata.get("token_endpoint"),
            jwks=metadata.get("jwks_uri"),
            revocation=metadata.get("revocation_endpoint"),
            introspection=metadata.get("introspection_endpoint"),
            device_authorization=metadata.get("device_authorization_endpoint"),
            userinfo=metadata.get("userinfo_endpoint"),
            iss_parameter=metadata.get("authorization_response_iss_parameter_supported") is True,
        )


@dataclass(frozen=True)
class AuthorizationRequest:
    """What the client remembers between sending the user away and the callback."""

    url: str
    state: str
    redirect_uri: str
    scope: str | None
    code_verifier: str | None

    def __repr__(self) -> str:
        return f"AuthorizationRequest(state={mask(self.state)}, redirect_uri={self.redirect_uri!r})"

    def redemption(self, code: str) -> dict:
        """The token request that redeems `code`: RFC 6749 §4.1.3, with the RFC 7636
        §4.5 code_verifier when this request sent a challenge."""
        params = {"grant_type": "authorization_code", "code": code, "redirect_uri": self.redirect_uri}
        return {**params, "code_verifier": self.code_verifier} if self.code_verifier else params


@dataclass
class TokenSet:
    access_token: str
    token_type: str
    expires_at: float | None
    refresh_token: str | None
    scope: str | None
    raw: dict = field(repr=False)

    @classmethod
    def from_response(cls, body: dict, now: float) -> "TokenSet":
        expires_in = body.get("expires_in")
        expires_at = now + expires_in if isinstance(expires_in, int | float) and expires_in > 0 else None
        return cls(
            body["access_token"],
            body.get("token_type", ""),
            expires_at,
            body.get("refresh_token"),
            body.get("scope"),
            body,
        )

    def expires_within(self, seconds: float, now: float) -> bool:
        return self.expires_at is not None and self.expires_at - now <= seconds

    def __repr__(self) -> str:
        return (
            f"TokenSet(access_token={mask(self.access_token)}, token_type={self.token_type!r}, "
            f"refresh_token={mask(self.refresh_token) if self.refresh_token else None}, scope={self.scope!r})"
        )


def pkce_pair() -> tuple[str, str]:
    """RFC 7636 §4.1-4.2: a 64-character verifier and its S256 challenge."""
    verifier = secrets.token_urlsafe(48)
    return verifier, s256(verifier)


def s256(verifier: str) -> str:
    return base64.urlsafe_b64encode(hashlib.sha256(verifier.encode("ascii")).digest()).rstrip(b"=").decode()


def basic_credentials(client_id: str, secret: str) -> str:
    """RFC 6749 §2.3.1: each part form-urlencoded, then joined by ':' and base64-encoded."""
    pair = f"{quote_plus(client_id)}:{quote_plus(secret)}"
    return "Basic " + base64.b64encode(pair.encode("utf-8")).decode("ascii")


def same_endpoint(url: str, registered: str) -> bool:
    """The callback arrived at the registered redirect URI: same scheme, host, port and path."""
    a, b = urlsplit(url), urlsplit(registered)
    return (a.scheme, a.netloc.lower(), a.path) == (b.scheme, b.netloc.lower(), b.path)


# -- the client ----------------------------------------------------------------------------------------


class OAuthClient:
    def __init__(
        self,
        config: ClientConfig,
        endpoints: Endpoints,
        session: requests.Session | None = None,
        clock=time.time,
        on_token=None,
    ):
        self.config = config
        self.endpoints = endpoints
        self.session = session or requests.Session()
        self.clock = clock
        self.on_token = on_token  # called with each new token value (the suite masks them)
        self.tokens: TokenSet | None = None

    def __repr__(self) -> str:
        return f"OAuthClient({self.config.client_id!r}, {self.config.auth_method}, tokens={self.tokens!r})"

    # -- the authorization request and its callback (RFC 6749 §4.1.1, §4.1.2) --------------------

    def authorization_request(self, scope: str | None = None, pkce: bool = True, **extra) -> AuthorizationRequest:
        """A fresh state (and PKCE pair) per request. `extra` adds or overrides parameters
        (a check may send a wrong one on purpose; None removes one)."""
        if not self.endpoints.authorization:
            raise OAuthClientError("no authorization endpoint is known")
        if not self.config.redirect_uri:
            raise OAuthClientError(f"client {self.config.client_id}: no redirect_uri configured")
        state = secrets.token_urlsafe(24)
        verifier, challenge = pkce_pair() if pkce else (None, None)
        params = {
            "response_type": "code",
            "client_id": self.config.client_id,
            "redirect_uri": self.config.redirect_uri,
            "scope": scope if scope is not None else self.config.scope,
            "state": state,
            "code_challenge": challenge,
            "code_challenge_method": "S256" if pkce else None,
        }
        params.update(extra)
        params = {name: value for name, value in params.items() if value is not None}
        separator = "&" if urlsplit(self.endpoints.authorization).query else "?"
        url = self.endpoints.authorization + separator + urlencode(params)
        return AuthorizationRequest(
            url, params.get("state", ""), params.get("redirect_uri", ""), params.get("scope"), verifier
        )

    def authorization_response(self, request: AuthorizationRequest, callback_url: str) -> str:
        """The code from the URL the server redirected to; raises on a wrong state, an
        error, a foreign issuer, or a callback at another URI."""
        if not same_endpoint(callback_url, request.redirect_uri):
            raise OAuthClientError("the callback did not arrive at the registered redirect URI")
        params = dict(parse_qsl(urlsplit(callback_url).query))
        if params.get("state") != request.state:
            raise InvalidState()
        if self.endpoints.iss_parameter and params.get("iss") != self.endpoints.issuer:
            raise OAuthClientError("the callback's iss is not the issuer (RFC 9207): a mix-up attack?")
        if "error" in params or "code" not in params:
            raise AuthorizationFailed(params.get("error"), params.get("error_description"))
        return params["code"]

    # -- the token endpoint (RFC 6749 §3.2, §4.1.3, §4.4, §6) --------------------------------------

    def token_request(self, params: dict, auth_method: str | None = None, url: str | None = None) -> requests.Response:
        """POST the form to the token endpoint with this client's authentication; the raw response."""
        data, headers = self.authenticate(dict(params), auth_method)
        return self.session.post(url or self.endpoints.token, data=data, headers=headers)

    def authenticate(self, data: dict, auth_method: str | None = None) -> tuple[dict, dict]:
        """The body and headers that carry this client's credentials by `auth_method`."""
        method = auth_method or self.config.auth_method
        headers = {}
        if method == "client_secret_basic":
            headers["Authorization"] = basic_credentials(self.config.client_id, self.config.client_secret or "")
        elif method == "client_secret_post":
            data.update(client_id=self.config.client_id, client_secret=self.config.client_secret or "")
        elif method == "none":
            data["client_id"] = self.config.client_id
        else:
            raise OAuthClientError(f"unknown client authentication method {method!r}")
        return data, headers

    def _tokens(self, params: dict) -> TokenSet:
        response = self.token_request(params)
        body = _json_or_empty(response)
        if response.status_code != 200 or not isinstance(body, dict) or "access_token" not in body:
            raise TokenError(response)
        self.tokens = TokenSet.from_response(body, self.clock())
        if self.on_token:
            self.on_token(self.tokens.access_token)
            self.on_token(self.tokens.refresh_token)
        return self.tokens

    def exchange_code(self, code: str, request: AuthorizationRequest) -> TokenSet:
        return self._tokens(request.redemption(code))

    def client_credentials(self, scope: str | None = None) -> TokenSet:
        scope = scope if scope is not None else self.config.scope
        return self._tokens({"grant_type": "client_credentials", **({"scope": scope} if scope else {})})

    def refresh(self, scope: str | None = None) -> TokenSet:
        if not self.tokens or not self.tokens.refresh_token:
            raise OAuthClientError("no refresh token to refresh with")
        params = {"grant_type": "refresh_token", "refresh_token": self.tokens.refresh_token}
        return self._tokens({**params, **({"scope": scope} if scope else {})})

    # -- using the token (RFC 6750 §2.1) -------------------------------------------------------------------

    def access_token(self) -> str:
        """The current access token, refreshed first if it expires within REFRESH_MARGIN."""
        if self.tokens is None:
            if "client_credentials" not in self.config.grant_types or self.config.is_public:
                raise OAuthClientError("no access token yet: run the authorization code flow first")
            self.client_credentials()
        elif self.tokens.expires_within(REFRESH_MARGIN, self.clock()):
            self._renew()
        return self.tokens.access_token

    def _renew(self) -> None:
        if self.tokens and self.tokens.refresh_token:
            self.refresh()
        elif "client_credentials" in self.config.grant_types and not self.config.is_public:
            self.client_credentials()
        else:
            raise OAuthClientError("the access token expired and there is no way to renew it")

    def request(self, method: str, url: str, **kwargs) -> requests.Response:
        """A request with the bearer token; after a 401, one retry with a renewed token."""
        response = self._send(method, url, self.access_token(), **kwargs)
        if response.status_code != 401:
            return response
        self._renew()
        response = self._send(method, url, self.tokens.access_token, **kwargs)
        if response.status_code == 401:
            raise Unauthorized(url, response)
        return response

    def get(self, url: str, **kwargs) -> requests.Response:
        return self.request("GET", url, **kwargs)

    def _send(self, method: str, url: str, token: str, **kwargs) -> requests.Response:
        headers = {**kwargs.pop("headers", {}), "Authorization": f"Bearer {token}"}
        return self.session.request(method, url, headers=headers, **kwargs)
