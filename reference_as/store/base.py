"""The storage contract every backend fulfils.

Small on purpose, and shaped by security: records are frozen, secrets arrive
already hashed, time is passed in by the caller (so expiry follows the
injectable clock), and operations that must be atomic are single methods
(`redeem_code` spends a code and records the grant it starts in one transaction).
`spec_tests/store/test_store_contract.py` runs against every backend.
"""

from dataclasses import dataclass
from typing import Protocol

from .records import (
    AuthorizationCode,
    CheckEvent,
    Client,
    ClientCheck,
    Consent,
    DeviceAuthorization,
    Grant,
    RefreshToken,
    RegistrationToken,
    Resource,
    Session,
    SigningKey,
    User,
)


class DuplicateClient(Exception):
    """A client with that client_id exists already."""


class DuplicateUser(Exception):
    """A user with that username exists already."""


class StoreError(Exception):
    """The store cannot be used as configured (a bad file, a schema newer than the
    code); the message says what is wrong, in one line."""


class DuplicateUserCode(Exception):
    """A device authorization with that user code exists already (make another code)."""


@dataclass(frozen=True)
class PurgeCutoffs:
    """What `purge` deletes: rows whose time is before each cut-off."""

    expired_before: (
        int  # codes, device codes, refresh tokens, grants, the revocation list, initial access tokens, by expiry
    )
    sessions_before: int  # sessions, by expiry
    failures_before: int  # failed-login counts, by their last failure


class Store(Protocol):
    # Clients (RFC 6749 §2)
    def add_client(self, client: Client) -> None:
        """Insert; raise DuplicateClient if the client_id is taken."""

    def get_client(self, client_id: str) -> Client | None: ...

    def list_clients(self) -> list[Client]:
        """All clients, oldest first."""

    def replace_client(self, client: Client) -> None:
        """Overwrite the client with the same client_id (`last_used_at` is kept as stored)."""

    def delete_client(self, client_id: str, now: int) -> bool:
        """Remove the client, revoke its grants, spend its codes (device codes too) and forget
        the consents given to it, atomically. False if absent. (Its client credentials tokens die with
        it: a token is active only while its client exists and was created before it.)"""

    def touch_client(self, client_id: str, now: int, every: int) -> None:
        """Set `last_used_at` to `now` unless it is less than `every` seconds old."""

    def delete_unused_clients(self, origins: tuple[str, ...], unused_since: int, now: int) -> list[str]:
        """Delete, as `delete_client` does, every client of one of `origins` not given a
        token since `unused_since` (nor made since then): the client_ids deleted."""

    # Client checks (DESIGN.md "Client checks"; the client's check goes with the client)
    def start_client_check(self, check: ClientCheck) -> ClientCheck | None:
        """Put the client under check, replacing a check that ended (and its events),
        atomically: None if this call started it, else the check already under way,
        left as it is (one scenario at a time)."""

    def get_client_check(self, client_id: str) -> ClientCheck | None:
        """The client's check, under way or ended; None if it has none."""

    def end_client_check(self, client_id: str, now: int) -> bool:
        """Stop the check under way (its events are kept for the report): False if none was."""

    def add_check_event(self, event: CheckEvent, limit: int) -> bool:
        """Record one event of a check under way, numbered after the check's last one,
        atomically: False (nothing recorded) if no check is under way or it holds `limit` events."""

    def check_events(self, client_id: str) -> list[CheckEvent]:
        """The events of the client's check, in the order they were recorded."""

    # Protected resources (RFC 8707)
    def add_resource(self, resource: Resource) -> None:
        """Insert, or replace the resource with the same URI."""

    def list_resources(self) -> list[Resource]:
        """All resources, by URI."""

    def delete_resource(self, uri: str) -> bool:
        """False if absent."""

    # Initial access tokens (RFC 7591 §3)
    def add_registration_token(self, token: RegistrationToken) -> None: ...

    def get_registration_token(self, token_hash: str) -> RegistrationToken | None: ...

    def list_registration_tokens(self) -> list[RegistrationToken]:
        """All, newest first."""

    def delete_registration_token(self, token_hash: str) -> bool:
        """False if absent."""

    # Signing keys (RFC 7517; their timeline: policy/key_rotation.py)
    def add_signing_key(self, key: SigningKey, withdraw_others: bool = False) -> None:
        """Insert; with `withdraw_others`, mark every other key not withdrawn yet withdrawn
        at `key.created_at`, in the same transaction (an emergency rotation)."""

    def signing_keys(self) -> list[SigningKey]:
        """All keys, newest first."""

    # Authorization codes (RFC 6749 §4.1.2) and the grants they start
    def add_code(self, code: AuthorizationCode) -> None: ...

    def get_code(self, code_hash: str) -> AuthorizationCode | None: ...

    def redeem_code(self, code_hash: str, grant: Grant, refresh: RefreshToken | None, now: int) -> bool:
        """Spend the code and record the grant it starts (with its first refresh token),
        in one transaction: True if this call spent it. Of concurrent redemptions exactly
        one spends it; a code spent already (or by a revocation) records nothing."""

    # Device authorizations (RFC 8628) and the grants they start
    def add_device_authorization(self, device: DeviceAuthorization) -> None:
        """Insert; raise DuplicateUserCode if a stored one (live or not yet purged) has its user code."""

    def get_device_authorization(self, device_code_hash: str) -> DeviceAuthorization | None: ...

    def enter_user_code(self, user_code_hash: str, now: int) -> DeviceAuthorization | None:
        """The authorization whose user code a person entered, None if there is none. If it
        is undecided and unexpired, its `entries` count grows by one first, atomically."""

    def record_poll(self, device_code_hash: str, now: int) -> tuple[DeviceAuthorization, bool] | None:
        """Count one poll of the device code, atomically, by the rule of RFC 8628 §3.5
        (`policy.rfc8628_device.after_poll`): (the authorization after it, whether the
        poll came too soon). None if there is no such device code."""

    def decide_device_authorization(self, device_code_hash: str, now: int, user_id: str | None) -> bool:
        """Record the user's decision: approved by `user_id`, or denied when None. True if
        this call decided it; an authorization decided, spent or expired is left as it is."""

    def redeem_device_code(self, device_code_hash: str, grant: Grant, refresh: RefreshToken | None, now: int) -> bool:
        """As `redeem_code`, for an approved, unexpired device code: spend it and record the
        grant with its first refresh token in one transaction; exactly one of concurrent
        callers succeeds."""

    # Refresh tokens (RFC 6749 §6, RFC 9700 §4.14)
    def get_refresh_token(self, token_hash: str) -> tuple[RefreshToken, Grant] | None:
        """The token with its grant, in one look-up."""

    def rotate_refresh_token(
        self, token_hash: str, successor: RefreshToken, live_until: int, now: int, grace: bool = False
    ) -> bool:
        """Spend the token and record its successor, in one transaction, extending the
        grant's `live_until`: True if this call spent it. Spending is marking it rotated
        or, with `grace`, using the one more presentation a rotated token may have.
        Of concurrent rotations exactly one succeeds; nothing is recorded when the token
        was spent already or its grant has been revoked."""

    # Grants and the revocation list: what makes an unrecorded access token inactive
    def revoke_grant(self, grant_id: str, now: int) -> None:
        """Revoke one grant: its refresh tokens and every access token naming it are dead."""

    def revoke_access_token(self, jti: str, expires_at: int) -> None:
        """Put one access token on the revocation list until it expires (RFC 7009 §2.1)."""

    def is_revoked(self, jti: str, grant_id: str | None) -> bool:
        """Whether an access token is inactive by the store's records: its jti revoked,
        or the grant it names revoked or gone. One look-up."""

    def grants_of(self, user_id: str, now: int) -> list[Grant]:
        """The user's live grants (not revoked, something still unexpired), oldest first."""

    def revoke_access(self, user_id: str, now: int, client_id: str | None = None) -> None:
        """Withdraw what the user gave one client (or every client): revoke the grants,
        spend the codes (and approved device codes) not yet redeemed and forget the
        remembered consents, atomically."""

    # Resource owners (RFC 6749 §1.1)
    def add_user(self, user: User) -> None:
        """Insert; raise DuplicateUser if the username is taken."""

    def get_user(self, user_id: str) -> User | None: ...

    def get_user_by_name(self, username: str) -> User | None: ...

    def list_users(self) -> list[User]: ...

    def replace_user(self, user: User) -> None: ...

    def change_password(self, user_id: str, password_hash: str, now: int) -> None:
        """Store the new hash, end every session of the user and `revoke_access` to every
        client, in one transaction (RFC 9700 §4.14.2: a password change revokes refresh tokens)."""

    def delete_user(self, user_id: str, now: int) -> bool:
        """Remove the user with their sessions and consents; revoke their grants, spend their codes."""

    # Browser sessions
    def add_session(self, session: Session) -> None: ...

    def get_session(self, session_hash: str) -> Session | None: ...

    def delete_session(self, session_hash: str) -> None: ...

    def put_once(self, session_hash: str, sealed: bytes) -> None:
        """Fill the session's one-time slot, replacing what it held: what a form post leaves
        for the page it redirects to (post/redirect/get). The slot goes with its session."""

    def take_once(self, session_hash: str) -> bytes | None:
        """Empty the session's one-time slot and return what it held (None if empty or no
        such session). Atomic: of concurrent callers, one gets it."""

    # Consents
    def add_consent(self, consent: Consent) -> None:
        """Insert, or refresh the time of an identical consent."""

    def consents_of(self, user_id: str) -> list[Consent]: ...

    # Failed logins, counted per key (see policy/login_throttle.py); the registration
    # endpoint counts its requests per address the same way (policy/rfc7591_registration.py)
    def record_login_failure(self, key: str, now: int) -> tuple[int, int | None]:
        """Count one more failure at `now`, atomically; (the new count, the time of the
        failure before this one, or None)."""

    def login_failures(self, key: str) -> tuple[int, int] | None:
        """(count, time of the last failure), or None."""

    def clear_login_failures(self, *keys: str) -> None: ...

    # Housekeeping
    def purge(self, cutoffs: PurgeCutoffs) -> dict[str, int]:
        """Delete what is older than the cut-offs; the number of rows deleted per kind."""

    def checkpoint(self) -> None:
        """Keep the store's journal small after a burst of writes (SQLite's write-ahead log)."""

    def close(self) -> None: ...
