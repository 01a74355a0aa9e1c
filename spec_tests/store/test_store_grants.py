"""The Store contract for resource owners and grants: users, sessions, consents,
authorization codes, refresh tokens, failed logins. Runs against every backend."""

import multiprocessing
import sqlite3

import pytest

from reference_as.store import DuplicateUser, SQLiteStore
from reference_as.store.records import AccessToken, AuthorizationCode, Consent, RefreshToken, Session, User


def a_user(user_id="u1", username="alice") -> User:
    return User(user_id=user_id, username=username, password_hash="scrypt$…", is_admin=False, created_at=100)


def a_code(code_hash="h1", grant_id="g1", user_id="u1") -> AuthorizationCode:
    return AuthorizationCode(
        code_hash=code_hash, grant_id=grant_id, client_id="c1", user_id=user_id, redirect_uri="https://app.example/cb",
        scope="api:read", code_challenge="x" * 43, code_challenge_method="S256", issued_at=100, expires_at=160,
    )  # fmt: skip


def a_refresh(token_hash="r1", grant_id="g1", user_id="u1") -> RefreshToken:
    return RefreshToken(
        token_hash=token_hash, grant_id=grant_id, client_id="c1", user_id=user_id, scope="api:read", issued_at=100,
        expires_at=1000,
    )  # fmt: skip


def an_access_token(jti, grant_id=None, subject="u1", client_id="c1") -> AccessToken:
    return AccessToken(jti, client_id, subject, "api:read", 100, 200, None, grant_id)


def test_users_by_id_and_by_name_and_unique_names(store):
    store.add_user(a_user())
    assert store.get_user("u1") == store.get_user_by_name("alice") == a_user()
    with pytest.raises(DuplicateUser):
        store.add_user(a_user("u2", "alice"))
    store.replace_user(User("u1", "alice", "scrypt$new", True, 100))
    assert store.get_user("u1").password_hash == "scrypt$new" and store.get_user("u1").is_admin
    assert [u.username for u in store.list_users()] == ["alice"]


def test_deleting_a_user_ends_sessions_consents_codes_and_tokens(store):
    store.add_user(a_user())
    store.add_session(Session("s1", "u1", 100, 200))
    store.add_consent(Consent("u1", "c1", "api:read", 100))
    store.add_code(a_code())
    store.add_refresh_token(a_refresh())
    store.add_access_token(an_access_token("a1", "g1"))
    assert store.delete_user("u1", now=150)
    assert store.get_session("s1") is None and store.consents_of("u1") == []
    assert store.get_refresh_token("r1").revoked_at == 150
    assert store.get_access_token("a1").revoked_at == 150
    assert store.take_code("h1", 151).used_at == 150


def test_deleting_a_user_leaves_the_tokens_of_a_client_with_the_same_id(store):
    # A client credentials token's subject is its client (RFC 9068 §2.2): "u1" the
    # client is not "u1" the resource owner.
    store.add_user(a_user())
    store.add_access_token(an_access_token("a1", None, subject="u1", client_id="u1"))
    assert store.delete_user("u1", now=150)
    assert store.get_access_token("a1").revoked_at is None


def test_sessions_come_and_go(store):
    store.add_session(Session("s1", None, 100, 200))
    assert store.get_session("s1") == Session("s1", None, 100, 200)
    store.delete_session("s1")
    assert store.get_session("s1") is None


def test_consents_are_remembered_per_user_client_and_scope_set_and_revoked_per_client(store):
    store.add_user(a_user())
    store.add_consent(Consent("u1", "c1", "api:read", 100))
    store.add_consent(Consent("u1", "c1", "api:read", 120))  # the same set again: one row
    store.add_consent(Consent("u1", "c2", "api:read api:write", 130))
    assert [(c.client_id, c.granted_at) for c in store.consents_of("u1")] == [("c1", 120), ("c2", 130)]
    store.delete_consents("u1", "c1")
    assert [c.client_id for c in store.consents_of("u1")] == ["c2"]


def test_a_code_is_taken_once_and_a_second_take_shows_the_first_use(store):
    store.add_code(a_code())
    first = store.take_code("h1", now=110)
    second = store.take_code("h1", now=120)
    assert first.used_at is None and first.grant_id == "g1"
    assert second.used_at == 110
    assert store.take_code("absent", now=120) is None


def test_revoking_a_grant_revokes_its_access_and_refresh_tokens_only(store):
    store.add_refresh_token(a_refresh("r1", "g1"))
    store.add_refresh_token(a_refresh("r2", "g2"))
    store.add_access_token(an_access_token("a1", "g1"))
    store.add_access_token(an_access_token("a2", "g2"))
    store.revoke_grant("g1", now=150)
    assert store.get_refresh_token("r1").revoked_at == store.get_access_token("a1").revoked_at == 150
    assert store.get_refresh_token("r2").revoked_at is None and store.get_access_token("a2").revoked_at is None


def test_a_refresh_token_rotates_once_and_its_grace_is_spent_once(store):
    store.add_refresh_token(a_refresh())
    assert store.rotate_refresh_token("r1", now=110) is True
    assert store.rotate_refresh_token("r1", now=120) is False
    assert store.get_refresh_token("r1").rotated_at == 110
    assert store.use_refresh_grace("r1") is True
    assert store.use_refresh_grace("r1") is False
    assert store.rotate_refresh_token("absent", now=120) is False


def test_deleting_a_client_revokes_its_refresh_tokens_and_spends_its_codes(store):
    from spec_tests.store.test_store_contract import a_client

    store.add_client(a_client("c1"))
    store.add_code(a_code())
    store.add_refresh_token(a_refresh())
    store.add_refresh_token(RefreshToken(**{**a_refresh().__dict__, "token_hash": "r2", "client_id": "other"}))
    store.delete_client("c1", now=150)
    assert store.get_refresh_token("r1").revoked_at == 150
    assert store.take_code("h1", 151).used_at == 150
    assert store.get_refresh_token("r2").revoked_at is None


def test_deleting_a_client_forgets_the_consents_given_to_it(store):
    # Else a client registered later under the same id would skip the consent page.
    from spec_tests.store.test_store_contract import a_client

    store.add_user(a_user())
    store.add_client(a_client("c1"))
    store.add_consent(Consent("u1", "c1", "api:read", 100))
    store.add_consent(Consent("u1", "c2", "api:read", 100))
    store.delete_client("c1", now=150)
    assert [c.client_id for c in store.consents_of("u1")] == ["c2"]


def test_login_failures_count_up_and_clear(store):
    assert store.login_failures("user:alice") is None
    assert store.record_login_failure("user:alice", 100) == 1
    assert store.record_login_failure("user:alice", 105) == 2
    assert store.login_failures("user:alice") == (2, 105)
    store.clear_login_failures("user:alice")
    assert store.login_failures("user:alice") is None


def _take_in_another_process(path, barrier, results):
    store = SQLiteStore(path)
    barrier.wait()
    results.put(store.take_code("h1", now=110).used_at)


def test_of_concurrent_processes_taking_one_code_exactly_one_wins(tmp_path):
    path = tmp_path / "s.sqlite3"
    SQLiteStore(path).add_code(a_code())
    context = multiprocessing.get_context("fork")
    barrier, results = context.Barrier(8), context.Queue()
    workers = [context.Process(target=_take_in_another_process, args=(path, barrier, results)) for _ in range(8)]
    for worker in workers:
        worker.start()
    outcomes = [results.get(timeout=30) for _ in workers]
    for worker in workers:
        worker.join(timeout=30)
    assert outcomes.count(None) == 1


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


def test_a_token_added_to_an_already_revoked_grant_is_stored_revoked(store):
    """The request that won a race against a replay finishes minting after the replay
    revoked the family: its tokens count as issued, then revoked."""
    store.revoke_grant("g1", now=150)
    store.add_access_token(an_access_token("late", "g1"))
    store.add_refresh_token(a_refresh("late", "g1"))
    assert store.get_access_token("late").revoked_at == 150
    assert store.get_refresh_token("late").revoked_at == 150
    store.add_access_token(an_access_token("other-grant", "g2"))
    store.add_access_token(an_access_token("no-grant", None))
    assert store.get_access_token("other-grant").revoked_at is None
    assert store.get_access_token("no-grant").revoked_at is None


def test_a_token_pair_is_stored_together_and_follows_a_revoked_grant(store):
    store.add_tokens(an_access_token("a1", "g1"), a_refresh("r1", "g1"))
    assert store.get_access_token("a1").revoked_at is None and store.get_refresh_token("r1").revoked_at is None
    store.revoke_grant("g1", now=150)
    store.add_tokens(an_access_token("a2", "g1"), a_refresh("r2", "g1"))
    assert store.get_access_token("a2").revoked_at == store.get_refresh_token("r2").revoked_at == 150


def test_a_token_pair_whose_refresh_token_cannot_be_stored_leaves_no_access_token(tmp_path):
    """One transaction: a failed second insert takes the first back (no half-written response)."""
    store = SQLiteStore(tmp_path / "s.sqlite3")
    store.add_refresh_token(a_refresh("r1", "g1"))
    with pytest.raises(sqlite3.IntegrityError):
        store.add_tokens(an_access_token("a1", "g1"), a_refresh("r1", "g1"))
    assert store.get_access_token("a1") is None
    store.close()
