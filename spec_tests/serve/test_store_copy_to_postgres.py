"""`reference-as store copy` from a populated SQLite file to PostgreSQL (issue 20):
a user who outgrows one machine keeps their clients, users, keys and live grants.

A real server fills the SQLite file (a user, two clients, tokens of both grants);
it stops, the CLI copies the file into a new PostgreSQL database, and a server
on the copy, with the same master key, accepts all of it: the old access token
(signed by the copied key), the old refresh token, the client's secret, the
user's password."""

import json
import subprocess

import requests

from conformance.processes import reference_as

from .conftest import LiveServer
from .forms import create_client
from .test_concurrency import refresh, tokens
from .test_several_servers_postgres import client_credentials, client_credentials_client, introspect, shared_settings


def store_copy(workdir, source: str, destination: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        reference_as("store", "copy", source, destination, "--json"),
        cwd=workdir, capture_output=True, text=True, timeout=60,
    )  # fmt: skip


def test_a_copy_of_a_populated_sqlite_store_serves_every_client_user_key_and_live_grant(tmp_path, postgres_cluster):
    destination = postgres_cluster.create_database()
    source = f"sqlite:///{tmp_path / 'old' / 'store.sqlite3'}"
    settings = shared_settings(source, "http://127.0.0.1:8000")
    (tmp_path / "old").mkdir()
    old = LiveServer(tmp_path / "old", settings=settings)
    try:
        user, password = old.create_user()
        client = create_client(old, "confidential")
        service = client_credentials_client(old)
        with requests.Session() as agent:
            grant = tokens(old, client, user, password, agent)
        service_token = client_credentials(old, service).json()["access_token"]
    finally:
        old.stop()

    done = store_copy(tmp_path, source, destination)
    assert done.returncode == 0, done.stderr
    counts = json.loads(done.stdout)
    assert all(counts[table] >= 1 for table in ("clients", "users", "signing_keys", "grants", "refresh_tokens"))

    (tmp_path / "new").mkdir()
    new = LiveServer(tmp_path / "new", settings={**settings, "store": destination})
    try:
        assert introspect(new, client, grant["access_token"])["active"] is True
        assert introspect(new, service, service_token)["active"] is True
        assert refresh(new, client, grant["refresh_token"]).status_code == 200
        assert client_credentials(new, service).status_code == 200
        with requests.Session() as agent:
            assert tokens(new, client, user, password, agent)["access_token"]
    finally:
        new.stop()

    # A copy never merges: the destination has rows now.
    again = store_copy(tmp_path, source, destination)
    assert again.returncode == 2 and len(again.stderr.strip().splitlines()) == 1, again.stderr
    assert "not empty" in again.stderr
