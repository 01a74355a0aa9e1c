"""Spending a code or a refresh token and writing what it yields is one
transaction (DESIGN.md): a failure in between (a full disk, say) answers an
error and leaves the grant as it was, so the client's retry works and is not
mistaken for a replay (RFC 6749 §4.1.2, RFC 9700 §4.14.2).

The failure is SQLite's own: a trigger that aborts the insert of the refresh
token, inside the same transaction that spent the code or the token."""

import sqlite3

import pytest
from webtest import TestApp

from reference_as.app import make_app
from reference_as.store import SQLiteStore
from spec_tests.helpers import Flow, refresh

FAIL_INSERT = (
    "CREATE TRIGGER disk_full BEFORE INSERT ON refresh_tokens "
    "BEGIN SELECT RAISE(ABORT, 'database or disk is full'); END"
)


@pytest.fixture
def sqlite_store(tmp_path):
    store = SQLiteStore(tmp_path / "store.sqlite3")
    yield store
    store.close()


@pytest.fixture
def flow(sqlite_store, settings, clock, box, alice_on):
    return Flow(TestApp(make_app(settings, sqlite_store, clock, box)), *alice_on)


@pytest.fixture
def alice_on(sqlite_store, settings, clock):
    from reference_as.users import UserService

    return UserService(sqlite_store, settings, clock).create("alice", "correct horse battery")


@pytest.fixture
def app_client(sqlite_store, settings, clock):
    from reference_as.clients import ClientService

    return ClientService(sqlite_store, settings, clock).create(
        name="Photo app", client_type="confidential", grant_types=("authorization_code", "refresh_token"),
        scopes=("api:read",), redirect_uris=("https://app.example/cb",),
    )  # fmt: skip


def failing_writes(path):
    db = sqlite3.connect(path)
    db.execute(FAIL_INSERT)
    db.commit()
    return db


def test_a_code_whose_tokens_cannot_be_written_is_not_spent(flow, app_client, sqlite_store):
    client, secret = app_client
    code = flow.code(client)
    db = failing_writes(sqlite_store.path)
    failed = flow.exchange(client, code, secret)
    assert (failed.status_int, failed.json["error"]) == (500, "server_error")
    db.execute("DROP TRIGGER disk_full")
    db.commit()
    retried = flow.exchange(client, code, secret)
    assert retried.status_int == 200 and retried.json["refresh_token"]


@pytest.mark.requirement("RFC9700-4.14.2")
def test_a_refresh_whose_successor_cannot_be_written_spends_nothing(flow, app_client, sqlite_store):
    client, secret = app_client
    tokens = flow.exchange(client, flow.code(client), secret).json
    db = failing_writes(sqlite_store.path)
    for _ in range(3):
        assert refresh(flow.web, client, tokens["refresh_token"], secret).status_int == 500
    db.execute("DROP TRIGGER disk_full")
    db.commit()
    retried = refresh(flow.web, client, tokens["refresh_token"], secret)
    assert retried.status_int == 200  # not taken for reuse: the grant lives on
    assert refresh(flow.web, client, retried.json["refresh_token"], secret).status_int == 200
