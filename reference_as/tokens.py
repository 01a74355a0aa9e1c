"""Issuing tokens: mint the RFC 9068 JWT access token (and, where the grant
allows, an opaque refresh token), record both, answer RFC 6749 §5.1.

`TokenIssuer` plays the part of oauthlib's token handler (the object a grant
type calls `create_token` on). oauthlib's own `BearerToken` with its
signed-token helper is not RFC 9068 (it sets only `scope` and `exp`), so we
mint here, and record in the same step: whoever mints a token records it. An
access token and the refresh token issued with it are recorded in one
transaction, after the signature, so that no write lock is held while signing.
"""

from oauthlib.common import Request

from .clock import Clock
from .config import Settings
from .jose import jws
from .keys import Keyring
from .policy import rfc9068_access_token as rfc9068
from .policy import secrets
from .store import Store
from .store.records import AccessToken, RefreshToken


class TokenIssuer:
    def __init__(self, settings: Settings, store: Store, keyring: Keyring, clock: Clock):
        self.settings = settings
        self.store = store
        self.keyring = keyring
        self.clock = clock

    def create_token(self, request: Request, refresh_token: bool = False, **kwargs) -> dict:
        """The successful token response of RFC 6749 §5.1.

        `request.grant` is the code or refresh token the request presented (None
        for client credentials): it names the resource owner and the grant family.
        """
        client = request.client
        grant = getattr(request, "grant", None)
        scopes = tuple(request.scopes or ())
        now = self.clock.now()
        # RFC9068-2.2: sub is the resource owner; with no resource owner (client
        # credentials) it SHOULD identify the client.
        subject = grant.user_id if grant else client.client_id
        access_token, access_record = self._access_token(
            client.client_id, subject, scopes, now, grant.grant_id if grant else None
        )
        response = {
            "access_token": access_token,
            "token_type": "Bearer",
            "expires_in": self.settings.access_token_ttl,
            # RFC6749-5.1: scope is REQUIRED when it differs from the request; always sent.
            "scope": " ".join(scopes),
        }
        # RFC6749-4.4.3 SHOULD NOT: no refresh token for client credentials (no grant).
        if refresh_token and grant and "refresh_token" in client.grant_types:
            response["refresh_token"], refresh_record = self._refresh_token(client.client_id, grant, now)
            self.store.add_tokens(access_record, refresh_record)
        else:
            self.store.add_access_token(access_record)
        return response

    def _access_token(
        self, client_id: str, subject: str, scopes: tuple[str, ...], now: int, grant_id
    ) -> tuple[str, AccessToken]:
        """The signed JWT and its record."""
        lifetime = self.settings.access_token_ttl
        jti = rfc9068.new_jti()
        kid, algorithm, private_key = self.keyring.signing_key()
        claims = rfc9068.claims(
            issuer=self.settings.issuer,
            audience=self.settings.resource_audience,
            subject=subject,
            client_id=client_id,
            scopes=scopes,
            now=now,
            lifetime=lifetime,
            jti=jti,
        )
        token = jws.sign(rfc9068.header(algorithm.name, kid), claims, algorithm, private_key)
        return token, AccessToken(jti, client_id, subject, " ".join(scopes), now, now + lifetime, grant_id=grant_id)

    def _refresh_token(self, client_id: str, grant, now: int) -> tuple[str, RefreshToken]:
        """RFC 6749 §6: opaque, 256-bit, stored by its hash; the value and its record.
        Its scope is the grant's original scope, even when this access token was
        narrowed: "the refresh token scope MUST be identical to that of the refresh
        token included by the client"."""
        value = secrets.new_secret()
        record = RefreshToken(
            token_hash=secrets.hash_secret(value),
            grant_id=grant.grant_id,
            client_id=client_id,
            user_id=grant.user_id,
            scope=grant.scope,
            issued_at=now,
            expires_at=now + self.settings.refresh_token_ttl,
        )
        return value, record
