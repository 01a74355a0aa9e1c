"""Registration bodies a client should not send (RFC 7591 §3.1: a JSON object):
each is a 400 with `invalid_client_metadata` (or `invalid_redirect_uri`) and a
sentence, never a 5xx, and nothing is half-registered."""

import json

import pytest

from spec_tests.registration import PUBLIC_APP, register, register_raw


@pytest.mark.parametrize(
    "body, content_type",
    [
        (b"redirect_uris=https://app.example/cb", "application/x-www-form-urlencoded"),
        (b"{not json", "application/json"),
        (b"", "application/json"),
        (b'["a", "json", "array"]', "application/json"),
        (b'"a string"', "application/json"),
        (b"null", "application/json"),
        (b"\xff\xfe{}", "application/json"),  # not UTF-8
        (b"[" * 30_000 + b"]" * 30_000, "application/json"),  # nested deeper than any parser goes
        (json.dumps({**PUBLIC_APP, "client_name": "x" * 70_000}).encode(), "application/json"),  # over 64 KiB
    ],
)
def test_a_body_that_is_not_a_json_object_within_the_limit_is_invalid_client_metadata(web, store, body, content_type):
    response = register_raw(web, body, content_type)
    assert response.status_int == 400 and response.json["error"] == "invalid_client_metadata"
    assert response.json["error_description"]
    assert store.list_clients() == []


def test_a_query_string_is_refused(web, store):
    response = web.post(
        "/oauth2/register?client_name=x",
        json.dumps(PUBLIC_APP),
        headers={"Content-Type": "application/json"},
        expect_errors=True,
    )
    assert response.status_int == 400 and store.list_clients() == []


def test_thousands_of_redirect_uris_are_refused_and_nothing_is_saved(web, store):
    uris = [f"http://127.0.0.1:8001/cb{n}" for n in range(1500)]  # within the 64 KiB body limit
    response = register(web, {**PUBLIC_APP, "redirect_uris": uris})
    assert response.status_int == 400 and response.json["error"] == "invalid_redirect_uri"
    assert store.list_clients() == []


@pytest.mark.parametrize(
    "change",
    [
        {"client_name": {"nested": "object"}},
        {"scope": 42},
        {"redirect_uris": [["nested"]]},
        {"redirect_uris": ["http://127.0.0.1:8001/" + "x" * 3000]},
        {"token_endpoint_auth_method": None, "grant_types": None, "redirect_uris": ["\u0000"]},
        {"redirect_uris": ["http://[::1"]},  # not a URL at all
        {"redirect_uris": ["http://127.0.0.1:8001/cb\r\nSet-Cookie: x=1"]},  # a header in disguise
    ],
)
def test_odd_values_are_a_4xx_with_a_description_never_a_5xx(web, store, change):
    response = register(web, {**PUBLIC_APP, **change})
    assert 400 <= response.status_int < 500, response.text
    assert response.json["error"] in ("invalid_client_metadata", "invalid_redirect_uri")
    assert store.list_clients() == []


@pytest.mark.parametrize("method", ["GET", "PUT", "DELETE"])
def test_other_methods_at_the_registration_endpoint_are_405(web, method):
    response = web.request("/oauth2/register", method=method, expect_errors=True)
    assert response.status_int == 405 and response.headers["Allow"] == "POST"
