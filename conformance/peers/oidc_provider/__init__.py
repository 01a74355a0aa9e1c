"""oidc-provider on a free loopback port, and the target files that point the suite at it.

    python -m conformance.peers.oidc_provider [--port N] [--targets DIR]

installs it if needed (`npm ci` here, into node_modules, git-ignored; `make install`
does the same), starts `node server.mjs PORT` with fresh client secrets, writes
`oidc-provider.toml` and `oidc-provider-jwt.toml` into DIR, and serves until Ctrl-C.
Then, in another shell:

    oauth-conformance run DIR/oidc-provider.toml --html report.html
    oauth-conformance run DIR/oidc-provider-jwt.toml --profile jwt-access-token

The server (server.mjs) has four clients: the three roles of a target file, and
`conformance-jwt`, a confidential client whose access tokens are RFC 9068 JWTs
(oidc-provider neither introspects nor revokes JWT access tokens, so they get a
target file of their own). The user's part is played by the `form` driver on
oidc-provider's development sign-in and consent pages (devInteractions).
"""

import json
import os
import secrets
import shutil
import subprocess
from pathlib import Path

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec

from conformance.processes import ServerProcess, free_port

HERE = Path(__file__).resolve().parent
PACKAGE = "oidc-provider"
NPM_TIMEOUT = 300
STARTUP_SECONDS = 30
REDIRECT_URI = "http://127.0.0.1:8001/callback"
PUBLIC_REDIRECT_URI = REDIRECT_URI + "?app=conformance"  # server.mjs registers it with its query
CODE_AND_REFRESH = ["authorization_code", "refresh_token"]
DEVICE_CODE = "urn:ietf:params:oauth:grant-type:device_code"  # server.mjs turns deviceFlow on
ALL_GRANTS = ["authorization_code", "client_credentials", "refresh_token", DEVICE_CODE]
SCOPE = "api:read api:write"  # the scopes of the one API (resource indicator) server.mjs defines


class PeerUnavailable(Exception):
    """node, npm or the package cannot be had; the message says which and how to fix it."""


def pinned_version() -> str:
    return json.loads((HERE / "package.json").read_text())["dependencies"][PACKAGE]


def installed_version() -> str | None:
    manifest = HERE / "node_modules" / PACKAGE / "package.json"
    return json.loads(manifest.read_text())["version"] if manifest.exists() else None


def install(quiet: bool = True) -> str:
    """`npm ci` (the lock file's versions) unless the pinned version is already installed;
    the installed version."""
    if installed_version() == pinned_version():
        return pinned_version()
    if not (shutil.which("node") and shutil.which("npm")):
        raise PeerUnavailable("node and npm are needed (Debian: apt install nodejs npm)")
    done = subprocess.run(
        ["npm", "ci", "--no-audit", "--no-fund", *(["--loglevel=error"] if quiet else [])],
        cwd=HERE,
        capture_output=quiet,
        text=True,
        timeout=NPM_TIMEOUT,
    )
    if done.returncode != 0 or installed_version() != pinned_version():
        raise PeerUnavailable(f"npm ci failed in {HERE}: {(done.stderr or '')[-800:]}")
    return pinned_version()


class OidcProvider:
    """`node server.mjs PORT` with fresh secrets; stop() ends it (by its process group)."""

    def __init__(self, log: Path, port: int | None = None):
        install()
        self.port = port or free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.metadata_url = self.url + "/.well-known/openid-configuration"
        # Characters that form encoding changes ("+/=%"), so that HTTP Basic's decoding is checked too
        # (RFC 6749 §2.3.1: the secret is form-urlencoded before it is base64-encoded).
        self.secrets = {role: secrets.token_urlsafe(32) + "+/=%" for role in ("confidential", "second", "jwt")}
        environment = {k: v for k, v in os.environ.items() if not k.startswith("PEER_SECRET_")}
        environment.update({f"PEER_SECRET_{role.upper()}": value for role, value in self.secrets.items()})
        # -- issue 24: the key of the private_key_jwt client; server.mjs registers its public half.
        self.assertion_key = ec.generate_private_key(ec.SECP256R1())
        environment["PEER_ASSERTION_JWK"] = jwt.algorithms.ECAlgorithm.to_jwk(self.assertion_key.public_key())
        self.log = log
        self.server = ServerProcess(
            "oidc-provider",
            ["node", str(HERE / "server.mjs"), str(self.port)],
            self.metadata_url,
            log,
            cwd=HERE,
            env=environment,
            timeout=STARTUP_SECONDS,
        )

    def stop(self) -> None:
        self.server.stop()

    def __enter__(self) -> "OidcProvider":
        return self

    def __exit__(self, *exc) -> None:
        self.stop()

    # -- target files ---------------------------------------------------------------------------

    def target(self, jwt: bool = False) -> str:
        """The target file's text: the three clients (the confidential one is conformance-jwt
        when `jwt`), and the form driver on the devInteractions pages."""
        confidential = (
            ("conformance-jwt", self.secrets["jwt"])
            if jwt
            else (
                "conformance-confidential",
                self.secrets["confidential"],
            )
        )
        return f"""\
# oidc-provider {installed_version()} (conformance/peers/oidc_provider/server.mjs), written by
# conformance/peers/oidc_provider/__init__.py. {"Its access tokens are RFC 9068 JWTs." if jwt else ""}
[server]
metadata_url = "{self.metadata_url}"    # OpenID Connect Discovery: oidc-provider serves no RFC 8414 path
resources = ["{self.url}/api"]     # RFC 8707: server.mjs's one API (its metadata lists no protected_resources)

# No [resource]: oidc-provider is an authorization server; its only protected
# resource is the OpenID Connect UserInfo endpoint, which client credentials tokens cannot use.

[clients.confidential]
client_id = "{confidential[0]}"
client_secret = "{confidential[1]}"
auth_method = "client_secret_basic"
redirect_uri = "{REDIRECT_URI}"
scope = "{SCOPE}"
grant_types = {json.dumps(ALL_GRANTS)}

[clients.second]
client_id = "conformance-second"
client_secret = "{self.secrets["second"]}"
auth_method = "client_secret_post"
redirect_uri = "{REDIRECT_URI}"
scope = "{SCOPE}"
grant_types = {json.dumps([*CODE_AND_REFRESH, DEVICE_CODE])}

[clients.public]
client_id = "conformance-public"
redirect_uri = "{PUBLIC_REDIRECT_URI}"
scope = "{SCOPE}"
grant_types = {json.dumps(CODE_AND_REFRESH)}
application_type = "native"           # server.mjs registers it so (RFC 8252: any loopback port)

[private_key_jwt]
client_id = "conformance-assertion"
private_key_file = "conformance-assertion.pem"
scope = "api:read"

# devInteractions: a sign-in form (any login, any password), then a consent form
# whose only button has no name, and a "[ Cancel ]" link that denies.
[approval]
driver = "form"
username = "conformance-user"
password = "{secrets.token_urlsafe(16)}"
[approval.form]
username = "login"
password = "password"
consent_field = "prompt=consent"
deny_link = "Cancel"
device_allow = "confirm=yes"          # the device flow's confirmation page: Continue, or
device_deny = "abort=yes"             # [ Abort ]
"""

    def write_targets(self, folder: Path) -> tuple[Path, Path]:
        paths = (folder / "oidc-provider.toml", folder / "oidc-provider-jwt.toml")
        for path, jwt_tokens in zip(paths, (False, True), strict=True):
            path.write_text(self.target(jwt=jwt_tokens), encoding="utf-8")
            path.chmod(0o600)
        pem = self.assertion_key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
        (folder / "conformance-assertion.pem").write_bytes(pem)
        (folder / "conformance-assertion.pem").chmod(0o600)
        return paths
