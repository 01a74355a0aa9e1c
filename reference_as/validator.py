"""oauthlib's `RequestValidator`: every storage and policy question it asks, answered.

Each method is short: it names the clause it answers and delegates to the
store or to a policy module. Errors we raise here (`OAuthError`) pass through
oauthlib unchanged and are rendered by `errors.render`.
"""

from oauthlib.oauth2 import RequestValidator

from . import client_auth
from .config import Settings
from .errors import OAuthError
from .policy import rfc6749_scope
from .store import Store


class Validator(RequestValidator):
    def __init__(self, store: Store, settings: Settings):
        self.store = store
        self.settings = settings

    # -- RFC 6749 §2.3 client authentication ----------------------------------------

    def authenticate_client(self, request, *args, **kwargs) -> bool:
        """RFC6749-2.3.1: the client proves itself with its secret (Basic or body)."""
        credentials = client_auth.presented(
            request.headers.get("Authorization"), request.client_id, request.client_secret
        )
        client = client_auth.authenticate(credentials, self.store)
        if not client.is_active:
            raise OAuthError("unauthorized_client", "The client is paused; an administrator can resume it.")
        request.client, request.client_id = client, client.client_id
        return True

    # -- RFC 6749 §4.4 and §5.2 grant type --------------------------------------------

    def validate_grant_type(self, client_id, grant_type, client, request, *args, **kwargs) -> bool:
        """RFC6749-5.2 unauthorized_client: the client may use only its allowed grant types."""
        return grant_type in client.grant_types

    # -- RFC 6749 §3.3 scope ----------------------------------------------------------

    def get_default_scopes(self, client_id, request, *args, **kwargs) -> list[str]:
        """RFC6749-3.3: with no scope requested, the client's allowed scopes."""
        return list(rfc6749_scope.default_scopes(request.client.scopes, self.settings.one_scope_per_request))

    def validate_scopes(self, client_id, scopes, client, request, *args, **kwargs) -> bool:
        """RFC6749-3.3: refuse a scope the client is not allowed (invalid_scope)."""
        problem = rfc6749_scope.problem(tuple(scopes), client.scopes, self.settings.one_scope_per_request)
        if problem:
            raise OAuthError("invalid_scope", problem)
        return True

    # -- tokens -----------------------------------------------------------------------

    def save_token(self, token, request, *args, **kwargs) -> None:
        """Nothing left to do: `tokens.AccessTokenIssuer` records each token as it mints it."""
