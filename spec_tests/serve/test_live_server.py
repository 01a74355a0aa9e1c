"""The reference server as a user runs it: `reference-as serve` on loopback,
spoken to over real HTTP, tokens checked by PyJWT's `PyJWKClient`."""

import time

import jwt
import requests

from reference_as.keys import RECHECK_SECONDS

from .forms import verify

CC = {"grant_type": "client_credentials"}


def demo_secret(server) -> str:
    return next(c for c in server.cli("demo") if c["client_id"] == "demo-confidential")["client_secret"]


def get_token(server, secret, client_id="demo-confidential"):
    return requests.post(server.url + "/oauth2/token", data=CC, auth=(client_id, secret), timeout=10)


def test_the_demo_client_gets_a_token_that_pyjwt_verifies_against_the_served_jwks(live_server):
    secret = demo_secret(live_server)
    response = get_token(live_server, secret)
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    token = response.json()["access_token"]
    assert jwt.get_unverified_header(token)["typ"] == "at+jwt"
    claims = verify(live_server, token)
    assert claims["iss"] == live_server.url
    assert claims["sub"] == claims["client_id"] == "demo-confidential"
    # RFC 6749 §3.3: a request naming no scope gets the client's default scopes
    assert claims["scope"] == " ".join(live_server.cli("clients", "show", "demo-confidential")["default_scopes"])
    assert claims["exp"] - claims["iat"] == 3600


def test_rotation_by_the_cli_is_seen_by_the_running_server_and_old_tokens_still_verify(live_server):
    secret = demo_secret(live_server)
    before = get_token(live_server, secret).json()["access_token"]
    new_kid = next(k["kid"] for k in live_server.cli("keys", "rotate") if k["active"])
    # Each worker re-reads the key table at most once a second (keys.RECHECK_SECONDS).
    deadline = time.monotonic() + 2 * RECHECK_SECONDS + 1
    while True:
        after = get_token(live_server, secret).json()["access_token"]
        if jwt.get_unverified_header(after)["kid"] == new_kid or time.monotonic() > deadline:
            break
        time.sleep(0.05)
    assert jwt.get_unverified_header(after)["kid"] == new_kid != jwt.get_unverified_header(before)["kid"]
    verify(live_server, before)
    verify(live_server, after)


def test_pause_resume_rotate_and_delete_by_the_cli_take_effect_at_once(live_server):
    secret = demo_secret(live_server)
    live_server.cli("clients", "pause", "demo-confidential")
    assert get_token(live_server, secret).json()["error"] == "unauthorized_client"
    live_server.cli("clients", "resume", "demo-confidential")
    assert get_token(live_server, secret).status_code == 200
    new_secret = live_server.cli("clients", "rotate-secret", "demo-confidential")["client_secret"]
    assert get_token(live_server, secret).status_code == 401
    assert get_token(live_server, new_secret).status_code == 200
    live_server.cli("clients", "delete", "demo-confidential")
    assert get_token(live_server, new_secret).status_code == 401


def test_no_secret_or_token_reaches_the_log(live_server):
    secret = demo_secret(live_server)
    token = get_token(live_server, secret).json()["access_token"]
    requests.post(live_server.url + f"/oauth2/token?client_secret={secret}", data=CC, timeout=10)
    requests.post(
        live_server.url + "/oauth2/token",
        data={**CC, "client_id": "demo-confidential", "client_secret": secret + "x"},
        timeout=10,
    )
    log = live_server.log.read_text()
    assert "/oauth2/token" in log  # the access log is on, and shows paths
    assert secret not in log and token not in log


def test_an_independent_verifier_accepts_a_real_token_and_refuses_each_forgery(live_server):
    """RFC 9068 §4 as PyJWT does it with PyJWKClient against the served JWKS, plus the
    `typ` check RFC 9068 adds (PyJWT leaves that to its caller)."""
    from reference_as.app import secret_box
    from reference_as.clock import SystemClock
    from reference_as.config import load_settings
    from reference_as.keys import Keyring
    from reference_as.store import SQLiteStore
    from spec_tests.forgery import FORGERIES

    secret = demo_secret(live_server)
    real = get_token(live_server, secret).json()["access_token"]
    settings = load_settings(environ={}, overrides={"secret_key_file": str(live_server.workdir / "var" / "secret.key")})
    store = SQLiteStore(live_server.workdir / "var" / "reference_as.sqlite3")
    keyring = Keyring(store, secret_box(settings), SystemClock(), settings)  # the test's own server's keys

    def pyjwt_accepts(token) -> bool:
        try:
            if jwt.get_unverified_header(token).get("typ") != "at+jwt":
                return False
            verify(live_server, token)
            return True
        except jwt.PyJWTError:
            return False

    assert pyjwt_accepts(real)
    for forge in FORGERIES:
        assert not pyjwt_accepts(forge(real, keyring)), forge.__name__
    store.close()


def test_the_auto_approve_test_switch_is_announced_at_start(tmp_path):
    from .conftest import LiveServer

    server = LiveServer(tmp_path, extra_env={"REFERENCE_AS_AUTO_APPROVE_USER": "demo"})
    try:
        assert "WARNING auto_approve_user='demo'" in server.log.read_text()
    finally:
        server.stop()
