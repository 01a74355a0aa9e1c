"""Resources protected by a bearer access token (RFC 6750): the sample `GET /api/me`,
to develop clients against, and OpenID Connect's UserInfo (`endpoints/userinfo.py`).

The token comes in the `Authorization: Bearer` header (RFC 6750 §2.1); a
resource that takes POST may also take it in the form body (§2.2), never both
(RFC6750-2 MUST NOT use more than one method). The URI query method (§2.3) is
refused outright: tokens in URLs leak into logs and `Referer` headers
(RFC 6750 §5.3, RFC 9700 §4.3.2).

The token is checked by `access_tokens.AccessTokenValidator` (the same code
the introspection endpoint uses), with the resource's identifier as the
audience (RFC 8707: a token asked for another resource is refused), then the
scope. `/api/me` describes itself at its RFC 9728 metadata URL, which each of
its challenges names (`resource_metadata`, RFC 9728 §5.1). The answers (RFC 6750 §3.1):
  - no credentials at all: 401 with a bare `Bearer realm` challenge;
  - a malformed request (token in the query, several tokens): 400 invalid_request;
  - an invalid, expired, revoked or forged token: 401 invalid_token;
  - a valid token without the resource's scope: 403 insufficient_scope, naming the scope.
Every answer is `Cache-Control: no-store` and every refusal carries the `Bearer` challenge.

DPoP (RFC 9449 §7): a token bound to a key (`cnf.jkt`) comes as `Authorization: DPoP
<token>` with a proof (`dpop.DPoPProofs`) whose `ath` is the token's hash and whose key
is the bound one (RFC9449-7.1 MUST); a bound token sent as Bearer, or with another key's
proof, is refused (RFC9449-7.1), and so is a bearer token sent as DPoP. Those refusals
answer 401 with a `DPoP` challenge listing the accepted algorithms (`algs`), with
`invalid_token`, `invalid_dpop_proof` or `use_dpop_nonce` (and a `DPoP-Nonce` header).
"""

import json
from collections.abc import Callable

from webob import Request, Response

from ..access_tokens import AccessTokenValidator, InvalidToken
from ..bearer import BEARER, DPOP, authorization_scheme, authorization_token, bearer_token
from ..dpop import DPoPProofs
from ..errors import OAuthError, bearer_challenge, dpop_challenge, render
from ..form import FORM, read_form
from ..policy import rfc9449_dpop as rfc9449
from ..responses import NO_STORE, json_response
from ..store import Store

REALM = "reference-as"
NO_TOKEN = "This resource needs a bearer access token in the Authorization header (RFC 6750 §2.1)."


def me(store: Store) -> Callable[[dict], dict]:
    """`/api/me`: who the token is about and for whom it was issued."""

    def answer(claims: dict) -> dict:
        user = store.get_user(claims["sub"])
        return {
            "sub": claims["sub"],
            "client_id": claims["client_id"],
            "scope": claims.get("scope", ""),
            "username": user.username if user else None,
        }

    return answer


class ProtectedResource:
    """`answer` turns a valid token's claims into the JSON body, or raises OAuthError;
    `resource` is the audience the token must name; `metadata_url`, if any, its RFC 9728
    metadata, named in every challenge."""

    def __init__(
        self,
        validator: AccessTokenValidator,
        dpop: DPoPProofs,
        required_scope: str,
        answer: Callable[[dict], dict],
        resource: str,
        metadata_url: str | None = None,
        max_body_bytes: int = 0,
    ):
        self.validator = validator
        self.dpop = dpop
        self.required_scope = required_scope
        self.answer = answer
        self.resource = resource
        self.metadata_url = metadata_url
        self.max_body_bytes = max_body_bytes  # 0: no form-body token (RFC 6750 §2.2)

    def __call__(self, request: Request) -> Response:
        scheme = DPOP if authorization_scheme(request) == DPOP else BEARER
        try:
            token = authorization_token(request, DPOP) if scheme == DPOP else self._bearer_token(request)
            if token is None:
                # RFC6750-3 SHOULD NOT: no error code in the challenge when no credentials came.
                return self._refuse(OAuthError("invalid_request", NO_TOKEN, status=401), name_the_error=False)
            claims = self._validate(token)
            if scheme == DPOP or rfc9449.bound_key(claims):
                scheme = DPOP  # a refusal from here on challenges with DPoP
                self._check_proof(request, token, claims)
            body = self.answer(claims)
        except OAuthError as error:
            return self._refuse(error, scheme=scheme)
        return json_response(json.dumps(body).encode(), headers=NO_STORE)

    def _check_proof(self, request: Request, token: str, claims: dict) -> None:
        """RFC9449-7.1: a bound token, sent as DPoP, with a proof of its key for this request."""
        jkt = rfc9449.bound_key(claims)
        if jkt is None:
            raise OAuthError("invalid_token", "This token is not DPoP-bound: send it with the Bearer scheme.")
        if authorization_scheme(request) != DPOP:
            raise OAuthError("invalid_token", "This token is DPoP-bound: send it as Authorization: DPoP with a proof.")
        try:
            proof = self.dpop.accept(request, access_token=token, jkt=jkt)
        except OAuthError as error:
            raise OAuthError(error.error, error.description, status=401, headers=error.headers) from None
        if proof is None:
            raise OAuthError("invalid_dpop_proof", "A DPoP-bound token needs a DPoP proof header.", status=401)

    def _bearer_token(self, request: Request) -> str | None:
        if "access_token" in request.GET:
            # RFC6750-2.3: allowed by the RFC, refused here (RFC 9700 §4.3.2 advice).
            raise OAuthError("invalid_request", "Send the access token in the Authorization header, not the URL.")
        in_body = self._body_token(request)
        in_header = bearer_token(request)
        if in_header is not None and in_body is not None:
            raise OAuthError("invalid_request", "Send the access token once: in the header or in the body.")
        return in_header or in_body  # None: no credentials we understand, a bare challenge (RFC6750-3)

    def _body_token(self, request: Request) -> str | None:
        """RFC6750-2.2: `access_token` in a form-encoded POST body, where the resource takes one."""
        if not self.max_body_bytes or request.method != "POST" or request.content_type != FORM:
            return None
        return read_form(request, self.max_body_bytes).get("access_token")

    def _validate(self, token: str) -> dict:
        try:
            valid = self.validator.validate(token, audience=self.resource)
        except InvalidToken as reason:
            raise OAuthError("invalid_token", str(reason)) from None
        # RFC6750-3.1: insufficient_scope names the scope needed.
        if self.required_scope not in valid.scopes:
            raise OAuthError("insufficient_scope", f"This resource needs the scope {self.required_scope}.")
        return valid.claims

    def _refuse(self, error: OAuthError, name_the_error: bool = True, scheme: str = BEARER) -> Response:
        response = render(error)
        if scheme == DPOP:
            response.headers["WWW-Authenticate"] = dpop_challenge(rfc9449.challenge_algorithms(), error)
            return response
        scope = self.required_scope if error.error == "insufficient_scope" else None
        response.headers["WWW-Authenticate"] = bearer_challenge(
            REALM, error if name_the_error else None, scope, resource_metadata=self.metadata_url
        )
        return response


class ResourceMetadataEndpoint:
    """RFC 9728 §3: the resource's metadata document, public, briefly cacheable."""

    def __init__(self, document: dict):
        self.body = json.dumps(document, indent=2).encode()

    def __call__(self, request: Request) -> Response:
        return json_response(self.body, headers={"Cache-Control": "public, max-age=3600"})
