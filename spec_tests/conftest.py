"""Fixtures shared by the spec tests: the app in-process over a real store.

Every test that touches storage or the token endpoint runs twice: against
`SQLiteStore` on a real file in the test's folder, and against `PostgresStore` on
a throwaway PostgreSQL cluster the session starts (spec_tests/postgres_cluster.py),
in one database emptied before each test. `MemoryStore` keeps the same contract,
proven by spec_tests/store/ (its `store` fixture adds it) and by serving
`memory://` (spec_tests/serve/test_memory_store.py).
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
from reference_as.store.postgres import PostgresStore

from .postgres_cluster import Cluster, empty_database

ISSUER = "http://127.0.0.1:8000"


@pytest.fixture(scope="session")
def postgres_cluster():
    """The session's PostgreSQL cluster, started on first use, stopped and removed at the end."""
    cluster = Cluster()
    yield cluster
    cluster.remove()


@pytest.fixture(scope="session")
def postgres_database(postgres_cluster):
    """The URL of the database the in-process tests share, migrated once."""
    url = postgres_cluster.create_database()
    PostgresStore(url).close()
    return url


def _open(request, tmp_path):
    if request.param == "postgres":
        url = request.getfixturevalue("postgres_database")
        empty_database(url)
        return PostgresStore(url)
    return MemoryStore() if request.param == "memory" else SQLiteStore(tmp_path / "store.sqlite3")


def opened(request, tmp_path):
    store = _open(request, tmp_path)
    yield store
    store.close()


@pytest.fixture(params=["sqlite", "postgres"])
def store(request, tmp_path):
    yield from opened(request, tmp_path)


@pytest.fixture(params=["sqlite", "postgres"])
def sql_store(request, tmp_path):
    """The SQL stores alone, for what only they have (transactions, migrations)."""
    yield from opened(request, tmp_path)


@pytest.fixture
def clock():
    # Starts at the real time, so independent verifiers (PyJWT) accept iat and exp.
    return ManualClock(int(time.time()))


@pytest.fixture
def settings():
    # A low scrypt cost keeps the many test logins fast; production uses 2**17.
    return Settings(issuer=ISSUER, password_scrypt_n=2**10)


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


@pytest.fixture
def users(store, settings, clock):
    from reference_as.users import UserService

    return UserService(store, settings, clock)


@pytest.fixture
def alice(users):
    """A resource owner: (user, password)."""
    return users.create("alice", "correct horse battery")


@pytest.fixture
def web_app(clients):
    """A confidential client of the authorization code grant with refresh tokens: (client, secret)."""
    return clients.create(
        name="Photo app",
        client_type="confidential",
        grant_types=("authorization_code", "refresh_token"),
        scopes=("api:read", "api:write"),
        redirect_uris=("https://app.example/cb", "http://127.0.0.1:8001/callback"),
    )


@pytest.fixture
def web_client(web_app):
    return web_app[0]


@pytest.fixture
def web_secret(web_app):
    return web_app[1]


@pytest.fixture
def public_client(clients):
    client, _ = clients.create(
        name="Phone app",
        client_type="public",
        grant_types=("authorization_code", "refresh_token"),
        scopes=("api:read",),
        redirect_uris=("http://127.0.0.1:8001/callback",),
    )
    return client


@pytest.fixture
def flow(web, alice):
    """Drives the authorization code flow through the real pages, as a browser would."""
    from spec_tests.helpers import Flow

    return Flow(web, *alice)


@pytest.fixture
def grant(flow, web_client, web_secret):
    """A user's token response (access + refresh) for the confidential web client."""
    return flow.exchange(web_client, flow.code(web_client, scope="api:read api:write"), web_secret).json


@pytest.fixture(scope="session")
def test_ca(tmp_path_factory):
    """A CA made for the run, and a certificate it signed for 127.0.0.1 (spec_tests/document_server.py)."""
    from spec_tests.document_server import TestCA

    return TestCA(tmp_path_factory.mktemp("ca"))


@pytest.fixture(scope="module")
def documents(test_ca):
    """An https server on loopback serving what a test tells it, with `test_ca`'s certificate."""
    from spec_tests.document_server import DocumentServer

    server = DocumentServer(test_ca)
    yield server
    server.stop()
