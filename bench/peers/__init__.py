"""The peers: what a user could pick instead of us, on the same machine, under the
same load (wrk, client credentials, HTTP Basic), in the same run.

- Authlib (Python): authlib_server.py, served by serve_wsgi.py with our server
  settings. Needs `pip install authlib` in the venv (the Makefile's bench target
  does it; it is not a dependency of the project).
- oidc-provider (node): oidc_provider.mjs, on the copy `make install` puts in
  conformance/peers/oidc_provider (npm), with node's cluster module for as many
  processes as our workers.
Both issue RS256-signed RFC 9068 JWT access tokens, as ours do. A peer that cannot
be installed is reported as skipped, with the reason, rather than failing the suite.
"""

import importlib.metadata
import json
import secrets
import shutil
import tempfile
from pathlib import Path

from harness import CC_SCRIPT, HOST, clean_environment, measure, post_form, serving, wsgi_command
from ours import basic

from conformance.processes import free_port

PEERS = Path(__file__).resolve().parent
CONFORMANCE_NODE_MODULES = PEERS.parent.parent / "conformance" / "peers" / "oidc_provider" / "node_modules"
SCOPES = "api:read api:write api:admin api:superuser"


def _peer_row(name: str, version: str, workers: int, figures: dict | None, skipped: str | None = None) -> dict:
    row = {"name": f"peer: {name} {version}".strip(), "server": name, "version": version, "workers": workers}
    row["alg"], row["signs"] = "RS256", True
    return {**row, **figures} if figures else {**row, "skipped": skipped}


def _check(url: str, authorization: str, name: str) -> None:
    status, body = post_form(url, "grant_type=client_credentials", authorization)
    if status != 200 or "access_token" not in json.loads(body):
        raise RuntimeError(f"{name} answered {status}: {body[:500]!r}")


# -- Authlib ----------------------------------------------------------------------------


def authlib(workers: int) -> dict:
    try:
        version = importlib.metadata.version("authlib")
        from peers import authlib_server
    except (importlib.metadata.PackageNotFoundError, ImportError) as error:
        return _peer_row("Authlib", "", workers, None, f"not installed ({error}): pip install authlib")
    client_id, secret = "peer-client", secrets.token_urlsafe(32)
    port = free_port()
    base_url = f"http://{HOST}:{port}"
    with tempfile.TemporaryDirectory(prefix="reference-as-bench-") as name:
        folder = Path(name)
        database = folder / "authlib.sqlite3"
        authlib_server.prepare(str(database), client_id, secret, SCOPES)
        environment = clean_environment(AUTHLIB_BENCH_DB=str(database), AUTHLIB_BENCH_ISSUER=base_url)
        command = wsgi_command(PEERS / "authlib_server.py", port, workers)
        url = base_url + authlib_server.TOKEN_PATH
        with serving(command, base_url + "/", folder / "authlib.log", folder, environment):
            _check(url, basic(client_id, secret), "Authlib")
            figures = measure(url, CC_SCRIPT, (basic(client_id, secret),))
    return _peer_row("Authlib", version, workers, figures)


# -- oidc-provider ----------------------------------------------------------------------


def _install_oidc_provider() -> str | None:
    """None when oidc-provider is ready for oidc_provider.mjs, else why not.

    It is the copy `make install` put in conformance/peers/oidc_provider (the
    version of its package-lock.json, the one `make test` runs the conformance
    suite against): bench/peers/node_modules is a link to that folder, so node
    finds the package from oidc_provider.mjs and nothing is installed twice."""
    if not shutil.which("node"):
        return "node is not installed (apt-get install nodejs)"
    if not (CONFORMANCE_NODE_MODULES / "oidc-provider" / "package.json").exists():
        return f"{CONFORMANCE_NODE_MODULES} has no oidc-provider: run `make install`"
    link = PEERS / "node_modules"
    if not link.is_symlink():
        link.symlink_to(CONFORMANCE_NODE_MODULES, target_is_directory=True)
    return None


def oidc_provider(workers: int) -> dict:
    problem = _install_oidc_provider()
    if problem:
        return _peer_row("oidc-provider", "", workers, None, problem)
    version = json.loads((PEERS / "node_modules" / "oidc-provider" / "package.json").read_text())["version"]
    client_id, secret = "peer-client", secrets.token_urlsafe(32)
    port = free_port()
    base_url = f"http://{HOST}:{port}"
    command = ["node", str(PEERS / "oidc_provider.mjs"), str(port), str(workers), client_id, secret]
    with tempfile.TemporaryDirectory(prefix="reference-as-bench-") as name:
        log = Path(name) / "oidc-provider.log"
        with serving(command, base_url + "/.well-known/openid-configuration", log, PEERS):
            _check(base_url + "/token", basic(client_id, secret), "oidc-provider")
            figures = measure(base_url + "/token", CC_SCRIPT, (basic(client_id, secret),))
    return _peer_row("oidc-provider", version, workers, figures)


def all_peers(workers: int = 2) -> list[dict]:
    return [authlib(workers), oidc_provider(workers)]
