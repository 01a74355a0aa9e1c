"""Copying every row of one SQL store into another: `reference-as store copy SRC DST`,
the way from one machine's SQLite file to the PostgreSQL that several servers share
(or back). Clients with their hashed secrets, users with their password hashes,
signing keys still sealed under the same master key (so the servers of the copy
need the same REFERENCE_AS_SECRET_KEY or key file), grants, refresh tokens, codes,
sessions, the revocation list: all of it, as it is.

Both stores are first brought to the latest schema (opening a store migrates it),
so they have the same tables; the destination must hold no row yet (a copy never
merges), the rows go in within one transaction, and the row counts of every table
are compared at the end. Stop the servers of the source first: the copy is not a
snapshot of a store still being written to.
"""

from .base import StoreError
from .sql import SQLStore

VERSION_TABLE = "schema_version"
# Referenced by sessions and consents (ON DELETE CASCADE): copied first.
FIRST = ("users",)


def _order(tables) -> list[str]:
    return [*FIRST, *sorted(set(tables) - set(FIRST))]


def copy(source: SQLStore, destination: SQLStore) -> dict[str, int]:
    """Copy every row of `source` into the empty `destination`; the rows per table.
    StoreError if the destination has rows, or if a count differs afterwards."""
    tables = source.tables()
    tables.pop(VERSION_TABLE, None)
    if set(tables) != set(destination.tables()) - {VERSION_TABLE}:
        raise StoreError("the two stores have different tables: is one of them not a reference-as store?")
    filled = [table for table, count in destination.row_counts(tables).items() if count]
    if filled:
        raise StoreError(f"the destination is not empty (rows in {', '.join(filled)}): copy into a new database")
    with destination._transaction() as db:
        for table in _order(tables):
            columns = ", ".join(tables[table])
            # signing_keys in insertion order: keys made in one second are ordered by it (SQLStore.signing_keys).
            order = " ORDER BY rowid" if table == "signing_keys" else ""
            rows = source._db.execute(f"SELECT {columns} FROM {table}{order}").fetchall()
            if rows:
                marks = ", ".join("?" * len(tables[table]))
                db.executemany(f"INSERT INTO {table} ({columns}) VALUES ({marks})", [tuple(row) for row in rows])
    copied, expected = destination.row_counts(tables), source.row_counts(tables)
    if copied != expected:
        differ = [table for table in tables if copied[table] != expected[table]]
        raise StoreError(f"the copy differs from the source in {', '.join(differ)}: the source changed meanwhile?")
    return copied
