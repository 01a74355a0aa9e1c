"""The servers the suite's own tests run against: the real reference server
(`reference-as serve`, a subprocess on a free loopback port, clients made with
its CLI), small WSGI apps served in a thread, and the target files that point
the suite at them."""

import json
import os
import socketserver
import subprocess
import threading
from pathlib import Path
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from conformance.outcomes import toml_value
from conformance.processes import ServerProcess, free_port, reference_as

REDIRECT_URI = "http://127.0.0.1:8001/callback"
QUERY_REDIRECT_URI = "http://127.0.0.1:8001/callback?app=conformance"
ALL_GRANTS = ("authorization_code", "client_credentials", "refresh_token")
DEVICE_CODE = "urn:ietf:params:oauth:grant-type:device_code"
SCOPES = ("api:read", "api:write")
# The clients may also ask for OpenID Connect's scopes (the `oidc` checks); the target asks for SCOPES.
OIDC_SCOPES = ("openid", "profile", "email")
# The device flow and code lifetimes in these tests: short, so that polling and expiry checks are quick.
DEVICE_SETTINGS = {"device_poll_interval": 1, "device_code_ttl": 30}
# A second protected resource the server issues tokens for: a token for it must not open /api/me.
OTHER_RESOURCE = "https://other.example/api"


# -- the reference server ---------------------------------------------------------------------------


class Workdir:
    """One store (SQLite file + key file) and the clients the tests use, made with the real CLI."""

    def __init__(self, path: Path):
        self.path = path
        self.env = {k: v for k, v in os.environ.items() if not k.startswith("REFERENCE_AS_")}
        # The demo user's password hashed cheaply (scrypt N=2^10, as the playground's lab does): the
        # form driver signs in often, and the default cost (N=2^17) is made for real passwords.
        self.env["REFERENCE_AS_PASSWORD_SCRYPT_N"] = str(2**10)
        demo = self.cli("demo")
        self.user_password = next(row["password"] for row in demo if row.get("username") == "demo")
        self.clients = {
            "confidential": self._client(
                "confidential", "confidential", "client_secret_basic", REDIRECT_URI, [*ALL_GRANTS, DEVICE_CODE]
            ),
            "second": self._client(
                "second",
                "confidential",
                "client_secret_post",
                REDIRECT_URI,
                ["authorization_code", "refresh_token", DEVICE_CODE],
            ),
            "public": self._client(
                "public", "public", None, QUERY_REDIRECT_URI, ["authorization_code", "refresh_token"]
            ),
        }
        self.clients["public"]["application_type"] = "native"
        self.private_key_jwt = self._private_key_jwt_client()
        self.cli("resources", "add", OTHER_RESOURCE)

    def _private_key_jwt_client(self) -> dict:
        """-- issue 24: a client of private_key_jwt (RFC 7523 §2.2): its RSA key in a PEM file here,
        the public JWK registered with the CLI (`--jwks-file`)."""
        key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        pem = self.path / "conformance-jwt.pem"
        pem.write_bytes(
            key.private_bytes(
                serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
            )
        )
        jwk = self.path / "conformance-jwt.jwk.json"
        jwk.write_text(jwt.algorithms.RSAAlgorithm.to_jwk(key.public_key()))
        argv = ["clients", "create", "--name", "conformance private_key_jwt", "--client-id", "conformance-jwt"]
        argv += ["--jwks-file", str(jwk), "--grant", "client_credentials", "--scope", SCOPES[0]]
        made = self.cli(*argv)
        return {"client_id": made["client_id"], "private_key_file": str(pem), "scope": SCOPES[0]}

    def _client(self, role, kind, auth_method, redirect_uri, grants) -> dict:
        """A client made with `reference-as clients create`, allowed SCOPES (two, so that a narrower
        scope can be asked for) and OIDC_SCOPES."""
        argv = [
            "clients",
            "create",
            "--name",
            f"conformance {role}",
            "--type",
            kind,
            "--client-id",
            f"conformance-{role}",
            "--redirect-uri",
            redirect_uri,
        ]
        for grant in grants:
            argv += ["--grant", grant]
        for scope in (*SCOPES, *OIDC_SCOPES):
            argv += ["--scope", scope]
        made = self.cli(*argv)
        client = {"client_id": made["client_id"], "redirect_uri": redirect_uri, "grant_types": grants}
        if made["client_secret"]:
            client.update(client_secret=made["client_secret"], auth_method=auth_method)
        return client

    def cli(self, *argv):
        done = subprocess.run(
            reference_as(*argv, "--json"),
            cwd=self.path,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert done.returncode == 0, done.stderr
        return json.loads(done.stdout)


class ReferenceServer:
    """`reference-as serve` in the work directory; stop() ends its process group."""

    def __init__(
        self,
        workdir: Workdir,
        issuer: str | None = None,
        auto_approve: bool = True,
        workers: int = 2,
        settings: dict | None = None,
    ):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        settings = {**DEVICE_SETTINGS, **(settings or {})}
        env = dict(workdir.env, **{f"REFERENCE_AS_{k.upper()}": str(v) for k, v in settings.items()})
        if auto_approve:
            env["REFERENCE_AS_AUTO_APPROVE_USER"] = "demo"
        argv = reference_as(
            "serve", "--port", str(self.port), "--workers", str(workers), "--issuer", issuer or self.url
        )
        self.log = workdir.path / f"server-{self.port}.log"
        self.server = ServerProcess(
            "the reference server", argv, self.url + "/oauth2/jwks", self.log, cwd=workdir.path, env=env
        )

    def stop(self) -> None:
        self.server.stop()


# -- WSGI apps in a thread -----------------------------------------------------------------------------


class _ThreadedServer(socketserver.ThreadingMixIn, WSGIServer):
    daemon_threads = True


class _QuietHandler(WSGIRequestHandler):
    def log_message(self, *args):
        pass


class WSGIThread:
    """A WSGI app on a free loopback port, served from a thread until stop()."""

    def __init__(self, app):
        self.server = make_server("127.0.0.1", 0, app, server_class=_ThreadedServer, handler_class=_QuietHandler)
        self.port = self.server.server_port
        self.url = f"http://127.0.0.1:{self.port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


# -- target files ------------------------------------------------------------------------------------------


def write_target(
    path: Path,
    issuer_url: str,
    clients: dict,
    driver: str = "auto",
    password: str | None = None,
    resource: bool = True,
    extra: str = "",
    top: str = "",
    metadata_path: str = "/.well-known/oauth-authorization-server",
    private_key_jwt: dict | None = None,
) -> Path:
    lines = [top, "[server]", f"metadata_url = {toml_value(issuer_url + metadata_path)}"]
    lines.append(f"client_id_documents_at = {toml_value(f'http://127.0.0.1:{free_port()}/documents')}")
    if resource:
        lines += ["[resource]", f"url = {toml_value(issuer_url + '/api/me')}", 'scope = "api:read"']
    for role, client in clients.items():
        lines.append(f"[clients.{role}]")
        for key in ("client_id", "client_secret", "auth_method", "redirect_uri", "grant_types", "application_type"):
            if client.get(key) is not None:
                lines.append(f"{key} = {toml_value(client[key])}")
        lines.append(f"scope = {toml_value(client.get('scope', ' '.join(SCOPES)))}")
    if private_key_jwt:
        lines += ["[private_key_jwt]", *(f"{key} = {toml_value(value)}" for key, value in private_key_jwt.items())]
    lines += ["[approval]", f"driver = {toml_value(driver)}"]
    if password:
        lines += ['username = "demo"', f"password = {toml_value(password)}"]
    path.write_text("\n".join(lines) + "\n" + extra)
    return path
