"""Fixtures shared by the spec tests: the app in-process over a real store.

Every test that touches storage or the token endpoint runs twice: against
`MemoryStore` and against `SQLiteStore` on a real file in the test's folder.
Time is a `ManualClock`, so expiry is tested by moving it, never by sleeping.
"""

import os
import time

import pytest
from webtest import TestApp

from reference_as.app import make_app
from reference_as.clients import ClientService
from reference_as.clock import ManualClock
from reference_as.config import Settings
from reference_as.secret_box import SecretBox
from reference_as.store import MemoryStore, SQLiteStore

ISSUER = "http://127.0.0.1:8000"


@pytest.fixture(params=["memory", "sqlite"])
def store(request, tmp_path):
    store = MemoryStore() if request.param == "memory" else SQLiteStore(tmp_path / "store.sqlite3")
    yield store
    store.close()


@pytest.fixture
def clock():
    # Starts at the real time, so independent verifiers (PyJWT) accept iat and exp.
    return ManualClock(int(time.time()))


@pytest.fixture
def settings():
    return Settings(issuer=ISSUER)


@pytest.fixture
def box():
    return SecretBox(os.urandom(32))


@pytest.fixture
def app(settings, store, clock, box):
    return make_app(settings, store, clock, box)


@pytest.fixture
def web(app):
    return TestApp(app)


@pytest.fixture
def clients(store, settings, clock):
    return ClientService(store, settings, clock)


@pytest.fixture
def confidential(clients):
    """A confidential client allowed client_credentials and two scopes: (client, secret)."""
    return clients.create(
        name="Test service",
        client_type="confidential",
        grant_types=("client_credentials",),
        scopes=("api:read", "api:write"),
    )
