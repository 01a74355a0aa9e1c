"""OAuth Client ID Metadata Documents the suite serves during a run, for the server to fetch
(draft-ietf-oauth-client-id-metadata-document): a client whose client_id is the URL of its
document. The target's `[server] client_id_documents_at` says where: an address this machine can
listen on and the server can reach (for a server elsewhere, a public https URL in front of it).
"""

import json
import threading
from urllib.parse import urlsplit
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server


class _Quiet(WSGIRequestHandler):
    def log_message(self, *args):
        pass


class DocumentHost:
    """Serves `publish`ed JSON documents at their paths until `close`."""

    def __init__(self, base_url: str):
        self.base = base_url.rstrip("/")
        parts = urlsplit(base_url)
        self.documents: dict[str, bytes] = {}
        self.server = make_server(parts.hostname, parts.port or 80, self._app, WSGIServer, _Quiet)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def _app(self, environ, start_response):
        body = self.documents.get(environ.get("PATH_INFO", ""))
        if body is None:
            start_response("404 Not Found", [("Content-Type", "text/plain")])
            return [b"not found"]
        start_response("200 OK", [("Content-Type", "application/json"), ("Cache-Control", "no-store")])
        return [body]

    def url_of(self, name: str) -> str:
        return f"{self.base}/{name}.json"

    def publish(self, name: str, document: dict) -> str:
        """Serve `document` as `<base>/<name>.json`; its URL."""
        url = self.url_of(name)
        self.documents[urlsplit(url).path] = json.dumps(document).encode()
        return url

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()
