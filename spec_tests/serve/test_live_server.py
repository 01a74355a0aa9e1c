"""The reference server as a user runs it: `reference-as serve` on loopback,
spoken to over real HTTP, tokens checked by PyJWT's `PyJWKClient`."""

import time

import jwt
import requests

from reference_as.keys import RECHECK_SECONDS

from .conftest import LiveServer
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


class CachingVerifier:
    """A resource server that keeps the JWKS as long as its Cache-Control max-age allows
    and never fetches it sooner, not even for an unknown kid (the strictest there is)."""

    def __init__(self, server):
        self.server, self.keys, self.expires = server, {}, 0.0

    def accepts(self, token: str) -> bool:
        if time.monotonic() >= self.expires:
            response = requests.get(self.server.url + "/oauth2/jwks", timeout=10)
            max_age = int(response.headers["Cache-Control"].split("max-age=")[1])
            self.keys, self.expires = {k["kid"]: k for k in response.json()["keys"]}, time.monotonic() + max_age
        key = self.keys.get(jwt.get_unverified_header(token)["kid"])
        if key is None:
            return False
        jwt.decode(token, jwt.PyJWK(key).key, algorithms=[key["alg"]], audience=self.server.url + "/api")
        return True


def test_a_verifier_caching_the_jwks_accepts_every_token_across_a_rotation_by_the_cli(tmp_path):
    server = LiveServer(tmp_path, settings={"jwks_max_age": 2})
    try:
        secret = demo_secret(server)
        verifier = CachingVerifier(server)
        old_kid = jwt.get_unverified_header(get_token(server, secret).json()["access_token"])["kid"]
        assert verifier.accepts(get_token(server, secret).json()["access_token"])  # fetched just before
        rotated = server.cli("keys", "rotate")
        new_kid = rotated[0]["kid"]
        assert [k["state"] for k in rotated] == ["pending", "active"]
        signed = []
        deadline = time.monotonic() + 2 * (rotated[0]["signs_from"] - rotated[0]["created_at"]) + 2
        while time.monotonic() < deadline:
            token = get_token(server, secret).json()["access_token"]
            assert verifier.accepts(token), f"refused after {len(signed)} tokens"
            signed.append(jwt.get_unverified_header(token)["kid"])
            time.sleep(0.05)
        assert signed[0] == old_kid and signed[-1] == new_kid
    finally:
        server.stop()


def test_an_emergency_rotation_by_the_cli_is_followed_within_a_second_and_the_old_key_withdrawn(live_server):
    secret = demo_secret(live_server)
    before = get_token(live_server, secret).json()["access_token"]
    new_kid = live_server.cli("keys", "rotate", "--now")[0]["kid"]
    # Each worker re-reads the key table at most once a second (keys.RECHECK_SECONDS).
    deadline = time.monotonic() + 2 * RECHECK_SECONDS + 1
    while True:
        after = get_token(live_server, secret).json()["access_token"]
        if jwt.get_unverified_header(after)["kid"] == new_kid or time.monotonic() > deadline:
            break
        time.sleep(0.05)
    assert jwt.get_unverified_header(after)["kid"] == new_kid != jwt.get_unverified_header(before)["kid"]
    verify(live_server, after)
    time.sleep(2 * RECHECK_SECONDS)  # every worker has read the key table since
    for _ in range(4):  # whichever worker answers
        me = requests.get(live_server.url + "/api/me", headers={"Authorization": f"Bearer {before}"}, timeout=10)
        assert me.status_code == 401


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
    keyring = Keyring(store, secret_box(settings, store), SystemClock(), settings)  # the test's own server's keys

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

    server = LiveServer(tmp_path, settings={"auto_approve_user": "demo"})
    try:
        assert "WARNING auto_approve_user='demo'" in server.log.read_text()
    finally:
        server.stop()
