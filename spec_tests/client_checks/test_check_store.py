"""The store's part of client checks, against every backend: one check per client at a
time, its events numbered in order and bounded, and both gone with the client."""

from reference_as.store.records import CheckEvent, ClientCheck
from spec_tests.store.test_store_contract import a_client


def event(n: int) -> CheckEvent:
    return CheckEvent(client_id="c1", at=100 + n, kind="token", details=f'{{"n": {n}}}')


def test_a_check_under_way_refuses_a_second_one_and_an_ended_one_is_replaced(store):
    store.add_client(a_client())
    first = ClientCheck("c1", "basic", started_at=100)
    assert store.start_client_check(first) is None
    assert store.start_client_check(ClientCheck("c1", "security", started_at=110)) == first
    assert store.get_client_check("c1") == first and first.under_way

    assert store.end_client_check("c1", 120) and not store.end_client_check("c1", 121)
    assert store.get_client_check("c1") == ClientCheck("c1", "basic", 100, ended_at=120)
    store.add_check_event(event(1), limit=10)  # ended: not recorded
    assert store.check_events("c1") == []

    assert store.start_client_check(ClientCheck("c1", "security", started_at=130)) is None
    assert store.get_client_check("c1").scenario == "security"


def test_events_are_numbered_in_order_kept_after_the_end_and_bounded(store):
    store.add_client(a_client())
    store.start_client_check(ClientCheck("c1", "basic", started_at=100))
    assert [store.add_check_event(event(n), limit=3) for n in range(1, 5)] == [True, True, True, False]
    store.end_client_check("c1", 200)
    events = store.check_events("c1")
    assert [(e.seq, e.at, e.details) for e in events] == [(n, 100 + n, f'{{"n": {n}}}') for n in range(1, 4)]

    store.start_client_check(ClientCheck("c1", "basic", started_at=300))
    assert store.check_events("c1") == []  # a new check starts with no evidence


def test_a_client_that_is_not_under_check_records_nothing(store):
    store.add_client(a_client())
    assert store.get_client_check("c1") is None
    assert not store.add_check_event(event(1), limit=10)
    assert store.check_events("c1") == []


def test_deleting_the_client_deletes_its_check_and_events(store):
    store.add_client(a_client())
    store.start_client_check(ClientCheck("c1", "full", started_at=100))
    store.add_check_event(event(1), limit=10)
    assert store.delete_client("c1", 150)
    assert store.get_client_check("c1") is None and store.check_events("c1") == []
    store.add_client(a_client())
    assert store.get_client_check("c1") is None
