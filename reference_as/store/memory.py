"""MemoryStore: the Store contract in dicts, for tests and throw-away runs
(`--store memory://`). One lock makes each method atomic, as a transaction would."""

import threading
from dataclasses import replace

from .base import DuplicateClient, DuplicateUser, PurgeCutoffs
from .records import AccessToken, AuthorizationCode, Client, Consent, RefreshToken, Session, SigningKey, User


def _owner(record) -> str | None:
    """The resource owner of a code, refresh token or access token; an access token
    has one only when it came from a grant (a client's own token's subject is the client)."""
    if isinstance(record, AccessToken):
        return record.subject if record.grant_id is not None else None
    return record.user_id


class MemoryStore:
    def __init__(self):
        self._lock = threading.RLock()
        self._clients: dict[str, Client] = {}
        self._keys: dict[str, SigningKey] = {}
        self._tokens: dict[str, AccessToken] = {}
        self._users: dict[str, User] = {}
        self._sessions: dict[str, Session] = {}
        self._consents: dict[tuple[str, str, str], Consent] = {}
        self._codes: dict[str, AuthorizationCode] = {}
        self._refresh: dict[str, RefreshToken] = {}
        self._failures: dict[str, tuple[int, int]] = {}
        self._revoked_grants: dict[str, int] = {}

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
            self._clients[client.client_id] = client

    def delete_client(self, client_id: str, now: int) -> bool:
        with self._lock:
            if self._clients.pop(client_id, None) is None:
                return False
            self._revoke_where(lambda record: record.client_id == client_id, now)
            self._consents = {k: c for k, c in self._consents.items() if c.client_id != client_id}
            return True

    def _revoke_where(self, matches, now: int) -> None:
        """Revoke access and refresh tokens and spend codes that `matches`."""
        for table, column in ((self._tokens, "revoked_at"), (self._refresh, "revoked_at"), (self._codes, "used_at")):
            for key, record in table.items():
                if matches(record) and getattr(record, column) is None:
                    table[key] = replace(record, **{column: now})

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

    # -- access tokens and grants -----------------------------------------------------

    def add_access_token(self, token: AccessToken) -> None:
        with self._lock:
            self._tokens[token.jti] = self._as_revoked_if_its_grant_is(token)

    def add_tokens(self, access: AccessToken, refresh: RefreshToken) -> None:
        with self._lock:
            self.add_access_token(access)
            self.add_refresh_token(refresh)

    def _as_revoked_if_its_grant_is(self, token):
        revoked_at = self._revoked_grants.get(token.grant_id) if token.grant_id else None
        return replace(token, revoked_at=revoked_at) if revoked_at is not None and token.revoked_at is None else token

    def get_access_token(self, jti: str) -> AccessToken | None:
        return self._tokens.get(jti)

    def last_issued(self) -> dict[str, int]:
        last: dict[str, int] = {}
        for token in self._tokens.values():
            last[token.client_id] = max(last.get(token.client_id, 0), token.issued_at)
        return last

    def revoke_access_token(self, jti: str, now: int) -> None:
        with self._lock:
            token = self._tokens.get(jti)
            if token is not None and token.revoked_at is None:
                self._tokens[jti] = replace(token, revoked_at=now)

    def revoke_grant(self, grant_id: str, now: int) -> None:
        with self._lock:
            self._revoked_grants.setdefault(grant_id, now)
            self._revoke_where(lambda record: getattr(record, "grant_id", None) == grant_id, now)

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

    def delete_user(self, user_id: str, now: int) -> bool:
        with self._lock:
            if self._users.pop(user_id, None) is None:
                return False
            self._sessions = {k: s for k, s in self._sessions.items() if s.user_id != user_id}
            self._consents = {k: c for k, c in self._consents.items() if c.user_id != user_id}
            self._revoke_where(lambda r: _owner(r) == user_id, now)
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

    # -- consents ---------------------------------------------------------------------

    def add_consent(self, consent: Consent) -> None:
        with self._lock:
            self._consents[(consent.user_id, consent.client_id, consent.scope)] = consent

    def consents_of(self, user_id: str) -> list[Consent]:
        return sorted(
            (c for c in self._consents.values() if c.user_id == user_id), key=lambda c: (c.client_id, c.scope)
        )

    def delete_consents(self, user_id: str, client_id: str) -> None:
        with self._lock:
            self._consents = {
                k: c for k, c in self._consents.items() if (c.user_id, c.client_id) != (user_id, client_id)
            }

    # -- authorization codes ----------------------------------------------------------

    def add_code(self, code: AuthorizationCode) -> None:
        with self._lock:
            self._codes[code.code_hash] = code

    def take_code(self, code_hash: str, now: int) -> AuthorizationCode | None:
        with self._lock:
            code = self._codes.get(code_hash)
            if code is not None and code.used_at is None:
                self._codes[code_hash] = replace(code, used_at=now)
            return code

    # -- refresh tokens ---------------------------------------------------------------

    def add_refresh_token(self, token: RefreshToken) -> None:
        with self._lock:
            self._refresh[token.token_hash] = self._as_revoked_if_its_grant_is(token)

    def get_refresh_token(self, token_hash: str) -> RefreshToken | None:
        return self._refresh.get(token_hash)

    def rotate_refresh_token(self, token_hash: str, now: int) -> bool:
        with self._lock:
            token = self._refresh.get(token_hash)
            if token is None or token.rotated_at is not None:
                return False
            self._refresh[token_hash] = replace(token, rotated_at=now)
            return True

    def use_refresh_grace(self, token_hash: str) -> bool:
        with self._lock:
            token = self._refresh.get(token_hash)
            if token is None or token.grace_used:
                return False
            self._refresh[token_hash] = replace(token, grace_used=True)
            return True

    # -- failed logins ----------------------------------------------------------------

    def record_login_failure(self, key: str, now: int) -> int:
        with self._lock:
            count = self._failures.get(key, (0, now))[0] + 1
            self._failures[key] = (count, now)
            return count

    def login_failures(self, key: str) -> tuple[int, int] | None:
        return self._failures.get(key)

    def clear_login_failures(self, key: str) -> None:
        with self._lock:
            self._failures.pop(key, None)

    # -- housekeeping -----------------------------------------------------------------

    def purge(self, cutoffs: PurgeCutoffs) -> dict[str, int]:
        with self._lock:
            return {
                "codes": self._drop(self._codes, lambda r: r.expires_at < cutoffs.expired_before),
                "access_tokens": self._drop(self._tokens, lambda r: r.expires_at < cutoffs.expired_before),
                "refresh_tokens": self._drop(self._refresh, lambda r: r.expires_at < cutoffs.expired_before),
                "sessions": self._drop(self._sessions, lambda s: s.expires_at < cutoffs.sessions_before),
                "login_failures": self._drop(self._failures, lambda f: f[1] < cutoffs.failures_before),
                "revoked_grants": self._drop(self._revoked_grants, lambda at: at < cutoffs.grants_before),
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
