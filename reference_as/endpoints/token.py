"""The token endpoint, `POST /oauth2/token` (RFC 6749 §3.2).

The checks run in this order, each raising `OAuthError`:
  1. RFC6749-3.2 MUST: the method is POST (the route table answers 405 otherwise).
  2. The body is a well-formed form with no repeated parameter but `resource`
     (RFC 8707 §2 lets a client name several) and nothing in the query string
     (`form.read_form_and_repeats`: RFC6749-3.2, RFC6749-2.3.1).
  3. RFC6749-4.4.2 / 4.1.3: `grant_type` is present (invalid_request) and one we
     support (unsupported_grant_type).
  4. RFC 9449 §5: a `DPoP` proof, if sent, is checked (`dpop.DPoPProofs`: invalid_dpop_proof,
     use_dpop_nonce) and its key thumbprint handed on with the resources, to bind the tokens.
  5. oauthlib runs the grant: client authentication (`validator.authenticate_client`),
     the client's allowed grant types, scope; then our issuer mints the token for
     the resources named (handed over as oauthlib's `extra_credentials`).
The success response (RFC 6749 §5.1) is JSON with `Cache-Control: no-store`
and `Pragma: no-cache`.
"""

from webob import Request, Response

from ..dpop import DPoPProofs
from ..errors import OAuthError
from ..form import read_form_and_repeats
from .protocol import call_oauthlib

RESOURCE = "resource"


class TokenEndpoint:
    def __init__(self, oauthlib_endpoint, grant_types: tuple[str, ...], max_body_bytes: int, dpop: DPoPProofs):
        self.oauthlib_endpoint = oauthlib_endpoint
        self.grant_types = grant_types
        self.max_body_bytes = max_body_bytes
        self.dpop = dpop

    def __call__(self, request: Request) -> Response:
        params, resources = read_form_and_repeats(request, self.max_body_bytes, RESOURCE)
        grant_type = params.get("grant_type")
        if grant_type is None:
            raise OAuthError("invalid_request", "The grant_type parameter is missing.")
        if grant_type not in self.grant_types:
            raise OAuthError("unsupported_grant_type", f"This server does not support the grant type {grant_type!r}.")
        proof = self.dpop.accept(request)
        credentials = {"resources": resources, "dpop_jkt": proof.jkt if proof else None}
        return call_oauthlib(request, params, self.oauthlib_endpoint.create_token_response, credentials=credentials)
