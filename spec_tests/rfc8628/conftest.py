"""Clients of the device grant (RFC 8628), and a device that has asked for its codes."""

import pytest

from spec_tests.helpers import DEVICE_GRANT, device_authorization


@pytest.fixture
def cli_client(clients):
    """A public client of the device grant with refresh tokens (a command-line tool)."""
    client, _ = clients.create(
        name="Command-line tool", client_type="public", grant_types=(DEVICE_GRANT, "refresh_token"),
        scopes=("api:read", "api:write"),
    )  # fmt: skip
    return client


@pytest.fixture
def tv_app(clients):
    """A confidential client of the device grant, no refresh tokens: (client, secret)."""
    return clients.create(
        name="Living-room TV", client_type="confidential", grant_types=(DEVICE_GRANT,), scopes=("api:read",),
    )  # fmt: skip


@pytest.fixture
def device(web, cli_client):
    """The command-line tool's device authorization response (RFC 8628 §3.2)."""
    response = device_authorization(web, cli_client)
    assert response.status_int == 200, response.text
    return response.json
