"""RFC 8628 §3.3, §3.3.1 and §5.4: the verification page where a person approves a device."""

from urllib.parse import parse_qsl, urlsplit

import pytest

from reference_as.pages import PAGE_HEADERS
from spec_tests.helpers import approve_device, device_authorization, device_poll, enter_user_code


def path_of(url: str) -> str:
    parts = urlsplit(url)
    return parts.path + ("?" + parts.query if parts.query else "")


def error_text(page) -> str:
    return page.html.select_one(".error").get_text()


@pytest.mark.requirement("RFC8628-3.3")
def test_the_verification_page_signs_the_user_in_first_and_comes_back(web, flow, device):
    response = web.get("/device")
    assert response.status_int == 303 and path_of(response.location) == "/login?next=%2Fdevice"
    flow.login()
    form = web.get("/device").forms[0]
    assert form.action == "/device" and "user_code" in form.fields and form["csrf_token"].value


@pytest.mark.requirement("RFC8628-3.3.1")
def test_the_complete_uri_keeps_the_user_code_through_the_sign_in(web, flow, device):
    response = web.get(path_of(device["verification_uri_complete"]))
    assert response.status_int == 303
    next_ = dict(parse_qsl(urlsplit(response.location).query))["next"]
    assert next_ == path_of(device["verification_uri_complete"])
    flow.login()
    consent = web.get(next_)
    assert consent.status_int == 200 and consent.html.select_one("#user-code").get_text() == device["user_code"]


@pytest.mark.requirement("RFC8628-5.4")
@pytest.mark.requirement("RFC8628-3.3")
def test_the_consent_page_shows_the_client_the_scopes_in_plain_words_and_the_user_code_to_compare(
    web, flow, device, cli_client
):
    flow.login()
    page = enter_user_code(web, device["user_code"])
    assert page.status_int == 200
    text = page.html.find("main").get_text()
    assert cli_client.name in text and cli_client.client_id in text
    assert "Read your data" in text and "api:read" in text
    assert page.html.select_one("#user-code").get_text() == device["user_code"]
    buttons = {button["value"] for button in page.html.select("button[name=decision]")}
    assert buttons == {"allow", "deny"}
    assert page.forms[0]["csrf_token"].value


@pytest.mark.requirement("RFC6749-10.13")
def test_every_device_page_carries_the_anti_framing_and_no_store_headers(web, flow, device):
    flow.login()
    for page in (web.get("/device"), enter_user_code(web, device["user_code"]), enter_user_code(web, "BCDF")):
        for name, value in PAGE_HEADERS.items():
            assert page.headers[name] == value, name


@pytest.mark.requirement("RFC8628-6.1")
def test_the_code_is_read_without_regard_to_case_dashes_or_spaces(web, flow, device):
    flow.login()
    typed = device["user_code"].replace("-", " ").lower()
    page = enter_user_code(web, typed)
    assert page.status_int == 200 and page.html.select_one("#user-code").get_text() == device["user_code"]


@pytest.mark.requirement("RFC8628-3.3")
def test_an_unknown_code_is_asked_again_with_a_reason(web, flow, device):
    flow.login()
    page = enter_user_code(web, "BBBB-BBBB" if device["user_code"] != "BBBB-BBBB" else "CCCC-CCCC")
    assert page.status_int == 400 and page.forms[0]["user_code"].value and error_text(page)
    assert 'name="decision"' not in page.text


@pytest.mark.requirement("RFC8628-6.1")
def test_a_malformed_code_is_asked_again_with_a_reason(web, flow):
    flow.login()
    for typed in ("BCDF", "AEIO-UAEI", "BCDF-GHJK-L", "ÄÖÜ", "<script>"):
        page = enter_user_code(web, typed)
        assert page.status_int == 400 and error_text(page), typed
        assert "<script>" not in page.text  # escaped like every value


@pytest.mark.requirement("RFC8628-3.3")
def test_an_expired_code_is_refused_on_the_page(web, flow, device, clock, settings):
    flow.login()
    clock.advance(settings.device_code_ttl)
    page = enter_user_code(web, device["user_code"])
    assert page.status_int == 400 and 'name="decision"' not in page.text


@pytest.mark.requirement("RFC8628-3.3")
def test_a_decided_code_cannot_be_decided_again(web, flow, cli_client, device):
    approve_device(flow, device["user_code"], decision="deny")
    page = enter_user_code(web, device["user_code"])
    assert page.status_int == 400 and 'name="decision"' not in page.text
    assert device_poll(web, cli_client, device["device_code"]).json["error"] == "access_denied"


@pytest.mark.requirement("RFC6749-10.12")
def test_a_decision_without_the_sessions_csrf_token_is_refused_and_changes_nothing(web, flow, cli_client, device):
    flow.login()
    consent = enter_user_code(web, device["user_code"])
    form = consent.forms[0]
    form["csrf_token"] = "forged"
    refused = form.submit("decision", value="allow", expect_errors=True)
    assert refused.status_int == 403
    assert device_poll(web, cli_client, device["device_code"]).json["error"] == "authorization_pending"


def test_the_page_after_allow_says_the_device_is_connected(web, flow, cli_client, device):
    done = approve_device(flow, device["user_code"])
    assert done.status_int == 200 and cli_client.name in done.html.select_one("#device-done").get_text()


@pytest.mark.requirement("RFC6749-10.2")
def test_the_consent_page_is_shown_every_time_even_to_a_confidential_client(web, flow, tv_app):
    client, secret = tv_app
    for _ in range(2):
        device = device_authorization(web, client, secret).json
        assert approve_device(flow, device["user_code"]).status_int == 200  # approve_device asserts the consent page
        assert device_poll(web, client, device["device_code"], secret).status_int == 200


def test_the_test_switch_approves_a_code_opened_at_the_page_without_sign_in(settings, store, clock, box, cli_client):
    import dataclasses

    from webtest import TestApp

    from reference_as.app import make_app
    from reference_as.users import UserService

    UserService(store, settings, clock).create("robot", "robot password")
    web = TestApp(make_app(dataclasses.replace(settings, auto_approve_user="robot"), store, clock, box))
    device = device_authorization(web, cli_client).json
    assert device_poll(web, cli_client, device["device_code"]).json["error"] == "authorization_pending"
    assert web.get(path_of(device["verification_uri_complete"])).status_int == 200
    clock.advance(5)
    assert device_poll(web, cli_client, device["device_code"]).status_int == 200
