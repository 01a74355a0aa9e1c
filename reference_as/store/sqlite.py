"""SQLiteStore: the Store contract on the standard library's sqlite3.

- WAL journal, so readers never wait for the writer and several server
  processes can share one file; `busy_timeout` makes a writer wait its turn
  instead of failing.
- One connection per process and thread, opened lazily: a connection is never
  carried across a fork (the production server forks its workers).
- Schema changes are numbered files in `migrations/`, applied in order inside
  one transaction and recorded in `schema_version`, so later versions migrate
  an existing database instead of starting over.
- Writes that touch several rows run in one `BEGIN IMMEDIATE` transaction.
"""

import json
import os
import sqlite3
import threading
from contextlib import contextmanager
from importlib import resources
from pathlib import Path

from .base import DuplicateClient
from .records import AccessToken, Client, SigningKey


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
    )


CLIENT_COLUMNS = (
    "client_id, name, client_type, grant_types, scopes, redirect_uris, status, secret_hash, secret_hint, "
    "created_at, updated_at"
)
KEY_COLUMNS = "kid, alg, public_jwk, private_key_sealed, created_at, retired_at"
TOKEN_COLUMNS = "jti, client_id, subject, scope, issued_at, expires_at, revoked_at"


class SQLiteStore:
    def __init__(self, path: str | Path):
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._local = threading.local()
        self._migrate()

    # -- connections and transactions -------------------------------------------------

    @property
    def _db(self) -> sqlite3.Connection:
        local = self._local
        if getattr(local, "pid", None) != os.getpid():
            conn = sqlite3.connect(self.path, isolation_level=None, timeout=30, check_same_thread=True)
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA synchronous=NORMAL")  # durable at each checkpoint; safe with WAL
            conn.execute("PRAGMA foreign_keys=ON")
            local.conn, local.pid = conn, os.getpid()
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
        with self._transaction() as db:
            db.execute("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)")
            current = db.execute("SELECT max(version) FROM schema_version").fetchone()[0] or 0
            for version, script in _migrations():
                if version > current:
                    for statement in _statements(script):
                        db.execute(statement)
                    db.execute("INSERT INTO schema_version (version) VALUES (?)", (version,))

    def schema_version(self) -> int:
        return self._db.execute("SELECT max(version) FROM schema_version").fetchone()[0]

    def close(self) -> None:
        if getattr(self._local, "pid", None) == os.getpid():
            self._local.conn.close()
        self._local = threading.local()

    # -- clients ----------------------------------------------------------------------

    def add_client(self, client: Client) -> None:
        try:
            self._db.execute(
                f"INSERT INTO clients ({CLIENT_COLUMNS}) VALUES (?,?,?,?,?,?,?,?,?,?,?)", _client_values(client)
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
                db.execute(
                    "UPDATE access_tokens SET revoked_at = ? WHERE client_id = ? AND revoked_at IS NULL",
                    (now, client_id),
                )
            return bool(deleted)

    # -- signing keys -----------------------------------------------------------------

    def add_signing_key(self, key: SigningKey) -> None:
        self._db.execute(
            f"INSERT INTO signing_keys ({KEY_COLUMNS}) VALUES (?,?,?,?,?,?)",
            (key.kid, key.alg, key.public_jwk, key.private_key_sealed, key.created_at, key.retired_at),
        )

    def signing_keys(self) -> list[SigningKey]:
        rows = self._db.execute(f"SELECT {KEY_COLUMNS} FROM signing_keys ORDER BY created_at DESC, rowid DESC")
        return [SigningKey(*row) for row in rows]

    def active_signing_kid(self) -> str | None:
        row = self._db.execute(
            "SELECT kid FROM signing_keys WHERE retired_at IS NULL ORDER BY created_at DESC, rowid DESC LIMIT 1"
        ).fetchone()
        return row[0] if row else None

    def retire_signing_keys(self, now: int, except_kid: str) -> None:
        self._db.execute(
            "UPDATE signing_keys SET retired_at = ? WHERE kid != ? AND retired_at IS NULL", (now, except_kid)
        )

    # -- access tokens ----------------------------------------------------------------

    def add_access_token(self, token: AccessToken) -> None:
        self._db.execute(
            f"INSERT INTO access_tokens ({TOKEN_COLUMNS}) VALUES (?,?,?,?,?,?,?)",
            (
                token.jti,
                token.client_id,
                token.subject,
                token.scope,
                token.issued_at,
                token.expires_at,
                token.revoked_at,
            ),
        )

    def get_access_token(self, jti: str) -> AccessToken | None:
        row = self._db.execute(f"SELECT {TOKEN_COLUMNS} FROM access_tokens WHERE jti = ?", (jti,)).fetchone()
        return AccessToken(*row) if row else None
