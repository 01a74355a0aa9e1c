"""Two `reference-as serve` processes (2 workers each) on two ports, sharing one
PostgreSQL database, the way several servers run behind a load balancer (issue 20).

What they must share besides the store: `REFERENCE_AS_SECRET_KEY` (it opens the
signing keys and keys the session cookies) and the `issuer` (tokens name it, and
each server accepts only its own). Everything else a server decides from is read
from the store: clients and their status, codes, grants, refresh tokens, the
revocation list, sessions, login throttling, and the signing keys (re-read at
most a second apart, keys.py).
"""

import base64
import itertools
import os
import time

import jwt
import pytest
import requests

from ..postgres_cluster import free_port
from .conftest import LiveServer
from .forms import TIMEOUT, create_client
from .test_concurrency import (
    assert_clean_log,
    new_code,
    one_winner,
    race,
    redeem,
    refresh,
    revoked,
)

ROUNDS = 10


def shared_settings(url: str, issuer: str) -> dict:
    return {
        "store": url,
        "issuer": issuer,
        "secret_key": base64.urlsafe_b64encode(os.urandom(32)).decode().rstrip("="),
    }


@pytest.fixture
def servers(tmp_path, postgres_cluster):
    """(a, b): two servers on one fresh database, one issuer, one master key."""
    settings = shared_settings(postgres_cluster.create_database(), f"http://127.0.0.1:{free_port()}")
    started = []
    for name in ("a", "b"):
        (tmp_path / name).mkdir()
        started.append(LiveServer(tmp_path / name, extra_args=("--access-log",), settings=settings))
    yield started
    for server in started:
        server.stop()


@pytest.fixture
def people(servers):
    """A user and a confidential client of the code flow, made through server a's CLI."""
    a, _ = servers
    user, password = a.create_user()
    return user, password, create_client(a, "confidential")


def spread(servers, send, *args):
    """For race(): each call is `send(server, *args)` to the next of `servers` in turn."""
    turn = itertools.cycle(servers)
    return lambda: send(next(turn), *args)


def client_credentials_client(server) -> dict:
    argv = ["clients", "create", "--name", "Service", "--grant", "client_credentials", "--scope", "api:read"]
    return server.cli(*argv)


def client_credentials(server, client) -> requests.Response:
    return requests.post(
        server.url + "/oauth2/token",
        data={"grant_type": "client_credentials"},
        auth=(client["client_id"], client["client_secret"]),
        timeout=TIMEOUT,
    )


def introspect(server, client, token: str) -> dict:
    response = requests.post(
        server.url + "/oauth2/introspect",
        data={"token": token},
        auth=(client["client_id"], client["client_secret"]),
        timeout=TIMEOUT,
    )
    assert response.status_code == 200, response.text
    return response.json()


@pytest.mark.requirement("RFC6749-4.1.3")
def test_a_code_issued_by_one_server_is_redeemed_at_the_other_and_the_session_is_shared(servers, people):
    a, b = servers
    user, password, client = people
    with requests.Session() as agent:
        code, verifier = new_code(a, user, password, client, agent)
        response = redeem(b, client, code, verifier)
        assert response.status_code == 200, response.text
        assert introspect(a, client, response.json()["access_token"])["active"] is True
        # The session cookie a set is one b accepts: b's account page, no sign-in asked.
        account = agent.get(b.url + "/account", allow_redirects=False, timeout=TIMEOUT)
        assert account.status_code == 200 and user["username"] in account.text
    with requests.Session() as stranger:
        assert stranger.get(b.url + "/account", allow_redirects=False, timeout=TIMEOUT).status_code != 200


@pytest.mark.requirement("RFC6749-4.1.2")
def test_of_twenty_redemptions_of_one_code_spread_over_both_servers_exactly_one_wins(servers, people):
    a, b = servers
    user, password, client = people
    with requests.Session() as agent:
        for _ in range(ROUNDS):
            code, verifier = new_code(a, user, password, client, agent)
            won = one_winner(race(spread((a, b), redeem, client, code, verifier)), a)
            # RFC6749-4.1.2: the replays revoke what the code gave, at both servers.
            for server in (a, b):
                assert revoked(server, client, won["access_token"], won["refresh_token"]) == (True, True)
    for server in (a, b):
        assert_clean_log(server)


@pytest.mark.requirement("RFC9700-4.14.2")
def test_of_twenty_refreshes_with_one_token_spread_over_both_servers_exactly_one_wins(servers, people):
    a, b = servers
    user, password, client = people
    with requests.Session() as agent:
        for _ in range(ROUNDS):
            code, verifier = new_code(a, user, password, client, agent)
            first = redeem(b, client, code, verifier).json()
            won = one_winner(race(spread((a, b), refresh, client, first["refresh_token"])), a)
            for server in (a, b):
                assert revoked(server, client, won["access_token"], won["refresh_token"]) == (True, True)
    for server in (a, b):
        assert_clean_log(server)


def signing_kid(server, client) -> str:
    response = client_credentials(server, client)
    assert response.status_code == 200, response.text
    return jwt.get_unverified_header(response.json()["access_token"])["kid"]


def published(server) -> set[str]:
    return {key["kid"] for key in requests.get(server.url + "/oauth2/jwks", timeout=TIMEOUT).json()["keys"]}


def test_keys_rotated_through_the_cli_are_followed_by_both_servers(servers):
    a, b = servers
    service = client_credentials_client(a)
    old = signing_kid(a, service)
    assert signing_kid(b, service) == old
    new = {row["kid"] for row in a.cli("keys", "rotate")} - {old}
    (new_kid,) = new
    # Published at once by both (the JWKS is read from the store on each request).
    assert {old, new_kid} <= published(a) and {old, new_kid} <= published(b)
    # An emergency rotation: both sign with the newest key within a second and refuse the withdrawn one.
    token_before = client_credentials(b, service).json()["access_token"]
    (emergency,) = {row["kid"] for row in a.cli("keys", "rotate", "--now")} - {old, new_kid}
    deadline = time.monotonic() + 3
    while {signing_kid(a, service), signing_kid(b, service)} != {emergency}:
        assert time.monotonic() < deadline, "a server still signs with a withdrawn key"
        time.sleep(0.1)
    assert published(a) == published(b) == {emergency}
    assert introspect(a, service, token_before)["active"] is False
    assert introspect(b, service, token_before)["active"] is False


@pytest.mark.requirement("RFC7009-2.1")
def test_a_paused_client_and_a_revoked_token_are_seen_by_both_servers(servers):
    a, b = servers
    service = client_credentials_client(a)
    token = client_credentials(a, service).json()["access_token"]
    revoked_at_b = requests.post(
        b.url + "/oauth2/revoke", data={"token": token}, auth=(service["client_id"], service["client_secret"]),
        timeout=TIMEOUT,
    )  # fmt: skip
    assert revoked_at_b.status_code == 200
    assert introspect(a, service, token) == {"active": False}
    assert introspect(b, service, token) == {"active": False}

    a.cli("clients", "pause", service["client_id"])
    started = time.monotonic()
    while client_credentials(b, service).status_code == 200:
        assert time.monotonic() - started < 1, "server b still serves a client paused a second ago"
        time.sleep(0.05)
    assert client_credentials(b, service).json()["error"] == "unauthorized_client"
