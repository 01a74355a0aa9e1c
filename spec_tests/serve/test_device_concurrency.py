"""The device grant against the real server (Granian, 2 worker processes, one SQLite
file): a device code approved through the real pages and polled by two pollers at the
same moment (a barrier releases them, each on its own connection) gives tokens exactly
once; the other poller gets `invalid_grant`, nothing fails with a 500 or "database is
locked", and, as for a replayed authorization code, the second presentation revokes
what the first one got (RFC 6749 §4.1.2)."""

import pytest
import requests

from spec_tests.helpers import DEVICE_GRANT

from .forms import TIMEOUT, approve_device, create_device_client
from .test_concurrency import assert_clean_log, one_winner, race


def device_authorization(server, client) -> dict:
    response = requests.post(
        server.url + "/oauth2/device_authorization", data={"client_id": client["client_id"]}, timeout=TIMEOUT
    )
    assert response.status_code == 200, response.text
    return response.json()


def poll(server, client, device_code):
    return requests.post(
        server.url + "/oauth2/token",
        data={"grant_type": DEVICE_GRANT, "device_code": device_code, "client_id": client["client_id"]},
        timeout=TIMEOUT,
    )


@pytest.mark.requirement("RFC8628-3.5")
@pytest.mark.parametrize("pollers", [2, 20])
def test_of_pollers_of_one_approved_device_code_exactly_one_gets_tokens(live_server, pollers):
    user, password = live_server.create_user()
    client = create_device_client(live_server)
    device = device_authorization(live_server, client)
    assert poll(live_server, client, device["device_code"]).json()["error"] == "authorization_pending"
    approve_device(device["verification_uri_complete"], user["username"], password)

    winner = one_winner(race(lambda: poll(live_server, client, device["device_code"]), pollers), live_server)
    assert winner["access_token"] and winner["refresh_token"]
    me = requests.get(
        live_server.url + "/api/me", headers={"Authorization": "Bearer " + winner["access_token"]}, timeout=TIMEOUT
    )
    assert me.status_code == 401  # the losers' presentations revoked the grant
    refreshed = requests.post(
        live_server.url + "/oauth2/token",
        data={
            "grant_type": "refresh_token",
            "refresh_token": winner["refresh_token"],
            "client_id": client["client_id"],
        },
        timeout=TIMEOUT,
    )
    assert refreshed.json()["error"] == "invalid_grant"
    assert_clean_log(live_server)
