"""A minimal Authlib authorization server, the Python peer of the benchmark.

What a user of Authlib would write for client credentials with RFC 9068 access
tokens, as its documentation lays it out:
  - `AuthorizationServer` with `ClientCredentialsGrant` registered;
  - `JWTBearerTokenGenerator` (authlib.oauth2.rfc9068) signing RS256 with a key
    made at start-up (imported once, as a joserfc KeySet);
  - the client and the issued tokens in SQLite, with the columns of Authlib's
    SQLAlchemy mixins (client metadata as JSON, a token row per access token with
    a unique index on it), through the standard library's sqlite3 in WAL mode with
    one connection per process, as our store does. No SQLAlchemy: an ORM would
    only add to Authlib's cost, so this is the kinder comparison;
  - a WSGI adapter of a few lines (Authlib integrates Flask and Django, not bare
    WSGI), served by serve_wsgi.py with our server settings.
Scopes follow ours: with none requested, the client's registered scopes (RFC 6749 §3.3).

Environment: AUTHLIB_BENCH_DB (the SQLite file, created and seeded with the
client by `prepare`), AUTHLIB_BENCH_ISSUER (the URL served).
"""

import json
import os
import secrets
import sqlite3
import threading
import time
from urllib.parse import parse_qsl

from authlib.oauth2 import AuthorizationServer
from authlib.oauth2.rfc6749 import ClientMixin, OAuth2Request
from authlib.oauth2.rfc6749.grants import ClientCredentialsGrant
from authlib.oauth2.rfc6749.requests import BasicOAuth2Payload
from authlib.oauth2.rfc9068 import JWTBearerTokenGenerator
from joserfc.jwk import KeySet, RSAKey

TOKEN_PATH = "/oauth/token"
SCHEMA = """
CREATE TABLE IF NOT EXISTS oauth2_client (
    id INTEGER PRIMARY KEY, client_id TEXT NOT NULL, client_secret TEXT,
    client_id_issued_at INTEGER NOT NULL, client_secret_expires_at INTEGER NOT NULL, client_metadata TEXT);
CREATE INDEX IF NOT EXISTS oauth2_client_id ON oauth2_client (client_id);
CREATE TABLE IF NOT EXISTS oauth2_token (
    id INTEGER PRIMARY KEY, client_id TEXT, token_type TEXT, access_token TEXT NOT NULL UNIQUE,
    refresh_token TEXT, scope TEXT, issued_at INTEGER NOT NULL, access_token_revoked_at INTEGER NOT NULL DEFAULT 0,
    refresh_token_revoked_at INTEGER NOT NULL DEFAULT 0, expires_in INTEGER NOT NULL DEFAULT 0);
CREATE INDEX IF NOT EXISTS oauth2_token_refresh ON oauth2_token (refresh_token);
"""


class Database:
    """One sqlite3 connection per process and thread, opened on first use (never across a fork)."""

    def __init__(self, path: str):
        self.path = path
        self.local = threading.local()

    def connection(self) -> sqlite3.Connection:
        if getattr(self.local, "pid", None) != os.getpid():
            db = sqlite3.connect(self.path, isolation_level=None, timeout=30)
            db.execute("PRAGMA journal_mode=WAL")
            db.execute("PRAGMA synchronous=NORMAL")
            self.local.db, self.local.pid = db, os.getpid()
        return self.local.db


def prepare(path: str, client_id: str, client_secret: str, scope: str) -> None:
    """Create the tables and the one client (run by the bench before the server starts)."""
    db = sqlite3.connect(path, isolation_level=None)
    db.executescript(SCHEMA)
    metadata = {"grant_types": ["client_credentials"], "token_endpoint_auth_method": "client_secret_basic"}
    db.execute(
        "INSERT INTO oauth2_client (client_id, client_secret, client_id_issued_at, client_secret_expires_at, "
        "client_metadata) VALUES (?, ?, ?, 0, ?)",
        (client_id, client_secret, int(time.time()), json.dumps({**metadata, "scope": scope})),
    )
    db.close()


class Client(ClientMixin):
    def __init__(self, client_id: str, client_secret: str, metadata: str):
        self.client_id = client_id
        self.client_secret = client_secret
        self.metadata = json.loads(metadata)

    def get_client_id(self):
        return self.client_id

    def get_default_redirect_uri(self):
        return None

    def get_allowed_scope(self, scope):
        allowed = self.metadata["scope"].split()
        if not scope:
            return " ".join(allowed)
        return " ".join(s for s in scope.split() if s in allowed)

    def check_redirect_uri(self, redirect_uri):
        return False

    def check_client_secret(self, client_secret):
        return secrets.compare_digest(self.client_secret, client_secret)

    def check_endpoint_auth_method(self, method, endpoint):
        return endpoint != "token" or method == self.metadata["token_endpoint_auth_method"]

    def check_response_type(self, response_type):
        return False

    def check_grant_type(self, grant_type):
        return grant_type in self.metadata["grant_types"]


class TokenGenerator(JWTBearerTokenGenerator):
    def __init__(self, issuer: str):
        super().__init__(issuer=issuer, alg="RS256", expires_generator=3600)
        self.keys = KeySet([RSAKey.generate_key(2048, private=True, auto_kid=True)])
        self.audience = issuer + "/api"

    def get_jwks(self):
        return self.keys

    def get_audiences(self, client, user, scope):
        return self.audience


class WSGIRequest(OAuth2Request):
    def __init__(self, environ):
        headers = {"Authorization": environ.get("HTTP_AUTHORIZATION", "")}
        uri = f"{environ['wsgi.url_scheme']}://{environ['HTTP_HOST']}{environ['PATH_INFO']}"
        super().__init__(environ["REQUEST_METHOD"], uri, headers=headers)
        length = int(environ.get("CONTENT_LENGTH") or 0)
        self._form = dict(parse_qsl(environ["wsgi.input"].read(length).decode()))
        self.payload = BasicOAuth2Payload(self._form)

    @property
    def form(self):
        return self._form

    @property
    def args(self):
        return {}


class Server(AuthorizationServer):
    def __init__(self, database: Database, issuer: str):
        super().__init__()
        self.database = database
        self.register_grant(ClientCredentialsGrant)
        self.register_token_generator("default", TokenGenerator(issuer))

    def query_client(self, client_id):
        row = (
            self.database.connection()
            .execute(
                "SELECT client_id, client_secret, client_metadata FROM oauth2_client WHERE client_id = ?", (client_id,)
            )
            .fetchone()
        )
        return Client(*row) if row else None

    def save_token(self, token, request):
        self.database.connection().execute(
            "INSERT INTO oauth2_token (client_id, token_type, access_token, scope, issued_at, expires_in) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            (
                request.client.get_client_id(),
                token["token_type"],
                token["access_token"],
                token.get("scope", ""),
                int(time.time()),
                token["expires_in"],
            ),
        )

    def create_oauth2_request(self, request):
        return WSGIRequest(request)

    def handle_response(self, status, body, headers):
        return status, body, headers

    def send_signal(self, name, *args, **kwargs):
        pass


STATUS = {200: "200 OK", 400: "400 Bad Request", 401: "401 Unauthorized", 404: "404 Not Found"}


def make_app(database_path: str, issuer: str):
    server = Server(Database(database_path), issuer)

    def app(environ, start_response):
        if environ["PATH_INFO"] == TOKEN_PATH and environ["REQUEST_METHOD"] == "POST":
            status, body, headers = server.create_token_response(environ)
        else:
            status, body, headers = 404, {"error": "not_found"}, []
        payload = json.dumps(body).encode()
        headers = [(name, value) for name, value in headers if name.lower() != "content-type"]
        headers += [("Content-Type", "application/json"), ("Content-Length", str(len(payload)))]
        start_response(STATUS.get(status, f"{status} Error"), headers)
        return [payload]

    return app


if os.environ.get("AUTHLIB_BENCH_DB"):
    app = make_app(os.environ["AUTHLIB_BENCH_DB"], os.environ["AUTHLIB_BENCH_ISSUER"])
