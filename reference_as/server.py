"""The oauthlib side of the server, built once at start-up.

oauthlib supplies each grant type's request validation (RFC 6749 §4.1, §4.4,
§6; RFC 7636; RFC 8628 §3.4); we supply the validator (storage and policy), the token handler
(RFC 9068 JWTs), 256-bit codes, the PKCE methods we accept, and our own error
rendering. Nothing here runs per request.
"""

from oauthlib.oauth2 import (
    AuthorizationCodeGrant,
    AuthorizationEndpoint,
    ClientCredentialsGrant,
    IntrospectEndpoint,
    RefreshTokenGrant,
    RevocationEndpoint,
    TokenEndpoint,
)
from oauthlib.oauth2.rfc8628.grant_types import DeviceCodeGrant

from .config import Settings
from .errors import OAuthError
from .policy import rfc7636_pkce, rfc8628_device, rfc9449_dpop, secrets
from .tokens import TokenIssuer
from .validator import Validator


class CodeGrant(AuthorizationCodeGrant):
    """oauthlib's authorization code grant with two corrections:
    - codes are 256-bit random (oauthlib's are 30 characters of [A-Za-z0-9], ~178 bits);
    - PKCE methods are ours: S256, and plain only when allowed. oauthlib reads a
      missing code_challenge_method as plain, so with plain refused such a
      request is refused too (RFC 7636 §4.3, RFC 9700 §2.1.1)."""

    def __init__(self, validator: Validator, allow_plain: bool):
        super().__init__(validator, pre_auth=[check_challenge_syntax, check_dpop_jkt_syntax])
        self._code_challenge_methods = {
            method: (lambda verifier, challenge, method=method: rfc7636_pkce.matches(verifier, challenge, method))
            for method in rfc7636_pkce.methods_allowed(allow_plain)
        }

    def create_authorization_code(self, request) -> dict:
        grant = {"code": secrets.new_secret()}
        if request.state:
            grant["state"] = request.state
        return grant


def check_challenge_syntax(request) -> dict:
    """RFC7636-4.2: a code_challenge is 43 to 128 unreserved characters (runs after the
    client and redirect URI checks, so its error is redirected to the client)."""
    if request.code_challenge is not None and not rfc7636_pkce.well_formed(request.code_challenge):
        raise OAuthError("invalid_request", "The code_challenge must be 43 to 128 characters of A-Z a-z 0-9 - . _ ~.")
    return {}


def check_dpop_jkt_syntax(request) -> dict:
    """RFC9449-10: `dpop_jkt` is a JWK SHA-256 thumbprint, 43 base64url characters (RFC 7638 §3)."""
    jkt = getattr(request, "dpop_jkt", None)
    if jkt is not None and not rfc9449_dpop.well_formed_thumbprint(jkt):
        raise OAuthError("invalid_request", "The dpop_jkt must be a JWK SHA-256 thumbprint: 43 base64url characters.")
    return {}


class OAuthlibEndpoints:
    """The four oauthlib endpoints our HTTP endpoints hand requests to, and the device
    grant, whose client and scope checks the device authorization endpoint runs too."""

    def __init__(self, validator: Validator, issuer: TokenIssuer, settings: Settings):
        code_grant = CodeGrant(validator, settings.pkce_allow_plain)
        self.code_grant = code_grant  # its client authentication serves the PAR endpoint (RFC 9126 §2)
        self.device_grant = DeviceCodeGrant(validator)
        grant_types = {
            "authorization_code": code_grant,
            "client_credentials": ClientCredentialsGrant(validator),
            "refresh_token": RefreshTokenGrant(validator),
            rfc8628_device.GRANT_TYPE: self.device_grant,
        }
        self.authorization = AuthorizationEndpoint(
            default_response_type="code", default_token_type=issuer, response_types={"code": code_grant}
        )
        self.token = TokenEndpoint(default_grant_type=None, default_token_type=issuer, grant_types=grant_types)
        self.revocation = RevocationEndpoint(validator)
        self.introspection = IntrospectEndpoint(validator)
