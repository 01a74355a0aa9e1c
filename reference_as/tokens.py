"""Issuing tokens: mint the RFC 9068 JWT access token (and, where the grant
allows, an opaque refresh token; for an OpenID Connect grant, the ID Token),
record what must be recorded, answer RFC 6749 §5.1 (OpenID Connect Core §3.1.3.3).

`TokenIssuer` plays the part of oauthlib's token handler (the object a grant
type calls `create_token` on). oauthlib's own `BearerToken` with its
signed-token helper is not RFC 9068 (it sets only `scope` and `exp`), so we
mint here.

Access tokens are not recorded: a JWT is self-contained, and it names its grant
(`grant_id`), so revoking the grant makes it inactive (DESIGN.md). What is
recorded is what a code or refresh token *spends*: the validator only read the
credential the request presented (a `Presented…` below); here, after the
signature (no write lock is held while signing), the credential is spent and
what it yields written in one transaction. If another request spent it first,
this one lost a race that only a replay can cause: the grant is revoked, as for
any replay (RFC 6749 §4.1.2, RFC 9700 §4.14.2), and nothing of this request is
kept. A client credentials token writes nothing (but the client's "last used",
at most once a minute).

OpenID Connect (`policy/oidc_core_*.py`): a grant whose scope has `openid` gets
an ID Token beside its access token, from the code (with the request's nonce)
and from each refresh (OIDC-12.2: same `sub`, `aud` and `auth_time`, no
nonce), and a refresh token only if `offline_access` was granted (OIDC-11).
oauthlib's own OpenID Connect grant types are not used: their token modifier
stamps `iat` from `time.time()` rather than our clock, hashes `at_hash` with
SHA-256 whatever the algorithm, and would need the browser session inside the
validator to judge `prompt` and `max_age` (those are the authorization
endpoint's, `endpoints/authorize.py`).
"""

import dataclasses
from dataclasses import dataclass

from oauthlib.common import Request

from .clock import Clock
from .config import Settings
from .errors import OAuthError
from .jose import jws
from .keys import Keyring
from .policy import oidc_core_id_token, oidc_core_scopes, secrets
from .policy import rfc9068_access_token as rfc9068
from .policy import rfc9449_dpop as rfc9449
from .resources import Resources
from .store import Store, StoreUnavailable
from .store.records import AuthorizationCode, Client, DeviceAuthorization, Grant, RefreshToken

# The admin list's "last used" is written at most this often per client.
LAST_USED_EVERY = 60


@dataclass(frozen=True)
class PresentedCode:
    """An authorization code the request presented, read but not yet spent, and the
    grant it will start when it is (RFC 6749 §4.1.3)."""

    code: AuthorizationCode
    grant: Grant

    @property
    def nonce(self) -> str | None:
        """OIDC-3.1.2.1: the authentication request's nonce, for its ID Token."""
        return self.code.nonce

    def spend_and_record(self, store: Store, refresh: RefreshToken | None, live_until: int, now: int) -> bool:
        grant = dataclasses.replace(self.grant, live_until=live_until)
        return store.redeem_code(self.code.code_hash, grant, refresh, now)


@dataclass(frozen=True)
class PresentedDeviceCode:
    """An approved device code the device polled with (RFC 8628 §3.4-3.5), read but not
    yet spent, and the grant it will start when it is: spent once, like a code."""

    device: DeviceAuthorization
    grant: Grant

    def spend_and_record(self, store: Store, refresh: RefreshToken | None, live_until: int, now: int) -> bool:
        grant = dataclasses.replace(self.grant, live_until=live_until)
        return store.redeem_device_code(self.device.device_code_hash, grant, refresh, now)


@dataclass(frozen=True)
class PresentedRefreshToken:
    """A refresh token the request presented, read but not yet spent, with its grant
    (RFC 6749 §6). `grace`: it was rotated moments ago and spends its one extra
    presentation (`refresh_token_reuse_grace`)."""

    token_hash: str
    grant: Grant
    grace: bool = False
    nonce = None  # OIDC-12.2 SHOULD NOT: an ID Token from a refresh carries no nonce

    def spend_and_record(self, store: Store, refresh: RefreshToken | None, live_until: int, now: int) -> bool:
        return store.rotate_refresh_token(self.token_hash, refresh, live_until, now, grace=self.grace)


def dpop_jkt(request: Request) -> str | None:
    """The thumbprint of the token request's DPoP key (RFC 9449 §5), handed over by the token
    endpoint with oauthlib's `extra_credentials`; None when the request carried no proof."""
    return (request.extra_credentials or {}).get("dpop_jkt")


class TokenIssuer:
    def __init__(self, settings: Settings, store: Store, keyring: Keyring, clock: Clock, resources: Resources):
        self.settings = settings
        self.store = store
        self.keyring = keyring
        self.clock = clock
        self.resources = resources

    def create_token(self, request: Request, refresh_token: bool = False, **kwargs) -> dict:
        """The successful token response of RFC 6749 §5.1.

        `request.presented` is the code, device code or refresh token the request
        presented (None for client credentials): it names the resource owner and the grant.
        The token is for the resources the request named (RFC 8707 §2, the token
        endpoint's `extra_credentials`): within the grant's, or any known one for
        client credentials; none named: the grant's, or the default audience.
        """
        client = request.client
        presented = getattr(request, "presented", None)
        grant = presented.grant if presented else None
        scopes = tuple(request.scopes or ())
        named = (request.extra_credentials or {}).get("resources", [])
        jkt = dpop_jkt(request)
        # RFC9449-5.2 MUST: a client registered with dpop_bound_access_tokens sends a proof.
        if jkt is None and client.dpop_bound_access_tokens:
            raise OAuthError("invalid_dpop_proof", "This client must send a DPoP proof with every token request.")
        target = self.resources.target(named, scopes, grant.resources if grant else None)
        now = self.clock.now()
        # Nothing a grant yields outlives it (its absolute end, `grant_max_lifetime`).
        ends_at = grant.ends_at if grant else now + self.settings.access_token_ttl
        access_expires = min(now + self.settings.access_token_ttl, ends_at)
        response = {
            "access_token": self._access_token(
                client.client_id, grant, scopes, target.audience, now, access_expires, jkt
            ),
            # RFC9449-5 MUST: a DPoP-bound token is of type DPoP.
            "token_type": "DPoP" if jkt else "Bearer",
            "expires_in": access_expires - now,
            # RFC6749-5.1: scope is REQUIRED when it differs from the request; always sent.
            "scope": " ".join(scopes),
        }
        if presented:
            # OIDC-3.1.3.3, OIDC-12.2: an OpenID Connect grant's token response carries an ID Token.
            if oidc_core_scopes.is_authentication(scopes):
                response["id_token"] = self._id_token(client.client_id, grant, presented.nonce, response, now)
            # RFC6749-4.4.3 SHOULD NOT: no refresh token for client credentials (no grant).
            # OIDC-11: with openid, one only if offline_access was granted.
            refresh = None
            if (
                refresh_token
                and "refresh_token" in client.grant_types
                and oidc_core_scopes.issues_refresh_token(grant.scope)
            ):
                response["refresh_token"], refresh = self._refresh_token(grant, now)
            live_until = max(access_expires, refresh.expires_at if refresh else 0)
            if not presented.spend_and_record(self.store, refresh, live_until, now):
                self.store.revoke_grant(grant.grant_id, now)
                raise OAuthError(
                    "invalid_grant", "The grant was used by another request at the same time; it is revoked."
                )
        self._note_use(client, now)
        return response

    def _access_token(
        self,
        client_id: str,
        grant: Grant | None,
        scopes: tuple[str, ...],
        audience: str | list[str],
        now: int,
        expires: int,
        jkt: str | None,
    ) -> str:
        """The signed JWT. RFC9068-2.2: sub is the resource owner; with no resource
        owner (client credentials) it SHOULD identify the client. RFC9068-3 / RFC8707-2:
        `aud` is the resource (or resources) it is for. RFC9449-6.1: a token asked for with
        a DPoP proof carries `cnf.jkt`, the thumbprint of the proof's key."""
        kid, algorithm, private_key = self.keyring.signing_key()
        claims = rfc9068.claims(
            issuer=self.settings.issuer,
            audience=audience,
            subject=grant.user_id if grant else client_id,
            client_id=client_id,
            scopes=scopes,
            now=now,
            expires=expires,
            jti=rfc9068.new_jti(),
            grant_id=grant.grant_id if grant else None,
        )
        if jkt:
            claims["cnf"] = rfc9449.confirmation(jkt)
        return jws.sign(rfc9068.header(algorithm.name, kid), claims, algorithm, private_key)

    def _id_token(self, client_id: str, grant: Grant, nonce: str | None, response: dict, now: int) -> str:
        """OIDC-2, OIDC-3.1.3.6: signed by the same key as the access token, its at_hash
        computed over that token, with the hash of the key's algorithm."""
        kid, algorithm, private_key = self.keyring.signing_key()
        claims = oidc_core_id_token.claims(
            issuer=self.settings.issuer,
            subject=grant.user_id,
            client_id=client_id,
            now=now,
            expires=now + self.settings.id_token_ttl,
            auth_time=grant.auth_time,
            nonce=nonce,
            access_token=response["access_token"],
            alg=algorithm.name,
        )
        return jws.sign(oidc_core_id_token.header(algorithm.name, kid), claims, algorithm, private_key)

    def _refresh_token(self, grant: Grant, now: int) -> tuple[str, RefreshToken]:
        """RFC 6749 §6: opaque, 256-bit, stored by its hash; the value and its record.
        Its scope is its grant's, even when this access token was narrowed: "the
        refresh token scope MUST be identical to that of the refresh token included
        by the client"."""
        value = secrets.new_secret()
        expires = min(now + self.settings.refresh_token_ttl, grant.ends_at)
        return value, RefreshToken(secrets.hash_secret(value), grant.grant_id, issued_at=now, expires_at=expires)

    def _note_use(self, client: Client, now: int) -> None:
        """The admin list's "last used", from the client row already read: a write
        at most once a minute, never one per token. Written after the tokens are: if the
        store is away by then, the tokens stand and are answered (a 503 now would lose
        a rotated refresh token's successor to a client that would replay the old one)."""
        if client.last_used_at is None or now - client.last_used_at >= LAST_USED_EVERY:
            try:
                self.store.touch_client(client.client_id, now, LAST_USED_EVERY)
            except StoreUnavailable:
                pass
