"""The Store contract for RFC 9126 and RFC 7523 (every backend): a client's keys and
methods come back as they went in; a pushed request is spent once, never after it
expired; an assertion `jti` is used once while it lives; the look-ups use indexes."""

import dataclasses
import json
import sqlite3

import pytest

from reference_as.store import SQLiteStore
from reference_as.store.records import PushedRequest
from spec_tests.store.test_store_contract import a_client


def a_push(expires_at=200) -> PushedRequest:
    params = (("response_type", "code"), ("resource", "https://a.example"), ("resource", "https://b.example"))
    return PushedRequest("h1", "c1", params, issued_at=100, expires_at=expires_at)


def test_a_clients_keys_method_and_par_requirement_come_back_as_they_went_in(store):
    client = dataclasses.replace(
        a_client(), secret_hash=None, secret_hint=None, token_endpoint_auth_method="private_key_jwt",
        jwks=json.dumps({"keys": [{"kty": "OKP", "crv": "Ed25519", "x": "AA"}]}), jwks_uri=None,
        require_pushed_authorization_requests=True, secret_sealed="c2VhbGVk",
    )  # fmt: skip
    store.add_client(client)
    assert store.get_client("c1") == client
    moved = dataclasses.replace(client, jwks=None, jwks_uri="https://keys.example/jwks.json")
    store.replace_client(moved)
    assert store.get_client("c1") == moved


def test_a_pushed_request_comes_back_with_its_repeated_parameters_and_is_spent_once(store):
    store.add_pushed_request(a_push())
    assert store.get_pushed_request("h1") == a_push()
    assert store.get_pushed_request("absent") is None
    assert store.spend_pushed_request("h1", 150)
    assert not store.spend_pushed_request("h1", 151)
    assert store.get_pushed_request("h1").used_at == 150


def test_an_expired_pushed_request_is_not_spent(store):
    store.add_pushed_request(a_push(expires_at=200))
    assert not store.spend_pushed_request("h1", 200)
    assert store.get_pushed_request("h1").used_at is None


def test_an_assertion_jti_is_used_once_while_it_lives_and_per_client(store):
    assert store.use_assertion_jti("c1", "j", expires_at=200, now=100)
    assert not store.use_assertion_jti("c1", "j", expires_at=300, now=199)
    assert store.use_assertion_jti("c2", "j", expires_at=300, now=199)  # another client's jti
    assert store.use_assertion_jti("c1", "j", expires_at=400, now=200)  # the first one expired
    assert not store.use_assertion_jti("c1", "j", expires_at=500, now=399)


@pytest.mark.parametrize(
    "query",
    [
        "SELECT * FROM pushed_authorization_requests WHERE request_uri_hash = 'x'",
        "DELETE FROM pushed_authorization_requests WHERE expires_at < 5",
        "SELECT * FROM client_assertion_jtis WHERE client_id = 'c' AND jti = 'x'",
        "DELETE FROM client_assertion_jtis WHERE expires_at < 5",
    ],
)
def test_every_look_up_uses_an_index(tmp_path, query):
    SQLiteStore(tmp_path / "s.sqlite3").close()
    plan = " ".join(row[-1] for row in sqlite3.connect(tmp_path / "s.sqlite3").execute("EXPLAIN QUERY PLAN " + query))
    assert "USING" in plan and "SCAN" not in plan, plan
