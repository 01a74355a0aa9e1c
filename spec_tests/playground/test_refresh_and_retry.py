"""The seed's client promises, with time in the test's hands: the access token is refreshed
before it expires; a 401 from the resource triggers one refresh and one retry; a second 401
is reported as a failure, not retried again."""

import json

from reference_as.clock import ManualClock
from reference_as.playground.lab import CONFIDENTIAL_ID, START, Lab

from .conftest import PlaygroundPages


def kinds(run: dict) -> list[str]:
    return [step.kind for step in run["steps"]]


def test_a_token_about_to_expire_is_refreshed_before_the_call(tmp_path):
    """A server with a short access token lifetime (90 s); 50 s later the client has 40 s left,
    under its 60 s margin: it refreshes first, and the resource never sees the old token."""
    pages = PlaygroundPages(Lab(tmp_path / "lab", access_token_ttl=90), tmp_path / "playground.json")
    pages.connect(CONFIDENTIAL_ID)
    pages.authorize()
    before = pages.store.read()["tokens"]
    pages.lab.clock.advance(50)

    pages.post("/resource", status=303)

    run = pages.last_run()
    assert kinds(run) == ["refresh", "resource"] and run["ok"], run["outcome"]
    refresh, resource = run["steps"]
    assert refresh.note.startswith("Refreshed before use: the access token had 40 s left")
    after = pages.store.read()["tokens"]
    assert after["access_token"] != before["access_token"] and after["refresh_token"] != before["refresh_token"]
    assert resource.request.endswith("Authorization: Bearer …" + after["access_token"][-4:])
    assert "Refreshed before use" in pages.web.get("/").text

    pages.post("/resource", status=303)  # fresh again: no refresh this time
    assert kinds(pages.last_run()) == ["resource"]


def test_a_401_triggers_one_refresh_and_one_retry(tmp_path):
    """The token expires early: the server's clock is past its expiry while the client's is not,
    so the client sends it, gets 401 invalid_token, refreshes once and retries once."""
    lab = Lab(tmp_path / "lab", client_clock=ManualClock(START))
    pages = PlaygroundPages(lab, tmp_path / "playground.json")
    pages.connect(CONFIDENTIAL_ID)
    pages.authorize()
    lab.clock.advance(3600 + 1)  # the server's clock only

    pages.post("/resource", status=303)

    run = pages.last_run()
    assert kinds(run) == ["resource_refused", "refresh", "resource"] and run["ok"], run["outcome"]
    refused, refresh, retry = run["steps"]
    assert 'error="invalid_token"' in refused.response and "RFC 6750 §3.1" in refused.sections
    assert refresh.note.startswith("The resource answered 401")
    assert retry.note == "The one retry, with the new access token." and "HTTP/1.1 200 OK" in retry.response


class RefusingResource:
    """In front of the server: /api/me refuses every token, as a resource that no longer
    trusts this server would; everything else passes through. Counts the refusals."""

    def __init__(self, app):
        self.app = app
        self.refused = 0

    def __call__(self, environ, start_response):
        if environ["PATH_INFO"] != "/api/me":
            return self.app(environ, start_response)
        self.refused += 1
        body = json.dumps({"error": "invalid_token", "error_description": "Not trusted here."}).encode()
        start_response(
            "401 Unauthorized",
            [
                ("Content-Type", "application/json"),
                ("Cache-Control", "no-store"),
                ("WWW-Authenticate", 'Bearer realm="test", error="invalid_token"'),
            ],
        )
        return [body]


def test_a_second_401_is_reported_as_a_failure_and_not_retried_again(tmp_path):
    lab = Lab(tmp_path / "lab")
    resource = lab.adapter.app = RefusingResource(lab.server)
    pages = PlaygroundPages(lab, tmp_path / "playground.json")
    pages.connect(CONFIDENTIAL_ID)
    pages.authorize()

    pages.post("/resource", status=303)

    run = pages.last_run()
    assert kinds(run) == ["resource_refused", "refresh", "resource_refused"]
    assert not run["ok"]
    assert run["outcome"].startswith("Failed: the resource refused the access token again after one refresh")
    assert resource.refused == 2  # the first call and the one retry: no third
    assert run["steps"][2].note.startswith("The retry failed too")
    page = pages.web.get("/").text
    assert "Failed: the resource refused the access token again after one refresh and one retry" in page
