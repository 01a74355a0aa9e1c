"""The pushed authorization request endpoint, `POST /oauth2/par` (RFC 9126 §2).

A client posts the parameters of an authorization request here, authenticated,
and gets a `request_uri` to send the user's browser to the authorization
endpoint with. The checks run in this order, each an `OAuthError` answered as
JSON (RFC9126-2.3: the error response of RFC 6749 §5.2; never a redirect, even
for a bad redirect URI, since no user is here to see one):
  1. RFC9126-2: the method is POST (the route table answers 405 otherwise); the
     body a well-formed form, no parameter repeated but `resource` (RFC 8707 §2).
  2. RFC9126-2.1 MUST NOT: no `request_uri` in the body (nor a `request` object,
     which this server does not read).
  3. RFC9126-2 MUST: the client authenticates as at the token endpoint (oauthlib's
     code grant over our validator: a secret, a client assertion, or a public
     client's client_id); a `client_id` in the body is the authenticated client's.
  4. RFC9126-2.1 MUST: the request is validated as an authorization request
     would be (oauthlib over our validator: redirect URI registered, response
     type, the grant allowed, scope, PKCE), then the resources (RFC 8707) and the
     OpenID Connect parameters (OIDC Core §3.1.2.2).
  5. RFC9126-2.2: the request is stored, bound to the client, and answered 201
     with `request_uri` and `expires_in`, no-store.
The authorization endpoint validates the pushed parameters again when they are
used (RFC9126-4 MUST): a client paused or a redirect URI removed meanwhile counts.
"""

import json
from urllib.parse import urlencode

from oauthlib.common import Request as OAuthlibRequest
from oauthlib.oauth2 import OAuth2Error
from webob import Request, Response

from ..clock import Clock
from ..config import Settings
from ..errors import ERRORS, OAuthError
from ..form import read_form_and_repeats
from ..policy import oidc_core_authentication, oidc_core_scopes, rfc9126_par, secrets
from ..resources import Resources
from ..responses import NO_STORE, json_response
from ..store import Store
from ..store.records import PushedRequest

PATH = "/oauth2/par"
RESOURCE = "resource"
# Client authentication, read by the validator; not part of the authorization request.
CREDENTIALS = ("client_secret", "client_assertion_type", "client_assertion")


class PushedAuthorizationEndpoint:
    def __init__(self, code_grant, authorization, store: Store, settings: Settings, clock: Clock, resources: Resources):
        self.code_grant = code_grant  # oauthlib's grant, over our validator: client authentication
        self.authorization = authorization  # oauthlib's authorization endpoint: the request's checks
        self.store = store
        self.settings = settings
        self.clock = clock
        self.resources = resources
        issuer = settings.issuer.rstrip("/")
        self.url = issuer + PATH
        self.authorization_url = issuer + "/oauth2/authorize"

    def __call__(self, request: Request) -> Response:
        params, named = read_form_and_repeats(request, self.settings.max_body_bytes, RESOURCE)
        problem = rfc9126_par.refused_in_push(params)
        if problem:
            raise OAuthError("invalid_request", problem)
        client = self._authenticated(request, params)
        pairs = [(name, value) for name, value in params.items() if name not in CREDENTIALS]
        pairs = [pair for pair in pairs if pair[0] != "client_id"] + [("client_id", client.client_id)]
        pairs += [(RESOURCE, uri) for uri in named]
        self._validate(pairs, named, params)
        request_uri = rfc9126_par.new_request_uri()
        now = self.clock.now()
        self.store.add_pushed_request(
            PushedRequest(
                secrets.hash_secret(request_uri), client.client_id, tuple(pairs), now, now + self.settings.par_ttl
            )
        )
        body = {"request_uri": request_uri, "expires_in": self.settings.par_ttl}
        return json_response(json.dumps(body).encode(), 201, NO_STORE)

    def _authenticated(self, request: Request, params: dict[str, str]):
        """Step 3, by oauthlib's grant over our validator, as at the token endpoint."""
        authorization = request.headers.get("Authorization")
        asked = OAuthlibRequest(
            self.url,
            http_method="POST",
            body=list(params.items()),
            headers={"Authorization": authorization} if authorization else {},
        )
        try:
            self.code_grant.validate_client_authentication(asked)
        except OAuth2Error as error:
            raise OAuthError(_known(error.error), error.description) from None
        return asked.client

    def _validate(self, pairs: list[tuple[str, str]], named: list[str], params: dict[str, str]) -> None:
        """Step 4: as the authorization endpoint validates, every error as JSON."""
        uri = self.authorization_url + "?" + urlencode(pairs)
        try:
            scopes, _ = self.authorization.validate_authorization_request(uri, http_method="GET")
        except OAuth2Error as error:  # FatalClientError too: here it is answered, not shown
            raise OAuthError(_known(error.error), error.description) from None
        self.resources.target(named, tuple(scopes))
        if oidc_core_scopes.is_authentication(scopes):
            oidc_core_authentication.read(params)


def _known(error: str) -> str:
    return error if error in ERRORS else "invalid_request"
