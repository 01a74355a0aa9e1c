"""Validating a JWT access token, top to bottom, as a resource server must.

RFC 9068 §4 lists what a resource server checks before it trusts an access
token; RFC 8725 (JWT Best Current Practices) says how to avoid the classic
mistakes. This module does each, in order, and stops at the first failure:

  1-4. It is a compact JWS, signed by a key this server publishes, with that
     key's own algorithm (RFC 8725 §3.1), and the signature verifies
     (`signed_tokens.verified`, shared with the ID Tokens sent back as hints).
  5. RFC9068-4 MUST: the header `typ` is `at+jwt` (or `application/at+jwt`),
     so that an ID token or any other JWT is not accepted as an access token.
  6. RFC9068-4 MUST: `iss` is this server; `aud` contains the expected audience
     (RFC 8707: a resource accepts only tokens meant for it; introspection and
     revocation, which answer for every resource, accept each resource this
     server issues tokens for, `resources.py`);
     `exp` is in the future; `nbf`, if present, is not.
  7. The token is still active: its `jti` is not on the revocation list, the
     grant it names is not revoked (`Store.is_revoked`, one look-up), and its
     client exists, is not paused, and was not made after the token (a client
     deleted and made again under the same client_id does not revive the old
     client's tokens). Access tokens are not recorded when issued: these are
     the records that make one inactive (DESIGN.md).
The `/api/me` resource (with its own audience) and the introspection endpoint
call `validate`; the revocation endpoint calls `verify` (steps 1-6: the token
is ours and whose it is), since revoking an inactive token changes nothing.
"""

from dataclasses import dataclass

from .clock import Clock
from .config import Settings
from .keys import Keyring
from .resources import Resources
from .signed_tokens import InvalidToken, verified
from .store import Store

ACCEPTED_TYPES = ("at+jwt", "application/at+jwt")


__all__ = ["AccessTokenValidator", "InvalidToken", "ValidToken"]


@dataclass(frozen=True)
class ValidToken:
    claims: dict

    @property
    def scopes(self) -> tuple[str, ...]:
        return tuple(self.claims.get("scope", "").split())


class AccessTokenValidator:
    def __init__(self, settings: Settings, store: Store, keyring: Keyring, clock: Clock, resources: Resources):
        self.settings = settings
        self.store = store
        self.keyring = keyring
        self.clock = clock
        self.resources = resources

    def validate(self, token: str, audience: str | None = None) -> ValidToken:
        """Every step: a token a resource may trust (`audience`: the resource's identifier;
        None: any resource this server issues tokens for)."""
        claims = self.verify(token, audience)
        # 7. Still active.
        grant_id = claims.get("grant_id")
        if self.store.is_revoked(str(claims.get("jti", "")), str(grant_id) if grant_id is not None else None):
            raise InvalidToken("The token was revoked.")
        client = self.store.get_client(str(claims.get("client_id", "")))
        if client is None or not client.is_active or claims.get("iat", 0) < client.created_at:
            raise InvalidToken("The token's client is paused or deleted.")
        return ValidToken(claims)

    def verify(self, token: str, audience: str | None = None) -> dict:
        """Steps 1-6: the claims of a token this server signed, unexpired, for `audience` (if given)."""
        # 1-4. Signed by us.
        header, claims = verified(token, self.keyring)
        # 5. An access token, not another kind of JWT.
        if str(header.get("typ", "")).lower() not in ACCEPTED_TYPES:
            raise InvalidToken("The token is not an access token (typ is not at+jwt).")
        # 6. The claims.
        self._check_claims(claims, audience)
        return claims

    def _check_claims(self, claims: dict, expected_audience: str | None) -> None:
        now = self.clock.now()
        if claims.get("iss") != self.settings.issuer:
            raise InvalidToken("The token was issued by another server.")
        audience = claims.get("aud")
        audiences = audience if isinstance(audience, list) else [audience]
        expected = (expected_audience,) if expected_audience is not None else self.resources.known()
        if not any(isinstance(item, str) and item in expected for item in audiences):
            raise InvalidToken("The token is meant for another audience.")
        exp, nbf = claims.get("exp"), claims.get("nbf")
        if not isinstance(exp, int) or exp <= now:
            raise InvalidToken("The token has expired.")
        if nbf is not None and (not isinstance(nbf, int) or nbf > now):
            raise InvalidToken("The token is not valid yet.")
