"""oauthlib's `RequestValidator`: every storage and policy question it asks, answered.

Each method is short: it names the clause it answers and delegates to the
store or to a policy module. Errors we raise here (`OAuthError`) pass through
oauthlib unchanged and are rendered by our own code: at the token endpoint by
`errors.render`, at the authorization endpoint by a redirect to the client.

oauthlib passes state between its steps on the request object. We add one
attribute to it, `request.presented`: the authorization code, device code or
refresh token the token request presented, read here and spent by `tokens.TokenIssuer` in
the transaction that records what it yields.
"""

import secrets as random
from urllib.parse import urlsplit

from oauthlib.oauth2 import RequestValidator

from . import client_auth
from .access_tokens import AccessTokenValidator, InvalidToken
from .client_assertions import ClientAssertions
from .clock import Clock
from .config import Settings
from .errors import OAuthError
from .policy import (
    oidc_core_scopes,
    rfc6749_redirect,
    rfc6749_scope,
    rfc7636_pkce,
    rfc7662_introspection,
    rfc8628_device,
    rfc9449_dpop,
    rfc9700_refresh,
    secrets,
)
from .policy.rfc9700_refresh import Verdict
from .store import Store
from .store.records import AuthorizationCode, DeviceAuthorization, Grant
from .tokens import PresentedCode, PresentedDeviceCode, PresentedRefreshToken, dpop_jkt

ACCESS, REFRESH = "access_token", "refresh_token"


class Validator(RequestValidator):
    def __init__(
        self,
        store: Store,
        settings: Settings,
        clock: Clock,
        access_tokens: AccessTokenValidator,
        assertions: ClientAssertions,
    ):
        self.store = store
        self.settings = settings
        self.clock = clock
        self.access_tokens = access_tokens
        self.assertions = assertions

    # -- RFC 6749 §2.3 client authentication (token endpoint) -----------------------

    def client_authentication_required(self, request, *args, **kwargs) -> bool:
        """RFC6749-3.2.1 MUST: confidential clients authenticate; a public client
        presents its client_id alone."""
        if request.headers.get("Authorization") or request.client_secret is not None:
            return True
        if _assertion(request) != (None, None):
            return True
        client = self.store.get_client(request.client_id or "")
        return client is None or client.is_confidential

    def authenticate_client(self, request, *args, **kwargs) -> bool:
        """RFC6749-2.3.1: the client proves itself with its secret (Basic or body);
        RFC7523-2.2: or with a JWT it signed (private_key_jwt)."""
        credentials = client_auth.presented(
            request.headers.get("Authorization"), request.client_id, request.client_secret, *_assertion(request)
        )
        # The endpoint's URL under the issuer (how the client knows it), whatever Host was sent.
        endpoint_url = self.settings.issuer.rstrip("/") + urlsplit(request.uri).path
        client = client_auth.authenticate(credentials, self.store, self.assertions, endpoint_url)
        request.client = self._active(client)
        request.client_id = request.client.client_id
        return True

    def authenticate_client_id(self, client_id, request, *args, **kwargs) -> bool:
        """RFC6749-3.2.1: a public client is identified by its client_id."""
        client = self.store.get_client(client_id or "")
        if client is None or client.is_confidential:
            return False
        request.client = self._active(client)
        return True

    @staticmethod
    def _active(client):
        if not client.is_active:
            raise OAuthError("unauthorized_client", "The client is paused; an administrator can resume it.")
        return client

    # -- RFC 6749 §4.1.1 authorization request --------------------------------------

    def validate_client_id(self, client_id, request, *args, **kwargs) -> bool:
        """RFC6749-4.1.2.1: an unknown client_id is shown to the user, never redirected."""
        request.client = self.store.get_client(client_id)
        return request.client is not None

    def validate_redirect_uri(self, client_id, redirect_uri, request, *args, **kwargs) -> bool:
        """RFC6749-3.1.2.3, RFC9700-4.1.3: exact match; RFC8252-7.3: a native app's (a public client's)
        loopback URI may vary the port."""
        client = request.client
        return rfc6749_redirect.registered(redirect_uri, client.redirect_uris, native=not client.is_confidential)

    def get_default_redirect_uri(self, client_id, request, *args, **kwargs) -> None:
        """No default: the request must name its redirect URI (RFC 9700 §2.1 favours
        explicit, exactly matched URIs), so a missing one gets the error page."""
        return None

    def validate_response_type(self, client_id, response_type, client, request, *args, **kwargs) -> bool:
        """RFC6749-4.1.1: response_type is `code`; the client must be allowed the grant."""
        if response_type != "code":
            raise OAuthError("unsupported_response_type", "This server supports response_type=code only.")
        self._active(client)
        if "authorization_code" not in client.grant_types:
            raise OAuthError("unauthorized_client", "The client is not allowed the authorization code grant.")
        return True

    def is_pkce_required(self, client_id, request) -> bool:
        """RFC7636-4.4.1, RFC9700-2.1.1: PKCE for public clients always, for confidential ones by default."""
        client = request.client or self.store.get_client(client_id)
        return client is None or not client.is_confidential or self.settings.pkce_required_for_confidential

    def save_authorization_code(self, client_id, code, request, *args, **kwargs) -> None:
        """RFC6749-4.1.2: the code is stored by its hash, bound to client, redirect URI,
        challenge, user, scope and resources (RFC 8707), and lives `code_ttl` seconds.
        OIDC-3.1.2.1: and to the nonce of an OpenID Connect request, and the time the
        user signed in (`auth_time`, given by the authorization endpoint with the user)."""
        now = self.clock.now()
        openid = oidc_core_scopes.is_authentication(request.scopes)
        self.store.add_code(
            AuthorizationCode(
                code_hash=secrets.hash_secret(code["code"]),
                grant_id=random.token_urlsafe(16),
                client_id=client_id,
                user_id=request.user.user_id,
                redirect_uri=request.redirect_uri,
                scope=" ".join(request.scopes),
                code_challenge=request.code_challenge,
                code_challenge_method=request.code_challenge_method,
                issued_at=now,
                expires_at=now + self.settings.code_ttl,
                nonce=request.nonce if openid else None,
                auth_time=request.auth_time,
                resources=tuple(request.resources),  # RFC 8707: set by the authorization endpoint
                dpop_jkt=getattr(request, "dpop_jkt", None),  # RFC 9449 §10, checked by server.py
            )
        )

    # -- RFC 6749 §4.1.3 access token request -----------------------------------------

    def validate_code(self, client_id, code, client, request, *args, **kwargs) -> bool:
        """RFC6749-4.1.2 MUST: a code used before is refused, and the grant it started
        is revoked. RFC6749-4.1.3 MUST: it was issued to this client and has not
        expired. The code is read here, not spent: it is spent with the recording of
        the tokens, in one transaction (tokens.py), so that a request refused by a
        later check (redirect URI, PKCE) or a failure before the tokens are written
        leaves the code as it was."""
        now = self.clock.now()
        found = self.store.get_code(secrets.hash_secret(code))
        if found is None:
            return False
        if found.used_at is not None:
            self.store.revoke_grant(found.grant_id, now)
            raise OAuthError("invalid_grant", "The authorization code was used before; the tokens it gave are revoked.")
        if found.client_id != client.client_id or found.expires_at <= now:
            return False
        # RFC9449-10 MUST: a code bound to a key (dpop_jkt) is redeemed with a proof of that key.
        if found.dpop_jkt is not None and dpop_jkt(request) != found.dpop_jkt:
            raise OAuthError("invalid_grant", "The code is bound to a DPoP key (dpop_jkt); send a proof made with it.")
        grant = self._new_grant(found, now, request, found.auth_time, found.resources)
        request.presented = PresentedCode(found, grant)
        request.scopes = rfc6749_scope.parse(found.scope)
        return True

    def _new_grant(
        self,
        bound: AuthorizationCode | DeviceAuthorization,
        now: int,
        request,
        auth_time: int | None = None,
        resources: tuple[str, ...] = (),
    ) -> Grant:
        """The grant a code (or an approved device code) will start when it is spent: its
        id, client, user and scope are the code's, its absolute end `grant_max_lifetime` from now;
        `auth_time`: when the user signed in for it (an OpenID Connect code's, OIDC Core §2);
        `resources`: what its tokens are for (an authorization code's, RFC 8707).
        RFC9449-5 MUST: a public client's refresh tokens are bound to the key of the token
        request's DPoP proof; a confidential client's are bound by its authentication instead."""
        return Grant(
            grant_id=bound.grant_id,
            client_id=bound.client_id,
            user_id=bound.user_id,
            scope=bound.scope,
            created_at=now,
            ends_at=now + self.settings.grant_max_lifetime,
            live_until=now,  # set when the tokens are issued
            auth_time=auth_time,
            resources=resources,
            dpop_jkt=rfc9449_dpop.refresh_binding(dpop_jkt(request), request.client.is_confidential),
        )

    def get_code_challenge(self, code, request) -> str | None:
        """RFC9700-4.8.2 MUST: a verifier for a code issued without a challenge is refused
        (PKCE downgrade); RFC7636-4.1: a verifier has 43-128 unreserved characters."""
        verifier = request.code_verifier
        if verifier is not None and request.presented.code.code_challenge is None:
            raise OAuthError(
                "invalid_grant", "A code_verifier was sent, but the authorization request had no code_challenge."
            )
        if verifier is not None and not rfc7636_pkce.well_formed(verifier):
            raise OAuthError(
                "invalid_request", "The code_verifier must be 43 to 128 characters of A-Z a-z 0-9 - . _ ~."
            )
        return request.presented.code.code_challenge

    def get_code_challenge_method(self, code, request) -> str | None:
        return request.presented.code.code_challenge_method

    def confirm_redirect_uri(self, client_id, code, redirect_uri, client, request, *args, **kwargs) -> bool:
        """RFC6749-4.1.3 MUST: redirect_uri equals the authorization request's; a
        difference is invalid_grant (§5.2), not invalid_request."""
        if redirect_uri != request.presented.code.redirect_uri:
            raise OAuthError("invalid_grant", "The redirect_uri differs from the one of the authorization request.")
        return True

    def invalidate_authorization_code(self, client_id, code, request, *args, **kwargs) -> None:
        """Nothing left to do: `tokens.TokenIssuer` spent the code as it recorded the grant."""

    # -- RFC 8628 §3.4-3.5 device access token request ----------------------------------

    def validate_device_code(self, client_id, code, request, *args, **kwargs) -> str | None:
        """RFC8628-3.5: where the device code stands, as oauthlib's status (it raises the
        polling error of each). Checked in this order:
        - unknown, or issued to another client (RFC8628-3.4): None, `invalid_grant`;
          another client's poll changes nothing of the code;
        - spent already: like a replayed authorization code, refused and the grant its
          tokens started is revoked (RFC 6749 §4.1.2);
        - the poll is counted (the interval rule, `store.record_poll`);
        - expired: `expired_token`; dead after too many entries of its user code
          (RFC 8628 §5.1): `expired_token` too, the device must start again;
        - denied: `access_denied`; pending: `authorization_pending`, or `slow_down`
          when the poll came before the interval was up (RFC8628-3.5 MUST);
        - approved: the grant to start is handed on, like a code's, and spent with
          the recording of the tokens, in one transaction (tokens.py)."""
        now = self.clock.now()
        device_code_hash = secrets.hash_secret(code)
        found = self.store.get_device_authorization(device_code_hash)
        if found is None or found.client_id != request.client.client_id:
            return None
        if found.used_at is not None:
            self.store.revoke_grant(found.grant_id, now)
            raise OAuthError("invalid_grant", "The device code was used before; the tokens it gave are revoked.")
        device, too_fast = self.store.record_poll(device_code_hash, now)
        status = rfc8628_device.status(device, now, self.settings.device_code_max_entries)
        if status == rfc8628_device.DEAD:
            raise OAuthError(
                "expired_token", "The user code was entered too many times; start a new device authorization."
            )
        if status == rfc8628_device.PENDING:
            return "slow_down" if too_fast else "authorization_pending"
        if status == rfc8628_device.APPROVED:
            request.presented = PresentedDeviceCode(device, self._new_grant(device, now, request))
            request.scopes = rfc6749_scope.parse(device.scope)
            return "authorized"
        return {rfc8628_device.EXPIRED: "expired_token", rfc8628_device.DENIED: "access_denied"}.get(status)

    # -- RFC 6749 §6 refreshing an access token ---------------------------------------

    def validate_refresh_token(self, refresh_token, client, request, *args, **kwargs) -> bool:
        """RFC 9700 §4.14.2: rotate on use; a rotated token presented again revokes its
        grant. RFC6749-6: bound to the client. The token is read here, not spent: it
        is spent with the recording of its successor, in one transaction (tokens.py),
        so a refused request (a widened scope, say) costs the client nothing."""
        token_hash = secrets.hash_secret(refresh_token)
        now = self.clock.now()
        found = self.store.get_refresh_token(token_hash)
        verdict = rfc9700_refresh.judge(found, client.client_id, now, self.settings.refresh_token_reuse_grace)
        if verdict is Verdict.DEAD:
            return False
        _, grant = found
        if verdict is Verdict.REUSED:
            self.store.revoke_grant(grant.grant_id, now)
            raise OAuthError("invalid_grant", "The refresh token was used before; every token of its grant is revoked.")
        # RFC9449-5 MUST: a bound refresh token comes with a proof of the key it is bound to.
        if grant.dpop_jkt is not None and dpop_jkt(request) != grant.dpop_jkt:
            raise OAuthError("invalid_grant", "The refresh token is bound to a DPoP key; send a proof made with it.")
        request.presented = PresentedRefreshToken(token_hash, grant, grace=verdict is Verdict.GRACE)
        return True

    def get_original_scopes(self, refresh_token, request, *args, **kwargs) -> list[str]:
        """RFC6749-6: the scope granted, limited to what the client may still have:
        an administrator who narrows a client's scopes narrows its grants too
        (RFC 9700 §4.14.2 binds refresh tokens to the client's current authorization)."""
        granted = rfc6749_scope.parse(request.presented.grant.scope)
        current = [scope for scope in granted if scope in request.client.scopes]
        if not current:
            raise OAuthError("invalid_scope", "None of the scopes of this grant is still allowed for the client.")
        return current

    def is_within_original_scope(self, request_scopes, refresh_token, request, *args, **kwargs) -> bool:
        return False

    # -- RFC 6749 §4.4 and §5.2 grant type --------------------------------------------

    def validate_grant_type(self, client_id, grant_type, client, request, *args, **kwargs) -> bool:
        """RFC6749-5.2 unauthorized_client: the client may use only its allowed grant types."""
        return grant_type in client.grant_types

    # -- RFC 6749 §3.3 scope ----------------------------------------------------------

    def get_default_scopes(self, client_id, request, *args, **kwargs) -> list[str]:
        """RFC6749-3.3: with no scope requested, the client's default scopes (least privilege)."""
        return list(rfc6749_scope.default_scopes(request.client.default_scopes, self.settings.one_scope_per_request))

    def validate_scopes(self, client_id, scopes, client, request, *args, **kwargs) -> bool:
        """RFC6749-3.3: refuse a scope the client is not allowed (invalid_scope)."""
        allowed = oidc_core_scopes.allowed(client.scopes, client.grant_types)
        problem = rfc6749_scope.problem(tuple(scopes), allowed, self.settings.one_scope_per_request)
        if problem:
            raise OAuthError("invalid_scope", problem)
        return True

    # -- RFC 7009 revocation ----------------------------------------------------------

    def revoke_token(self, token, token_type_hint, request, *args, **kwargs) -> None:
        """RFC7009-2.1: the hint is tried first but not trusted (the other type is tried
        too); a token of another client is left alone; revoking a refresh token revokes
        its whole grant, access tokens included; an access token (verified: its
        signature proves whose it is) goes on the revocation list until it expires.
        Unknown, expired or foreign tokens change nothing: the answer is 200 either way."""
        now, client_id = self.clock.now(), request.client.client_id
        for kind in _search_order(token_type_hint):
            if kind == REFRESH:
                found = self.store.get_refresh_token(secrets.hash_secret(token))
                if found and found[1].client_id == client_id:
                    self.store.revoke_grant(found[1].grant_id, now)
                    return
            else:
                claims = self._verified_claims(token)
                if claims and claims["client_id"] == client_id:
                    self.store.revoke_access_token(claims["jti"], claims["exp"])
                    return

    def _verified_claims(self, token: str) -> dict | None:
        try:
            return self.access_tokens.verify(token)
        except InvalidToken:
            return None

    # -- RFC 7662 introspection -------------------------------------------------------

    def introspect_token(self, token, token_type_hint, request, *args, **kwargs) -> dict | None:
        """RFC7662-2.2: the claims of an active token the caller may see
        (policy/rfc7662_introspection.py); None, answered `{"active": false}`, for
        anything else: unknown, expired, revoked, malformed, foreign, or of a paused
        or deleted client."""
        caller = request.client
        if not caller.is_confidential:
            raise OAuthError("invalid_client", "Introspection requires client authentication (RFC 7662 §2.1).")
        for kind in _search_order(token_type_hint):
            claims = self._access_claims(token) if kind == ACCESS else self._refresh_claims(token)
            if claims is not None:
                if rfc7662_introspection.may_see(caller.client_id, caller.permissions, claims["client_id"]):
                    return claims
                return None
        return None

    def _access_claims(self, token: str) -> dict | None:
        try:
            claims = self.access_tokens.validate(token).claims
        except InvalidToken:
            return None
        # RFC9449-6.2: a DPoP-bound token is introspected with its `cnf` and token_type DPoP.
        shown = ("scope", "client_id", "sub", "exp", "iat", "iss", "aud", "jti", "cnf")
        token_type = "DPoP" if rfc9449_dpop.bound_key(claims) else "Bearer"
        return {**{name: claims[name] for name in shown if name in claims}, "token_type": token_type}

    def _refresh_claims(self, token: str) -> dict | None:
        found = self.store.get_refresh_token(secrets.hash_secret(token))
        now = self.clock.now()
        if found is None or rfc9700_refresh.judge(found, found[1].client_id, now, 0) is not Verdict.VALID:
            return None
        token_record, grant = found
        client = self.store.get_client(grant.client_id)
        if client is None or not client.is_active:
            return None
        return {
            "scope": grant.scope,
            "client_id": grant.client_id,
            "sub": grant.user_id,
            "exp": token_record.expires_at,
            "iat": token_record.issued_at,
            "iss": self.settings.issuer,
            "token_type": "refresh_token",
        }

    # -- tokens -----------------------------------------------------------------------

    def save_token(self, token, request, *args, **kwargs) -> None:
        """Nothing left to do: `tokens.TokenIssuer` records what must be recorded as it mints."""


def _assertion(request) -> tuple[str | None, str | None]:
    """RFC7523-2.2: (client_assertion_type, client_assertion) of the request's body."""
    params = dict(request.decoded_body or [])
    return params.get("client_assertion_type"), params.get("client_assertion")


def _search_order(token_type_hint: str | None) -> tuple[str, str]:
    """RFC7009-2.1 / RFC7662-2.1: the hinted type first; then the other, always."""
    return (REFRESH, ACCESS) if token_type_hint == REFRESH else (ACCESS, REFRESH)
