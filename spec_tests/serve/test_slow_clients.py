"""Slow and idle clients against the real server (issue 17, item 1): a body sent a
byte at a time, or connections that never send a request, take no thread from
anyone else; the server ends them after `body_timeout` and `header_timeout`.

The connections are plain sockets (raw_clients.py); the clients that must still be
served are ordinary `requests` calls with generous timeouts: the tests assert that
they are answered, never how fast.
"""

import json

import pytest

from spec_tests.serve.conftest import LiveServer

from .raw_clients import TOKEN_HEAD, answered, closed_by_server, connect, enough_files, trickling

METADATA = "/.well-known/oauth-authorization-server"
SLOW = 32  # eight times what held every thread of today's server (4 of them did)
IDLE = 1100  # more than the 1,024 connections today's two workers take at most


def serve(tmp_path, **settings) -> LiveServer:
    """`reference-as serve` with these settings in its reference-as.toml."""
    (tmp_path / "reference-as.toml").write_text("".join(f"{name} = {value}\n" for name, value in settings.items()))
    return LiveServer(tmp_path)


def client_credentials_secret(server: LiveServer) -> tuple[str, str]:
    client = server.cli("clients", "create", "--name", "Busy", "--grant", "client_credentials", "--scope", "api:read")
    return client["client_id"], client["client_secret"]


@pytest.fixture
def server(tmp_path):
    server = serve(tmp_path, body_timeout=2, header_timeout=2)
    yield server
    server.stop()


def test_slow_bodies_and_idle_connections_leave_metadata_and_tokens_answered(live_server):
    """With the default settings: while 32 clients send a token request's body a byte a
    second and 1,100 connections send nothing, the metadata and a client credentials
    token are still served, and every slow body is answered 408 (never a thread held)."""
    client_id, secret = client_credentials_secret(live_server)
    enough_files(SLOW + IDLE)
    idle = [connect(live_server.port) for _ in range(IDLE)]
    try:
        with trickling(live_server.port, SLOW) as slow:
            assert answered(live_server.url + METADATA).status_code == 200
            token = answered(
                live_server.url + "/oauth2/token",
                method="POST",
                data={"grant_type": "client_credentials"},
                auth=(client_id, secret),
            )
            assert token.status_code == 200 and token.json()["token_type"] == "Bearer"
            # None of them held a thread: each gets its 408 once body_timeout is up.
            statuses = {sock.recv(4096).split(b" ", 2)[1] for sock in slow}
            assert statuses == {b"408"}
    finally:
        for sock in idle:
            sock.close()


@pytest.mark.requirement("RFC9110-15.5.9")
def test_a_body_that_does_not_arrive_within_body_timeout_is_answered_408_and_its_connection_closed(server):
    sock = connect(server.port)
    sock.sendall(TOKEN_HEAD + b"grant_type=client_")  # 18 of the 1,000 bytes promised
    head, _, body = sock.recv(65536).partition(b"\r\n\r\n")
    status_line, *fields = head.decode().split("\r\n")
    headers = {name.lower(): value.strip() for name, _, value in (field.partition(":") for field in fields)}
    assert status_line.split(" ")[1] == "408"
    assert headers["connection"] == "close"
    assert headers["cache-control"] == "no-store"
    assert json.loads(body)["error"] == "invalid_request"
    assert closed_by_server(sock, within=10)


def test_a_connection_that_never_sends_a_request_is_closed_after_header_timeout(server):
    assert closed_by_server(connect(server.port), within=15)


def test_an_idle_keep_alive_connection_is_closed_after_header_timeout(server):
    sock = connect(server.port)
    sock.sendall(f"GET {METADATA} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".encode())
    assert sock.recv(65536).startswith(b"HTTP/1.1 200")
    assert closed_by_server(sock, within=15)  # kept alive, then idle: closed


@pytest.mark.requirement("RFC6749-3.2")
def test_a_body_larger_than_max_body_bytes_is_refused_without_being_read(server):
    """The whole 1 MiB is never sent: the refusal comes from the Content-Length alone."""
    sock = connect(server.port)
    sock.sendall(TOKEN_HEAD.replace(b"Content-Length: 1000", b"Content-Length: 1048576"))
    head, _, body = sock.recv(65536).partition(b"\r\n\r\n")
    assert head.split(b" ")[1] == b"400"
    assert json.loads(body)["error"] == "invalid_request"
