"""Our WSGI app, built from REFERENCE_AS_* settings as `reference-as serve` builds it,
for serving under other WSGI servers (wsgi_servers.py). The store's connection is
closed after building, so that no connection crosses the server's fork.

BENCH_SKIP_TOKEN_INSERT=1 (an experiment, never a setting of the server): access
tokens are minted and signed but not recorded, to measure what the INSERT costs,
SQLite's write lock included."""

import os

from reference_as.app import make_app
from reference_as.config import load_settings
from reference_as.store import open_store

settings = load_settings()
store = open_store(settings.store)
app = make_app(settings, store)
store.close()
if os.environ.get("BENCH_SKIP_TOKEN_INSERT") == "1":
    store.add_access_token = lambda token: None
