"""The master key that seals the signing keys (secret_box.py, keys.py): a store that
holds sealed keys is never given a new one, and a key that does not open them
stops the command or the server at once, with one line."""

import base64
import os

import requests

from spec_tests.serve.conftest import LiveServer

from .conftest import refused, run, serve

CC = {"grant_type": "client_credentials"}


def demo_secret(server) -> str:
    return next(c for c in server.cli("demo") if c["client_id"] == "demo-confidential")["client_secret"]


def token_status(server, secret) -> int:
    response = requests.post(server.url + "/oauth2/token", data=CC, auth=("demo-confidential", secret), timeout=10)
    return response.status_code


def test_keys_rotate_from_another_folder_is_refused_and_the_running_server_goes_on(tmp_path):
    (tmp_path / "server").mkdir()
    (tmp_path / "elsewhere").mkdir()
    server = LiveServer(tmp_path / "server")
    try:
        secret = demo_secret(server)
        store = f"sqlite:///{tmp_path / 'server' / 'var' / 'reference_as.sqlite3'}"
        done = run(tmp_path / "elsewhere", "keys", "rotate", "--store", store)
        refused(done, str(tmp_path / "elsewhere" / "var" / "secret.key"))
        assert not (tmp_path / "elsewhere" / "var" / "secret.key").exists()  # no new master key made
        assert [key["state"] for key in server.cli("keys", "list")] == ["active"]  # no key sealed under one
        assert [token_status(server, secret) for _ in range(4)] == [200] * 4
    finally:
        server.stop()


def test_a_wrong_master_key_stops_the_server_at_start(folder):
    assert run(folder, "keys", "rotate").returncode == 0  # a store with a key sealed under var/secret.key
    another = base64.urlsafe_b64encode(os.urandom(32)).decode()
    refused(serve(folder, env={"REFERENCE_AS_SECRET_KEY": another}), "REFERENCE_AS_SECRET_KEY")


def test_a_missing_key_file_stops_the_server_and_none_is_made(folder):
    assert run(folder, "keys", "rotate").returncode == 0
    (folder / "var" / "secret.key").unlink()
    refused(serve(folder), "secret.key")
    assert not (folder / "var" / "secret.key").exists()


def test_a_malformed_master_key_stops_the_server_at_start(folder):
    refused(serve(folder, env={"REFERENCE_AS_SECRET_KEY": "too-short"}), "REFERENCE_AS_SECRET_KEY")
