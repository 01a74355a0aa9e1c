"""The Store contract in SQL, shared by SQLiteStore and PostgresStore.

Every statement here runs on both SQLite (3.35+) and PostgreSQL (13+), written with
`?` and `:name` placeholders, which PostgresStore turns into psycopg's. A subclass
gives three things: `_db`, which runs one statement on its own (autocommit);
`_transaction()`, a context whose statements commit together or not at all; and
`IntegrityError`, its driver's exception for a broken constraint. How each backend
makes a transaction atomic is said in its module; the statements are written so
that both ways hold:
- single use is one conditional UPDATE (`... WHERE used_at IS NULL`): of
  concurrent callers exactly one changes the row, under SQLite's write lock and
  under PostgreSQL's row lock alike (READ COMMITTED re-checks the condition on
  the row a concurrent writer left);
- a read whose answer decides a write in the same transaction (`record_poll`)
  reads with `_LOCK`, PostgreSQL's `FOR UPDATE` (SQLite's transactions already
  hold the write lock from their first statement).
"""

import dataclasses
import json
from abc import ABC, abstractmethod

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
    Profile,
    PushedRequest,
    RefreshToken,
    RegistrationToken,
    Resource,
    Session,
    SigningKey,
    User,
)


def _client(row) -> Client:
    return Client(
        client_id=row[0],
        name=row[1],
        client_type=row[2],
        grant_types=tuple(row[3].split()),
        scopes=tuple(row[4].split()),
        redirect_uris=tuple(json.loads(row[5])),
        status=row[6],
        secret_hash=row[7],
        secret_hint=row[8],
        created_at=row[9],
        updated_at=row[10],
        permissions=tuple(row[11].split()),
        default_scopes=tuple(row[12].split()),
        post_logout_redirect_uris=tuple(json.loads(row[13])),
        origin=row[14],
        registration_token_hash=row[15],
        metadata=row[16],
        token_endpoint_auth_method=row[17],
        jwks=row[18],
        jwks_uri=row[19],
        require_pushed_authorization_requests=bool(row[20]),
        secret_sealed=row[21],
        dpop_bound_access_tokens=bool(row[22]),
        last_used_at=row[23],
    )


def _client_values(c: Client) -> tuple:
    return (
        c.client_id,
        c.name,
        c.client_type,
        " ".join(c.grant_types),
        " ".join(c.scopes),
        json.dumps(list(c.redirect_uris)),
        c.status,
        c.secret_hash,
        c.secret_hint,
        c.created_at,
        c.updated_at,
        " ".join(c.permissions),
        " ".join(c.default_scopes),
        json.dumps(list(c.post_logout_redirect_uris)),
        c.origin,
        c.registration_token_hash,
        c.metadata,
        c.token_endpoint_auth_method,
        c.jwks,
        c.jwks_uri,
        int(c.require_pushed_authorization_requests),
        c.secret_sealed,
        int(c.dpop_bound_access_tokens),
    )


# Written by add_client and replace_client; `last_used_at` only by touch_client.
CLIENT_COLUMNS = (
    "client_id, name, client_type, grant_types, scopes, redirect_uris, status, secret_hash, secret_hint, "
    "created_at, updated_at, permissions, default_scopes, post_logout_redirect_uris, origin, registration_token_hash, "
    "metadata, token_endpoint_auth_method, jwks, jwks_uri, require_pushed_authorization_requests, secret_sealed, "
    "dpop_bound_access_tokens"
)
CLIENT_READ = CLIENT_COLUMNS + ", last_used_at"
KEY_COLUMNS = "kid, alg, public_jwk, private_key_sealed, created_at, signs_from, withdrawn_at"
USER_COLUMNS = (
    "user_id, username, password_hash, is_admin, created_at, "
    "name, given_name, family_name, nickname, picture, locale, email, email_verified, profile_updated_at"
)
SESSION_COLUMNS = "session_hash, user_id, created_at, expires_at"
CONSENT_COLUMNS = "user_id, client_id, scope, granted_at"
CODE_COLUMNS = (
    "code_hash, grant_id, client_id, user_id, redirect_uri, scope, code_challenge, code_challenge_method, "
    "issued_at, expires_at, used_at, nonce, auth_time, resources, dpop_jkt"
)
DEVICE_COLUMNS = (
    "device_code_hash, user_code_hash, grant_id, client_id, scope, issued_at, expires_at, interval, next_poll_at, "
    "entries, user_id, approved_at, denied_at, used_at"
)
REFRESH_COLUMNS = "token_hash, grant_id, issued_at, expires_at, rotated_at, grace_used"
GRANT_COLUMNS = (
    "grant_id, client_id, user_id, scope, created_at, ends_at, live_until, revoked_at, auth_time, resources, dpop_jkt"
)
RESOURCE_COLUMNS = "uri, scopes, created_at"
REGISTRATION_TOKEN_COLUMNS = "token_hash, hint, created_at, expires_at"
CHECK_COLUMNS = "client_id, scenario, started_at, ended_at"
CHECK_EVENT_COLUMNS = "client_id, at, kind, details, seq"
PUSHED_COLUMNS = "request_uri_hash, client_id, params, issued_at, expires_at, used_at"


def _insert(db, table: str, columns: str, values: tuple) -> None:
    db.execute(f"INSERT INTO {table} ({columns}) VALUES ({_placeholders(columns)})", values)


def _refresh_values(t: RefreshToken) -> tuple:
    return (t.token_hash, t.grant_id, t.issued_at, t.expires_at, t.rotated_at, int(t.grace_used))


def _placeholders(columns: str) -> str:
    return ",".join("?" * len(columns.split(",")))


def _user(row) -> User:
    profile = Profile(*row[5:12], email_verified=bool(row[12]), updated_at=row[13])
    return User(row[0], row[1], row[2], bool(row[3]), row[4], profile)


def _user_values(u: User) -> tuple:
    p = u.profile
    return (
        u.user_id, u.username, u.password_hash, int(u.is_admin), u.created_at,
        p.name, p.given_name, p.family_name, p.nickname, p.picture, p.locale, p.email, int(p.email_verified),
        p.updated_at,
    )  # fmt: skip


def _refresh(row) -> RefreshToken:
    return RefreshToken(*row[:5], grace_used=bool(row[5]))


def _grant_values(g: Grant) -> tuple:
    return (
        g.grant_id, g.client_id, g.user_id, g.scope, g.created_at, g.ends_at, g.live_until, g.revoked_at, g.auth_time,
        " ".join(g.resources), g.dpop_jkt,
    )  # fmt: skip


def _grant(row) -> Grant:
    return Grant(*row[:9], resources=tuple(row[9].split()), dpop_jkt=row[10])


def _code(row) -> AuthorizationCode:
    return AuthorizationCode(*row[:13], resources=tuple(row[13].split()), dpop_jkt=row[14])


class SQLStore(ABC):
    """What SQLiteStore and PostgresStore share; each gives the three abstract members."""

    IntegrityError: type[Exception] = Exception
    _LOCK = ""  # appended to a SELECT whose answer the same transaction acts on

    @property
    @abstractmethod
    def _db(self):
        """A connection that runs one statement on its own (autocommit)."""

    @abstractmethod
    def _transaction(self):
        """A context whose statements commit together or not at all."""

    @abstractmethod
    def tables(self) -> dict[str, list[str]]:
        """Each table's columns, but the `rowid` PostgreSQL's signing_keys have (schema.py)."""

    def row_counts(self, tables) -> dict[str, int]:
        return {table: self._db.execute(f"SELECT count(*) FROM {table}").fetchone()[0] for table in tables}

    # -- clients ----------------------------------------------------------------------

    def add_client(self, client: Client) -> None:
        try:
            self._db.execute(
                f"INSERT INTO clients ({CLIENT_COLUMNS}) VALUES ({_placeholders(CLIENT_COLUMNS)})",
                _client_values(client),
            )
        except self.IntegrityError:
            raise DuplicateClient(client.client_id) from None

    def get_client(self, client_id: str) -> Client | None:
        row = self._db.execute(f"SELECT {CLIENT_READ} FROM clients WHERE client_id = ?", (client_id,)).fetchone()
        return _client(row) if row else None

    def list_clients(self) -> list[Client]:
        rows = self._db.execute(f"SELECT {CLIENT_READ} FROM clients ORDER BY created_at, client_id")
        return [_client(row) for row in rows]

    def replace_client(self, client: Client) -> None:
        values = _client_values(client)
        assignments = ", ".join(f"{column} = ?" for column in CLIENT_COLUMNS.split(", ")[1:])
        self._db.execute(f"UPDATE clients SET {assignments} WHERE client_id = ?", (*values[1:], values[0]))

    def delete_client(self, client_id: str, now: int) -> bool:
        with self._transaction() as db:
            deleted = db.execute("DELETE FROM clients WHERE client_id = ?", (client_id,)).rowcount
            if deleted:
                self._withdraw(db, "client_id = ?", (client_id,), now)
            return bool(deleted)

    def touch_client(self, client_id: str, now: int, every: int) -> None:
        self._db.execute(
            "UPDATE clients SET last_used_at = ? WHERE client_id = ? AND (last_used_at IS NULL OR last_used_at <= ?)",
            (now, client_id, now - every),
        )

    def delete_unused_clients(self, origins: tuple[str, ...], unused_since: int, now: int) -> list[str]:
        marks = ",".join("?" * len(origins))
        with self._transaction() as db:
            deleted = [
                row[0]
                for row in db.execute(
                    f"DELETE FROM clients WHERE origin IN ({marks}) AND coalesce(last_used_at, created_at) < ? "
                    "RETURNING client_id",
                    (*origins, unused_since),
                )
            ]
            for client_id in deleted:
                self._withdraw(db, "client_id = ?", (client_id,), now)
        return sorted(deleted)

    # -- client checks ------------------------------------------------------------------

    def start_client_check(self, check: ClientCheck) -> ClientCheck | None:
        with self._transaction() as db:
            row = db.execute(
                f"SELECT {CHECK_COLUMNS} FROM client_checks WHERE client_id = ?{self._LOCK}", (check.client_id,)
            )
            current = row.fetchone()
            if current is not None and current[3] is None:
                return ClientCheck(*current)
            # The events of the check that ended go with it (ON DELETE CASCADE).
            db.execute("DELETE FROM client_checks WHERE client_id = ?", (check.client_id,))
            _insert(db, "client_checks", CHECK_COLUMNS, dataclasses.astuple(check))
            return None

    def get_client_check(self, client_id: str) -> ClientCheck | None:
        row = self._db.execute(f"SELECT {CHECK_COLUMNS} FROM client_checks WHERE client_id = ?", (client_id,))
        found = row.fetchone()
        return ClientCheck(*found) if found else None

    def end_client_check(self, client_id: str, now: int) -> bool:
        done = self._db.execute(
            "UPDATE client_checks SET ended_at = ? WHERE client_id = ? AND ended_at IS NULL", (now, client_id)
        )
        return done.rowcount == 1

    def add_check_event(self, event: CheckEvent, limit: int) -> bool:
        # One statement: the number after the check's last event, and only while the check
        # is under way and below the limit (INSERT ... SELECT with HAVING).
        done = self._db.execute(
            "INSERT INTO client_check_events (client_id, seq, at, kind, details) "
            "SELECT c.client_id, coalesce(max(e.seq), 0) + 1, ?, ?, ? FROM client_checks c "
            "LEFT JOIN client_check_events e ON e.client_id = c.client_id "
            "WHERE c.client_id = ? AND c.ended_at IS NULL GROUP BY c.client_id HAVING count(e.seq) < ?",
            (event.at, event.kind, event.details, event.client_id, limit),
        )
        return done.rowcount == 1

    def check_events(self, client_id: str) -> list[CheckEvent]:
        rows = self._db.execute(
            f"SELECT {CHECK_EVENT_COLUMNS} FROM client_check_events WHERE client_id = ? ORDER BY seq", (client_id,)
        )
        return [CheckEvent(*row) for row in rows]

    # -- protected resources ------------------------------------------------------------

    def add_resource(self, resource: Resource) -> None:
        self._db.execute(
            f"INSERT INTO resources ({RESOURCE_COLUMNS}) VALUES (?, ?, ?) "
            "ON CONFLICT (uri) DO UPDATE SET scopes = excluded.scopes, created_at = excluded.created_at",
            (resource.uri, " ".join(resource.scopes), resource.created_at),
        )

    def list_resources(self) -> list[Resource]:
        rows = self._db.execute(f"SELECT {RESOURCE_COLUMNS} FROM resources ORDER BY uri")
        return [Resource(row[0], tuple(row[1].split()), row[2]) for row in rows]

    def delete_resource(self, uri: str) -> bool:
        return bool(self._db.execute("DELETE FROM resources WHERE uri = ?", (uri,)).rowcount)

    # -- initial access tokens ----------------------------------------------------------

    def add_registration_token(self, token: RegistrationToken) -> None:
        _insert(self._db, "registration_tokens", REGISTRATION_TOKEN_COLUMNS, (
            token.token_hash, token.hint, token.created_at, token.expires_at,
        ))  # fmt: skip

    def get_registration_token(self, token_hash: str) -> RegistrationToken | None:
        row = self._db.execute(
            f"SELECT {REGISTRATION_TOKEN_COLUMNS} FROM registration_tokens WHERE token_hash = ?", (token_hash,)
        ).fetchone()
        return RegistrationToken(*row) if row else None

    def list_registration_tokens(self) -> list[RegistrationToken]:
        rows = self._db.execute(
            f"SELECT {REGISTRATION_TOKEN_COLUMNS} FROM registration_tokens ORDER BY created_at DESC, token_hash"
        )
        return [RegistrationToken(*row) for row in rows]

    def delete_registration_token(self, token_hash: str) -> bool:
        return bool(self._db.execute("DELETE FROM registration_tokens WHERE token_hash = ?", (token_hash,)).rowcount)

    @staticmethod
    def _withdraw(db, condition: str, args: tuple, now: int) -> None:
        """Revoke the grants, spend the codes (device codes too) and forget the consents
        matching `condition` (on client_id and user_id, columns of all four tables)."""
        db.execute(f"UPDATE grants SET revoked_at = ? WHERE {condition} AND revoked_at IS NULL", (now, *args))
        for table in ("authorization_codes", "device_authorizations"):
            db.execute(f"UPDATE {table} SET used_at = ? WHERE {condition} AND used_at IS NULL", (now, *args))
        db.execute(f"DELETE FROM consents WHERE {condition}", args)

    # -- signing keys -----------------------------------------------------------------

    def add_signing_key(self, key: SigningKey, withdraw_others: bool = False) -> None:
        with self._transaction() as db:
            if withdraw_others:
                db.execute("UPDATE signing_keys SET withdrawn_at = ? WHERE withdrawn_at IS NULL", (key.created_at,))
            db.execute(
                f"INSERT INTO signing_keys ({KEY_COLUMNS}) VALUES ({_placeholders(KEY_COLUMNS)})",
                (key.kid, key.alg, key.public_jwk, key.private_key_sealed, key.created_at, key.signs_from, None),
            )

    def signing_keys(self) -> list[SigningKey]:
        # Of two keys made in one second, the one added last first: `rowid`, SQLite's insertion
        # order (PostgreSQL's table has a column of that name, schema.py).
        rows = self._db.execute(f"SELECT {KEY_COLUMNS} FROM signing_keys ORDER BY created_at DESC, rowid DESC")
        return [SigningKey(*row) for row in rows]

    # -- authorization codes and the grants they start ----------------------------------

    def add_code(self, c: AuthorizationCode) -> None:
        _insert(self._db, "authorization_codes", CODE_COLUMNS, (
            c.code_hash, c.grant_id, c.client_id, c.user_id, c.redirect_uri, c.scope, c.code_challenge,
            c.code_challenge_method, c.issued_at, c.expires_at, c.used_at, c.nonce, c.auth_time, " ".join(c.resources),
            c.dpop_jkt,
        ))  # fmt: skip

    def get_code(self, code_hash: str) -> AuthorizationCode | None:
        row = self._db.execute(
            f"SELECT {CODE_COLUMNS} FROM authorization_codes WHERE code_hash = ?", (code_hash,)
        ).fetchone()
        return _code(row) if row else None

    def redeem_code(self, code_hash: str, grant: Grant, refresh: RefreshToken | None, now: int) -> bool:
        # The conditional UPDATE changes the row for exactly one of concurrent callers.
        return self._spend_and_start(
            "UPDATE authorization_codes SET used_at = ? WHERE code_hash = ? AND used_at IS NULL RETURNING code_hash",
            (now, code_hash),
            grant,
            refresh,
        )

    def _spend_and_start(self, spend: str, args: tuple, grant: Grant, refresh: RefreshToken | None) -> bool:
        """Run the conditional UPDATE `spend`; if it changed its row, record the grant and
        its first refresh token, all in one transaction."""
        with self._transaction() as db:
            if not db.execute(spend, args).fetchone():
                return False
            _insert(db, "grants", GRANT_COLUMNS, _grant_values(grant))
            if refresh:
                _insert(db, "refresh_tokens", REFRESH_COLUMNS, _refresh_values(refresh))
            return True

    # -- device authorizations (RFC 8628) ------------------------------------------------

    def add_device_authorization(self, d: DeviceAuthorization) -> None:
        try:
            _insert(self._db, "device_authorizations", DEVICE_COLUMNS, (
                d.device_code_hash, d.user_code_hash, d.grant_id, d.client_id, d.scope, d.issued_at, d.expires_at,
                d.interval, d.next_poll_at, d.entries, d.user_id, d.approved_at, d.denied_at, d.used_at,
            ))  # fmt: skip
        except self.IntegrityError:
            raise DuplicateUserCode() from None

    def get_device_authorization(self, device_code_hash: str) -> DeviceAuthorization | None:
        return self._device(self._db, "device_code_hash", device_code_hash)

    @staticmethod
    def _device(db, column: str, value: str, lock: str = "") -> DeviceAuthorization | None:
        row = db.execute(
            f"SELECT {DEVICE_COLUMNS} FROM device_authorizations WHERE {column} = ?{lock}", (value,)
        ).fetchone()
        return DeviceAuthorization(*row) if row else None

    def enter_user_code(self, user_code_hash: str, now: int) -> DeviceAuthorization | None:
        with self._transaction() as db:
            db.execute(
                "UPDATE device_authorizations SET entries = entries + 1 WHERE user_code_hash = ? AND expires_at > ? "
                "AND approved_at IS NULL AND denied_at IS NULL AND used_at IS NULL",
                (user_code_hash, now),
            )
            return self._device(db, "user_code_hash", user_code_hash)

    def record_poll(self, device_code_hash: str, now: int) -> tuple[DeviceAuthorization, bool] | None:
        # The read (with _LOCK) and the write in one transaction, so concurrent polls count in turn.
        with self._transaction() as db:
            device = self._device(db, "device_code_hash", device_code_hash, self._LOCK)
            if device is None:
                return None
            too_fast, interval, next_poll_at = after_poll(device.interval, device.next_poll_at, now)
            db.execute(
                "UPDATE device_authorizations SET interval = ?, next_poll_at = ? WHERE device_code_hash = ?",
                (interval, next_poll_at, device_code_hash),
            )
            return dataclasses.replace(device, interval=interval, next_poll_at=next_poll_at), too_fast

    def decide_device_authorization(self, device_code_hash: str, now: int, user_id: str | None) -> bool:
        decision = "user_id = ?, approved_at = ?" if user_id else "denied_at = ?"
        args = (user_id, now) if user_id else (now,)
        return bool(
            self._db.execute(
                f"UPDATE device_authorizations SET {decision} WHERE device_code_hash = ? AND expires_at > ? "
                "AND approved_at IS NULL AND denied_at IS NULL AND used_at IS NULL",
                (*args, device_code_hash, now),
            ).rowcount
        )

    def redeem_device_code(self, device_code_hash: str, grant: Grant, refresh: RefreshToken | None, now: int) -> bool:
        return self._spend_and_start(
            "UPDATE device_authorizations SET used_at = ? WHERE device_code_hash = ? AND used_at IS NULL "
            "AND approved_at IS NOT NULL AND expires_at > ? RETURNING device_code_hash",
            (now, device_code_hash, now),
            grant,
            refresh,
        )

    # -- pushed authorization requests (RFC 9126) -----------------------------------------

    def add_pushed_request(self, p: PushedRequest) -> None:
        _insert(self._db, "pushed_authorization_requests", PUSHED_COLUMNS, (
            p.request_uri_hash, p.client_id, json.dumps([list(pair) for pair in p.params]), p.issued_at,
            p.expires_at, p.used_at,
        ))  # fmt: skip

    def get_pushed_request(self, request_uri_hash: str) -> PushedRequest | None:
        row = self._db.execute(
            f"SELECT {PUSHED_COLUMNS} FROM pushed_authorization_requests WHERE request_uri_hash = ?",
            (request_uri_hash,),
        ).fetchone()
        if row is None:
            return None
        return PushedRequest(row[0], row[1], tuple((name, value) for name, value in json.loads(row[2])), *row[3:])

    def spend_pushed_request(self, request_uri_hash: str, now: int) -> bool:
        return bool(
            self._db.execute(
                "UPDATE pushed_authorization_requests SET used_at = ? "
                "WHERE request_uri_hash = ? AND used_at IS NULL AND expires_at > ?",
                (now, request_uri_hash, now),
            ).rowcount
        )

    # -- client assertions (RFC 7523) -----------------------------------------------------

    def use_assertion_jti(self, client_id: str, jti: str, expires_at: int, now: int) -> bool:
        # One statement: a new jti is inserted; a recorded one is taken over only once it expired.
        return bool(
            self._db.execute(
                "INSERT INTO client_assertion_jtis (client_id, jti, expires_at) VALUES (?, ?, ?) "
                "ON CONFLICT (client_id, jti) DO UPDATE SET expires_at = excluded.expires_at "
                "WHERE client_assertion_jtis.expires_at <= ?",
                (client_id, jti, expires_at, now),
            ).rowcount
        )

    # -- refresh tokens -----------------------------------------------------------------

    def get_refresh_token(self, token_hash: str) -> tuple[RefreshToken, Grant] | None:
        row = self._db.execute(
            "SELECT r.token_hash, r.grant_id, r.issued_at, r.expires_at, r.rotated_at, r.grace_used, "
            "g.client_id, g.user_id, g.scope, g.created_at, g.ends_at, g.live_until, g.revoked_at, g.auth_time, "
            "g.resources, g.dpop_jkt "
            "FROM refresh_tokens r JOIN grants g ON g.grant_id = r.grant_id WHERE r.token_hash = ?",
            (token_hash,),
        ).fetchone()
        return (_refresh(row[:6]), _grant((row[1], *row[6:]))) if row else None

    def rotate_refresh_token(
        self, token_hash: str, successor: RefreshToken, live_until: int, now: int, grace: bool = False
    ) -> bool:
        spend, spend_args = (
            ("UPDATE refresh_tokens SET grace_used = 1 WHERE token_hash = ? AND grace_used = 0", (token_hash,))
            if grace
            else (
                "UPDATE refresh_tokens SET rotated_at = ? WHERE token_hash = ? AND rotated_at IS NULL",
                (now, token_hash),
            )
        )
        # The grant is read with _LOCK: a revocation cannot come between this check and the commit.
        with self._transaction() as db:
            grant_alive = db.execute(
                "SELECT 1 FROM grants WHERE grant_id = ? AND revoked_at IS NULL" + self._LOCK, (successor.grant_id,)
            ).fetchone()
            if not grant_alive or not db.execute(spend, spend_args).rowcount:
                return False
            db.execute(
                "UPDATE grants SET live_until = CASE WHEN live_until < ? THEN ? ELSE live_until END WHERE grant_id = ?",
                (live_until, live_until, successor.grant_id),
            )
            _insert(db, "refresh_tokens", REFRESH_COLUMNS, _refresh_values(successor))
            return True

    # -- DPoP proofs (RFC 9449 §11.1) ---------------------------------------------------

    def record_dpop_proof(self, proof_hash: str, expires_at: int) -> bool:
        # The primary key decides: of concurrent inserts of one proof, one changes a row.
        return bool(
            self._db.execute(
                "INSERT INTO dpop_proofs (proof_hash, expires_at) VALUES (?, ?) ON CONFLICT (proof_hash) DO NOTHING",
                (proof_hash, expires_at),
            ).rowcount
        )

    # -- grants and the revocation list ---------------------------------------------------

    def revoke_grant(self, grant_id: str, now: int) -> None:
        self._db.execute("UPDATE grants SET revoked_at = ? WHERE grant_id = ? AND revoked_at IS NULL", (now, grant_id))

    def revoke_access_token(self, jti: str, expires_at: int) -> None:
        self._db.execute(
            "INSERT INTO revoked_tokens (jti, expires_at) VALUES (?, ?) ON CONFLICT (jti) DO NOTHING", (jti, expires_at)
        )

    def is_revoked(self, jti: str, grant_id: str | None) -> bool:
        # A token of schema 6 names no grant; its grant is in legacy_access_tokens until it expires.
        row = self._db.execute(
            "WITH token AS (SELECT coalesce(:grant_id, "
            "    (SELECT grant_id FROM legacy_access_tokens WHERE jti = :jti)) AS grant_id) "
            "SELECT EXISTS (SELECT 1 FROM revoked_tokens WHERE jti = :jti) "
            "    OR (token.grant_id IS NOT NULL AND NOT EXISTS "
            "        (SELECT 1 FROM grants g WHERE g.grant_id = token.grant_id AND g.revoked_at IS NULL)) "
            "FROM token",
            {"jti": jti, "grant_id": grant_id},
        ).fetchone()
        return bool(row[0])

    def grants_of(self, user_id: str, now: int) -> list[Grant]:
        rows = self._db.execute(
            f"SELECT {GRANT_COLUMNS} FROM grants WHERE user_id = ? AND revoked_at IS NULL AND live_until > ? "
            "ORDER BY created_at, grant_id",
            (user_id, now),
        )
        return [_grant(row) for row in rows]

    def revoke_access(self, user_id: str, now: int, client_id: str | None = None) -> None:
        with self._transaction() as db:
            if client_id is None:
                self._withdraw(db, "user_id = ?", (user_id,), now)
            else:
                self._withdraw(db, "user_id = ? AND client_id = ?", (user_id, client_id), now)

    # -- users ------------------------------------------------------------------------

    def add_user(self, user: User) -> None:
        try:
            _insert(self._db, "users", USER_COLUMNS, _user_values(user))
        except self.IntegrityError:
            raise DuplicateUser(user.username) from None

    def get_user(self, user_id: str) -> User | None:
        row = self._db.execute(f"SELECT {USER_COLUMNS} FROM users WHERE user_id = ?", (user_id,)).fetchone()
        return _user(row) if row else None

    def get_user_by_name(self, username: str) -> User | None:
        row = self._db.execute(f"SELECT {USER_COLUMNS} FROM users WHERE username = ?", (username,)).fetchone()
        return _user(row) if row else None

    def list_users(self) -> list[User]:
        return [
            _user(row) for row in self._db.execute(f"SELECT {USER_COLUMNS} FROM users ORDER BY created_at, username")
        ]

    def replace_user(self, user: User) -> None:
        values = _user_values(user)
        # Everything but the id and the creation time.
        columns = [column for column in USER_COLUMNS.split(", ") if column not in ("user_id", "created_at")]
        kept = [value for column, value in zip(USER_COLUMNS.split(", "), values, strict=True) if column in columns]
        assignments = ", ".join(f"{column} = ?" for column in columns)
        self._db.execute(f"UPDATE users SET {assignments} WHERE user_id = ?", (*kept, user.user_id))

    def change_password(self, user_id: str, password_hash: str, now: int) -> None:
        with self._transaction() as db:
            db.execute("UPDATE users SET password_hash = ? WHERE user_id = ?", (password_hash, user_id))
            db.execute("DELETE FROM sessions WHERE user_id = ?", (user_id,))
            self._withdraw(db, "user_id = ?", (user_id,), now)

    def delete_user(self, user_id: str, now: int) -> bool:
        with self._transaction() as db:
            deleted = db.execute("DELETE FROM users WHERE user_id = ?", (user_id,)).rowcount
            if deleted:  # sessions and consents go with the row (ON DELETE CASCADE)
                self._withdraw(db, "user_id = ?", (user_id,), now)
            return bool(deleted)

    # -- sessions ---------------------------------------------------------------------

    def add_session(self, s: Session) -> None:
        self._db.execute(
            f"INSERT INTO sessions ({SESSION_COLUMNS}) VALUES ({_placeholders(SESSION_COLUMNS)})",
            (s.session_hash, s.user_id, s.created_at, s.expires_at),
        )

    def get_session(self, session_hash: str) -> Session | None:
        row = self._db.execute(
            f"SELECT {SESSION_COLUMNS} FROM sessions WHERE session_hash = ?", (session_hash,)
        ).fetchone()
        return Session(*row) if row else None

    def delete_session(self, session_hash: str) -> None:
        self._db.execute("DELETE FROM sessions WHERE session_hash = ?", (session_hash,))

    def put_once(self, session_hash: str, sealed: bytes) -> None:
        self._db.execute("UPDATE sessions SET once_sealed = ? WHERE session_hash = ?", (sealed, session_hash))

    def take_once(self, session_hash: str) -> bytes | None:
        # The read (with _LOCK) and the emptying in one transaction: one caller gets what was there.
        with self._transaction() as db:
            row = db.execute(
                "SELECT once_sealed FROM sessions WHERE session_hash = ?" + self._LOCK, (session_hash,)
            ).fetchone()
            if row and row[0] is not None:
                db.execute("UPDATE sessions SET once_sealed = NULL WHERE session_hash = ?", (session_hash,))
        return row[0] if row else None

    # -- consents ---------------------------------------------------------------------

    def add_consent(self, c: Consent) -> None:
        self._db.execute(
            f"INSERT INTO consents ({CONSENT_COLUMNS}) VALUES ({_placeholders(CONSENT_COLUMNS)}) "
            "ON CONFLICT (user_id, client_id, scope) DO UPDATE SET granted_at = excluded.granted_at",
            (c.user_id, c.client_id, c.scope, c.granted_at),
        )

    def consents_of(self, user_id: str) -> list[Consent]:
        rows = self._db.execute(
            f"SELECT {CONSENT_COLUMNS} FROM consents WHERE user_id = ? ORDER BY client_id, scope", (user_id,)
        )
        return [Consent(*row) for row in rows]

    # -- failed logins ----------------------------------------------------------------

    def record_login_failure(self, key: str, now: int) -> tuple[int, int | None]:
        with self._transaction() as db:
            before = db.execute(
                "SELECT last_failure_at FROM login_failures WHERE key = ?" + self._LOCK, (key,)
            ).fetchone()
            count = db.execute(
                "INSERT INTO login_failures (key, count, last_failure_at) VALUES (?, 1, ?) "
                "ON CONFLICT (key) DO UPDATE "
                "SET count = login_failures.count + 1, last_failure_at = excluded.last_failure_at RETURNING count",
                (key, now),
            ).fetchone()[0]
        return count, before[0] if before else None

    def login_failures(self, key: str) -> tuple[int, int] | None:
        row = self._db.execute("SELECT count, last_failure_at FROM login_failures WHERE key = ?", (key,)).fetchone()
        return (row[0], row[1]) if row else None

    def clear_login_failures(self, *keys: str) -> None:
        self._db.executemany("DELETE FROM login_failures WHERE key = ?", [(key,) for key in keys])

    # -- housekeeping -----------------------------------------------------------------

    def purge(self, cutoffs: PurgeCutoffs) -> dict[str, int]:
        """One transaction; each DELETE walks an index on the time it compares."""
        expired, sessions, failures = cutoffs.expired_before, cutoffs.sessions_before, cutoffs.failures_before
        deletes = {
            "codes": ("DELETE FROM authorization_codes WHERE expires_at < ?", expired),
            "device_codes": ("DELETE FROM device_authorizations WHERE expires_at < ?", expired),
            "refresh_tokens": ("DELETE FROM refresh_tokens WHERE expires_at < ?", expired),
            "grants": ("DELETE FROM grants WHERE live_until < ?", expired),
            "revoked_tokens": ("DELETE FROM revoked_tokens WHERE expires_at < ?", expired),
            "registration_tokens": ("DELETE FROM registration_tokens WHERE expires_at < ?", expired),
            "pushed_requests": ("DELETE FROM pushed_authorization_requests WHERE expires_at < ?", expired),
            "assertion_jtis": ("DELETE FROM client_assertion_jtis WHERE expires_at < ?", expired),
            "dpop_proofs": ("DELETE FROM dpop_proofs WHERE expires_at < ?", cutoffs.dpop_proofs_before),
            # Schema 6's live tokens (migration 007), gone within a token lifetime of the upgrade.
            "legacy_access_tokens": ("DELETE FROM legacy_access_tokens WHERE expires_at < ?", expired),
            "sessions": ("DELETE FROM sessions WHERE expires_at < ?", sessions),
            "login_failures": ("DELETE FROM login_failures WHERE last_failure_at < ?", failures),
        }
        with self._transaction() as db:
            return {kind: db.execute(sql, (cutoff,)).rowcount for kind, (sql, cutoff) in deletes.items()}
