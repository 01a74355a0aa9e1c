"""A real `reference-as serve` (2 workers, SQLite) grades an independent client library:
requests-oauthlib 2 (over oauthlib 4), put under the `security` scenario with the CLI,
driven through sign-ins, a refresh and a resource call, then `clients report`.

What the library does, read in its code: `OAuth2Session(pkce="S256")` sends an S256
challenge and redeems with its verifier; `authorization_url` makes a 30-character
random state, and `fetch_token(authorization_response=...)` compares the returned
state (oauthlib `parse_authorization_code_response`: MismatchingStateError); nothing
in either package reads `iss` (RFC 9207). So it survives the changed state and
redeems the code of the response that names another issuer: the one MUST it fails.
"""

import json
import subprocess

import pytest
import requests
from oauthlib.oauth2.rfc6749.errors import MismatchingStateError
from requests.auth import HTTPBasicAuth
from requests_oauthlib import OAuth2Session

from conformance.processes import reference_as
from reference_as.client_checks.traps import FOREIGN_ISSUER
from spec_tests.serve.conftest import live_server  # noqa: F401 - the shared fixture
from spec_tests.serve.forms import TIMEOUT, create_client, metadata, redirect_params, sign_in_and_consent


@pytest.fixture
def insecure_loopback(monkeypatch):
    """oauthlib refuses http:// URLs; the live server is on loopback (RFC 8252 §7.3)."""
    monkeypatch.setenv("OAUTHLIB_INSECURE_TRANSPORT", "1")


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

    code, graded = report(live_server, client["client_id"])
    outcomes = {check["id"]: check["outcome"] for check in graded["checks"]}
    assert code == 1 and graded["summary"]["verdict"] == "FAIL"
    assert {i for i, outcome in outcomes.items() if outcome in ("fail", "warn")} == {"RFC9207-2.4-iss-mix-up"}
    assert outcomes["RFC6749-10.12-state-checked"] == "pass" and outcomes["RFC9700-2.1.1-s256"] == "pass"
    # Another client of the same server is not under check: its responses are as always.
    other = create_client(live_server, "confidential")
    url, state = OAuth2Session(
        other["client_id"], redirect_uri=other["redirect_uris"][0], pkce="S256"
    ).authorization_url(meta["authorization_endpoint"])
    returned = redirect_params(sign_in_and_consent(live_server, url, user["username"], password))
    assert returned["iss"] == meta["issuer"] and returned["state"] == state
    assert requests.get(live_server.url + "/api/me", timeout=TIMEOUT).status_code == 401
