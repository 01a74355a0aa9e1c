"""Interoperability of the device grant (RFC 8628): openid-client, panva's OAuth client
library for JavaScript (npm, `make install`), runs the whole device flow against the
real server with its own code: discovery from the RFC 8414 metadata, the device
authorization request, and `pollDeviceAuthorizationGrant`, which honours `interval`
and `slow_down` by itself; then a refresh. The person's part is done meanwhile by a
plain `requests` user agent on the server's own forms (forms.py).

Why this library: it is independent of this project and of oauthlib (whose own
`DeviceClient` would be oauthlib checking oauthlib), widely used (tens of millions
of downloads a month), and has first-class device grant support; Python's
requests-oauthlib and Authlib have no device polling client of their own. The
server runs with a 1-second interval so the library's waits stay short.
"""

import json
import subprocess
import time
from pathlib import Path

import pytest

from .conftest import LiveServer
from .forms import approve_device, create_device_client, verify

SCRIPT = Path(__file__).parent / "openid_client" / "device_flow.mjs"
TIMEOUT = 60


@pytest.fixture
def server(tmp_path):
    server = LiveServer(tmp_path, ("--access-log",), {"device_poll_interval": 1})
    yield server
    server.stop()


def wait_for_a_pending_poll(server) -> None:
    """Until the access log shows the library's first poll refused (authorization_pending):
    the person approves only then, so the library's polling loop is tried too."""
    deadline = time.monotonic() + TIMEOUT
    while '"POST /oauth2/token" 400' not in server.log.read_text():
        assert time.monotonic() < deadline, "openid-client did not poll within a minute"
        time.sleep(0.2)


def read_step(process, step: str) -> dict:
    line = process.stdout.readline()
    assert line, f"openid-client stopped before {step}: {process.stderr.read()}"
    answer = json.loads(line)
    assert answer["step"] == step, answer
    return answer


@pytest.mark.requirement("RFC8628-3.1")
@pytest.mark.requirement("RFC8628-3.4")
@pytest.mark.requirement("RFC8628-3.5")
def test_openid_client_completes_the_device_flow_and_refreshes(server):
    if not (SCRIPT.parent / "node_modules" / "openid-client").is_dir():
        pytest.fail("openid-client is missing: `make install` installs it (npm ci)")
    user, password = server.create_user()
    client = create_device_client(server)
    process = subprocess.Popen(
        ["node", str(SCRIPT), server.url, client["client_id"], "api:read"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        shown = read_step(process, "device_authorization")
        assert shown["verification_uri"] == server.url + "/device" and shown["interval"] == 1
        wait_for_a_pending_poll(server)
        approve_device(shown["verification_uri_complete"], user["username"], password)
        tokens = read_step(process, "tokens")
        refreshed = read_step(process, "refreshed")
        assert process.wait(TIMEOUT) == 0, process.stderr.read()
    finally:
        process.kill()
        process.wait(TIMEOUT)
    assert tokens["token_type"].lower() == "bearer" and tokens["scope"] == "api:read"
    claims = verify(server, tokens["access_token"])
    assert claims["sub"] == user["user_id"] and claims["client_id"] == client["client_id"]
    assert refreshed["refresh_token"] != tokens["refresh_token"]
    verify(server, refreshed["access_token"])
    log = server.log.read_text()
    assert "/oauth2/device_authorization" in log and "Traceback" not in log
