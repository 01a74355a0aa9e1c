"""The Store contract, run against every backend (the `store` fixture is parametrised)."""

import dataclasses
import sqlite3
from pathlib import Path

import pytest

import reference_as.store
from reference_as.store import DuplicateClient, SQLiteStore, open_store
from reference_as.store.records import Client, Consent, Session, SigningKey


def a_client(client_id="c1", created_at=100) -> Client:
    return Client(
        client_id=client_id,
        name="Client",
        client_type="confidential",
        grant_types=("client_credentials",),
        scopes=("api:read",),
        redirect_uris=("https://app.example/cb",),
        status="active",
        secret_hash="ab" * 32,
        secret_hint="wxyz",
        created_at=created_at,
        updated_at=created_at,
    )


def a_key(kid, created_at, signs_from=None) -> SigningKey:
    return SigningKey(
        kid=kid,
        alg="RS256",
        public_jwk="{}",
        private_key_sealed=b"sealed",
        created_at=created_at,
        signs_from=created_at if signs_from is None else signs_from,
    )


def test_a_client_comes_back_as_it_went_in(store):
    client = a_client()
    store.add_client(client)
    assert store.get_client("c1") == client
    assert store.get_client("absent") is None


def test_a_taken_client_id_is_refused(store):
    store.add_client(a_client())
    with pytest.raises(DuplicateClient):
        store.add_client(a_client())


def test_clients_are_listed_oldest_first(store):
    store.add_client(a_client("late", 300))
    store.add_client(a_client("early", 100))
    assert [c.client_id for c in store.list_clients()] == ["early", "late"]


def test_replace_overwrites_every_field(store):
    store.add_client(a_client())
    changed = dataclasses.replace(
        a_client(),
        name="New",
        status="paused",
        scopes=("api:read", "api:write"),
        updated_at=5,
        dpop_bound_access_tokens=True,
    )
    store.replace_client(changed)
    assert store.get_client("c1") == changed


def test_replace_keeps_the_last_use_which_only_touch_writes(store):
    store.add_client(a_client())
    store.touch_client("c1", now=1000, every=60)
    store.replace_client(dataclasses.replace(a_client(), name="Renamed", last_used_at=None))
    assert store.get_client("c1").last_used_at == 1000 and store.get_client("c1").name == "Renamed"


def test_the_last_use_is_written_at_most_once_per_interval(store):
    store.add_client(a_client())
    store.touch_client("c1", now=1000, every=60)
    store.touch_client("c1", now=1059, every=60)
    assert store.get_client("c1").last_used_at == 1000
    store.touch_client("c1", now=1060, every=60)
    assert store.get_client("c1").last_used_at == 1060
    store.touch_client("absent", now=1060, every=60)  # nothing to touch, no error


def test_deleting_a_client_revokes_its_grants_and_only_its_grants(store):
    from spec_tests.store.test_store_grants import a_code, a_grant, a_user

    store.add_user(a_user())
    for client_id in ("c1", "c2"):
        store.add_client(a_client(client_id))
        store.add_code(a_code(f"code-{client_id}", f"g-{client_id}", client_id=client_id))
        assert store.redeem_code(f"code-{client_id}", a_grant(f"g-{client_id}", client_id=client_id), None, now=110)
        store.add_code(a_code(f"pending-{client_id}", f"p-{client_id}", client_id=client_id))
        store.add_consent(Consent("u1", client_id, "api:read", 100))
    assert store.delete_client("c1", now=150) is True
    assert store.get_client("c1") is None
    assert store.is_revoked("jti", "g-c1") and not store.is_revoked("jti", "g-c2")
    assert store.get_code("pending-c1").used_at == 150 and store.get_code("pending-c2").used_at is None
    assert [c.client_id for c in store.consents_of("u1")] == ["c2"]
    assert store.delete_client("c1", now=160) is False


def test_signing_keys_come_back_newest_first_as_they_went_in(store):
    assert store.signing_keys() == []
    store.add_signing_key(a_key("k1", 100))
    store.add_signing_key(a_key("k2", 200, signs_from=261))
    assert store.signing_keys() == [a_key("k2", 200, signs_from=261), a_key("k1", 100)]


def test_an_emergency_key_withdraws_every_other_key_in_the_same_call(store):
    store.add_signing_key(a_key("k1", 100))
    store.add_signing_key(a_key("k2", 200, signs_from=261))
    store.add_signing_key(a_key("k3", 230), withdraw_others=True)
    assert [(k.kid, k.withdrawn_at) for k in store.signing_keys()] == [("k3", None), ("k2", 230), ("k1", 230)]
    store.add_signing_key(a_key("k4", 300), withdraw_others=True)
    assert [(k.kid, k.withdrawn_at) for k in store.signing_keys()] == [
        ("k4", None), ("k3", 300), ("k2", 230), ("k1", 230)  # a withdrawal time is not moved
    ]  # fmt: skip


def test_a_sessions_one_time_slot_gives_what_it_holds_once_and_goes_with_the_session(store):
    store.add_session(Session("s1", None, 100, 200))
    store.add_session(Session("s2", None, 100, 200))
    assert store.take_once("s1") is None
    store.put_once("s1", b"first")
    store.put_once("s1", b"second")  # a new post replaces what the last one left
    assert store.take_once("s2") is None  # another session's slot is its own
    assert store.take_once("s1") == b"second"
    assert store.take_once("s1") is None
    store.put_once("s1", b"left")
    store.delete_session("s1")
    assert store.take_once("s1") is None
    store.put_once("absent", b"x")  # no session, no slot
    store.add_session(Session("absent", None, 100, 200))
    assert store.take_once("absent") is None


# -- SQLite specifics -------------------------------------------------------------------


def test_sqlite_uses_wal_and_records_its_schema_version(tmp_path):
    store = SQLiteStore(tmp_path / "s.sqlite3")
    db = sqlite3.connect(tmp_path / "s.sqlite3")
    assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert db.execute("SELECT max(version) FROM schema_version").fetchone()[0] == store.schema_version() >= 1
    store.close()


def test_reopening_a_sqlite_store_keeps_the_data_and_does_not_migrate_twice(tmp_path):
    path = tmp_path / "s.sqlite3"
    first = SQLiteStore(path)
    first.add_client(a_client())
    first.close()
    second = SQLiteStore(path)
    assert second.get_client("c1") == a_client()
    # Each migration once (their numbers may have gaps: a branch's migration keeps its number until merged).
    applied, distinct = (
        sqlite3.connect(path).execute("SELECT count(*), count(DISTINCT version) FROM schema_version").fetchone()
    )
    assert applied == distinct == len(list((Path(reference_as.store.__file__).parent / "migrations").glob("*.sql")))


@pytest.mark.parametrize(
    "query",
    [
        "SELECT * FROM clients WHERE client_id = 'x'",
        "SELECT 1 FROM revoked_tokens WHERE jti = 'x'",
        "SELECT 1 FROM grants WHERE grant_id = 'x' AND revoked_at IS NULL",
        "SELECT grant_id FROM legacy_access_tokens WHERE jti = 'x'",
        "SELECT * FROM refresh_tokens r JOIN grants g ON g.grant_id = r.grant_id WHERE r.token_hash = 'x'",
        "UPDATE grants SET revoked_at = 1 WHERE client_id = 'x' AND revoked_at IS NULL",
        "UPDATE grants SET revoked_at = 1 WHERE user_id = 'x' AND client_id = 'y' AND revoked_at IS NULL",
        "UPDATE authorization_codes SET used_at = 1 WHERE client_id = 'x' AND used_at IS NULL",
        "UPDATE authorization_codes SET used_at = 1 WHERE user_id = 'x' AND used_at IS NULL",
        "DELETE FROM consents WHERE client_id = 'x'",
        "SELECT * FROM grants WHERE user_id = 'x' AND revoked_at IS NULL AND live_until > 5",
        "DELETE FROM grants WHERE live_until < 5",
        "DELETE FROM revoked_tokens WHERE expires_at < 5",
        "DELETE FROM legacy_access_tokens WHERE expires_at < 5",
        "SELECT 1 FROM dpop_proofs WHERE proof_hash = 'x'",
        "DELETE FROM dpop_proofs WHERE expires_at < 5",
    ],
)
def test_every_look_up_uses_an_index(tmp_path, query):
    SQLiteStore(tmp_path / "s.sqlite3").close()
    plan = " ".join(row[-1] for row in sqlite3.connect(tmp_path / "s.sqlite3").execute("EXPLAIN QUERY PLAN " + query))
    assert "USING" in plan and "SCAN" not in plan.replace("SCAN CONSTANT ROW", ""), plan


def test_a_failed_transaction_leaves_no_half_written_row(sql_store):
    store = sql_store
    store.add_client(a_client())
    with pytest.raises(RuntimeError):
        with store._transaction() as db:
            db.execute("DELETE FROM clients WHERE client_id = 'c1'")
            raise RuntimeError("interrupted")
    assert store.get_client("c1") == a_client()


def test_store_urls_choose_the_backend(tmp_path, postgres_database):
    assert type(open_store("memory://")).__name__ == "MemoryStore"
    assert type(open_store(f"sqlite:///{tmp_path}/x.sqlite3")).__name__ == "SQLiteStore"
    postgres = open_store(postgres_database)
    assert type(postgres).__name__ == "PostgresStore"
    postgres.close()
    with pytest.raises(ValueError):
        open_store("mysql://nowhere/db")


@pytest.mark.requirement("RFC9449-11.1")
def test_a_dpop_proof_is_recorded_once(store):
    assert store.record_dpop_proof("p1", expires_at=100) is True
    assert store.record_dpop_proof("p1", expires_at=200) is False
    assert store.record_dpop_proof("p2", expires_at=100) is True


@pytest.mark.requirement("RFC9449-11.1")
def test_of_concurrent_recordings_of_one_proof_exactly_one_wins(tmp_path):
    from concurrent.futures import ThreadPoolExecutor

    path = tmp_path / "s.sqlite3"
    stores = [SQLiteStore(path) for _ in range(4)]
    with ThreadPoolExecutor(4) as pool:
        results = list(pool.map(lambda s: s.record_dpop_proof("same", 100), stores))
    assert sorted(results) == [False, False, False, True]
