"""The store's part of RFC 8628, against every backend: device codes are decided once,
spent once (with the grant they start, in one transaction), polled in turn."""

import dataclasses
import sqlite3
import threading

import pytest

from reference_as.store import DuplicateUserCode, PurgeCutoffs, SQLiteStore
from reference_as.store.records import DeviceAuthorization, Grant, RefreshToken
from spec_tests.store.test_store_contract import a_client
from spec_tests.store.test_store_grants import at_once_in_processes


def a_device(device_hash="d1", user_code_hash="u-code-1", expires_at=700) -> DeviceAuthorization:
    return DeviceAuthorization(
        device_code_hash=device_hash, user_code_hash=user_code_hash, grant_id="g1", client_id="c1",
        scope="api:read", issued_at=100, expires_at=expires_at, interval=5, next_poll_at=100,
    )  # fmt: skip


def a_grant() -> Grant:
    return Grant("g1", "c1", "u1", "api:read", created_at=110, ends_at=5000, live_until=1000)


def a_refresh(token_hash="r1") -> RefreshToken:
    return RefreshToken(token_hash=token_hash, grant_id="g1", issued_at=110, expires_at=1000)


def test_a_device_authorization_comes_back_by_its_device_code_and_its_user_code(store):
    store.add_device_authorization(a_device())
    assert store.get_device_authorization("d1") == a_device()
    assert store.enter_user_code("u-code-1", now=110) == dataclasses.replace(a_device(), entries=1)
    assert store.get_device_authorization("absent") is None and store.enter_user_code("absent", now=110) is None


@pytest.mark.requirement("RFC8628-6.1")
def test_a_user_code_names_one_request_a_taken_one_is_refused(store):
    store.add_device_authorization(a_device())
    with pytest.raises(DuplicateUserCode):
        store.add_device_authorization(a_device("d2"))


def test_entries_are_counted_only_while_undecided_and_unexpired(store):
    store.add_device_authorization(a_device())
    store.enter_user_code("u-code-1", now=110)
    assert store.enter_user_code("u-code-1", now=700).entries == 1  # expired
    assert store.decide_device_authorization("d1", now=120, user_id="u1")
    assert store.enter_user_code("u-code-1", now=130).entries == 1


@pytest.mark.requirement("RFC8628-3.5")
def test_polls_follow_the_interval_rule(store):
    store.add_device_authorization(a_device())
    device, too_fast = store.record_poll("d1", now=100)
    assert not too_fast and (device.interval, device.next_poll_at) == (5, 105)
    device, too_fast = store.record_poll("d1", now=103)
    assert too_fast and (device.interval, device.next_poll_at) == (10, 113)
    assert store.get_device_authorization("d1") == device
    assert store.record_poll("absent", now=103) is None


def test_a_decision_is_made_once_and_not_on_an_expired_request(store):
    store.add_device_authorization(a_device())
    store.add_device_authorization(a_device("d2", "u-code-2"))
    assert store.decide_device_authorization("d1", now=110, user_id="u1")
    assert not store.decide_device_authorization("d1", now=111, user_id=None)
    decided = store.get_device_authorization("d1")
    assert (decided.user_id, decided.approved_at, decided.denied_at) == ("u1", 110, None)
    assert not store.decide_device_authorization("d2", now=700, user_id="u1")


@pytest.mark.requirement("RFC8628-3.5")
def test_only_an_approved_unexpired_device_code_is_redeemed_and_only_once(store):
    store.add_device_authorization(a_device())
    assert not store.redeem_device_code("d1", a_grant(), a_refresh(), now=110)  # pending
    store.decide_device_authorization("d1", now=110, user_id="u1")
    assert not store.redeem_device_code("d1", a_grant(), a_refresh(), now=700)  # expired
    assert store.redeem_device_code("d1", a_grant(), a_refresh(), now=120)
    assert not store.redeem_device_code("d1", a_grant(), a_refresh("r2"), now=121)
    token, grant = store.get_refresh_token("r1")
    assert grant == a_grant() and store.get_refresh_token("r2") is None


@pytest.mark.requirement("RFC8628-3.5")
def test_of_concurrent_threads_redeeming_one_device_code_exactly_one_wins(store):
    store.add_device_authorization(a_device())
    store.decide_device_authorization("d1", now=110, user_id="u1")
    barrier, outcomes = threading.Barrier(8), []

    def redeem(n):
        barrier.wait()
        outcomes.append(store.redeem_device_code("d1", a_grant(), a_refresh(f"r{n}"), now=120))

    threads = [threading.Thread(target=redeem, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert outcomes.count(True) == 1 and len(outcomes) == 8


@pytest.mark.requirement("RFC8628-3.5")
def test_of_concurrent_processes_redeeming_one_device_code_exactly_one_wins(tmp_path):
    path = tmp_path / "s.sqlite3"
    store = SQLiteStore(path)
    store.add_device_authorization(a_device())
    store.decide_device_authorization("d1", now=110, user_id="u1")
    outcomes = at_once_in_processes(
        path, lambda store, n: store.redeem_device_code("d1", a_grant(), a_refresh(f"r{n}"), now=120)
    )
    assert outcomes.count(True) == 1
    assert sqlite3.connect(path).execute("SELECT count(*) FROM refresh_tokens").fetchone()[0] == 1


def test_a_redemption_that_cannot_record_its_refresh_token_leaves_the_device_code_unspent(tmp_path):
    store = SQLiteStore(tmp_path / "s.sqlite3")
    store.add_device_authorization(a_device())
    store.decide_device_authorization("d1", now=110, user_id="u1")
    store.add_device_authorization(a_device("d2", "u-code-2"))
    store.decide_device_authorization("d2", now=110, user_id="u1")
    other = dataclasses.replace(a_grant(), grant_id="g2")
    assert store.redeem_device_code("d2", other, RefreshToken("r1", "g2", 110, 1000), now=115)
    with pytest.raises(sqlite3.IntegrityError):
        store.redeem_device_code("d1", a_grant(), a_refresh("r1"), now=120)  # r1 exists already
    assert store.get_device_authorization("d1").used_at is None
    store.close()


def test_the_users_revocation_spends_an_approved_device_code_and_deleting_the_client_every_one(store):
    store.add_client(a_client("c1"))
    store.add_device_authorization(a_device())
    store.add_device_authorization(a_device("d2", "u-code-2"))
    store.decide_device_authorization("d1", now=110, user_id="u1")
    store.revoke_access("u1", now=120)
    assert store.get_device_authorization("d1").used_at == 120
    assert store.get_device_authorization("d2").used_at is None  # pending: nobody's yet
    store.delete_client("c1", now=130)
    assert store.get_device_authorization("d2").used_at == 130


def test_expired_device_codes_are_purged_after_the_grace(store):
    store.add_device_authorization(a_device(expires_at=700))
    cutoffs = PurgeCutoffs(expired_before=700, sessions_before=0, failures_before=0)
    assert store.purge(cutoffs)["device_codes"] == 0
    assert store.purge(PurgeCutoffs(expired_before=701, sessions_before=0, failures_before=0))["device_codes"] == 1
    assert store.get_device_authorization("d1") is None
