"""What a web page cannot make the playground do (playground/trust.py): answer under a
rebound host name, accept a form it did not serve, send the saved secret to another
server, or hand an access token to a resource the server never named."""

import json

import pytest
from webob import Request
from webtest import TestApp

from reference_as.playground.app import make_playground
from reference_as.playground.inprocess import WSGIAdapter
from reference_as.playground.lab import CONFIDENTIAL_ID, METADATA_URL

PORT = 8001  # the port of lab.REDIRECT_URI, the playground's own
ACTIONS = [
    "/connection",
    "/authorize",
    "/sign-in",
    "/client-credentials",
    "/device",
    "/resource",
    "/refresh",
    "/replay-refresh",
    "/revoke",
    "/introspect",
    "/forget",
]


class OtherHost:
    """A host the server never named: a real WSGI app that keeps every request it gets."""

    def __init__(self, metadata: dict | None = None):
        self.metadata = metadata
        self.requests = []

    def __call__(self, environ, start_response):
        body = environ["wsgi.input"].read(int(environ.get("CONTENT_LENGTH") or 0))
        self.requests.append((environ["PATH_INFO"], environ.get("HTTP_AUTHORIZATION"), body))
        answer = self.metadata if environ["PATH_INFO"].startswith("/.well-known/") else {"hello": "token holder"}
        start_response("200 OK", [("Content-Type", "application/json")])
        return [json.dumps(answer).encode()]


def metadata_changed(server, **changes):
    """The server behind a middleware that changes fields of its RFC 8414 metadata."""

    def app(environ, start_response):
        response = Request(environ).get_response(server)
        if environ["PATH_INFO"] == "/.well-known/oauth-authorization-server":
            response.body = json.dumps({**json.loads(response.body), **changes}).encode()
        return response(environ, start_response)

    return app


def mount(pages, origin: str, app) -> None:
    pages.walkthrough.mounts[origin + "/"] = WSGIAdapter(app)


# -- host names ----------------------------------------------------------------------------------


@pytest.mark.parametrize("host", [f"127.0.0.1:{PORT}", f"localhost:{PORT}", f"[::1]:{PORT}", f"LOCALHOST:{PORT}"])
def test_the_playground_answers_at_its_own_loopback_names(pages, host):
    assert pages.web.get("/", headers={"Host": host}).status_int == 200


@pytest.mark.parametrize("host", [f"evil.example:{PORT}", "evil.example", f"127.0.0.1:{PORT + 1}", f"127.0.0.2:{PORT}"])
def test_another_host_name_is_refused_with_a_page_and_changes_nothing(pages, host):
    pages.connect(CONFIDENTIAL_ID)
    before = pages.store.path.read_bytes()
    assert pages.web.get("/", headers={"Host": host}, status=421).content_type == "text/html"
    token = pages.web.get("/").html.find("input", {"name": "csrf_token"})["value"]
    form = {"csrf_token": token, "metadata_url": "http://evil.example/.well-known/x", "client_id": "x"}
    pages.web.post("/connection", form, headers={"Host": host}, status=421)
    assert pages.store.path.read_bytes() == before


def test_a_missing_host_header_is_refused(pages):
    assert pages.web.get("/", extra_environ={"HTTP_HOST": ""}, status=421)


def test_the_running_playground_refuses_a_rebound_host_name(live_playground):
    """`reference-as playground` itself, over a socket: a DNS-rebinding page arrives with its own Host."""
    import requests

    assert requests.get(live_playground.url + "/", headers={"Host": "evil.example"}, timeout=10).status_code == 421
    assert requests.get(live_playground.url + "/", timeout=10).status_code == 200


# -- CSRF tokens ---------------------------------------------------------------------------------


def test_every_form_of_the_page_carries_the_csrf_token(pages):
    pages.connect(CONFIDENTIAL_ID)
    pages.authorize()
    pages.post("/refresh", status=303)  # a spent refresh token: the replay form shows too
    page = pages.web.get("/")
    forms = page.html.find_all("form")
    assert {form["action"] for form in forms} == set(ACTIONS)
    assert all(form.find("input", {"name": "csrf_token"})["value"] for form in forms)


@pytest.mark.requirement("RFC6749-10.12")
@pytest.mark.parametrize("path", ACTIONS)
def test_a_post_without_the_pages_csrf_token_is_refused_and_changes_nothing(pages, path):
    pages.connect(CONFIDENTIAL_ID)
    pages.authorize()
    before = pages.store.path.read_bytes()
    pages.web.post(path, {"metadata_url": METADATA_URL, "client_id": "x"}, status=403)
    pages.web.post(path, {"csrf_token": "guessed", "client_id": "x"}, status=403)
    pages.web.post(path, {"csrf_token": "é", "client_id": "x"}, status=403)
    assert pages.store.path.read_bytes() == before


@pytest.mark.requirement("RFC6749-10.12")
def test_a_token_from_another_browser_is_refused(pages):
    pages.connect(CONFIDENTIAL_ID)
    other = TestApp(make_playground(pages.walkthrough, PORT), extra_environ={"HTTP_HOST": f"127.0.0.1:{PORT}"})
    their_token = other.get("/").html.find("input", {"name": "csrf_token"})["value"]
    pages.web.get("/")  # my own cookie
    pages.web.post("/forget", {"csrf_token": their_token}, status=403)


# -- the saved secret belongs to one server ------------------------------------------------------------


def test_changing_the_metadata_url_needs_the_secret_again(pages):
    pages.connect(CONFIDENTIAL_ID)
    evil = OtherHost()
    mount(pages, "http://evil.example", evil)
    form = {**pages.lab.connection_form(CONFIDENTIAL_ID), "metadata_url": "http://evil.example/.well-known/x"}
    form["client_secret"] = ""  # "leave empty to keep it"
    page = pages.post("/connection", form, status=400)
    assert "Client secret: required" in page.text
    pages.post("/client-credentials", status=303)  # still the old, unchanged connection
    assert evil.requests == []


def test_when_the_metadata_names_another_server_the_secret_and_tokens_are_dropped_unsent(pages):
    pages.connect(CONFIDENTIAL_ID)
    pages.post("/client-credentials", status=303)
    assert pages.store.read()["tokens"]
    evil = OtherHost()
    mount(pages, "http://evil.example", evil)
    pages.lab.adapter.app = metadata_changed(pages.lab.server, token_endpoint="http://evil.example/token")
    pages.post("/client-credentials", status=303)
    stored = pages.store.read()
    assert stored["connection"]["client_secret"] is None and "tokens" not in stored
    assert not pages.last_run()["ok"] and evil.requests == []
    pages.post("/client-credentials", status=303)  # the secret must be typed again first
    assert "enter it again" in pages.last_run()["outcome"] and evil.requests == []


# -- where an access token may go ---------------------------------------------------------------------


def connected_with_resource(pages, resource_url: str):
    form = {**pages.lab.connection_form(CONFIDENTIAL_ID), "resource_url": resource_url}
    pages.post("/connection", form, status=303)
    pages.post("/client-credentials", status=303)


def test_an_access_token_is_not_sent_to_a_resource_the_server_never_named(pages):
    evil = OtherHost()
    mount(pages, "https://evil.example", evil)
    connected_with_resource(pages, "https://evil.example/api")
    pages.post("/resource", status=303)
    run = pages.last_run()
    assert not run["ok"] and run["outcome"].startswith("Not sent") and evil.requests == []


@pytest.mark.parametrize("resource_url", ["http://127.0.0.1:8002/api", "http://localhost:9/me", "http://[::1]:8003/"])
def test_an_access_token_may_go_to_a_resource_on_loopback(pages, resource_url):
    local = OtherHost()
    mount(pages, resource_url.split("/", 3)[0] + "//" + resource_url.split("/", 3)[2], local)
    connected_with_resource(pages, resource_url)
    pages.post("/resource", status=303)
    assert pages.last_run()["ok"] and local.requests[0][1].startswith("Bearer ")


def test_an_access_token_may_go_to_a_resource_the_servers_metadata_lists(pages):
    listed = OtherHost()
    mount(pages, "https://rs.example", listed)
    pages.lab.adapter.app = metadata_changed(pages.lab.server, protected_resources=["https://rs.example/"])
    connected_with_resource(pages, "https://rs.example/api/photos")
    pages.post("/resource", status=303)
    assert pages.last_run()["ok"] and listed.requests[0][0] == "/api/photos"
