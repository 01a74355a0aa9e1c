"""OAuth error responses: one table of codes, one renderer.

Every error the server sends goes through `render`, so the rules that apply to
all of them are kept in one place:
- the body is JSON with `error` and a readable `error_description`
  (RFC 6749 §5.2);
- the status comes from the table below (400 unless the RFC says otherwise);
- `Cache-Control: no-store` and `Pragma: no-cache` (RFC 6749 §5.1 for token
  responses; errors carry no secrets, but a cache has no business keeping them);
- `invalid_client` answers 401 with `WWW-Authenticate: Basic`: RFC 6749 §5.2
  asks for the scheme the client used, and Basic is the only HTTP scheme this
  server accepts. (oauthlib would send `Bearer` here; we correct it.)
Internal detail (tracebacks, SQL) is logged by the caller, never sent.
"""

import json
from dataclasses import dataclass

from webob import Response

from .responses import NO_STORE, json_response


@dataclass(frozen=True)
class ErrorCode:
    status: int
    reference: str
    default_description: str


ERRORS = {
    # RFC 6749 §5.2, token endpoint
    "invalid_request": ErrorCode(400, "RFC 6749 §5.2", "The request is missing a parameter or is malformed."),
    "invalid_client": ErrorCode(401, "RFC 6749 §5.2", "Client authentication failed."),
    "invalid_grant": ErrorCode(400, "RFC 6749 §5.2", "The grant is invalid, expired or revoked."),
    "unauthorized_client": ErrorCode(400, "RFC 6749 §5.2", "The client is not allowed to use this grant type."),
    "unsupported_grant_type": ErrorCode(400, "RFC 6749 §5.2", "The grant type is not supported."),
    "invalid_scope": ErrorCode(400, "RFC 6749 §5.2", "The requested scope is invalid or not allowed."),
    # RFC 6749 §4.1.2.1, authorization endpoint
    "access_denied": ErrorCode(400, "RFC 6749 §4.1.2.1", "The resource owner denied the request."),
    "unsupported_response_type": ErrorCode(400, "RFC 6749 §4.1.2.1", "The response type is not supported."),
    "server_error": ErrorCode(500, "RFC 6749 §4.1.2.1", "The server met an unexpected condition."),
    "temporarily_unavailable": ErrorCode(503, "RFC 6749 §4.1.2.1", "The server is temporarily unavailable."),
    # RFC 6750 §3.1, protected resources
    "invalid_token": ErrorCode(401, "RFC 6750 §3.1", "The access token is invalid, expired or revoked."),
    "insufficient_scope": ErrorCode(403, "RFC 6750 §3.1", "The access token lacks the required scope."),
    # RFC 8628 §3.5, token endpoint: the device's polling
    "authorization_pending": ErrorCode(400, "RFC 8628 §3.5", "The user has not yet approved or denied the request."),
    "slow_down": ErrorCode(400, "RFC 8628 §3.5", "Polling too fast: wait 5 seconds longer between polls."),
    "expired_token": ErrorCode(400, "RFC 8628 §3.5", "The device code has expired; start a new device request."),
    # OpenID Connect Core 1.0 §3.1.2.6, authentication errors (redirected like the above)
    "login_required": ErrorCode(400, "OIDC Core §3.1.2.6", "The user must sign in; prompt=none forbids a page."),
    "consent_required": ErrorCode(400, "OIDC Core §3.1.2.6", "The user must consent; prompt=none forbids a page."),
    "request_not_supported": ErrorCode(400, "OIDC Core §3.1.2.6", "The request parameter is not supported."),
    "request_uri_not_supported": ErrorCode(400, "OIDC Core §3.1.2.6", "The request_uri parameter is not supported."),
    "registration_not_supported": ErrorCode(400, "OIDC Core §3.1.2.6", "The registration parameter is not supported."),
    # RFC 9126 §4 (the error RFC 9101 §6.2 registers): a request_uri that cannot be used
    "invalid_request_uri": ErrorCode(400, "RFC 9101 §6.2", "The request_uri is unknown, expired or used."),
    # RFC 9449 §5 and §8, token endpoint (at resources they answer 401 with a DPoP challenge, §7.1)
    "invalid_dpop_proof": ErrorCode(400, "RFC 9449 §5", "The DPoP proof is invalid."),
    "use_dpop_nonce": ErrorCode(400, "RFC 9449 §8", "The DPoP proof must carry the nonce the server provides."),
    # RFC 7009 §2.2.1
    "unsupported_token_type": ErrorCode(400, "RFC 7009 §2.2.1", "The token type is not supported."),
    # RFC 8707 §2, authorization and token endpoints
    "invalid_target": ErrorCode(400, "RFC 8707 §2", "The requested resource is invalid, unknown or not allowed."),
    # RFC 7591 §3.2.2, client registration
    "invalid_redirect_uri": ErrorCode(400, "RFC 7591 §3.2.2", "A redirect URI of the registration is not allowed."),
    "invalid_client_metadata": ErrorCode(400, "RFC 7591 §3.2.2", "A field of the client metadata is not allowed."),
}

BASIC_CHALLENGE = 'Basic realm="reference-as", charset="UTF-8"'


class OAuthError(Exception):
    """An error that is its own response. Raise it anywhere below an endpoint."""

    def __init__(self, error: str, description: str | None = None, *, status: int | None = None, headers=None):
        code = ERRORS[error]
        super().__init__(description or code.default_description)
        self.error = error
        self.description = description or code.default_description
        self.status = status or code.status
        self.headers = dict(headers or {})


def render(error: OAuthError) -> Response:
    """The JSON error response of RFC 6749 §5.2, with the headers every error needs."""
    headers = {**NO_STORE, **error.headers}
    if error.error == "invalid_client":
        headers["WWW-Authenticate"] = BASIC_CHALLENGE
    body = json.dumps({"error": error.error, "error_description": error.description})
    return json_response(body.encode(), error.status, headers)


def bearer_challenge(
    realm: str, error: OAuthError | None = None, scope: str | None = None, resource_metadata: str | None = None
) -> str:
    """RFC 6750 §3: `WWW-Authenticate: Bearer realm=..., error=..., error_description=..., scope=...`.
    With no error (the request carried no token at all) only the realm (RFC6750-3 SHOULD NOT
    include an error code then). RFC 9728 §5.1: `resource_metadata`, where the resource's
    metadata is."""
    params = [("realm", realm)]
    if error is not None:
        params += [("error", error.error), ("error_description", _challenge_text(error.description))]
    if scope:
        params.append(("scope", scope))
    if resource_metadata:
        params.append(("resource_metadata", resource_metadata))
    return _challenge("Bearer", params)


def dpop_challenge(algs: str, error: OAuthError | None = None) -> str:
    """RFC 9449 §7.1: `WWW-Authenticate: DPoP algs=..., error=..., error_description=...`;
    `algs` lists the proof algorithms the resource accepts."""
    params = [("algs", algs)]
    if error is not None:
        params += [("error", error.error), ("error_description", _challenge_text(error.description))]
    return _challenge("DPoP", params)


def _challenge(scheme: str, params: list[tuple[str, str]]) -> str:
    return scheme + " " + ", ".join(f'{name}="{value}"' for name, value in params)


def _challenge_text(text: str) -> str:
    """RFC 6750 §3: error_description is printable ASCII without '"' or '\\'."""
    return "".join(ch if " " <= ch <= "~" and ch not in '"\\' else "?" for ch in text)


def from_oauthlib(body: str) -> OAuthError:
    """oauthlib answers errors as a JSON body; read the code and description back
    so the response is rendered by `render` like every other."""
    fields = json.loads(body)
    error = fields.get("error")
    if error not in ERRORS:
        return OAuthError("server_error")
    return OAuthError(error, fields.get("error_description"))
