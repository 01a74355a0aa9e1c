"""PostgresStore: the Store contract on PostgreSQL, for several servers sharing one database.

psycopg 3 is the driver and psycopg_pool its pool. Every statement is
`SQLStore`'s (sql.py), written once for both SQL stores; its `?` and `:name`
placeholders become psycopg's `%s` and `%(name)s` here (`_pyformat`).

Connections
- One pool per process, opened lazily on first use and never carried across a
  fork: `serve` closes the store before it forks its workers, and a pool opened
  under an older fork count (a fork that did not close it) is dropped unused,
  never closed, since closing would end the parent's sessions too.
- `max_size` is the `store_pool_size` setting; every session has PostgreSQL's
  `statement_timeout` (the `store_statement_timeout_ms` setting), so a statement
  stuck behind a lock gives up instead of holding a worker.
- Connections run in autocommit: a single statement commits on its own, and
  `_transaction()` wraps several in BEGIN/COMMIT (ROLLBACK on any error).
- When the database cannot be reached (refused, gone, no connection within
  CONNECT_WAIT_SECONDS) the store raises `StoreUnavailable`; the app answers 503
  with Retry-After. A connection broken by an outage is discarded by the pool
  when returned, and new ones are made once the database is back: recovery
  needs no restart.

Isolation: every transaction runs at READ COMMITTED, PostgreSQL's default,
and relies on row locks, not on snapshots:
- `redeem_code`, `redeem_device_code`: one `UPDATE ... WHERE used_at IS NULL
  RETURNING`. A concurrent UPDATE of the same row waits for the first to commit,
  then re-checks `used_at IS NULL` on the committed row (READ COMMITTED's
  re-check of an updated row) and changes nothing: exactly one caller gets a row
  back and records the grant in the same transaction. A caller that gets none
  is told False, and the token endpoint revokes the grant (the replay).
- `rotate_refresh_token`: the grant is read `FOR UPDATE` (a revocation waits for
  this transaction, or this one sees the revocation), then the conditional
  UPDATE of the token spends it for exactly one caller, as above.
- `revoke_grant`, `revoke_access_token`, `decide_device_authorization`,
  `touch_client`: one statement each, atomic on its own.
- `record_poll`, `take_once`, `record_login_failure`: the row is read
  `FOR UPDATE` before it is written, so concurrent callers go one at a time.
- `delete_client`, `delete_user`, `change_password`, `revoke_access`, `purge`:
  several statements that must all happen or none; no read decides them.
SERIALIZABLE would add retries on serialization failures and buy nothing
here: no write depends on a read that these locks do not cover.
"""

import functools
import os
import re
import threading
from contextlib import contextmanager

import psycopg
import psycopg_pool

from . import schema
from .base import StoreUnavailable
from .sql import SQLStore

# How long a request waits for a pooled connection before the store is unavailable.
CONNECT_WAIT_SECONDS = 2.0
# Every connection's own connect attempt (libpq's connect_timeout, whole seconds).
CONNECT_TIMEOUT_SECONDS = 2
# Concurrent `migrate`s (two servers starting at once) take turns on this advisory lock.
MIGRATION_LOCK = int.from_bytes(b"RfAS", "big")

_PLACEHOLDER = re.compile(r"\?|(?<![:\w]):([a-z_]+)")


@functools.lru_cache(maxsize=1024)
def _pyformat(sql: str) -> str:
    """SQLStore's placeholders as psycopg's: `?` -> `%s`, `:name` -> `%(name)s`."""
    return _PLACEHOLDER.sub(lambda m: f"%({m.group(1)})s" if m.group(1) else "%s", sql)


class _Rows:
    """A statement's result, read whole before its connection goes back to the pool."""

    def __init__(self, cursor: psycopg.Cursor):
        self.rows = cursor.fetchall() if cursor.description else []
        self.rowcount = cursor.rowcount

    def fetchone(self):
        return self.rows[0] if self.rows else None

    def fetchall(self):
        return self.rows

    def __iter__(self):
        return iter(self.rows)


class _Statements:
    """What SQLStore calls `db`: execute on one connection, placeholders translated."""

    def __init__(self, conn: psycopg.Connection):
        self.conn = conn

    def execute(self, sql: str, args=()) -> psycopg.Cursor:
        return self.conn.execute(_pyformat(sql), args)

    def executemany(self, sql: str, args_seq) -> None:
        with self.conn.cursor() as cursor:
            cursor.executemany(_pyformat(sql), args_seq)


class _Autocommit:
    """`_db`: each statement on a connection borrowed from the pool for it alone."""

    def __init__(self, store: "PostgresStore"):
        self.store = store

    def execute(self, sql: str, args=()) -> _Rows:
        with self.store._connection() as conn:
            return _Rows(conn.execute(_pyformat(sql), args))

    def executemany(self, sql: str, args_seq) -> None:
        with self.store._connection() as conn:
            _Statements(conn).executemany(sql, args_seq)


_forks = 0
# Pools a fork inherited: their connections are the parent's sessions, so they are held
# here, never closed and never collected (psycopg would end those sessions on the way).
_inherited: list[psycopg_pool.ConnectionPool] = []


# Held while a pool is opened: the first requests of a worker's threads open one pool, not one each.
_opening = threading.Lock()


def _count_fork() -> None:
    global _forks, _opening
    _forks += 1
    _opening = threading.Lock()  # one held by a thread of the parent would never be released here


os.register_at_fork(after_in_child=_count_fork)


class PostgresStore(SQLStore):
    IntegrityError = psycopg.IntegrityError
    _LOCK = " FOR UPDATE"

    def __init__(self, url: str, pool_size: int = 4, statement_timeout_ms: int = 5000):
        self.url = url
        self.pool_size = pool_size
        self.statement_timeout_ms = statement_timeout_ms
        self._pool: psycopg_pool.ConnectionPool | None = None
        self._pool_forks = _forks
        self._migrate()

    def __repr__(self) -> str:
        return f"PostgresStore({self.shown})"

    @property
    def shown(self) -> str:
        """The URL without its password, for messages and logs."""
        info = {key: value or "" for key, value in psycopg.conninfo.conninfo_to_dict(self.url).items()}
        return f"postgresql://{info.get('user', '')}@{info.get('host', '')}:{info.get('port', '')}/{info.get('dbname')}"

    # -- connections and transactions -------------------------------------------------

    def _open_pool(self) -> psycopg_pool.ConnectionPool:
        pool = self._pool
        if pool is not None and self._pool_forks == _forks:
            return pool
        with _opening:
            return self._open_pool_locked()

    def _open_pool_locked(self) -> psycopg_pool.ConnectionPool:
        if self._pool is not None and self._pool_forks != _forks:
            _inherited.append(self._pool)
            self._pool = None
        if self._pool is None:
            self._pool = psycopg_pool.ConnectionPool(
                self.url,
                min_size=1,
                max_size=self.pool_size,
                timeout=CONNECT_WAIT_SECONDS,
                kwargs={
                    "autocommit": True,
                    "connect_timeout": CONNECT_TIMEOUT_SECONDS,
                    "options": f"-c statement_timeout={self.statement_timeout_ms}",
                    "application_name": "reference-as",
                },
                open=True,
                name="reference-as",
            )
            self._pool_forks = _forks
        return self._pool

    @contextmanager
    def _connection(self):
        try:
            with self._open_pool().connection() as conn:
                yield conn
        except (psycopg.OperationalError, psycopg_pool.PoolTimeout) as error:
            # Refused, gone, no connection in time, or statement_timeout (QueryCanceled): all pass.
            raise StoreUnavailable(f"the store {self.shown} cannot be reached: {type(error).__name__}") from None

    @property
    def _db(self) -> _Autocommit:
        return _Autocommit(self)

    @contextmanager
    def _transaction(self):
        with self._connection() as conn, conn.transaction():
            yield _Statements(conn)

    def _migrate(self) -> None:
        """On a connection of its own, tried once: `serve` migrates before it forks, and a
        database it cannot reach stops it with one line (the pool would try again and again)."""
        try:
            with psycopg.connect(self.url, autocommit=True, connect_timeout=CONNECT_TIMEOUT_SECONDS) as conn:
                with conn.transaction():
                    db = _Statements(conn)
                    db.execute("SELECT pg_advisory_xact_lock(?)", (MIGRATION_LOCK,))
                    schema.upgrade(db, self.shown, schema.for_postgres)
        except psycopg.OperationalError as error:
            reason = str(error).strip().splitlines()[-1] if str(error).strip() else type(error).__name__
            raise StoreUnavailable(f"the store {self.shown} cannot be reached: {reason}") from None

    def tables(self) -> dict[str, list[str]]:
        found: dict[str, list[str]] = {}
        for table, column in self._db.execute(
            "SELECT table_name, column_name FROM information_schema.columns WHERE table_schema = current_schema() "
            "ORDER BY table_name, ordinal_position"
        ):
            columns = found.setdefault(table, [])
            if column != "rowid":
                columns.append(column)
        return found

    def schema_version(self) -> int:
        return self._db.execute("SELECT max(version) FROM schema_version").fetchone()[0]

    def checkpoint(self) -> None:
        """Nothing to do: PostgreSQL keeps its own write-ahead log in bounds."""

    def close(self) -> None:
        if self._pool is not None and self._pool_forks == _forks:
            self._pool.close()
        self._pool = None
