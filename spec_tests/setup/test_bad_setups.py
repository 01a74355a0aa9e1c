"""A careless set-up is refused before serving: one line on standard error naming the
problem, exit status 2, nothing served; never a traceback, never a server that
answers 500, never a change to a file that is not the server's."""

import sqlite3

import pytest

from reference_as.store import SQLiteStore

from .conftest import refused, run, serve


def a_store(folder, name="var/reference_as.sqlite3"):
    """A store made by the server's own code, closed (its log copied into the file)."""
    store = SQLiteStore(folder / name)
    store.close()
    sqlite3.connect(folder / name).execute("PRAGMA wal_checkpoint(TRUNCATE)").connection.close()
    return folder / name


def test_a_file_that_is_not_an_sqlite_database(folder):
    (folder / "notes.txt").write_text("shopping list: bread, milk, a long enough line of text\n")
    refused(serve(folder, "--store", "sqlite:///notes.txt"), "notes.txt")


def test_a_directory_as_the_store_path(folder):
    (folder / "var").mkdir()
    refused(serve(folder, "--store", "sqlite:///var"), "directory")


def test_the_database_of_another_application_is_refused_and_left_as_it_was(folder):
    photos = folder / "photos.db"
    db = sqlite3.connect(photos)
    db.execute("CREATE TABLE photos (id INTEGER PRIMARY KEY, name TEXT)")
    db.execute("INSERT INTO photos (name) VALUES ('beach.jpg')")
    db.commit()
    db.close()
    before = photos.read_bytes()
    refused(serve(folder, "--store", "sqlite:///photos.db"), "another application")
    assert photos.read_bytes() == before  # not switched to WAL, no tables added
    assert sorted(path.name for path in folder.iterdir()) == ["photos.db"]


def test_a_damaged_page(folder):
    path = a_store(folder)
    root_page = sqlite3.connect(path).execute("SELECT rootpage FROM sqlite_master WHERE name = 'clients'").fetchone()[0]
    with open(path, "r+b") as file:
        file.seek((root_page - 1) * 4096)  # the page size of a new store
        file.write(b"\xff" * 16)  # the page's header: no valid page type
    refused(serve(folder), "damaged")


def test_a_schema_newer_than_the_code(folder):
    path = a_store(folder)
    db = sqlite3.connect(path)
    db.execute("INSERT INTO schema_version (version) VALUES (999)")
    db.commit()
    db.close()
    refused(serve(folder), "upgrade reference-as")


def test_a_read_only_store_file(folder):
    path = a_store(folder)
    path.chmod(0o444)
    refused(serve(folder, modes_bind=True), "read-only")


def test_a_read_only_folder(folder):
    path = a_store(folder)
    path.parent.chmod(0o555)  # SQLite could not write the -wal and -shm files beside the database
    refused(serve(folder, modes_bind=True), "read-only")


def test_an_unreadable_key_file(folder):
    assert run(folder, "keys", "rotate").returncode == 0  # the store, the key file, a key sealed with it
    (folder / "var" / "secret.key").chmod(0o000)
    refused(serve(folder, modes_bind=True), "secret.key")


@pytest.mark.parametrize(
    ("argv", "env", "names"),
    [
        (("--port", "99999"), {}, "port"),
        (("--host", "0.0.0.0", "--issuer", "http://127.0.0.1:8000"), {}, "host"),  # plain http beyond loopback
        (("--host", "localhost"), {}, "host"),  # an address is bound, not a name
        ((), {"REFERENCE_AS_ACCESS_TOKEN_TTL": str(10**30)}, "access_token_ttl"),
        ((), {"REFERENCE_AS_PURGE_GRACE": "-5"}, "purge_grace"),
        ((), {"REFERENCE_AS_JWKS_MAX_AGE": "-1"}, "jwks_max_age"),
    ],
)
def test_an_absurd_setting(folder, argv, env, names):
    refused(serve(folder, *argv, env=env), names)
