"""The schema: one numbered history in `migrations/` for both SQL stores.

Each file `NNN_name.sql` moves the schema from version NNN-1 to NNN; `upgrade`
applies the pending ones in order inside the caller's transaction and records
each in `schema_version`, so a later reference-as migrates an existing database
instead of starting over, and refuses one at a schema newer than it knows.

The files are written once, in the SQL both SQLite and PostgreSQL read.
`for_postgres` makes the only three changes PostgreSQL needs, word for word:
  - INTEGER -> BIGINT: SQLite's integers are 64-bit, PostgreSQL's INTEGER is
    32-bit (times past 2038);
  - BLOB -> BYTEA, PostgreSQL's name for bytes;
  - `signing_keys` gets a `rowid` column, an identity: SQLite numbers every row
    in insertion order, PostgreSQL does not, and the keys made in one second
    are ordered by it (`SQLStore.signing_keys`).
"""

import re
import sqlite3
from importlib import resources

from .base import StoreError

VERSION_TABLE = "CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)"


def migrations() -> list[tuple[int, str]]:
    """(version, script) of every migration, in order."""
    folder = resources.files(__package__) / "migrations"
    files = sorted(f for f in folder.iterdir() if f.name.endswith(".sql"))
    return [(int(f.name.split("_", 1)[0]), f.read_text()) for f in files]


def latest() -> int:
    return migrations()[-1][0]


def statements(script: str):
    """Split a migration into statements, so it runs inside the caller's transaction
    (sqlite3's `executescript` would commit first). SQLite's own test of a complete
    statement: a `;` outside quotes and comments."""
    buffer = ""
    for line in script.splitlines(keepends=True):
        buffer += line
        if sqlite3.complete_statement(buffer):
            yield buffer
            buffer = ""


def for_postgres(statement: str) -> str:
    statement = re.sub(r"\bINTEGER\b", "BIGINT", statement)
    statement = re.sub(r"\bBLOB\b", "BYTEA", statement)
    return statement.replace(
        "CREATE TABLE signing_keys (", "CREATE TABLE signing_keys (\n    rowid BIGINT GENERATED ALWAYS AS IDENTITY,"
    )


def upgrade(db, where: str, translate=lambda statement: statement) -> int:
    """Apply the pending migrations with `db` (in a transaction the caller holds), each
    statement through `translate`; the schema version reached. StoreError, naming the
    store `where`, if the database is at a schema newer than this code knows."""
    history = migrations()
    known = history[-1][0]
    db.execute(translate(VERSION_TABLE))
    current = db.execute("SELECT max(version) FROM schema_version").fetchone()[0] or 0
    if current > known:
        raise StoreError(
            f"the store {where} is at schema {current}, this reference-as knows up to {known}: upgrade reference-as"
        )
    for version, script in history:
        if version > current:
            for statement in statements(script):
                db.execute(translate(statement))
            db.execute("INSERT INTO schema_version (version) VALUES (?)", (version,))
    return max(current, known)
