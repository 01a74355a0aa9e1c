"""Storage: one contract (`base.Store`), three backends, chosen by URL.

memory://                          MemoryStore, gone when the process ends
sqlite:///relative/path.db         SQLiteStore (three slashes: path relative to the working directory)
sqlite:////absolute/path.db        SQLiteStore (four slashes: absolute path)
postgresql://user:pass@host:port/db PostgresStore (several servers sharing one database)
"""

from .base import DuplicateClient, DuplicateUser, DuplicateUserCode, PurgeCutoffs, Store, StoreError, StoreUnavailable
from .memory import MemoryStore
from .sqlite import SQLiteStore

__all__ = [
    "DuplicateClient",
    "DuplicateUser",
    "DuplicateUserCode",
    "PurgeCutoffs",
    "MemoryStore",
    "SQLiteStore",
    "Store",
    "StoreError",
    "StoreUnavailable",
    "open_store",
]


def open_store(url: str, pool_size: int = 4, statement_timeout_ms: int = 5000) -> Store:
    """The store at `url`; `pool_size` and `statement_timeout_ms` concern PostgreSQL only."""
    if url == "memory://":
        return MemoryStore()
    if url.startswith("sqlite:///") and len(url) > len("sqlite:///"):
        return SQLiteStore(url[len("sqlite:///") :])
    if url.startswith(("postgresql://", "postgres://")):
        from .postgres import PostgresStore  # psycopg is loaded only by those who use it

        return PostgresStore(url, pool_size, statement_timeout_ms)
    raise ValueError(
        f"unsupported store URL {url.split(':', 1)[0]!r}: use memory://, sqlite:///path or postgresql://host/db"
    )
