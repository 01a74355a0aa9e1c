"""`reference-as serve --store memory://`: a throwaway server that works as it starts.

A memory store lives in the serving process alone, where no other command can
reach it: serve makes the demo clients and users itself and prints their
credentials (as `reference-as demo` does), and serves them from one worker,
since a second one would have a memory of its own.
"""

import re

import pytest
import requests

from spec_tests.serve.conftest import LiveServer

from .forms import TIMEOUT, authorization_url, pkce_pair, redirect_params, sign_in_and_consent


@pytest.fixture
def memory_server(tmp_path):
    server = LiveServer(tmp_path, extra_args=("--store", "memory://"))
    yield server
    server.stop()


def printed(server, pattern: str) -> str:
    """What the server printed at start for `pattern`'s group."""
    found = re.search(pattern, server.log.read_text())
    assert found, server.log.read_text()
    return found.group(1)


def test_a_memory_server_prints_the_demo_credentials_and_they_work(memory_server):
    secret = printed(memory_server, r"demo-confidential: client_secret (\S+)")
    response = requests.post(
        memory_server.url + "/oauth2/token", data={"grant_type": "client_credentials"},
        auth=("demo-confidential", secret), timeout=TIMEOUT,
    )  # fmt: skip
    assert response.status_code == 200, response.text
    assert response.json()["token_type"] == "Bearer"


def test_a_memory_server_keeps_codes_and_refresh_tokens_across_requests(memory_server):
    """One worker, one memory: a code issued by one request is redeemed by the next, however many."""
    password = printed(memory_server, r"user demo: password (\S+)")
    public = {"client_id": "demo-public", "redirect_uris": ["http://127.0.0.1:8001/callback"]}
    for round_ in range(4):
        verifier, challenge = pkce_pair()
        state = f"round-{round_}"
        location = sign_in_and_consent(
            memory_server, authorization_url(memory_server, public, challenge, state), "demo", password
        )
        params = redirect_params(location)
        assert params["state"] == state, location
        tokens = requests.post(
            memory_server.url + "/oauth2/token",
            data={"grant_type": "authorization_code", "client_id": "demo-public", "code": params["code"],
                  "redirect_uri": public["redirect_uris"][0], "code_verifier": verifier},
            timeout=TIMEOUT,
        )  # fmt: skip
        assert tokens.status_code == 200, tokens.text
        refreshed = requests.post(
            memory_server.url + "/oauth2/token",
            data={"grant_type": "refresh_token", "client_id": "demo-public",
                  "refresh_token": tokens.json()["refresh_token"]},
            timeout=TIMEOUT,
        )  # fmt: skip
        assert refreshed.status_code == 200, refreshed.text


def test_the_admin_pages_of_a_memory_server_open_with_the_printed_admin_password(memory_server):
    """Where a client is added to a memory server: its own /admin/ pages."""
    password = printed(memory_server, r"user admin: password (\S+)")
    with requests.Session() as browser:
        login = browser.get(memory_server.url + "/login?next=/admin/", timeout=TIMEOUT)
        csrf = re.search(r'name="csrf_token" value="([^"]+)"', login.text).group(1)
        response = browser.post(
            memory_server.url + "/login",
            data={"csrf_token": csrf, "next": "/admin/", "username": "admin", "password": password},
            timeout=TIMEOUT,
        )
        assert response.status_code == 200 and response.url == memory_server.url + "/admin/", response.url
        assert "demo-confidential" in response.text and "demo-public" in response.text
