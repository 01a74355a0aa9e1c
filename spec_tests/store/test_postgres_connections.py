"""What only PostgresStore has: its pool per process, never carried across a fork,
sized by `store_pool_size`, and `store_statement_timeout_ms` (store/postgres.py)."""

import multiprocessing
import threading
import time

import psycopg
import pytest

from reference_as.store import StoreUnavailable
from reference_as.store.postgres import PostgresStore
from reference_as.store.records import Session

from .test_store_grants import a_user


@pytest.fixture
def url(postgres_cluster):
    url = postgres_cluster.create_database()
    yield url
    postgres_cluster.drop_database(url)


def _use_after_fork(store, inherited_id, results):
    store.add_user(a_user("u2", "bob"))
    results.put(id(store._pool) != inherited_id)


def test_a_store_used_before_a_fork_opens_a_pool_of_its_own_in_the_child_and_leaves_the_parents_alone(url):
    store = PostgresStore(url)
    store.add_user(a_user())
    context = multiprocessing.get_context("fork")
    results = context.Queue()
    child = context.Process(target=_use_after_fork, args=(store, id(store._pool), results))
    child.start()
    assert results.get(timeout=30) is True
    child.join(timeout=30)
    assert child.exitcode == 0
    # The parent's connections were not ended by the child, on its way out either.
    assert [user.username for user in store.list_users()] == ["alice", "bob"]
    store.close()


def test_each_process_keeps_at_most_store_pool_size_connections_even_when_its_threads_start_at_once(url):
    store = PostgresStore(url, pool_size=2)
    threads = [threading.Thread(target=store._db.execute, args=("SELECT pg_sleep(0.3)",)) for _ in range(4)]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert time.monotonic() - started >= 0.6  # two at a time
    with psycopg.connect(url) as conn:
        (count,) = conn.execute(
            "SELECT count(*) FROM pg_stat_activity "
            "WHERE application_name = 'reference-as' AND datname = current_database()"
        ).fetchone()
    assert count <= 2
    store.close()


def test_a_statement_held_past_the_timeout_is_cancelled_as_unavailable(url):
    store = PostgresStore(url, statement_timeout_ms=200)
    store.add_user(a_user())
    store.add_session(Session("s1", "u1", created_at=100, expires_at=200))
    with psycopg.connect(url) as holder:  # another server's transaction holding the row
        holder.execute("SELECT 1 FROM sessions WHERE session_hash = 's1' FOR UPDATE")
        started = time.monotonic()
        with pytest.raises(StoreUnavailable):
            store.take_once("s1")
        assert time.monotonic() - started < 2
    store.close()
