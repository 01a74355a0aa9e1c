"""A real `reference-as serve` (2 workers, SQLite) grades independent client libraries,
each put under the `security` scenario with the CLI, driven through sign-ins, a refresh
and a resource call, then `clients report`.

What each library does, read in its code:
- requests-oauthlib 2 (over oauthlib 4): `OAuth2Session(pkce="S256")` sends an S256
  challenge and redeems with its verifier; `authorization_url` makes a 30-character
  random state, and `fetch_token(authorization_response=...)` compares the returned
  state (oauthlib `parse_authorization_code_response`: MismatchingStateError).
- Authlib 1.9 (`authlib.integrations.requests_client.OAuth2Session`): the same, with
  two things left to the application: `create_authorization_url` returns the state but
  does not keep it, so the state is compared only when the session handling the
  callback is given it (`OAuth2Session(..., state=state)`, as Authlib's documentation
  does; `parse_authorization_code_response` skips the comparison otherwise), and the
  code_verifier is passed to `fetch_token` by the application.
Neither reads `iss` (RFC 9207; Authlib's `rfc9207` module is the server's side). So
both survive the changed state and redeem the code of the response that names another
issuer: the one MUST each fails.
"""

import json
import secrets
import subprocess

import pytest
import requests
from authlib.integrations.requests_client import OAuth2Session as AuthlibSession
from authlib.oauth2.rfc6749.errors import MismatchingStateException
from oauthlib.oauth2.rfc6749.errors import MismatchingStateError
from requests.auth import HTTPBasicAuth
from requests_oauthlib import OAuth2Session

from conformance.processes import reference_as
from reference_as.client_checks.traps import FOREIGN_ISSUER
from spec_tests.serve.conftest import live_server  # noqa: F401 - the shared fixture
from spec_tests.serve.forms import TIMEOUT, create_client, metadata, redirect_params, sign_in_and_consent


@pytest.fixture
def insecure_loopback(monkeypatch):
    """oauthlib and Authlib refuse http:// URLs; the live server is on loopback (RFC 8252 §7.3)."""
    monkeypatch.setenv("OAUTHLIB_INSECURE_TRANSPORT", "1")
    monkeypatch.setenv("AUTHLIB_INSECURE_TRANSPORT", "1")


def assert_only_the_mix_up_failed(server, client_id: str) -> None:
    code, graded = report(server, client_id)
    outcomes = {check["id"]: check["outcome"] for check in graded["checks"]}
    assert code == 1 and graded["summary"]["verdict"] == "FAIL"
    assert {i for i, outcome in outcomes.items() if outcome in ("fail", "warn")} == {"RFC9207-2.4-iss-mix-up"}
    assert outcomes["RFC6749-10.12-state-checked"] == "pass" and outcomes["RFC9700-2.1.1-s256"] == "pass"
    assert outcomes["RFC6750-2-header"] == "pass" and outcomes["RFC6749-2.3-registered-method"] == "pass"


def report(server, client_id: str) -> tuple[int, dict]:
    done = subprocess.run(
        reference_as("clients", "report", client_id, "--json"), cwd=server.workdir, env=server.env,
        capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    return done.returncode, json.loads(done.stdout)


def test_requests_oauthlib_under_the_security_scenario_fails_only_the_mix_up(live_server, insecure_loopback):  # noqa: F811
    user, password = live_server.create_user()
    client = create_client(live_server, "confidential")
    assert live_server.cli("clients", "check", client["client_id"], "--scenario", "security")["scenario"] == "security"
    meta = metadata(live_server)
    basic = HTTPBasicAuth(client["client_id"], client["client_secret"])

    def sign_in() -> tuple[OAuth2Session, str]:
        oauth = OAuth2Session(
            client["client_id"], redirect_uri=client["redirect_uris"][0], scope=["api:read"], pkce="S256"
        )
        url, _ = oauth.authorization_url(meta["authorization_endpoint"])
        return oauth, sign_in_and_consent(live_server, url, user["username"], password)

    oauth, mixed_up = sign_in()
    assert redirect_params(mixed_up)["iss"] == FOREIGN_ISSUER
    oauth.fetch_token(meta["token_endpoint"], authorization_response=mixed_up, auth=basic, timeout=TIMEOUT)

    oauth, forged = sign_in()
    with pytest.raises(MismatchingStateError):
        oauth.fetch_token(meta["token_endpoint"], authorization_response=forged, auth=basic, timeout=TIMEOUT)

    oauth, location = sign_in()
    oauth.fetch_token(meta["token_endpoint"], authorization_response=location, auth=basic, timeout=TIMEOUT)
    oauth.refresh_token(meta["token_endpoint"], auth=basic, timeout=TIMEOUT)
    assert oauth.get(live_server.url + "/api/me", timeout=TIMEOUT).status_code == 200

    assert_only_the_mix_up_failed(live_server, client["client_id"])
    # Another client of the same server is not under check: its responses are as always.
    other = create_client(live_server, "confidential")
    url, state = OAuth2Session(
        other["client_id"], redirect_uri=other["redirect_uris"][0], pkce="S256"
    ).authorization_url(meta["authorization_endpoint"])
    returned = redirect_params(sign_in_and_consent(live_server, url, user["username"], password))
    assert returned["iss"] == meta["issuer"] and returned["state"] == state
    assert requests.get(live_server.url + "/api/me", timeout=TIMEOUT).status_code == 401


def test_authlib_under_the_security_scenario_fails_only_the_mix_up(live_server, insecure_loopback):  # noqa: F811
    user, password = live_server.create_user()
    client = create_client(live_server, "confidential")
    live_server.cli("clients", "check", client["client_id"], "--scenario", "security")
    meta = metadata(live_server)
    registration = {"client_id": client["client_id"], "client_secret": client["client_secret"]}
    registration |= {"redirect_uri": client["redirect_uris"][0], "scope": "api:read", "code_challenge_method": "S256"}

    def sign_in_and_redeem():
        """As a web app does across two requests: the callback's session is given the state."""
        verifier = secrets.token_urlsafe(48)
        url, state = AuthlibSession(**registration).create_authorization_url(
            meta["authorization_endpoint"], code_verifier=verifier
        )
        location = sign_in_and_consent(live_server, url, user["username"], password)
        callback = AuthlibSession(**registration, state=state)
        callback.fetch_token(meta["token_endpoint"], authorization_response=location, code_verifier=verifier)
        return callback

    sign_in_and_redeem()  # the response names another issuer: redeemed all the same
    with pytest.raises(MismatchingStateException):
        sign_in_and_redeem()
    session = sign_in_and_redeem()
    session.refresh_token(meta["token_endpoint"])
    assert session.get(live_server.url + "/api/me", timeout=TIMEOUT).status_code == 200

    assert_only_the_mix_up_failed(live_server, client["client_id"])
