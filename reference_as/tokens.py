"""Issuing access tokens: mint the RFC 9068 JWT, record its `jti`, answer RFC 6749 §5.1.

`AccessTokenIssuer` plays the part of oauthlib's token handler (the object a
grant type calls `create_token` on). oauthlib's own `BearerToken` with its
signed-token helper is not RFC 9068 (it sets only `scope` and `exp`), so we
mint the token here, and record it in the same step: whoever mints a token
records it.
"""

from oauthlib.common import Request

from .clock import Clock
from .config import Settings
from .jose import jws
from .keys import Keyring
from .policy import rfc9068_access_token as rfc9068
from .store import Store
from .store.records import AccessToken


class AccessTokenIssuer:
    def __init__(self, settings: Settings, store: Store, keyring: Keyring, clock: Clock):
        self.settings = settings
        self.store = store
        self.keyring = keyring
        self.clock = clock

    def create_token(self, request: Request, refresh_token: bool = False, **kwargs) -> dict:
        """The successful token response of RFC 6749 §5.1 (refresh tokens: not in this grant)."""
        client = request.client
        scopes = tuple(request.scopes or ())
        now = self.clock.now()
        lifetime = self.settings.access_token_ttl
        subject = client.client_id  # RFC9068-2.2 SHOULD: no resource owner, the client is the subject
        jti = rfc9068.new_jti()
        kid, algorithm, private_key = self.keyring.signing_key()
        token = jws.sign(
            rfc9068.header(algorithm.name, kid),
            rfc9068.claims(
                issuer=self.settings.issuer,
                audience=self.settings.resource_audience,
                subject=subject,
                client_id=client.client_id,
                scopes=scopes,
                now=now,
                lifetime=lifetime,
                jti=jti,
            ),
            algorithm,
            private_key,
        )
        self.store.add_access_token(
            AccessToken(
                jti=jti,
                client_id=client.client_id,
                subject=subject,
                scope=" ".join(scopes),
                issued_at=now,
                expires_at=now + lifetime,
            )
        )
        # RFC6749-5.1: token_type and expires_in; scope is always echoed (REQUIRED when it
        # differs from the request, and harmless when not).
        return {"access_token": token, "token_type": "Bearer", "expires_in": lifetime, "scope": " ".join(scopes)}
