"""Client checks' fixtures: the app in-process over both stores, a user approved at once
(`auto_approve_user`), a confidential client to put under check, and two clients that
talk to the app through `requests` (the project's own OAuth client, and a careless one
written here)."""

import pytest
import requests

from oauth_client.client import Endpoints, OAuthClient
from oauth_client.config import ClientConfig
from reference_as.client_checks.service import ClientChecks
from reference_as.config import Settings
from reference_as.playground.inprocess import WSGIAdapter
from reference_as.users import UserService
from spec_tests.cli.test_cli import workdir  # noqa: F401 - the shared fixture
from spec_tests.conftest import ISSUER

REDIRECT_URI = "http://127.0.0.1:8001/callback"
USER = "alice"


@pytest.fixture
def settings():
    # PKCE is left to the client, so that a careless confidential client gets codes without it.
    return Settings(
        issuer=ISSUER, password_scrypt_n=2**10, auto_approve_user=USER, pkce_required_for_confidential=False
    )


@pytest.fixture
def session(app, store, settings, clock):
    UserService(store, settings, clock).create(USER)
    session = requests.Session()
    session.mount(ISSUER + "/", WSGIAdapter(app))
    return session


@pytest.fixture
def checks(store, settings, clock):
    return ClientChecks(store, settings, clock)


def make_client(clients, client_id: str):
    _, secret = clients.create(
        client_id=client_id,
        name=client_id,
        client_type="confidential",
        grant_types=("authorization_code", "refresh_token"),
        scopes=("api:read", "api:write"),
        redirect_uris=(REDIRECT_URI,),
    )
    return secret


@pytest.fixture
def secret(clients):
    return make_client(clients, "app")


def own_client(session, client_id: str, secret: str, clock=None) -> OAuthClient:
    """The project's OAuth client (oauth_client), as the playground and the suite use it;
    `clock`, the server's ManualClock, to move time for both."""
    config = ClientConfig(
        "confidential", client_id, secret, "client_secret_basic", REDIRECT_URI, "api:read", ("authorization_code",)
    )
    metadata = session.get(ISSUER + "/.well-known/oauth-authorization-server").json()
    return OAuthClient(
        config, Endpoints.from_metadata(metadata), session=session, **({"clock": clock.now} if clock else {})
    )


def browser(session, url: str) -> str:
    """The user's browser: open the authorization URL (approved at once), return where it is sent."""
    return session.get(url, allow_redirects=False).headers["Location"]


def sign_in(client: OAuthClient, session) -> None:
    """A whole sign-in with the project's client: authorize, check the response, redeem."""
    request = client.authorization_request()
    client.exchange_code(client.authorization_response(request, browser(session, request.url)), request)
