"""RFC 6749 §3.2: the token endpoint's request format, and bad input in general."""

import pytest

from spec_tests.helpers import basic, raw_token_request, token_request

CC = {"grant_type": "client_credentials"}


@pytest.mark.requirement("RFC6749-3.2")
@pytest.mark.parametrize("method", ["GET", "PUT", "DELETE"])
def test_methods_other_than_post_are_refused(web, method):
    response = web.request("/oauth2/token", method=method, expect_errors=True)
    assert response.status_int == 405
    assert response.headers["Allow"] == "POST"
    assert response.json["error"] == "invalid_request"
    assert response.headers["Cache-Control"] == "no-store"


@pytest.mark.requirement("RFC6749-3.2")
def test_a_repeated_parameter_is_refused(web, confidential):
    client, secret = confidential
    response = raw_token_request(
        web, "grant_type=client_credentials&grant_type=client_credentials", basic(client.client_id, secret)
    )
    assert response.status_int == 400
    assert response.json["error"] == "invalid_request"


@pytest.mark.requirement("RFC6749-3.2")
def test_a_repeated_scope_is_refused(web, confidential):
    client, secret = confidential
    response = raw_token_request(
        web, "grant_type=client_credentials&scope=api:read&scope=api:write", basic(client.client_id, secret)
    )
    assert response.status_int == 400
    assert response.json["error"] == "invalid_request"


@pytest.mark.requirement("RFC6749-3.2")
def test_a_parameter_without_value_is_treated_as_omitted(web, confidential):
    client, secret = confidential
    response = token_request(web, {**CC, "scope": ""}, basic(client.client_id, secret))
    assert response.status_int == 200
    assert response.json["scope"] == " ".join(client.default_scopes)


@pytest.mark.requirement("RFC6749-4.4.2")
def test_missing_grant_type_is_invalid_request(web, confidential):
    client, secret = confidential
    response = token_request(web, {"scope": "api:read"}, basic(client.client_id, secret))
    assert response.status_int == 400
    assert response.json["error"] == "invalid_request"


@pytest.mark.requirement("RFC6749-3.2")
def test_a_json_body_is_refused(web, confidential):
    client, secret = confidential
    response = web.post_json("/oauth2/token", CC, headers=basic(client.client_id, secret), expect_errors=True)
    assert response.status_int == 400
    assert response.json["error"] == "invalid_request"


@pytest.mark.requirement("RFC6749-3.2")
def test_an_oversized_body_is_refused(web, confidential, settings):
    client, secret = confidential
    padding = "x" * (settings.max_body_bytes + 1)
    response = token_request(web, {**CC, "padding": padding}, basic(client.client_id, secret))
    assert response.status_int == 400
    assert response.json["error"] == "invalid_request"


@pytest.mark.requirement("RFC6749-B")
@pytest.mark.parametrize("body", [b"grant_type=client_credentials&scope=%ff%fe", b"grant_type=client_\xffcredentials"])
def test_a_body_that_is_not_utf8_is_refused(web, confidential, body):
    client, secret = confidential
    response = raw_token_request(web, body, basic(client.client_id, secret))
    assert response.status_int == 400
    assert response.json["error"] == "invalid_request"


@pytest.mark.requirement("RFC6749-B")
@pytest.mark.parametrize("url", ["/api/me?x=%ff", "/index.php?module=OAuth2&action=%ff"])
def test_a_query_string_that_is_not_utf8_is_refused_wherever_it_is_read(web, url):
    response = web.get(url, expect_errors=True)
    assert response.status_int == 400
    assert response.json["error"] == "invalid_request"


@pytest.mark.requirement("RFC6749-B")
@pytest.mark.parametrize("url", ["/login?next=%ff", "/oauth2/authorize?state=%ff"])
def test_a_query_string_that_is_not_utf8_is_refused_on_the_pages_with_a_page(web, url):
    response = web.get(url, expect_errors=True)
    assert response.status_int == 400 and response.content_type == "text/html"


@pytest.mark.requirement("RFC6749-B")
def test_a_charset_other_than_utf8_is_refused(web, confidential):
    client, secret = confidential
    latin1 = {**basic(client.client_id, secret), "Content-Type": "application/x-www-form-urlencoded; charset=latin-1"}
    response = raw_token_request(web, b"grant_type=client_credentials", latin1)
    assert response.status_int == 400
    assert response.json["error"] == "invalid_request"


@pytest.mark.requirement("RFC6749-3.2")
def test_too_many_parameters_are_refused(web, confidential):
    client, secret = confidential
    body = "&".join(f"p{i}=v" for i in range(500)) + "&grant_type=client_credentials"
    response = raw_token_request(web, body, basic(client.client_id, secret))
    assert response.status_int == 400
    assert response.json["error"] == "invalid_request"


@pytest.mark.requirement("SEED-ROUTES")
def test_the_seed_route_style_reaches_the_token_endpoint(web, confidential):
    client, secret = confidential
    response = web.post("/index.php?module=OAuth2&action=token", CC, headers=basic(client.client_id, secret))
    assert response.status_int == 200
    assert response.json["token_type"] == "Bearer"


@pytest.mark.requirement("RFC6749-2.3.1")
def test_the_seed_route_still_refuses_other_query_parameters(web, confidential):
    client, secret = confidential
    response = web.post(
        f"/index.php?module=OAuth2&action=token&client_secret={secret}",
        {**CC, "client_id": client.client_id},
        expect_errors=True,
    )
    assert response.status_int == 400
    assert response.json["error"] == "invalid_request"


def test_an_unknown_path_is_404_json(web):
    response = web.get("/nothing-here", expect_errors=True)
    assert response.status_int == 404
    assert response.json["error"] == "invalid_request"
