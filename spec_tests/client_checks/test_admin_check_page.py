"""The client's check page in the admin UI: start a check with a scenario, watch the report
follow what the client does (the page reloads itself while the check is under way), stop it;
a second check at once and an unknown client are refused with a page, never a 5xx."""

from urllib.parse import urlencode

from spec_tests.admin.test_admin_pages import admin, form_to, signed_in_admin  # noqa: F401 - shared fixtures
from spec_tests.conftest import ISSUER

from .conftest import REDIRECT_URI, browser

PAGE = "/admin/clients/app/check"


def row_class(page, check_id: str) -> str:
    return " ".join(page.html.find(id=check_id)["class"])


def test_start_watch_and_stop_a_check_from_the_admin_pages(signed_in_admin, secret, session):  # noqa: F811
    web = signed_in_admin
    assert PAGE in web.get("/admin/clients/app").text  # the client's page links to it
    start = form_to(web.get(PAGE), PAGE)
    start["scenario"] = "security"
    page = start.submit().follow()
    assert 'http-equiv="refresh"' in page.text and "scenario <strong>security</strong>" in page.text
    assert row_class(page, "RFC9700-4.7.1-csrf") == "outcome-skip"

    # The client sends an authorization request with neither state nor PKCE.
    params = {"response_type": "code", "client_id": "app", "redirect_uri": REDIRECT_URI}
    browser(session, ISSUER + "/oauth2/authorize?" + urlencode(params))

    page = web.get(PAGE)
    assert row_class(page, "RFC9700-4.7.1-csrf") == "outcome-fail"
    assert page.html.find(id="event-1").strong.text == "authorization"
    refused = web.post(PAGE, {"csrf_token": page.forms[0]["csrf_token"].value, "scenario": "basic"}, status=400)
    assert "already under check" in refused.text

    page = form_to(page, PAGE + "/stop").submit().follow()
    assert 'http-equiv="refresh"' not in page.text and page.html.find(id="verdict").text.startswith("FAIL")
    assert form_to(page, PAGE)  # a new check can be started


def test_an_unknown_client_has_no_check_page(signed_in_admin):  # noqa: F811
    assert signed_in_admin.get("/admin/clients/nobody/check", status=404)
