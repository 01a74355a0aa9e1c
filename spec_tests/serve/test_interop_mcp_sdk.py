"""Interoperability: the official MCP Python SDK (`mcp`) on both sides of reference-as.

- An MCP server of the SDK's own kind (`MCPServer`, streamable HTTP, served by
  uvicorn on a loopback port) protected by reference-as tokens: its token
  verifier checks each one against the served JWKS with PyJWT, issuer and
  `aud` (the MCP server's own URL, RFC 8707) included. The SDK publishes the
  server's RFC 9728 metadata and answers 401 with `resource_metadata`.
- The SDK's OAuth client provider connects to it knowing nothing but its URL:
  it reads the RFC 9728 metadata, finds reference-as, reads its RFC 8414
  metadata, registers (by its Client ID Metadata Document, served over https
  by a server of the test's, and by RFC 7591), runs the code flow with PKCE
  and `resource`, checks `state` and `iss` (RFC 9207), and calls a tool.
The approval is the test's: it signs in and consents as the user through
the server's own pages (forms.py). reference-as is a real `reference-as serve`
(SQLite, loopback); it trusts the test's CA for the document (`outbound_ca_file`),
and reaches the document on loopback because it serves on loopback itself.
"""

import json
import threading
import time
from urllib.parse import parse_qsl, urlsplit

import anyio
import httpx2
import jwt
import pytest
import uvicorn
from mcp.client.auth import OAuthClientProvider
from mcp.client.session import ClientSession
from mcp.client.streamable_http import streamable_http_client
from mcp.server.auth.provider import AccessToken
from mcp.server.auth.settings import AuthSettings
from mcp.server.mcpserver import MCPServer
from mcp.shared.auth import AuthorizationCodeResult, OAuthClientMetadata

from conformance.processes import free_port
from spec_tests.document_server import Reply

from .conftest import LiveServer
from .forms import TIMEOUT, sign_in_and_consent

SCOPE = "api:read"
CALLBACK = "http://127.0.0.1:9/callback"  # where the browser would go; the test reads the redirect instead


class JwksVerifier:
    """The MCP server's side: a reference-as access token, verified as RFC 9068 §4 asks."""

    def __init__(self, issuer: str, resource: str):
        self.issuer, self.resource = issuer, resource
        self.keys = jwt.PyJWKClient(issuer + "/oauth2/jwks", cache_keys=False, timeout=TIMEOUT)

    async def verify_token(self, token: str) -> AccessToken | None:
        try:
            key = await anyio.to_thread.run_sync(self.keys.get_signing_key_from_jwt, token)
            claims = jwt.decode(
                token,
                key.key,
                algorithms=[key.algorithm_name],
                audience=self.resource,  # RFC 8707: a token for another resource is refused
                issuer=self.issuer,
                options={"require": ["iss", "sub", "aud", "exp", "client_id"]},
            )
        except jwt.PyJWTError:
            return None
        if jwt.get_unverified_header(token).get("typ") != "at+jwt":
            return None
        return AccessToken(
            token=token,
            client_id=claims["client_id"],
            scopes=claims.get("scope", "").split(),
            expires_at=claims["exp"],
            resource=self.resource,
            subject=claims["sub"],
        )


class McpServer:
    """An SDK MCP server with one tool, on a loopback port, in a thread of the test."""

    def __init__(self, issuer: str):
        port = free_port()
        self.url = f"http://127.0.0.1:{port}/mcp"
        mcp = MCPServer(
            "adder",
            token_verifier=JwksVerifier(issuer, self.url),
            auth=AuthSettings(
                issuer_url=issuer,
                resource_server_url=self.url,
                required_scopes=[SCOPE],
                validate_token_resource=True,
            ),
        )

        @mcp.tool()
        def add(a: int, b: int) -> int:
            """Add two numbers."""
            return a + b

        config = uvicorn.Config(mcp.streamable_http_app(), host="127.0.0.1", port=port, log_level="warning")
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)
        self.thread.start()
        deadline = time.monotonic() + TIMEOUT
        while not self.server.started:
            assert time.monotonic() < deadline, "the MCP server did not start"
            time.sleep(0.05)

    def stop(self):
        self.server.should_exit = True
        self.thread.join(TIMEOUT)


class Memory:
    """The SDK's TokenStorage, in memory."""

    def __init__(self):
        self.tokens = self.client_info = None

    async def get_tokens(self):
        return self.tokens

    async def set_tokens(self, tokens):
        self.tokens = tokens

    async def get_client_info(self):
        return self.client_info

    async def set_client_info(self, client_info):
        self.client_info = client_info


@pytest.fixture(scope="module")
def setup(tmp_path_factory, test_ca, documents):
    server = LiveServer(
        tmp_path_factory.mktemp("as"),
        extra_args=("--workers", "1"),
        settings={"outbound_ca_file": test_ca.ca_file},
    )
    mcp = McpServer(server.url)
    try:
        server.cli("resources", "add", mcp.url, "--scope", SCOPE)
        _, password = server.create_user("alice")
        yield server, mcp, documents, password
    finally:
        mcp.stop()
        server.stop()


def connect_and_add(server, mcp, password, client_metadata_url=None) -> tuple[int, Memory, list[str]]:
    """The SDK client from nothing: (the tool's answer, what it stored, the URLs it was sent to)."""
    storage, visited, result = Memory(), [], {}

    async def approve(authorization_url: str) -> None:
        visited.append(authorization_url)
        location = await anyio.to_thread.run_sync(sign_in_and_consent, server, authorization_url, "alice", password)
        result.update(parse_qsl(urlsplit(location).query))

    async def callback() -> AuthorizationCodeResult:
        return AuthorizationCodeResult(code=result["code"], state=result.get("state"), iss=result.get("iss"))

    provider = OAuthClientProvider(
        server_url=mcp.url,
        client_metadata=OAuthClientMetadata(
            client_name="MCP SDK test client",
            redirect_uris=[CALLBACK],
            grant_types=["authorization_code", "refresh_token"],
        ),
        storage=storage,
        redirect_handler=approve,
        callback_handler=callback,
        client_metadata_url=client_metadata_url,
    )

    async def run() -> int:
        async with httpx2.AsyncClient(auth=provider, timeout=TIMEOUT) as http:
            async with streamable_http_client(mcp.url, http_client=http) as (read, write):
                async with ClientSession(read, write) as session:
                    await session.initialize()
                    answer = await session.call_tool("add", {"a": 2, "b": 3})
                    return int(answer.content[0].text)

    return anyio.run(run), storage, visited


@pytest.mark.requirement("RFC7591-3")
def test_the_sdk_client_registers_by_rfc7591_and_calls_a_tool(setup):
    server, mcp, _, password = setup
    answer, storage, visited = connect_and_add(server, mcp, password)
    assert answer == 5
    (authorization_url,) = visited
    sent = dict(parse_qsl(urlsplit(authorization_url).query))
    assert sent["resource"] == mcp.url and sent["code_challenge_method"] == "S256"
    registered = {c["client_id"]: c for c in server.cli("clients", "list")}[storage.client_info.client_id]
    assert registered["origin"] == "rfc7591"
    claims = jwt.decode(storage.tokens.access_token, options={"verify_signature": False})
    assert claims["aud"] == mcp.url and claims["client_id"] == registered["client_id"]


def test_the_sdk_client_uses_its_metadata_document_and_calls_a_tool(setup):
    server, mcp, documents, password = setup
    url = documents.origin + "/mcp-client.json"
    document = {
        "client_id": url,
        "client_name": "MCP SDK test client",
        "redirect_uris": [CALLBACK],
        "grant_types": ["authorization_code", "refresh_token"],
        "response_types": ["code"],
        "token_endpoint_auth_method": "none",
    }

    documents.serve("/mcp-client.json", Reply(json.dumps(document).encode()))
    answer, storage, _ = connect_and_add(server, mcp, password, client_metadata_url=url)
    assert answer == 5 and storage.client_info.client_id == url
    assert documents.hits["/mcp-client.json"] >= 1
    (client,) = [c for c in server.cli("clients", "list") if c["client_id"] == url]
    assert client["origin"] == "metadata_document" and client["type"] == "public"


def test_the_mcp_server_refuses_a_reference_as_token_for_another_resource(setup):
    server, mcp, _, _ = setup
    made = server.cli("clients", "create", "--name", "Backend", "--grant", "client_credentials")
    token = httpx2.post(
        server.url + "/oauth2/token",
        data={"grant_type": "client_credentials"},
        auth=(made["client_id"], made["client_secret"]),
        timeout=TIMEOUT,
    ).json()["access_token"]  # for the default audience, not the MCP server
    response = httpx2.post(
        mcp.url,
        headers={"Authorization": "Bearer " + token, "Accept": "application/json, text/event-stream"},
        json={"jsonrpc": "2.0", "id": 1, "method": "ping"},
        timeout=TIMEOUT,
    )
    assert response.status_code == 401
    assert "resource_metadata=" in response.headers["WWW-Authenticate"]
