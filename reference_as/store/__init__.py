"""Storage: one contract (`base.Store`), two backends, chosen by URL.

memory://                      MemoryStore, gone when the process ends
sqlite:///relative/path.db     SQLiteStore (three slashes: path relative to the working directory)
sqlite:////absolute/path.db    SQLiteStore (four slashes: absolute path)
"""

from .base import DuplicateClient, DuplicateUser, DuplicateUserCode, PurgeCutoffs, Store, StoreError
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
    "open_store",
]


def open_store(url: str) -> Store:
    if url == "memory://":
        return MemoryStore()
    if url.startswith("sqlite:///") and len(url) > len("sqlite:///"):
        return SQLiteStore(url[len("sqlite:///") :])
    raise ValueError(f"unsupported store URL {url!r}: use memory:// or sqlite:///path")
