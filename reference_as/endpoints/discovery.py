"""What the server publishes about itself: the JWKS (RFC 7517) and the
authorization server metadata (RFC 8414).

The metadata document is built here rather than by oauthlib's
`MetadataEndpoint`, which refuses an `http` issuer behind a process-wide
switch; our configuration already allows http on loopback only.
Both documents are public and may be cached briefly.
"""

import json

from webob import Request, Response

from .. import client_auth
from ..config import Settings
from ..keys import Keyring
from ..policy import rfc7636_pkce
from ..responses import json_response

WELL_KNOWN = "/.well-known/oauth-authorization-server"


def metadata(settings: Settings, grant_types: tuple[str, ...]) -> dict:
    """RFC 8414 §2: every field that applies to this server."""
    issuer = settings.issuer.rstrip("/")
    return {
        "issuer": settings.issuer,
        "authorization_endpoint": issuer + "/oauth2/authorize",
        "token_endpoint": issuer + "/oauth2/token",
        "jwks_uri": issuer + "/oauth2/jwks",
        "scopes_supported": list(settings.scopes),
        "response_types_supported": ["code"],
        "response_modes_supported": ["query"],
        "grant_types_supported": list(grant_types),
        "token_endpoint_auth_methods_supported": list(client_auth.METHODS_SUPPORTED),
        # RFC 7636 §6.2 (registered by RFC 8414 §2)
        "code_challenge_methods_supported": list(rfc7636_pkce.methods_allowed(settings.pkce_allow_plain)),
        # RFC 9207 §3: the authorization response carries `iss`.
        "authorization_response_iss_parameter_supported": True,
        # RFC 7009 (registered by RFC 8414 §2): public clients revoke with their client_id.
        "revocation_endpoint": issuer + "/oauth2/revoke",
        "revocation_endpoint_auth_methods_supported": [*client_auth.METHODS_SUPPORTED, "none"],
        # RFC 7662 §4: introspection needs an authenticated (confidential) client.
        "introspection_endpoint": issuer + "/oauth2/introspect",
        "introspection_endpoint_auth_methods_supported": list(client_auth.METHODS_SUPPORTED),
        # RFC 8628 §4: where a device asks for its codes.
        "device_authorization_endpoint": issuer + "/oauth2/device_authorization",
    }


def _json(body: bytes, max_age: int) -> Response:
    return json_response(body, headers={"Cache-Control": f"public, max-age={max_age}"})


class MetadataEndpoint:
    def __init__(self, document: dict):
        self.body = json.dumps(document, indent=2).encode()

    def __call__(self, request: Request) -> Response:
        return _json(self.body, 3600)


class JwksEndpoint:
    def __init__(self, keyring: Keyring):
        self.keyring = keyring

    def __call__(self, request: Request) -> Response:
        # A short cache, and a new key is published this long before it signs (keys.py).
        return _json(json.dumps(self.keyring.jwks(), indent=2).encode(), self.keyring.settings.jwks_max_age)
