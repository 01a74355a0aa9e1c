"""Our WSGI app, built from REFERENCE_AS_* settings as `reference-as serve` builds it,
for serving under other WSGI servers (wsgi_servers.py). The store's connection is
closed after building, so that no connection crosses the server's fork."""

from reference_as.app import make_app
from reference_as.config import load_settings
from reference_as.store import open_store

settings = load_settings()
store = open_store(settings.store)
app = make_app(settings, store)
store.close()
