"""The approval drivers, apart from the runs against the reference server
(auto and form are exercised there)."""

import requests

from conformance.approval import ManualDriver, forms_of, make_driver
from conformance.target import ApprovalConfig


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
