"""SQLiteStore: the Store contract on the standard library's sqlite3.

- Before it is written to, the file is checked, and a new one created 0600
  (`sqlite_file.py`): a bad file stops the server at start with one line.
- WAL journal, so readers never wait for the writer and several server
  processes can share one file; `busy_timeout` makes a writer wait its turn
  instead of failing. The log is kept small (`checkpoint`).
- One connection per process and thread, opened lazily: a connection is never
  carried across a fork (the production server forks its workers).
- Schema changes are numbered files in `migrations/`, applied in order inside
  one transaction and recorded in `schema_version`, so later versions migrate
  an existing database instead of starting over; a database at a schema newer
  than the code is refused.
- Writes that touch several rows run in one `BEGIN IMMEDIATE` transaction.
"""

import json
import os
import sqlite3
import threading
import time
from contextlib import contextmanager
from importlib import resources
from pathlib import Path

from . import sqlite_file
from .base import DuplicateClient, DuplicateUser, PurgeCutoffs, StoreError
from .records import AccessToken, AuthorizationCode, Client, Consent, RefreshToken, Session, SigningKey, User


def _migrations() -> list[tuple[int, str]]:
    folder = resources.files(__package__) / "migrations"
    files = sorted(f for f in folder.iterdir() if f.name.endswith(".sql"))
    return [(int(f.name.split("_", 1)[0]), f.read_text()) for f in files]


def _statements(script: str):
    """Split a migration into statements, so it can run inside our transaction
    (`executescript` would commit first)."""
    buffer = ""
    for line in script.splitlines(keepends=True):
        buffer += line
        if sqlite3.complete_statement(buffer):
            yield buffer
            buffer = ""


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
    )


CLIENT_COLUMNS = (
    "client_id, name, client_type, grant_types, scopes, redirect_uris, status, secret_hash, secret_hint, "
    "created_at, updated_at, permissions"
)
KEY_COLUMNS = "kid, alg, public_jwk, private_key_sealed, created_at, signs_from, withdrawn_at"
TOKEN_COLUMNS = "jti, client_id, subject, scope, issued_at, expires_at, revoked_at, grant_id"
USER_COLUMNS = "user_id, username, password_hash, is_admin, created_at"
SESSION_COLUMNS = "session_hash, user_id, created_at, expires_at"
CONSENT_COLUMNS = "user_id, client_id, scope, granted_at"
CODE_COLUMNS = (
    "code_hash, grant_id, client_id, user_id, redirect_uri, scope, code_challenge, code_challenge_method, "
    "issued_at, expires_at, used_at"
)
REFRESH_COLUMNS = (
    "token_hash, grant_id, client_id, user_id, scope, issued_at, expires_at, rotated_at, revoked_at, grace_used"
)


# The value of a new token's revoked_at: its own, else the revocation time of its grant.
REVOKED_IF_GRANT_IS = "coalesce(?, (SELECT revoked_at FROM revoked_grants WHERE grant_id = ?))"


def _insert_access_token(db: sqlite3.Connection, t: AccessToken) -> None:
    # revoked_at: the token's own, else its grant's revocation time (see revoke_grant),
    # read in the same statement as the insert.
    db.execute(
        f"INSERT INTO access_tokens ({TOKEN_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, {REVOKED_IF_GRANT_IS}, ?)",
        (t.jti, t.client_id, t.subject, t.scope, t.issued_at, t.expires_at, t.revoked_at, t.grant_id, t.grant_id),
    )


def _insert_refresh_token(db: sqlite3.Connection, t: RefreshToken) -> None:
    db.execute(
        f"INSERT INTO refresh_tokens ({REFRESH_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, {REVOKED_IF_GRANT_IS}, ?)",
        (
            t.token_hash, t.grant_id, t.client_id, t.user_id, t.scope, t.issued_at, t.expires_at, t.rotated_at,
            t.revoked_at, t.grant_id, int(t.grace_used),
        ),
    )  # fmt: skip


def _placeholders(columns: str) -> str:
    return ",".join("?" * len(columns.split(",")))


def _user(row) -> User:
    return User(row[0], row[1], row[2], bool(row[3]), row[4])


def _refresh(row) -> RefreshToken:
    return RefreshToken(*row[:9], grace_used=bool(row[9]))


BUSY_TIMEOUT_MS = 30_000  # how long a statement waits for another connection's lock

# An SQLite connection must not be used across a fork. Each process counts the forks
# that made it (a counter, not os.getpid(): that is a system call, and the connection
# is looked up several times per request), and a thread's connection opened under an
# older count is never used.
_forks = 0


def _count_fork() -> None:
    global _forks
    _forks += 1


os.register_at_fork(after_in_child=_count_fork)


class SQLiteStore:
    def __init__(self, path: str | Path):
        self.path = Path(path)
        sqlite_file.prepare(self.path)
        self._local = threading.local()
        self._migrate()

    # -- connections and transactions -------------------------------------------------

    @property
    def _db(self) -> sqlite3.Connection:
        local = self._local
        if getattr(local, "forks", None) != _forks:
            conn = sqlite3.connect(
                self.path, isolation_level=None, timeout=BUSY_TIMEOUT_MS / 1000, check_same_thread=True
            )
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA synchronous=NORMAL")  # durable at each checkpoint; safe with WAL
            conn.execute("PRAGMA foreign_keys=ON")
            conn.execute(f"PRAGMA journal_size_limit={sqlite_file.WAL_LIMIT_BYTES}")  # a reset log is cut back to this
            local.conn, local.forks = conn, _forks
        return local.conn

    @contextmanager
    def _transaction(self):
        db = self._db
        db.execute("BEGIN IMMEDIATE")
        try:
            yield db
        except BaseException:
            db.execute("ROLLBACK")
            raise
        db.execute("COMMIT")

    def _migrate(self) -> None:
        migrations = _migrations()
        latest = migrations[-1][0]
        with self._transaction() as db:
            db.execute("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)")
            current = db.execute("SELECT max(version) FROM schema_version").fetchone()[0] or 0
            if current > latest:
                raise StoreError(
                    f"the store {self.path.absolute()} is at schema {current}, this reference-as knows up to "
                    f"{latest}: upgrade reference-as"
                )
            for version, script in migrations:
                if version > current:
                    for statement in _statements(script):
                        db.execute(statement)
                    db.execute("INSERT INTO schema_version (version) VALUES (?)", (version,))
            if db.execute("PRAGMA application_id").fetchone()[0] != sqlite_file.APPLICATION_ID:
                db.execute(f"PRAGMA application_id = {sqlite_file.APPLICATION_ID}")

    def schema_version(self) -> int:
        return self._db.execute("SELECT max(version) FROM schema_version").fetchone()[0]

    def checkpoint(self) -> None:
        """Keep the write-ahead log small. SQLite's automatic checkpoints copy the log
        into the database after each 1000 pages, but the log starts over only when no
        reader still needs it, which under a burst of requests is seldom: it grew to
        44-137 MB in bursts of 15-30 s (`bench/experiments/wal_burst.py`) and never
        shrank. Past WAL_LIMIT_BYTES, a TRUNCATE checkpoint holds the writers back while the readers
        of older snapshots finish (at most CHECKPOINT_WAIT_MS: then it gives up until
        the next call), copies the log and empties it. Another connection's automatic
        checkpoint may hold the checkpoint lock for a moment: then it tries again."""
        try:
            size = os.path.getsize(f"{self.path}-wal")
        except FileNotFoundError:
            return
        if size <= sqlite_file.WAL_LIMIT_BYTES:
            return
        db = self._db
        db.execute(f"PRAGMA busy_timeout = {sqlite_file.CHECKPOINT_WAIT_MS}")
        try:
            for _ in range(sqlite_file.CHECKPOINT_TRIES):
                busy, log_frames, _ = db.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
                if not busy or log_frames != -1:  # done, or the readers took too long
                    return
                time.sleep(0.001)  # the checkpoint lock was taken
        finally:
            db.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")

    def close(self) -> None:
        if getattr(self._local, "forks", None) == _forks:
            self._local.conn.close()
        self._local = threading.local()

    # -- clients ----------------------------------------------------------------------

    def add_client(self, client: Client) -> None:
        try:
            self._db.execute(
                f"INSERT INTO clients ({CLIENT_COLUMNS}) VALUES ({_placeholders(CLIENT_COLUMNS)})",
                _client_values(client),
            )
        except sqlite3.IntegrityError:
            raise DuplicateClient(client.client_id) from None

    def get_client(self, client_id: str) -> Client | None:
        row = self._db.execute(f"SELECT {CLIENT_COLUMNS} FROM clients WHERE client_id = ?", (client_id,)).fetchone()
        return _client(row) if row else None

    def list_clients(self) -> list[Client]:
        rows = self._db.execute(f"SELECT {CLIENT_COLUMNS} FROM clients ORDER BY created_at, client_id")
        return [_client(row) for row in rows]

    def replace_client(self, client: Client) -> None:
        values = _client_values(client)
        assignments = ", ".join(f"{column} = ?" for column in CLIENT_COLUMNS.split(", ")[1:])
        self._db.execute(f"UPDATE clients SET {assignments} WHERE client_id = ?", (*values[1:], values[0]))

    def delete_client(self, client_id: str, now: int) -> bool:
        with self._transaction() as db:
            deleted = db.execute("DELETE FROM clients WHERE client_id = ?", (client_id,)).rowcount
            if deleted:
                self._revoke_where(db, "client_id = ?", (client_id,), now)
                # A consent names the client; a client registered later under the same id is asked afresh.
                db.execute("DELETE FROM consents WHERE client_id = ?", (client_id,))
            return bool(deleted)

    @staticmethod
    def _revoke_where(db, condition: str, args: tuple, now: int, token_condition: str | None = None) -> None:
        """Revoke access and refresh tokens and spend codes matching `condition`
        (`token_condition`, when given, is the access tokens' own)."""
        token_condition = token_condition or condition
        db.execute(
            f"UPDATE access_tokens SET revoked_at = ? WHERE {token_condition} AND revoked_at IS NULL", (now, *args)
        )
        db.execute(f"UPDATE refresh_tokens SET revoked_at = ? WHERE {condition} AND revoked_at IS NULL", (now, *args))
        db.execute(f"UPDATE authorization_codes SET used_at = ? WHERE {condition} AND used_at IS NULL", (now, *args))

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
        rows = self._db.execute(f"SELECT {KEY_COLUMNS} FROM signing_keys ORDER BY created_at DESC, rowid DESC")
        return [SigningKey(*row) for row in rows]

    # -- access tokens ----------------------------------------------------------------

    def add_access_token(self, t: AccessToken) -> None:
        _insert_access_token(self._db, t)

    def add_tokens(self, access: AccessToken, refresh: RefreshToken) -> None:
        with self._transaction() as db:
            _insert_access_token(db, access)
            _insert_refresh_token(db, refresh)

    def get_access_token(self, jti: str) -> AccessToken | None:
        row = self._db.execute(f"SELECT {TOKEN_COLUMNS} FROM access_tokens WHERE jti = ?", (jti,)).fetchone()
        return AccessToken(*row) if row else None

    def last_issued(self) -> dict[str, int]:
        rows = self._db.execute("SELECT client_id, max(issued_at) FROM access_tokens GROUP BY client_id")
        return dict(rows.fetchall())

    def revoke_access_token(self, jti: str, now: int) -> None:
        self._db.execute("UPDATE access_tokens SET revoked_at = ? WHERE jti = ? AND revoked_at IS NULL", (now, jti))

    def revoke_grant(self, grant_id: str, now: int) -> None:
        with self._transaction() as db:
            db.execute("INSERT OR IGNORE INTO revoked_grants (grant_id, revoked_at) VALUES (?, ?)", (grant_id, now))
            self._revoke_where(db, "grant_id = ?", (grant_id,), now)

    # -- users ------------------------------------------------------------------------

    def add_user(self, user: User) -> None:
        try:
            self._db.execute(
                f"INSERT INTO users ({USER_COLUMNS}) VALUES ({_placeholders(USER_COLUMNS)})",
                (user.user_id, user.username, user.password_hash, int(user.is_admin), user.created_at),
            )
        except sqlite3.IntegrityError:
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
        self._db.execute(
            "UPDATE users SET username = ?, password_hash = ?, is_admin = ? WHERE user_id = ?",
            (user.username, user.password_hash, int(user.is_admin), user.user_id),
        )

    def delete_user(self, user_id: str, now: int) -> bool:
        with self._transaction() as db:
            deleted = db.execute("DELETE FROM users WHERE user_id = ?", (user_id,)).rowcount
            if deleted:
                # A resource owner's access tokens are those of a grant (a client's own token's subject is the client).
                owned = "subject = ? AND grant_id IS NOT NULL"
                self._revoke_where(db, "user_id = ?", (user_id,), now, token_condition=owned)
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

    # -- consents ---------------------------------------------------------------------

    def add_consent(self, c: Consent) -> None:
        self._db.execute(
            f"INSERT OR REPLACE INTO consents ({CONSENT_COLUMNS}) VALUES ({_placeholders(CONSENT_COLUMNS)})",
            (c.user_id, c.client_id, c.scope, c.granted_at),
        )

    def consents_of(self, user_id: str) -> list[Consent]:
        rows = self._db.execute(
            f"SELECT {CONSENT_COLUMNS} FROM consents WHERE user_id = ? ORDER BY client_id, scope", (user_id,)
        )
        return [Consent(*row) for row in rows]

    def delete_consents(self, user_id: str, client_id: str) -> None:
        self._db.execute("DELETE FROM consents WHERE user_id = ? AND client_id = ?", (user_id, client_id))

    # -- authorization codes ----------------------------------------------------------

    def add_code(self, c: AuthorizationCode) -> None:
        self._db.execute(
            f"INSERT INTO authorization_codes ({CODE_COLUMNS}) VALUES ({_placeholders(CODE_COLUMNS)})",
            (
                c.code_hash, c.grant_id, c.client_id, c.user_id, c.redirect_uri, c.scope, c.code_challenge,
                c.code_challenge_method, c.issued_at, c.expires_at, c.used_at,
            ),
        )  # fmt: skip

    def take_code(self, code_hash: str, now: int) -> AuthorizationCode | None:
        # BEGIN IMMEDIATE takes the write lock first, so the read and the mark
        # cannot interleave with another process's: exactly one sees used_at NULL.
        with self._transaction() as db:
            row = db.execute(
                f"SELECT {CODE_COLUMNS} FROM authorization_codes WHERE code_hash = ?", (code_hash,)
            ).fetchone()
            if row and row[-1] is None:
                db.execute("UPDATE authorization_codes SET used_at = ? WHERE code_hash = ?", (now, code_hash))
        return AuthorizationCode(*row) if row else None

    # -- refresh tokens ---------------------------------------------------------------

    def add_refresh_token(self, t: RefreshToken) -> None:
        _insert_refresh_token(self._db, t)

    def get_refresh_token(self, token_hash: str) -> RefreshToken | None:
        row = self._db.execute(
            f"SELECT {REFRESH_COLUMNS} FROM refresh_tokens WHERE token_hash = ?", (token_hash,)
        ).fetchone()
        return _refresh(row) if row else None

    def rotate_refresh_token(self, token_hash: str, now: int) -> bool:
        # One conditional UPDATE is atomic: of two rotations, one changes the row.
        updated = self._db.execute(
            "UPDATE refresh_tokens SET rotated_at = ? WHERE token_hash = ? AND rotated_at IS NULL", (now, token_hash)
        )
        return updated.rowcount == 1

    def use_refresh_grace(self, token_hash: str) -> bool:
        updated = self._db.execute(
            "UPDATE refresh_tokens SET grace_used = 1 WHERE token_hash = ? AND grace_used = 0", (token_hash,)
        )
        return updated.rowcount == 1

    # -- failed logins ----------------------------------------------------------------

    def record_login_failure(self, key: str, now: int) -> int:
        row = self._db.execute(
            "INSERT INTO login_failures (key, count, last_failure_at) VALUES (?, 1, ?) "
            "ON CONFLICT (key) DO UPDATE SET count = count + 1, last_failure_at = excluded.last_failure_at "
            "RETURNING count",
            (key, now),
        ).fetchone()
        return row[0]

    def login_failures(self, key: str) -> tuple[int, int] | None:
        row = self._db.execute("SELECT count, last_failure_at FROM login_failures WHERE key = ?", (key,)).fetchone()
        return (row[0], row[1]) if row else None

    def clear_login_failures(self, key: str) -> None:
        self._db.execute("DELETE FROM login_failures WHERE key = ?", (key,))

    # -- housekeeping -----------------------------------------------------------------

    def purge(self, cutoffs: PurgeCutoffs) -> dict[str, int]:
        """One transaction; each DELETE walks an index on the time it compares."""
        deletes = {
            "codes": ("DELETE FROM authorization_codes WHERE expires_at < ?", cutoffs.expired_before),
            "access_tokens": ("DELETE FROM access_tokens WHERE expires_at < ?", cutoffs.expired_before),
            "refresh_tokens": ("DELETE FROM refresh_tokens WHERE expires_at < ?", cutoffs.expired_before),
            "sessions": ("DELETE FROM sessions WHERE expires_at < ?", cutoffs.sessions_before),
            "login_failures": ("DELETE FROM login_failures WHERE last_failure_at < ?", cutoffs.failures_before),
            "revoked_grants": ("DELETE FROM revoked_grants WHERE revoked_at < ?", cutoffs.grants_before),
        }
        with self._transaction() as db:
            return {kind: db.execute(sql, (cutoff,)).rowcount for kind, (sql, cutoff) in deletes.items()}
