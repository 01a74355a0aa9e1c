"""Cookies and CSRF tokens that are not what the server made: non-ASCII, not
UTF-8, quoted octal escapes. Each is simply not a session or not the form's
token (RFC 6749 §10.12): a 4xx or the page for someone not signed in, never a
500, and nothing changes."""

import pytest

from reference_as.sessions import COOKIE
from spec_tests.helpers import Flow

TOKENS = {"e-acute": "é", "nul": "\u0000", "emoji": "\U0001f600" * 40, "64-hex-then-e-acute": "a" * 64 + "é"}
COOKIES = {
    "octal-utf8": f'{COOKIE}="a.\\303\\251"',  # an octal escape of UTF-8 é, as RFC 2109 quoting allows
    "octal-not-utf8": f'{COOKIE}="\\377"',  # an octal escape of a byte that is not UTF-8
    "raw-utf8": f"{COOKIE}=a.\xc3\xa9",  # raw UTF-8 bytes (WSGI hands them over as latin-1)
    "raw-not-utf8": f"{COOKIE}=\xff\xfe",  # raw bytes that are not UTF-8
    "malformed": f"{COOKIE}=; {COOKIE}==; =x; {COOKIE}",  # empty, '=' only, no name, no value
}
hostile_tokens = pytest.mark.parametrize("token", TOKENS.values(), ids=TOKENS.keys())
hostile_cookies = pytest.mark.parametrize("cookie", COOKIES.values(), ids=COOKIES.keys())


def sign_in(web, user_and_password) -> None:
    Flow(web, *user_and_password).login()


@pytest.mark.requirement("RFC6749-10.12")
@hostile_tokens
def test_a_hostile_csrf_token_on_the_login_form_is_refused(web, alice, token):
    web.get("/login")
    form = {"csrf_token": token, "username": "alice", "password": alice[1]}
    assert web.post("/login", form, expect_errors=True).status_int == 400
    assert web.get("/account").status_int == 303  # not signed in


@pytest.mark.requirement("RFC6749-10.12")
@hostile_tokens
def test_a_hostile_csrf_token_on_the_account_forms_changes_nothing(app, web, alice, token):
    sign_in(web, alice)
    # The signed-in user's own forms: every page route that takes a POST, but for the sign-in
    # form, the consent form and the admin pages (each tested on its own).
    others = ("/login", "/oauth2/authorize", "/admin/")
    forms = [path for path, route in app.routes.items() if route.html and "POST" in route.methods]
    forms = [path for path in forms if path not in others]
    assert "/logout" in forms and len(forms) >= 2
    for path in forms:
        response = web.post(path, {"csrf_token": token, "client_id": "x"}, expect_errors=True)
        # refused (403), or turned away for what else it lacks (400: RP-initiated logout's
        # unknown client_id), or back to the page unchanged (303); never signed out
        assert response.status_int in (303, 400, 403), path
        assert web.get("/account").status_int == 200, path  # still signed in


@pytest.mark.requirement("RFC6749-10.12")
@hostile_tokens
def test_a_hostile_csrf_token_on_the_consent_form_is_refused(web, alice, web_client, token):
    flow = Flow(web, *alice)
    flow.login()
    page = flow.authorize(web_client)
    form = page.forms[0]
    form["csrf_token"] = token
    response = form.submit("decision", value="allow", expect_errors=True)
    assert response.status_int == 403 and "code=" not in (response.location or "")


ADMIN_FORMS = [
    "/admin/clients/new",
    "/admin/clients/{id}/edit",
    "/admin/clients/{id}/pause",
    "/admin/clients/{id}/resume",
    "/admin/clients/{id}/rotate-secret",
    "/admin/clients/{id}/delete",
    "/admin/keys/rotate",
]


@pytest.mark.requirement("RFC6749-10.12")
@hostile_tokens
@pytest.mark.parametrize("path", ADMIN_FORMS)
def test_a_hostile_csrf_token_on_an_admin_form_changes_nothing(web, users, confidential, store, token, path):
    client, _ = confidential
    sign_in(web, users.create("root", "root password 1", is_admin=True))
    before = (store.get_client(client.client_id), [key.kid for key in store.signing_keys()])
    form = {"csrf_token": token, "name": "Renamed", "type": "public", "scopes": "api:read"}
    response = web.post(path.format(id=client.client_id), form, expect_errors=True)
    assert response.status_int == 403
    assert (store.get_client(client.client_id), [key.kid for key in store.signing_keys()]) == before


@hostile_cookies
@pytest.mark.parametrize("path", ["/login", "/account", "/logout", "/admin/", "/oauth2/authorize"])
def test_a_hostile_session_cookie_is_no_session(web, cookie, path):
    response = web.get(path, headers={"Cookie": cookie}, expect_errors=True)
    assert response.status_int in (200, 303, 400)  # the page for someone not signed in


@hostile_cookies
def test_a_hostile_cookie_beside_a_valid_session_leaves_the_session_working(web, alice, cookie):
    sign_in(web, alice)
    session = f"{COOKIE}={web.cookies[COOKIE]}"
    assert web.get("/account", headers={"Cookie": f"{cookie}; {session}"}).status_int == 200
