"""The oauthlib side of the server, built once at start-up.

oauthlib supplies the grant types' request validation (RFC 6749 §4.4 for now);
we supply the validator (storage and policy), the token handler (RFC 9068
JWTs), and our own error rendering. Nothing here runs per request.
"""

from oauthlib.oauth2 import ClientCredentialsGrant, TokenEndpoint

from .tokens import AccessTokenIssuer
from .validator import Validator


def token_endpoint(validator: Validator, issuer: AccessTokenIssuer) -> TokenEndpoint:
    grant_types = {"client_credentials": ClientCredentialsGrant(validator)}
    return TokenEndpoint(default_grant_type=None, default_token_type=issuer, grant_types=grant_types)


GRANT_TYPES_SUPPORTED = ("client_credentials",)
