"""`oauth-conformance resource URL`: check a protected resource (an MCP server, say) given only
its URL, the way an MCP client meets it.

From the URL, as a client would: the 401 and the RFC 9728 metadata it leads to (§5.1, §3), the
first of its `authorization_servers` and that server's metadata (RFC 8414 §3, else OpenID
Connect Discovery), and a client of the suite's own registered there (RFC 7591, a confidential
client of the client credentials grant) to obtain tokens with. A target file is written for
these (in a private temporary folder) and the resource's profiles run against it:
`resource-metadata` (RFC 9728 and the MCP spec's rules for the resource) and `bearer` (RFC 6750,
forged JWTs, a token issued for another resource). Where no client could be registered, the
checks that need a token are gaps of the run, and the verdict says so. The registered client is
deleted afterwards (RFC 7592), where the server allows it.
"""

import tempfile
from dataclasses import dataclass
from pathlib import Path

import requests

from oauth_client.http import RecordingSession

from .checks.rfc8414_metadata import OIDC_WELL_KNOWN, metadata_url_for
from .expect import describe, json_object
from .outcomes import toml_value
from .registration import JSON
from .resources import candidates

PROFILES = ("resource-metadata", "bearer")
NO_TOKEN = "the checks that need a token will not run"


class ResourceUnusable(Exception):
    """The URL does not lead to an authorization server; the message says where the trail ends."""


@dataclass
class Found:
    metadata_url: str  # the authorization server's
    client: dict | None  # the registration's client information, or None
    note: str  # what was found, for the user


def _issuer(url: str, session: requests.Session) -> str:
    challenge = session.get(url)
    for candidate in candidates(url, challenge, []):
        body = json_object(session.get(candidate)) or {}
        servers = body.get("authorization_servers")
        if isinstance(servers, list) and servers and isinstance(servers[0], str):
            return servers[0]
    raise ResourceUnusable(f"{url} names no authorization server: no RFC 9728 metadata with authorization_servers")


def _server_metadata(issuer: str, session: requests.Session) -> tuple[str, dict]:
    base = issuer.rstrip("/")
    for url in (metadata_url_for(issuer), base + OIDC_WELL_KNOWN):
        body = json_object(session.get(url))
        if body is not None and body.get("issuer") == issuer:
            return url, body
    raise ResourceUnusable(f"the authorization server {issuer} serves no metadata at its well-known URLs")


def _register(metadata: dict, session: requests.Session) -> tuple[dict | None, str]:
    endpoint = metadata.get("registration_endpoint")
    if not endpoint:
        return None, f"the authorization server offers no registration: {NO_TOKEN}"
    document = {
        "client_name": "oauth-conformance (resource mode)",
        "grant_types": ["client_credentials"],
        "response_types": [],
        "token_endpoint_auth_method": "client_secret_basic",
    }
    response = session.post(endpoint, json=document, headers=JSON)
    body = json_object(response) or {}
    if response.status_code not in (200, 201) or not body.get("client_secret"):
        return (
            None,
            f"registering a client was answered {describe(response)}: the checks that need a token will not run",
        )
    return body, f"registered the client {body['client_id']} (RFC 7591) to obtain tokens with"


def discover(url: str, timeout: float = 10.0) -> Found:
    with RecordingSession(None, timeout) as session:
        try:
            metadata_url, metadata = _server_metadata(_issuer(url, session), session)
            client, note = _register(metadata, session)
        except requests.RequestException as error:
            raise ResourceUnusable(f"{url}: {type(error).__name__}") from None
    return Found(metadata_url, client, note)


def target_text(url: str, found: Found) -> str:
    lines = ["[server]", f"metadata_url = {toml_value(found.metadata_url)}", "[resource]", f"url = {toml_value(url)}"]
    if found.client:
        lines += [
            "[clients.confidential]",
            f"client_id = {toml_value(found.client['client_id'])}",
            f"client_secret = {toml_value(found.client['client_secret'])}",
            'grant_types = ["client_credentials"]',
        ]
    return "\n".join(lines) + "\n"


def forget(found: Found, timeout: float = 10.0) -> None:
    """Delete the client registered for the run (RFC 7592 §2.3), if the server said how."""
    client = found.client or {}
    if client.get("registration_client_uri") and client.get("registration_access_token"):
        with RecordingSession(None, timeout) as session:
            try:
                headers = {"Authorization": f"Bearer {client['registration_access_token']}"}
                session.delete(client["registration_client_uri"], headers=headers)
            except requests.RequestException:
                pass


def run(url: str, run_target) -> int:
    """Discover, write the target file, `run_target(path, profiles)`, clean up; the run's exit status."""
    found = discover(url)
    print(f"oauth-conformance: {url}: authorization server metadata {found.metadata_url}; {found.note}")
    with tempfile.TemporaryDirectory(prefix="oauth-conformance-") as folder:
        path = Path(folder) / "resource.toml"
        path.write_text(target_text(url, found), encoding="utf-8")
        path.chmod(0o600)
        try:
            return run_target(path, PROFILES)
        finally:
            forget(found)
