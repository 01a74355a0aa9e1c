"""MemoryStore: the Store contract in dicts, for tests and throw-away runs
(`--store memory://`). One lock makes each method atomic, as a transaction would."""

import threading
from dataclasses import replace

from ..policy.rfc8628_device import after_poll
from .base import DuplicateClient, DuplicateUser, DuplicateUserCode, PurgeCutoffs
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


class MemoryStore:
    def __init__(self):
        self._lock = threading.RLock()
        self._clients: dict[str, Client] = {}
        self._keys: dict[str, SigningKey] = {}
        self._users: dict[str, User] = {}
        self._sessions: dict[str, Session] = {}
        self._once: dict[str, bytes] = {}  # session_hash -> its one-time slot
        self._consents: dict[tuple[str, str, str], Consent] = {}
        self._codes: dict[str, AuthorizationCode] = {}
        self._devices: dict[str, DeviceAuthorization] = {}  # by device_code_hash
        self._grants: dict[str, Grant] = {}
        self._refresh: dict[str, RefreshToken] = {}
        self._revoked_tokens: dict[str, int] = {}  # jti -> its token's expiry
        self._failures: dict[str, tuple[int, int]] = {}
        self._resources: dict[str, Resource] = {}
        self._registration_tokens: dict[str, RegistrationToken] = {}
        self._checks: dict[str, ClientCheck] = {}
        self._check_events: dict[str, list[CheckEvent]] = {}  # client_id -> its check's events

    # -- clients ----------------------------------------------------------------------

    def add_client(self, client: Client) -> None:
        with self._lock:
            if client.client_id in self._clients:
                raise DuplicateClient(client.client_id)
            self._clients[client.client_id] = client

    def get_client(self, client_id: str) -> Client | None:
        return self._clients.get(client_id)

    def list_clients(self) -> list[Client]:
        return sorted(self._clients.values(), key=lambda c: (c.created_at, c.client_id))

    def replace_client(self, client: Client) -> None:
        with self._lock:
            stored = self._clients.get(client.client_id)
            if stored is not None:
                self._clients[client.client_id] = replace(client, last_used_at=stored.last_used_at)

    def delete_client(self, client_id: str, now: int) -> bool:
        with self._lock:
            if self._clients.pop(client_id, None) is None:
                return False
            self._withdraw(lambda record: record.client_id == client_id, now)
            self._checks.pop(client_id, None)
            self._check_events.pop(client_id, None)
            return True

    def touch_client(self, client_id: str, now: int, every: int) -> None:
        with self._lock:
            client = self._clients.get(client_id)
            if client is not None and (client.last_used_at is None or client.last_used_at <= now - every):
                self._clients[client_id] = replace(client, last_used_at=now)

    def delete_unused_clients(self, origins: tuple[str, ...], unused_since: int, now: int) -> list[str]:
        with self._lock:
            unused = sorted(
                c.client_id
                for c in self._clients.values()
                if c.origin in origins and (c.last_used_at or c.created_at) < unused_since
            )
            for client_id in unused:
                self.delete_client(client_id, now)
            return unused

    # -- client checks ------------------------------------------------------------------

    def start_client_check(self, check: ClientCheck) -> ClientCheck | None:
        with self._lock:
            current = self._checks.get(check.client_id)
            if current is not None and current.under_way:
                return current
            self._checks[check.client_id] = check
            self._check_events[check.client_id] = []
            return None

    def get_client_check(self, client_id: str) -> ClientCheck | None:
        return self._checks.get(client_id)

    def end_client_check(self, client_id: str, now: int) -> bool:
        with self._lock:
            current = self._checks.get(client_id)
            if current is None or not current.under_way:
                return False
            self._checks[client_id] = replace(current, ended_at=now)
            return True

    def add_check_event(self, event: CheckEvent, limit: int) -> bool:
        with self._lock:
            check, events = self._checks.get(event.client_id), self._check_events.get(event.client_id, [])
            if check is None or not check.under_way or len(events) >= limit:
                return False
            events.append(replace(event, seq=len(events) + 1))
            return True

    def check_events(self, client_id: str) -> list[CheckEvent]:
        return list(self._check_events.get(client_id, []))

    # -- protected resources ------------------------------------------------------------

    def add_resource(self, resource: Resource) -> None:
        with self._lock:
            self._resources[resource.uri] = resource

    def list_resources(self) -> list[Resource]:
        return sorted(self._resources.values(), key=lambda r: r.uri)

    def delete_resource(self, uri: str) -> bool:
        with self._lock:
            return self._resources.pop(uri, None) is not None

    # -- initial access tokens ----------------------------------------------------------

    def add_registration_token(self, token: RegistrationToken) -> None:
        with self._lock:
            self._registration_tokens[token.token_hash] = token

    def get_registration_token(self, token_hash: str) -> RegistrationToken | None:
        return self._registration_tokens.get(token_hash)

    def list_registration_tokens(self) -> list[RegistrationToken]:
        return sorted(self._registration_tokens.values(), key=lambda t: (-t.created_at, t.token_hash))

    def delete_registration_token(self, token_hash: str) -> bool:
        with self._lock:
            return self._registration_tokens.pop(token_hash, None) is not None

    def _withdraw(self, matches, now: int) -> None:
        """Revoke the grants, spend the codes (device codes too) and forget the consents that `matches`."""
        for table, column in ((self._grants, "revoked_at"), (self._codes, "used_at"), (self._devices, "used_at")):
            for key, record in table.items():
                if matches(record) and getattr(record, column) is None:
                    table[key] = replace(record, **{column: now})
        self._consents = {key: c for key, c in self._consents.items() if not matches(c)}

    # -- signing keys -----------------------------------------------------------------

    def add_signing_key(self, key: SigningKey, withdraw_others: bool = False) -> None:
        with self._lock:
            if withdraw_others:
                for kid, other in self._keys.items():
                    if other.withdrawn_at is None:
                        self._keys[kid] = replace(other, withdrawn_at=key.created_at)
            self._keys[key.kid] = key

    def signing_keys(self) -> list[SigningKey]:
        # newest first; of two made in the same second, the one added last (as SQLite's rowid)
        return sorted(self._keys.values(), key=lambda k: k.created_at)[::-1]

    # -- authorization codes and the grants they start ----------------------------------

    def add_code(self, code: AuthorizationCode) -> None:
        with self._lock:
            self._codes[code.code_hash] = code

    def get_code(self, code_hash: str) -> AuthorizationCode | None:
        return self._codes.get(code_hash)

    def redeem_code(self, code_hash: str, grant: Grant, refresh: RefreshToken | None, now: int) -> bool:
        with self._lock:
            code = self._codes.get(code_hash)
            if code is None or code.used_at is not None:
                return False
            self._codes[code_hash] = replace(code, used_at=now)
            self._start_grant(grant, refresh)
            return True

    def _start_grant(self, grant: Grant, refresh: RefreshToken | None) -> None:
        self._grants[grant.grant_id] = grant
        if refresh:
            self._refresh[refresh.token_hash] = refresh

    # -- device authorizations (RFC 8628) ------------------------------------------------

    def add_device_authorization(self, device: DeviceAuthorization) -> None:
        with self._lock:
            if any(d.user_code_hash == device.user_code_hash for d in self._devices.values()):
                raise DuplicateUserCode()
            self._devices[device.device_code_hash] = device

    def get_device_authorization(self, device_code_hash: str) -> DeviceAuthorization | None:
        return self._devices.get(device_code_hash)

    def enter_user_code(self, user_code_hash: str, now: int) -> DeviceAuthorization | None:
        with self._lock:
            device = next((d for d in self._devices.values() if d.user_code_hash == user_code_hash), None)
            if device is None:
                return None
            undecided = device.approved_at is None and device.denied_at is None and device.used_at is None
            if undecided and device.expires_at > now:
                device = self._devices[device.device_code_hash] = replace(device, entries=device.entries + 1)
            return device

    def record_poll(self, device_code_hash: str, now: int) -> tuple[DeviceAuthorization, bool] | None:
        with self._lock:
            device = self._devices.get(device_code_hash)
            if device is None:
                return None
            too_fast, interval, next_poll_at = after_poll(device.interval, device.next_poll_at, now)
            device = self._devices[device_code_hash] = replace(device, interval=interval, next_poll_at=next_poll_at)
            return device, too_fast

    def decide_device_authorization(self, device_code_hash: str, now: int, user_id: str | None) -> bool:
        with self._lock:
            device = self._devices.get(device_code_hash)
            if device is None or device.expires_at <= now or device.used_at is not None:
                return False
            if device.approved_at is not None or device.denied_at is not None:
                return False
            decided = replace(device, user_id=user_id, approved_at=now) if user_id else replace(device, denied_at=now)
            self._devices[device_code_hash] = decided
            return True

    def redeem_device_code(self, device_code_hash: str, grant: Grant, refresh: RefreshToken | None, now: int) -> bool:
        with self._lock:
            device = self._devices.get(device_code_hash)
            if device is None or device.used_at is not None or device.approved_at is None or device.expires_at <= now:
                return False
            self._devices[device_code_hash] = replace(device, used_at=now)
            self._start_grant(grant, refresh)
            return True

    # -- refresh tokens -----------------------------------------------------------------

    def get_refresh_token(self, token_hash: str) -> tuple[RefreshToken, Grant] | None:
        token = self._refresh.get(token_hash)
        grant = self._grants.get(token.grant_id) if token else None
        return (token, grant) if grant else None

    def rotate_refresh_token(
        self, token_hash: str, successor: RefreshToken, live_until: int, now: int, grace: bool = False
    ) -> bool:
        with self._lock:
            token, grant = self._refresh.get(token_hash), self._grants.get(successor.grant_id)
            if token is None or grant is None or grant.revoked_at is not None:
                return False
            if token.grace_used if grace else token.rotated_at is not None:
                return False
            self._refresh[token_hash] = replace(token, grace_used=True) if grace else replace(token, rotated_at=now)
            self._grants[grant.grant_id] = replace(grant, live_until=max(grant.live_until, live_until))
            self._refresh[successor.token_hash] = successor
            return True

    # -- grants and the revocation list ---------------------------------------------------

    def revoke_grant(self, grant_id: str, now: int) -> None:
        with self._lock:
            grant = self._grants.get(grant_id)
            if grant is not None and grant.revoked_at is None:
                self._grants[grant_id] = replace(grant, revoked_at=now)

    def revoke_access_token(self, jti: str, expires_at: int) -> None:
        with self._lock:
            self._revoked_tokens.setdefault(jti, expires_at)

    def is_revoked(self, jti: str, grant_id: str | None) -> bool:
        if jti in self._revoked_tokens:
            return True
        grant = self._grants.get(grant_id) if grant_id is not None else None
        return grant_id is not None and (grant is None or grant.revoked_at is not None)

    def grants_of(self, user_id: str, now: int) -> list[Grant]:
        live = (g for g in self._grants.values() if g.user_id == user_id and g.is_live(now))
        return sorted(live, key=lambda g: (g.created_at, g.grant_id))

    def revoke_access(self, user_id: str, now: int, client_id: str | None = None) -> None:
        with self._lock:
            self._withdraw(lambda r: r.user_id == user_id and client_id in (None, r.client_id), now)

    # -- users ------------------------------------------------------------------------

    def add_user(self, user: User) -> None:
        with self._lock:
            if self.get_user_by_name(user.username) or user.user_id in self._users:
                raise DuplicateUser(user.username)
            self._users[user.user_id] = user

    def get_user(self, user_id: str) -> User | None:
        return self._users.get(user_id)

    def get_user_by_name(self, username: str) -> User | None:
        return next((u for u in self._users.values() if u.username == username), None)

    def list_users(self) -> list[User]:
        return sorted(self._users.values(), key=lambda u: (u.created_at, u.username))

    def replace_user(self, user: User) -> None:
        with self._lock:
            self._users[user.user_id] = user

    def change_password(self, user_id: str, password_hash: str, now: int) -> None:
        with self._lock:
            user = self._users.get(user_id)
            if user is not None:
                self._users[user_id] = replace(user, password_hash=password_hash)
            self._sessions = {k: s for k, s in self._sessions.items() if s.user_id != user_id}
            self.revoke_access(user_id, now)

    def delete_user(self, user_id: str, now: int) -> bool:
        with self._lock:
            if self._users.pop(user_id, None) is None:
                return False
            self._sessions = {k: s for k, s in self._sessions.items() if s.user_id != user_id}
            self.revoke_access(user_id, now)
            return True

    # -- sessions ---------------------------------------------------------------------

    def add_session(self, session: Session) -> None:
        with self._lock:
            self._sessions[session.session_hash] = session

    def get_session(self, session_hash: str) -> Session | None:
        return self._sessions.get(session_hash)

    def delete_session(self, session_hash: str) -> None:
        with self._lock:
            self._sessions.pop(session_hash, None)
            self._once.pop(session_hash, None)

    def put_once(self, session_hash: str, sealed: bytes) -> None:
        with self._lock:
            if session_hash in self._sessions:
                self._once[session_hash] = sealed

    def take_once(self, session_hash: str) -> bytes | None:
        with self._lock:
            sealed = self._once.pop(session_hash, None)
            return sealed if session_hash in self._sessions else None

    # -- consents ---------------------------------------------------------------------

    def add_consent(self, consent: Consent) -> None:
        with self._lock:
            self._consents[(consent.user_id, consent.client_id, consent.scope)] = consent

    def consents_of(self, user_id: str) -> list[Consent]:
        return sorted(
            (c for c in self._consents.values() if c.user_id == user_id), key=lambda c: (c.client_id, c.scope)
        )

    # -- failed logins ----------------------------------------------------------------

    def record_login_failure(self, key: str, now: int) -> tuple[int, int | None]:
        with self._lock:
            count, last = self._failures.get(key, (0, None))
            self._failures[key] = (count + 1, now)
            return count + 1, last

    def login_failures(self, key: str) -> tuple[int, int] | None:
        return self._failures.get(key)

    def clear_login_failures(self, *keys: str) -> None:
        with self._lock:
            for key in keys:
                self._failures.pop(key, None)

    # -- housekeeping -----------------------------------------------------------------

    def purge(self, cutoffs: PurgeCutoffs) -> dict[str, int]:
        expired = cutoffs.expired_before
        with self._lock:
            return {
                "codes": self._drop(self._codes, lambda r: r.expires_at < expired),
                "device_codes": self._drop(self._devices, lambda r: r.expires_at < expired),
                "refresh_tokens": self._drop(self._refresh, lambda r: r.expires_at < expired),
                "grants": self._drop(self._grants, lambda g: g.live_until < expired),
                "revoked_tokens": self._drop(self._revoked_tokens, lambda expires_at: expires_at < expired),
                "registration_tokens": self._drop(self._registration_tokens, lambda t: t.expires_at < expired),
                "sessions": self._drop(self._sessions, lambda s: s.expires_at < cutoffs.sessions_before),
                "login_failures": self._drop(self._failures, lambda f: f[1] < cutoffs.failures_before),
            }

    @staticmethod
    def _drop(table: dict, old) -> int:
        keys = [key for key, value in table.items() if old(value)]
        for key in keys:
            del table[key]
        return len(keys)

    def checkpoint(self) -> None:
        pass  # no journal

    def close(self) -> None:
        pass
