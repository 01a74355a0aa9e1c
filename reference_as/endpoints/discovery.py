"""What the server publishes about itself: the JWKS (RFC 7517) and the
authorization server metadata (RFC 8414), which is also the OpenID Provider
metadata (OpenID Connect Discovery 1.0 §3).

One document answers at both addresses, `/.well-known/oauth-authorization-server`
(RFC 8414 §3) and `/.well-known/openid-configuration` (Discovery §4), so the
two can never disagree: RFC 8414 §2 registers the fields they share with the
same meaning, and Discovery's own (`userinfo_endpoint`, `subject_types_supported`,
`id_token_signing_alg_values_supported`, …) are simply more fields. Discovery
§4.3 / RFC 8414 §3.3: `issuer` is exactly the issuer the document was fetched for.

The metadata document is built here rather than by oauthlib's
`MetadataEndpoint`, which refuses an `http` issuer behind a process-wide
switch; our configuration already allows http on loopback only. It lists the
protected resources (RFC 9728 §4) as they are when asked, so a resource an
administrator adds appears at once. Both documents are public and may be
cached briefly.
"""

import json

from webob import Request, Response

from .. import client_auth
from ..client_assertions import ALGORITHMS_SUPPORTED
from ..config import OFF, Settings
from ..keys import Keyring
from ..policy import oidc_core_authentication, oidc_core_claims, rfc7636_pkce, rfc9449_dpop
from ..policy.rfc7523_client_assertion import SECRET_ALGORITHMS
from ..resources import Resources
from ..responses import json_response

WELL_KNOWN = "/.well-known/oauth-authorization-server"
OPENID_CONFIGURATION = "/.well-known/openid-configuration"


def metadata(settings: Settings, grant_types: tuple[str, ...]) -> dict:
    """RFC 8414 §2 and OpenID Connect Discovery §3: every field that applies to this server."""
    issuer = settings.issuer.rstrip("/")
    methods = client_auth.methods_supported(settings)
    algorithms = (*ALGORITHMS_SUPPORTED, *(SECRET_ALGORITHMS if settings.client_secret_jwt else ()))
    return {
        "issuer": settings.issuer,
        "authorization_endpoint": issuer + "/oauth2/authorize",
        "token_endpoint": issuer + "/oauth2/token",
        "jwks_uri": issuer + "/oauth2/jwks",
        "scopes_supported": list(settings.scopes),
        "response_types_supported": ["code"],
        "response_modes_supported": ["query"],
        "grant_types_supported": list(grant_types),
        "token_endpoint_auth_methods_supported": list(methods),
        # RFC 8414 §2 / RFC 7523: the algorithms of the client assertions verified.
        "token_endpoint_auth_signing_alg_values_supported": list(algorithms),
        # RFC 9126 §5: where requests are pushed, and whether every client must push them.
        "pushed_authorization_request_endpoint": issuer + "/oauth2/par",
        "require_pushed_authorization_requests": settings.require_pushed_authorization_requests,
        # RFC 7636 §6.2 (registered by RFC 8414 §2)
        "code_challenge_methods_supported": list(rfc7636_pkce.methods_allowed(settings.pkce_allow_plain)),
        # RFC 9449 §5.1: DPoP proofs are accepted, signed with these.
        "dpop_signing_alg_values_supported": list(rfc9449_dpop.SIGNING_ALGORITHMS),
        # RFC 9207 §3: the authorization response carries `iss`.
        "authorization_response_iss_parameter_supported": True,
        # RFC 7009 (registered by RFC 8414 §2): public clients revoke with their client_id.
        "revocation_endpoint": issuer + "/oauth2/revoke",
        "revocation_endpoint_auth_methods_supported": [*methods, "none"],
        # RFC 7662 §4: introspection needs an authenticated (confidential) client.
        "introspection_endpoint": issuer + "/oauth2/introspect",
        "introspection_endpoint_auth_methods_supported": list(methods),
        "revocation_endpoint_auth_signing_alg_values_supported": list(algorithms),
        "introspection_endpoint_auth_signing_alg_values_supported": list(algorithms),
        # RFC 8628 §4: where a device asks for its codes.
        "device_authorization_endpoint": issuer + "/oauth2/device_authorization",
        # OpenID Connect Discovery 1.0 §3
        "userinfo_endpoint": issuer + "/oauth2/userinfo",
        "subject_types_supported": ["public"],  # REQUIRED: every client sees the same sub
        # REQUIRED; "RS256 MUST be included": it is unless signing_alg chooses another (README).
        "id_token_signing_alg_values_supported": [settings.signing_alg],
        "claims_supported": [
            "sub",
            "iss",
            "aud",
            "exp",
            "iat",
            "auth_time",
            "nonce",
            "at_hash",
            *oidc_core_claims.claim_names(),
        ],
        "claim_types_supported": ["normal"],
        "claims_parameter_supported": False,
        "request_parameter_supported": False,
        "request_uri_parameter_supported": False,  # its default is true: say no
        # OpenID Connect Prompt Create 1.0 §4.1 registers it; the values of Core §3.1.2.1 we act on.
        "prompt_values_supported": list(oidc_core_authentication.PROMPTS),
        # OpenID Connect RP-Initiated Logout 1.0 §2.1
        "end_session_endpoint": issuer + "/oauth2/logout",
        # RFC 7591 §3 (registered by RFC 8414 §2), unless registration is off.
        **({"registration_endpoint": issuer + "/oauth2/register"} if settings.registration_policy != OFF else {}),
        # The Client ID Metadata Document draft's § Authorization Server Metadata.
        "client_id_metadata_document_supported": settings.metadata_documents,
    }


def _json(body: bytes, max_age: int) -> Response:
    return json_response(body, headers={"Cache-Control": f"public, max-age={max_age}"})


class MetadataEndpoint:
    def __init__(self, document: dict, resources: Resources):
        self.document = document
        self.resources = resources

    def __call__(self, request: Request) -> Response:
        # RFC 9728 §4: the protected resources this server issues tokens for.
        document = {**self.document, "protected_resources": list(self.resources.known())}
        return _json(json.dumps(document, indent=2).encode(), 3600)


class JwksEndpoint:
    def __init__(self, keyring: Keyring):
        self.keyring = keyring

    def __call__(self, request: Request) -> Response:
        # A short cache, and a new key is published this long before it signs (keys.py).
        return _json(json.dumps(self.keyring.jwks(), indent=2).encode(), self.keyring.settings.jwks_max_age)
