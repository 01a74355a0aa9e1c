"""Paths that are not UTF-8, HEAD requests, and failures nobody planned for:
each gets an answer in the form its route speaks (an HTML page for the pages
people see, JSON for the protocol endpoints), never an empty 500."""

import sqlite3

import pytest
from webtest import TestApp

from reference_as.app import make_app
from reference_as.store import SQLiteStore
from spec_tests.helpers import basic

PAGES = ["/login", "/logout", "/account", "/admin/", "/oauth2/authorize"]
READ_ONLY = ["/.well-known/oauth-authorization-server", "/oauth2/jwks", "/api/me", "/static/style.css"]


def raw_get(app, path: bytes, method: str = "GET"):
    """A request whose PATH_INFO holds `path`'s bytes as they came off the wire (PEP 3333:
    a latin-1 string), which webtest cannot send from a URL."""
    return TestApp(app).request("/", method=method, expect_errors=True, environ={"PATH_INFO": path.decode("latin-1")})


@pytest.mark.requirement("RFC6749-B")
@pytest.mark.parametrize("path", [b"/\xff", b"/oauth2/token\xc3", b"/api/me/\xfe\xff"])
def test_a_path_that_is_not_utf8_is_a_400_in_json_for_protocol_routes(app, path):
    response = raw_get(app, path)
    assert response.status_int == 400 and response.json["error"] == "invalid_request"


@pytest.mark.requirement("RFC6749-B")
@pytest.mark.parametrize("path", [b"/admin/clients/\xff/edit", b"/admin/\xc3\x28"])
def test_a_path_that_is_not_utf8_is_a_400_page_under_the_pages(app, path):
    response = raw_get(app, path)
    assert response.status_int == 400 and response.content_type == "text/html"
    assert "Content-Security-Policy" in response.headers


@pytest.mark.parametrize("path", PAGES + READ_ONLY)
def test_head_is_answered_as_get_without_the_body(web, path):
    get, head = web.get(path, expect_errors=True), web.head(path, expect_errors=True)
    assert head.status_int == get.status_int and head.body == b""
    assert head.headers["Content-Type"] == get.headers["Content-Type"]


def test_head_of_the_sign_in_form_is_not_a_sign_in_attempt(web):
    response = web.head("/login")
    assert response.status_int == 200 and response.body == b""


def test_head_of_an_admin_page_is_answered_as_its_get(web, users):
    users.create("root", "root password 1", is_admin=True)
    form = web.get("/login").forms[0]
    form["username"], form["password"] = "root", "root password 1"
    form.submit()
    for path in ("/admin/", "/admin/keys", "/admin/clients/new"):
        assert web.head(path).status_int == 200


@pytest.fixture
def broken(settings, clock, box, tmp_path):
    """A real server whose database lost a table under it: every use of it fails unexpectedly."""
    store = SQLiteStore(tmp_path / "broken.sqlite3")
    app = make_app(settings, store, clock, box)
    with sqlite3.connect(tmp_path / "broken.sqlite3") as db:
        db.execute("DROP TABLE clients")
    yield TestApp(app)
    store.close()


def test_an_unexpected_failure_on_a_page_is_a_500_page(broken):
    response = broken.get("/oauth2/authorize?response_type=code&client_id=x&redirect_uri=https://x/cb", status=500)
    assert response.content_type == "text/html" and "Content-Security-Policy" in response.headers


def test_an_unexpected_failure_at_a_protocol_endpoint_is_a_500_in_json(broken):
    credentials = basic("some-client", "some-secret")  # looked up in the table that is gone
    response = broken.post("/oauth2/token", {"grant_type": "client_credentials"}, headers=credentials, status=500)
    assert response.json["error"] == "server_error" and response.headers["Cache-Control"] == "no-store"
