"""Clients named by the URL of their metadata document (the Client ID Metadata
Document draft), against a real https server on loopback that serves the
documents (a CA made for the run, trusted through `outbound_ca_file`)."""

import json
from types import SimpleNamespace

import pytest

from reference_as.config import Settings
from reference_as.store.records import METADATA_DOCUMENT
from spec_tests.conftest import ISSUER
from spec_tests.document_server import Reply
from spec_tests.helpers import call_api, redirect_params
from spec_tests.registration import app_with

REDIRECT = "http://127.0.0.1:8001/callback"


@pytest.fixture
def settings(test_ca):
    return Settings(issuer=ISSUER, password_scrypt_n=2**10, outbound_ca_file=str(test_ca.ca_file))


def serve(documents, path, **changes) -> str:
    """A document at `path` naming its own URL, with `changes`: its URL."""
    url = documents.origin + path
    document = {
        "client_id": url,
        "client_name": "Calendar",
        "redirect_uris": [REDIRECT],
        "grant_types": ["authorization_code", "refresh_token"],
        "token_endpoint_auth_method": "none",
        **changes,
    }
    documents.serve(path, Reply(json.dumps(document).encode(), headers={"Content-Type": "application/json"}))
    return url


def named(url: str, redirect_uri: str = REDIRECT):
    """What the test flow needs of a client: its id and redirect URI."""
    return SimpleNamespace(client_id=url, redirect_uris=(redirect_uri,))


def test_the_metadata_says_metadata_documents_are_supported(web):
    assert web.get("/.well-known/oauth-authorization-server").json["client_id_metadata_document_supported"] is True


def test_a_client_named_by_its_document_gets_a_code_and_tokens(documents, flow, store):
    url = serve(documents, "/calendar/client.json")
    response = flow.exchange(named(url), flow.code(named(url)))
    assert response.status_int == 200, response.text
    assert call_api(flow.web, response.json["access_token"]).status_int == 200
    client = store.get_client(url)
    assert client.origin == METADATA_DOCUMENT and not client.is_confidential and client.name == "Calendar"
    assert client.redirect_uris == (REDIRECT,)


def test_the_consent_page_shows_the_documents_host_first(documents, flow):
    url = serve(documents, "/consent/client.json")
    flow.login()
    page = flow.authorize(named(url))
    assert page.status_int == 200
    host = url.split("/")[2]
    heading = page.html.find("h1").text
    assert host in heading and "Calendar" not in heading  # who is asking, not what it calls itself


def test_the_document_is_fetched_again_only_when_its_cache_lifetime_is_over(documents, flow, store, clock):
    path = f"/cached/{id(store)}/client.json"  # a URL of this test's own
    url = serve(documents, path)
    flow.login()
    flow.authorize(named(url))
    flow.authorize(named(url))
    assert documents.hits[path] == 1
    serve(documents, path, client_name="Calendar 2")
    clock.advance(3601)  # past outbound_cache_seconds
    flow.authorize(named(url))
    assert documents.hits[path] == 2 and store.get_client(url).name == "Calendar 2"


@pytest.mark.parametrize(
    "path, reply",
    [
        ("/bad/not-json", Reply(b"{oops", headers={"Content-Type": "application/json"})),
        ("/bad/redirect", Reply(b"", 302, {"Location": "/elsewhere.json"})),
        ("/bad/huge", Reply(json.dumps({"client_name": "x" * 10_000}).encode())),
        ("/bad/missing", Reply(b"{}", 404)),
    ],
)
def test_a_document_that_cannot_be_fetched_gets_the_error_page_and_no_client(documents, flow, store, path, reply):
    url = documents.serve(path, reply)
    flow.login()
    response = flow.authorize(named(url))
    assert response.status_int == 400 and "cannot be used" in response.text and "Location" not in response.headers
    assert store.get_client(url) is None


def test_a_document_that_answers_too_slowly_is_given_up_on(documents, settings, store, clock, box, alice):
    from spec_tests.helpers import Flow

    web = app_with(settings, store, clock, box, outbound_timeout=1)
    url = documents.serve("/bad/slow", Reply(b'{"client_id": "x"}', drip_seconds=0.2))
    flow = Flow(web, *alice)
    flow.login()
    assert flow.authorize(named(url)).status_int == 400 and store.get_client(url) is None


@pytest.mark.parametrize(
    "changes",
    [
        {"client_id": "https://someone-else.example/client.json"},  # names another client_id
        {"client_secret": "shared"},
        {"client_secret_expires_at": 0},
        {"token_endpoint_auth_method": "client_secret_basic"},
        {"token_endpoint_auth_method": "private_key_jwt"},  # not offered by this server
        {"redirect_uris": []},
        {"redirect_uris": ["http://evil.example/cb"]},
        {"scope": "api:superuser"},
    ],
)
def test_a_document_the_rules_refuse_gets_the_error_page_and_no_client(documents, flow, store, changes):
    url = serve(documents, "/refused/client.json", **changes)
    flow.login()
    response = flow.authorize(named(url))
    assert response.status_int == 400 and "Location" not in response.headers
    assert store.get_client(url) is None


def test_a_redirect_uri_not_in_the_document_is_refused_without_a_redirect(documents, flow):
    url = serve(documents, "/redirects/client.json")
    flow.login()
    response = flow.authorize(named(url, "http://127.0.0.1:8001/elsewhere"))
    assert response.status_int == 400 and "Location" not in response.headers


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:9/client.json",  # http: not without outbound_allow_loopback_http
        "https://127.0.0.1:9",  # no path
        "https://127.0.0.1:9/a/../client.json",
        "https://user@127.0.0.1:9/client.json",
    ],
)
def test_a_client_id_url_the_draft_forbids_is_refused_before_any_fetch(flow, store, url):
    flow.login()
    assert flow.authorize(named(url)).status_int == 400 and store.get_client(url) is None


def test_a_paused_document_client_gets_no_code_and_a_deleted_one_starts_afresh(documents, flow, clients, store, clock):
    url = serve(documents, "/paused/client.json")
    first = flow.exchange(named(url), flow.code(named(url))).json
    clients.pause(url)
    assert redirect_params(flow.authorize(named(url)))["error"] == "unauthorized_client"
    clients.delete(url)
    clock.advance(1)
    flow.code(named(url))  # made again from its document
    assert store.get_client(url).status == "active"
    assert call_api(flow.web, first["access_token"]).status_int == 401  # the old client's tokens stay dead


def test_with_metadata_documents_off_a_url_is_an_unknown_client_id(documents, settings, store, clock, box, alice):
    from spec_tests.helpers import Flow

    web = app_with(settings, store, clock, box, metadata_documents=False)
    url = serve(documents, "/off/client.json")
    hits = documents.hits["/off/client.json"]
    flow = Flow(web, *alice)
    flow.login()
    assert flow.authorize(named(url)).status_int == 400
    assert documents.hits["/off/client.json"] == hits
    assert web.get("/.well-known/oauth-authorization-server").json["client_id_metadata_document_supported"] is False
