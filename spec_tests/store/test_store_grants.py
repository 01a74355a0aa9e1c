"""The Store contract for resource owners and grants: users, sessions, consents,
authorization codes, the grants they start, refresh tokens, the revocation list,
failed logins. Runs against every backend."""

import dataclasses
import multiprocessing
import sqlite3

import pytest

from reference_as.store import DuplicateUser, SQLiteStore
from reference_as.store.records import AuthorizationCode, Consent, Grant, RefreshToken, Session, User


def a_user(user_id="u1", username="alice") -> User:
    return User(user_id=user_id, username=username, password_hash="scrypt$…", is_admin=False, created_at=100)


def a_code(code_hash="h1", grant_id="g1", user_id="u1", client_id="c1") -> AuthorizationCode:
    return AuthorizationCode(
        code_hash=code_hash, grant_id=grant_id, client_id=client_id, user_id=user_id,
        redirect_uri="https://app.example/cb", scope="api:read", code_challenge="x" * 43,
        code_challenge_method="S256", issued_at=100, expires_at=160,
    )  # fmt: skip


def a_grant(grant_id="g1", user_id="u1", client_id="c1", live_until=1000) -> Grant:
    return Grant(grant_id, client_id, user_id, "api:read", created_at=110, ends_at=5000, live_until=live_until)


def a_refresh(token_hash="r1", grant_id="g1", expires_at=1000) -> RefreshToken:
    return RefreshToken(token_hash=token_hash, grant_id=grant_id, issued_at=110, expires_at=expires_at)


def started(store, grant_id="g1", refresh_hash="r1", user_id="u1", client_id="c1") -> Grant:
    """A grant started the way the server starts one: a code redeemed with its first refresh token."""
    grant = a_grant(grant_id, user_id, client_id)
    store.add_code(a_code(f"code-{grant_id}", grant_id, user_id, client_id))
    assert store.redeem_code(f"code-{grant_id}", grant, a_refresh(refresh_hash, grant_id), now=110)
    return grant


def test_users_by_id_and_by_name_and_unique_names(store):
    store.add_user(a_user())
    assert store.get_user("u1") == store.get_user_by_name("alice") == a_user()
    with pytest.raises(DuplicateUser):
        store.add_user(a_user("u2", "alice"))
    store.replace_user(User("u1", "alice", "scrypt$new", True, 100))
    assert store.get_user("u1").password_hash == "scrypt$new" and store.get_user("u1").is_admin
    assert [u.username for u in store.list_users()] == ["alice"]


def test_deleting_a_user_ends_sessions_consents_codes_and_grants(store):
    store.add_user(a_user())
    store.add_session(Session("s1", "u1", 100, 200))
    store.add_consent(Consent("u1", "c1", "api:read", 100))
    started(store, "g1")
    store.add_code(a_code("pending", "g2"))
    assert store.delete_user("u1", now=150)
    assert store.get_session("s1") is None and store.consents_of("u1") == []
    assert store.is_revoked("any-jti", "g1")
    assert store.get_refresh_token("r1")[1].revoked_at == 150
    assert store.get_code("pending").used_at == 150
    assert store.delete_user("u1", now=160) is False


def test_a_password_change_ends_sessions_and_revokes_every_grant(store):
    store.add_user(a_user())
    store.add_user(a_user("u2", "bob"))
    store.add_session(Session("s1", "u1", 100, 200))
    store.add_session(Session("s2", "u2", 100, 200))
    store.add_consent(Consent("u1", "c1", "api:read", 100))
    started(store, "g1", "r1", "u1")
    started(store, "g2", "r2", "u2")
    store.change_password("u1", "scrypt$new", now=150)
    assert store.get_user("u1").password_hash == "scrypt$new"
    assert store.get_session("s1") is None and store.get_session("s2") is not None
    assert store.is_revoked("jti", "g1") and not store.is_revoked("jti", "g2")
    assert store.consents_of("u1") == []


def test_sessions_come_and_go(store):
    store.add_session(Session("s1", None, 100, 200))
    assert store.get_session("s1") == Session("s1", None, 100, 200)
    store.delete_session("s1")
    assert store.get_session("s1") is None


def test_consents_are_remembered_per_user_client_and_scope_set(store):
    store.add_user(a_user())
    store.add_consent(Consent("u1", "c1", "api:read", 100))
    store.add_consent(Consent("u1", "c1", "api:read", 120))  # the same set again: one row
    store.add_consent(Consent("u1", "c2", "api:read api:write", 130))
    assert [(c.client_id, c.granted_at) for c in store.consents_of("u1")] == [("c1", 120), ("c2", 130)]


def test_a_code_is_redeemed_once_and_a_second_redemption_records_nothing(store):
    store.add_code(a_code())
    assert store.get_code("h1").used_at is None
    assert store.redeem_code("h1", a_grant("g1"), a_refresh("r1", "g1"), now=110) is True
    assert store.get_code("h1").used_at == 110
    assert store.redeem_code("h1", a_grant("g1"), a_refresh("r2", "g1"), now=120) is False
    assert store.get_refresh_token("r2") is None
    assert store.get_code("absent") is None
    assert store.redeem_code("absent", a_grant("g3"), None, now=120) is False
    assert store.grants_of("u1", now=120) == [a_grant("g1")]


def test_a_refresh_token_comes_with_its_grant(store):
    grant = started(store)
    assert store.get_refresh_token("r1") == (a_refresh("r1", "g1"), grant)
    assert store.get_refresh_token("absent") is None


def test_a_refresh_token_rotates_once_and_its_successor_extends_the_grant(store):
    started(store)
    assert store.rotate_refresh_token("r1", a_refresh("r2", "g1", 2000), live_until=2000, now=120) is True
    assert store.rotate_refresh_token("r1", a_refresh("r3", "g1", 2000), live_until=3000, now=130) is False
    token, grant = store.get_refresh_token("r1")
    assert token.rotated_at == 120 and grant.live_until == 2000
    assert store.get_refresh_token("r2")[0] == a_refresh("r2", "g1", 2000)
    assert store.get_refresh_token("r3") is None  # the loser recorded nothing


def test_a_rotated_token_spends_its_grace_once(store):
    started(store)
    assert store.rotate_refresh_token("r1", a_refresh("r2", "g1"), live_until=1000, now=120)
    assert store.rotate_refresh_token("r1", a_refresh("r3", "g1"), live_until=1000, now=121, grace=True) is True
    assert store.rotate_refresh_token("r1", a_refresh("r4", "g1"), live_until=1000, now=122, grace=True) is False
    assert store.get_refresh_token("r1")[0].grace_used and store.get_refresh_token("r4") is None


def test_no_successor_is_recorded_for_a_revoked_grant(store):
    started(store)
    store.revoke_grant("g1", now=115)
    assert store.rotate_refresh_token("r1", a_refresh("r2", "g1"), live_until=1000, now=120) is False
    assert store.get_refresh_token("r1")[0].rotated_at is None and store.get_refresh_token("r2") is None


def test_revoking_a_grant_makes_every_token_naming_it_revoked_and_only_those(store):
    started(store, "g1", "r1")
    started(store, "g2", "r2")
    assert not store.is_revoked("jti", "g1")
    store.revoke_grant("g1", now=150)
    store.revoke_grant("g1", now=160)  # the first revocation time stays
    assert store.get_refresh_token("r1")[1].revoked_at == 150
    assert store.is_revoked("jti", "g1") and not store.is_revoked("jti", "g2")
    assert not store.is_revoked("jti", None)  # a client credentials token names no grant


def test_a_token_naming_a_grant_the_store_does_not_hold_is_revoked(store):
    # Deleted with its user, or purged once everything it issued expired.
    assert store.is_revoked("jti", "never-started")


def test_a_revoked_access_token_is_listed_by_its_jti(store):
    store.revoke_access_token("t1", expires_at=500)
    store.revoke_access_token("t1", expires_at=500)  # twice is once
    assert store.is_revoked("t1", None) and not store.is_revoked("t2", None)


def test_the_live_grants_of_a_user_leave_out_revoked_ended_and_foreign_ones(store):
    store.add_user(a_user())
    live = started(store, "g1", "r1")
    started(store, "g2", "r2")
    store.revoke_grant("g2", now=120)
    store.add_code(a_code("c3", "g3"))
    store.redeem_code("c3", a_grant("g3", live_until=130), None, now=110)
    started(store, "g4", "r4", user_id="u2")
    assert store.grants_of("u1", now=140) == [live]


def test_revoking_access_to_one_client_leaves_the_others(store):
    store.add_user(a_user())
    started(store, "g1", "r1", client_id="c1")
    started(store, "g2", "r2", client_id="c2")
    store.add_code(a_code("pending", "g3", client_id="c1"))
    store.add_consent(Consent("u1", "c1", "api:read", 100))
    store.add_consent(Consent("u1", "c2", "api:read", 100))
    store.revoke_access("u1", now=150, client_id="c1")
    assert store.is_revoked("jti", "g1") and not store.is_revoked("jti", "g2")
    assert store.get_code("pending").used_at == 150
    assert [c.client_id for c in store.consents_of("u1")] == ["c2"]


def test_login_failures_count_up_report_the_previous_failure_and_clear(store):
    assert store.login_failures("user:alice") is None
    assert store.record_login_failure("user:alice", 100) == (1, None)
    assert store.record_login_failure("user:alice", 105) == (2, 100)
    store.record_login_failure("addr:x", 105)
    assert store.login_failures("user:alice") == (2, 105)
    store.clear_login_failures("user:alice", "addr:x")
    assert store.login_failures("user:alice") is None and store.login_failures("addr:x") is None


def at_once_in_processes(path, act, n: int = 8) -> list:
    """Run `act(store, n)` in n forked processes, each with its own SQLiteStore on `path`,
    released together by a barrier: what each returned."""
    context = multiprocessing.get_context("fork")
    barrier, results = context.Barrier(n), context.Queue()

    def run(number):
        store = SQLiteStore(path)
        barrier.wait()
        results.put(act(store, number))

    workers = [context.Process(target=run, args=(number,)) for number in range(n)]
    for worker in workers:
        worker.start()
    outcomes = [results.get(timeout=30) for _ in workers]
    for worker in workers:
        worker.join(timeout=30)
    return outcomes


def test_of_concurrent_processes_redeeming_one_code_exactly_one_wins(tmp_path):
    path = tmp_path / "s.sqlite3"
    SQLiteStore(path).add_code(a_code())
    outcomes = at_once_in_processes(
        path, lambda store, n: store.redeem_code("h1", a_grant("g1"), a_refresh(f"r{n}", "g1"), now=110)
    )
    assert outcomes.count(True) == 1
    assert sqlite3.connect(path).execute("SELECT count(*) FROM refresh_tokens").fetchone()[0] == 1


def _use_after_fork(store, results):
    inherited = store._local.conn
    store.add_user(a_user("u2", "bob"))
    results.put(store._local.conn is not inherited)


def test_a_store_used_before_a_fork_opens_a_connection_of_its_own_in_the_child(tmp_path):
    """An SQLite connection must not cross a fork (the server forks its workers)."""
    store = SQLiteStore(tmp_path / "s.sqlite3")
    store.add_user(a_user())
    context = multiprocessing.get_context("fork")
    results = context.Queue()
    child = context.Process(target=_use_after_fork, args=(store, results))
    child.start()
    assert results.get(timeout=30) is True
    child.join(timeout=30)
    assert store.get_user_by_name("bob").user_id == "u2"  # the parent's connection still serves


def test_a_redemption_that_cannot_record_its_refresh_token_leaves_the_code_unspent(tmp_path):
    """One transaction: a failed insert takes the spending back (no half-written response)."""
    store = SQLiteStore(tmp_path / "s.sqlite3")
    started(store, "g0", "r1")
    store.add_code(a_code("h2", "g2"))
    with pytest.raises(sqlite3.IntegrityError):
        store.redeem_code("h2", a_grant("g2"), a_refresh("r1", "g2"), now=120)  # r1 exists already
    assert store.get_code("h2").used_at is None
    assert [g.grant_id for g in store.grants_of("u1", now=120)] == ["g0"]
    store.close()


def test_a_rotation_that_cannot_record_its_successor_leaves_the_token_unspent(tmp_path):
    store = SQLiteStore(tmp_path / "s.sqlite3")
    started(store, "g1", "r1")
    started(store, "g2", "r2")
    with pytest.raises(sqlite3.IntegrityError):
        store.rotate_refresh_token("r1", a_refresh("r2", "g1"), live_until=9000, now=120)
    token, grant = store.get_refresh_token("r1")
    assert token.rotated_at is None and grant == dataclasses.replace(a_grant("g1"))
    store.close()
