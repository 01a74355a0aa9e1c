"""Interoperability: a client registers itself through RFC 7591 at the real server
(a JSON POST on requests-oauthlib's own session, which has no registration
call of its own), then requests-oauthlib runs the code flow with PKCE and a
refresh with what the registration answered (the same flow as
test_interop_requests_oauthlib.py), and manages the registration (RFC 7592)."""

import pytest
import requests
from requests.auth import HTTPBasicAuth
from requests_oauthlib import OAuth2Session

from .forms import TIMEOUT, metadata
from .test_interop_requests_oauthlib import insecure_loopback, run_flow  # noqa: F401 - the shared fixture

REDIRECT = "http://127.0.0.1:8001/callback"
pytestmark = pytest.mark.usefixtures("insecure_loopback")  # oauthlib's switch for http on loopback


def register(server, **metadata_fields) -> dict:
    """RFC 7591 §3.1 from the library's session: the client information response."""
    endpoint = metadata(server)["registration_endpoint"]
    body = {"client_name": "Registered by requests", "redirect_uris": [REDIRECT], **metadata_fields}
    with OAuth2Session() as session:
        response = session.post(endpoint, json=body, timeout=TIMEOUT)
    assert response.status_code == 201, response.text
    assert response.headers["Cache-Control"] == "no-store"
    return response.json()


@pytest.mark.requirement("RFC7591-3.2.1")
def test_a_confidential_client_registered_by_rfc7591_completes_the_code_flow(live_server):
    user, password = live_server.create_user()
    client = register(live_server, grant_types=["authorization_code", "refresh_token"], scope="api:read")
    basic = HTTPBasicAuth(client["client_id"], client["client_secret"])
    run_flow(live_server, client, user, password, {"auth": basic}, {"auth": basic})


@pytest.mark.requirement("RFC7591-3.2.1")
def test_a_public_client_registered_by_rfc7591_completes_the_code_flow(live_server):
    user, password = live_server.create_user("bob")
    client = register(
        live_server,
        token_endpoint_auth_method="none",
        grant_types=["authorization_code", "refresh_token"],
        scope="api:read",
    )
    assert "client_secret" not in client
    run_flow(live_server, client, user, password, {"include_client_id": True}, {"client_id": client["client_id"]})


@pytest.mark.requirement("RFC7592-2")
def test_the_registration_is_read_and_deleted_with_the_registration_access_token(live_server):
    client = register(live_server, token_endpoint_auth_method="none")
    headers = {"Authorization": "Bearer " + client["registration_access_token"]}
    read = requests.get(client["registration_client_uri"], headers=headers, timeout=TIMEOUT)
    assert read.status_code == 200 and read.json()["client_id"] == client["client_id"]
    assert requests.delete(client["registration_client_uri"], headers=headers, timeout=TIMEOUT).status_code == 204
    assert requests.get(client["registration_client_uri"], headers=headers, timeout=TIMEOUT).status_code == 401
    assert client["client_id"] not in {c["client_id"] for c in live_server.cli("clients", "list")}
