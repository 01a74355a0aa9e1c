"""The approval drivers, apart from the runs against the reference server
(auto and form are exercised there)."""

import io
from urllib.parse import parse_qs, urlencode

import pytest
import requests

from conformance.approval import ManualDriver, forms_of, make_driver, with_parameters
from conformance.progress import Progress
from conformance.target import ApprovalConfig, FormFields

from .servers import WSGIThread


def test_manual_driver_prints_the_url_and_reads_back_the_redirect():
    asked = []

    def ask(prompt):
        asked.append(prompt)
        return "http://127.0.0.1:8001/callback?code=abc&state=xyz\n"

    driver = make_driver(ApprovalConfig("manual"), requests.Session(), ask)
    assert isinstance(driver, ManualDriver)
    landing = driver.run("https://as.example/authorize?client_id=a", "http://127.0.0.1:8001/callback")
    assert "https://as.example/authorize?client_id=a" in asked[0]
    assert landing.arrived_at("http://127.0.0.1:8001/callback") and landing.params == {"code": "abc", "state": "xyz"}


def test_manual_driver_empty_answer_means_an_error_page():
    driver = make_driver(ApprovalConfig("manual"), requests.Session(), lambda prompt: "\n")
    assert driver.run("https://as.example/authorize", "https://app/cb").location is None


def test_no_driver_when_none_is_configured():
    assert make_driver(ApprovalConfig("none"), requests.Session(), input) is None


def test_forms_are_read_with_their_hidden_fields_and_buttons():
    page = """<form method=post action="/oauth2/authorize"><input type=hidden name=csrf_token value=t1>
    <input type=checkbox name=remember value=yes><button name=decision value=allow>Allow</button>
    <button name=decision value=deny>Deny</button></form><form action=/login><input name=username>
    <input type=password name=password></form>"""
    consent, login = forms_of(page)
    assert consent.method == "POST" and consent.defaults() == {"csrf_token": "t1"}
    assert consent.button_values("decision") == ["allow", "deny"]
    assert login.method == "GET" and login.has_input("password")


def test_consent_form_marked_by_a_field_and_denial_by_a_link():
    """oidc-provider's consent page: a form whose only button has no name, a Cancel link."""
    from conformance.approval import links_of

    page = """<form method=post action="/interaction/u1"><input type=hidden name=prompt value=consent>
    <button type=submit class=login>Continue</button></form>
    <div><a href="/interaction/u1/abort">[ Cancel ]</a> <a href="/tos">Terms</a></div>"""
    (consent,) = forms_of(page)
    assert consent.has_field("prompt=consent") and consent.has_field("prompt") and not consent.has_field("prompt=x")
    assert consent.button_values("decision") == [] and consent.defaults() == {"prompt": "consent"}
    cancel, terms = links_of(page)
    assert cancel.matches("Cancel") and cancel.matches("/abort") and not terms.matches("Cancel")
    assert not cancel.matches("")


# -- drivers that say when they cannot act, and the target's parameters and headers ---------------------


class _Echo:
    """A stand-in authorization endpoint: redirects to the client with what it was sent (query and
    one header), or, on /form, shows a page with a form no driver knows."""

    def __call__(self, environ, start_response):
        if environ["PATH_INFO"] == "/form":
            start_response("200 OK", [("Content-Type", "text/html")])
            return [b"<form method=post action=/form><input name=pin><button>Go</button></form>"]
        if environ["PATH_INFO"] == "/error":
            start_response("400 Bad Request", [("Content-Type", "text/html")])
            return [b"<p>unknown client</p>"]
        query = urlencode({"seen": environ.get("QUERY_STRING", ""), "header": environ.get("HTTP_X_TEST_USER", "")})
        start_response("302 Found", [("Location", f"{CALLBACK}?{query}")])
        return [b""]


CALLBACK = "http://127.0.0.1:8001/callback"


@pytest.fixture(scope="module")
def echo():
    server = WSGIThread(_Echo())
    yield server.url
    server.stop()


def test_the_auto_driver_sends_the_targets_parameters_and_headers(echo):
    config = ApprovalConfig("auto", parameters={"login_hint": "alice"}, headers={"X-Test-User": "alice"})
    driver = make_driver(config, requests.Session(), input)
    landing = driver.run(f"{echo}/authorize?client_id=a", CALLBACK)
    assert parse_qs(landing.params["seen"]) == {"client_id": ["a"], "login_hint": ["alice"]}
    assert landing.params["header"] == "alice"
    assert not driver.can_deny


def test_the_auto_driver_denies_by_the_targets_deny_parameters(echo):
    config = ApprovalConfig("auto", parameters={"login_hint": "alice"}, deny_parameters={"login_hint": "deny"})
    driver = make_driver(config, requests.Session(), input)
    assert driver.can_deny
    landing = driver.run(f"{echo}/authorize", CALLBACK, decision="deny")
    assert parse_qs(landing.params["seen"])["login_hint"] == ["deny"] and landing.decided
    assert not driver.run(f"{echo}/authorize", CALLBACK).decided  # allowing decides nothing here


def test_a_parameter_the_request_already_has_is_left_as_it_is():
    assert with_parameters("https://as/a?state=1&state=2", {"state": "x", "hint": "h"}) == (
        "https://as/a?state=1&state=2&hint=h"
    )


def test_a_page_with_a_form_the_driver_does_not_know_is_where_it_got_stuck(echo):
    driver = make_driver(ApprovalConfig("form", "u", "p"), requests.Session(), input)
    landing = driver.run(f"{echo}/form", CALLBACK)
    assert landing.location is None and landing.stuck and "no form it can fill in" in landing.stuck
    assert (
        make_driver(ApprovalConfig("form", "u", "p"), requests.Session(), input).run(f"{echo}/error", CALLBACK).stuck
        is None
    )  # an error page is the server's answer, not the driver's trouble


def test_the_progress_line_counts_down_while_a_check_waits():
    stream = _Terminal()
    progress = Progress(True, stream)
    progress.total = 3
    progress.start("rfc6749-4.1.2-code-expires-within-10-minutes")
    progress.wait(1.5, "waiting for the code to expire")
    assert "[  1/3] rfc6749-4.1.2-code-expires-within-10-minutes" in stream.getvalue()
    assert "waiting for the code to expire, 0:02 left" in stream.getvalue()
    assert "0:01 left" in stream.getvalue()


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


# -- the device flow (RFC 8628 §3.3) ----------------------------------------------------------------------


def test_manual_driver_prints_the_verification_uri_and_the_user_code():
    asked = []
    driver = make_driver(ApprovalConfig("manual"), requests.Session(), lambda prompt: asked.append(prompt) or "\n")
    landing = driver.run_device({"verification_uri": "https://as.example/device", "user_code": "BDFG-HJKL"})
    assert "https://as.example/device" in asked[0] and "BDFG-HJKL" in asked[0] and landing.decided


class _DevicePages:
    """A verification page: type the code, then a confirmation form without decision buttons (as
    oidc-provider's); what was decided is kept in `decided`."""

    def __init__(self):
        self.decided: list[dict] = []

    def __call__(self, environ, start_response):
        length = int(environ.get("CONTENT_LENGTH") or 0)
        posted = {k: v[0] for k, v in parse_qs(environ["wsgi.input"].read(length).decode()).items()}
        start_response("200 OK", [("Content-Type", "text/html")])
        if "confirm" in posted:
            self.decided.append(posted)
            return [b"<p>done</p>"]
        if "user_code" in posted:
            code = posted["user_code"].encode()
            return [b"<form method=post><input type=hidden name=user_code value='" + code + b"'>"
                    b"<input type=hidden name=confirm value=yes></form>"]  # fmt: skip
        return [b"<form method=post><input type=hidden name=xsrf value=1><input name=user_code></form>"]


@pytest.mark.parametrize("decision", ["allow", "deny"])
def test_the_form_driver_types_the_user_code_and_confirms_or_aborts(decision):
    pages = _DevicePages()
    server = WSGIThread(pages)
    try:
        form = FormFields(device_allow="confirm=yes", device_deny="abort=yes")
        driver = make_driver(ApprovalConfig("form", "u", "p", form), requests.Session(), input)
        landing = driver.run_device({"verification_uri": server.url + "/device", "user_code": "BDFG-HJKL"}, decision)
    finally:
        server.stop()
    assert landing.decided and not landing.stuck
    expected = {"user_code": "BDFG-HJKL", "confirm": "yes", **({"abort": "yes"} if decision == "deny" else {})}
    assert pages.decided == [expected]


def test_the_auto_driver_opens_the_complete_verification_uri(echo):
    driver = make_driver(ApprovalConfig("auto"), requests.Session(), input)
    codes = {"verification_uri": f"{echo}/device", "user_code": "BDFG-HJKL"}
    landing = driver.run_device(codes)
    assert landing.decided and parse_qs(landing.params["seen"]) == {"user_code": ["BDFG-HJKL"]}
    assert not driver.run_device(codes, "deny").decided  # it cannot deny a user code
