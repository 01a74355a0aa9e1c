"""The storage contract every backend fulfils.

Small on purpose, and shaped by security: records are frozen, secrets arrive
already hashed, time is passed in by the caller (so expiry follows the
injectable clock), and operations that must be atomic are single methods
(`delete_client` revokes the client's tokens in the same transaction).
`spec_tests/store/test_store_contract.py` runs against every backend.
"""

from dataclasses import dataclass
from typing import Protocol

from .records import AccessToken, AuthorizationCode, Client, Consent, RefreshToken, Session, SigningKey, User


class DuplicateClient(Exception):
    """A client with that client_id exists already."""


class DuplicateUser(Exception):
    """A user with that username exists already."""


class StoreError(Exception):
    """The store cannot be used as configured (a bad file, a schema newer than the
    code); the message says what is wrong, in one line."""


@dataclass(frozen=True)
class PurgeCutoffs:
    """What `purge` deletes: rows whose time is before each cut-off."""

    expired_before: int  # codes, access and refresh tokens, by expiry
    sessions_before: int  # sessions, by expiry
    failures_before: int  # failed-login counts, by their last failure
    grants_before: int  # revoked-grant markers, by revocation time


class Store(Protocol):
    # Clients (RFC 6749 §2)
    def add_client(self, client: Client) -> None:
        """Insert; raise DuplicateClient if the client_id is taken."""

    def get_client(self, client_id: str) -> Client | None: ...

    def list_clients(self) -> list[Client]:
        """All clients, oldest first."""

    def replace_client(self, client: Client) -> None:
        """Overwrite the client with the same client_id."""

    def delete_client(self, client_id: str, now: int) -> bool:
        """Remove the client, revoke its access and refresh tokens, spend its codes and
        forget the consents given to it, atomically. False if absent."""

    # Signing keys (RFC 7517; their timeline: policy/key_rotation.py)
    def add_signing_key(self, key: SigningKey, withdraw_others: bool = False) -> None:
        """Insert; with `withdraw_others`, mark every other key not withdrawn yet withdrawn
        at `key.created_at`, in the same transaction (an emergency rotation)."""

    def signing_keys(self) -> list[SigningKey]:
        """All keys, newest first."""

    # Access tokens (RFC 9068; the record only)
    def add_access_token(self, token: AccessToken) -> None:
        """Insert; if its grant was revoked meanwhile, insert it revoked (see `revoke_grant`)."""

    def add_tokens(self, access: AccessToken, refresh: RefreshToken) -> None:
        """`add_access_token` and `add_refresh_token` in one transaction: a token
        response's two records are kept together or not at all."""

    def get_access_token(self, jti: str) -> AccessToken | None: ...

    def last_issued(self) -> dict[str, int]:
        """client_id -> when it was last issued an access token (the admin list's "last used")."""

    def revoke_access_token(self, jti: str, now: int) -> None:
        """Mark one access token revoked (RFC 7009 §2.1)."""

    def revoke_grant(self, grant_id: str, now: int) -> None:
        """Revoke every access and refresh token of one grant family, atomically, and
        remember the grant as revoked so that a token still being minted for it (by
        the request that won the race) is stored revoked too: as if issued, then
        revoked. Code replay: RFC 6749 §4.1.2; refresh token reuse: RFC 9700 §4.14.2."""

    # Resource owners (RFC 6749 §1.1)
    def add_user(self, user: User) -> None:
        """Insert; raise DuplicateUser if the username is taken."""

    def get_user(self, user_id: str) -> User | None: ...

    def get_user_by_name(self, username: str) -> User | None: ...

    def list_users(self) -> list[User]: ...

    def replace_user(self, user: User) -> None: ...

    def delete_user(self, user_id: str, now: int) -> bool:
        """Remove the user with their sessions and consents; revoke their tokens, spend their codes."""

    # Browser sessions
    def add_session(self, session: Session) -> None: ...

    def get_session(self, session_hash: str) -> Session | None: ...

    def delete_session(self, session_hash: str) -> None: ...

    # Consents
    def add_consent(self, consent: Consent) -> None:
        """Insert, or refresh the time of an identical consent."""

    def consents_of(self, user_id: str) -> list[Consent]: ...

    def delete_consents(self, user_id: str, client_id: str) -> None: ...

    # Authorization codes (RFC 6749 §4.1.2)
    def add_code(self, code: AuthorizationCode) -> None: ...

    def take_code(self, code_hash: str, now: int) -> AuthorizationCode | None:
        """Mark the code used and return it *as it was before*: `used_at` None means
        this call won it; a value means it had been used (a replay). Atomic: of
        concurrent callers, exactly one sees `used_at` None."""

    # Refresh tokens (RFC 6749 §6, RFC 9700 §4.14)
    def add_refresh_token(self, token: RefreshToken) -> None:
        """Insert; if its grant was revoked meanwhile, insert it revoked (see `revoke_grant`)."""

    def get_refresh_token(self, token_hash: str) -> RefreshToken | None: ...

    def rotate_refresh_token(self, token_hash: str, now: int) -> bool:
        """Mark the token rotated; True if this call did (of concurrent rotations, one)."""

    def use_refresh_grace(self, token_hash: str) -> bool:
        """Spend the one extra presentation a rotated token may have; True if this call did."""

    # Failed logins, counted per key ('user:…', 'addr:…')
    def record_login_failure(self, key: str, now: int) -> int:
        """Count one more failure; return the count."""

    def login_failures(self, key: str) -> tuple[int, int] | None:
        """(count, time of the last failure), or None."""

    def clear_login_failures(self, key: str) -> None: ...

    # Housekeeping
    def purge(self, cutoffs: PurgeCutoffs) -> dict[str, int]:
        """Delete what is older than the cut-offs; the number of rows deleted per kind."""

    def checkpoint(self) -> None:
        """Keep the store's journal small after a burst of writes (SQLite's write-ahead log)."""

    def close(self) -> None: ...
