"""`reference-as playground`: the playground on a loopback port, served by Granian.

Granian, like the server itself (`reference_as/serve.py`), rather than
wsgiref: it keeps connections alive and answers the browser's parallel
requests (the page, its style sheets, its script) at once. One worker only:
the playground is one person's client, its store file is written by one
process, and a lock orders that process's threads. It listens on 127.0.0.1
and nowhere else: its redirect URI is a loopback one (RFC 8252 §7.3), and
what it shows (masked as it is) is nobody else's business.
"""

from pathlib import Path

from granian.log import LogLevels

from ..config import Settings
from ..serve import serve_wsgi
from .app import make_playground
from .store import PlaygroundStore
from .walkthrough import Walkthrough

HOST = "127.0.0.1"


def redirect_uri(port: int) -> str:
    return f"http://{HOST}:{port}/callback"


def run(port: int, metadata_url: str, store_file: Path) -> None:
    store = PlaygroundStore.open(store_file)
    store.read()  # a store file the key cannot open is reported now, not on the first page
    app = make_playground(Walkthrough(store, redirect_uri(port), metadata_url), port)
    banner = (
        f"reference-as playground: http://{HOST}:{port}/ (redirect URI {redirect_uri(port)}), "
        f"store {store_file}, key {store.key_file}"
    )
    # No access log: the callback's query holds a code, never logged. The limits on
    # slow and idle clients are the server's defaults.
    serve_wsgi(app, HOST, port, workers=1, settings=Settings(), banner=banner, log_level=LogLevels.warning)
