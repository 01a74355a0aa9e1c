"""Signing in and out: the session cookie, CSRF on the forms, slowed-down guessing."""

import dataclasses
import sqlite3

import pytest
from webtest import TestApp

from reference_as.app import make_app
from reference_as.sessions import COOKIE, LOGIN_FORM_COOKIE, LOGIN_FORM_TTL
from reference_as.store import SQLiteStore
from reference_as.users import UserService


def sign_in(web, username, password, next_=None, address="127.0.0.1", **headers):
    environ = {"REMOTE_ADDR": address}
    page = web.get("/login" + (f"?next={next_}" if next_ else ""), extra_environ=environ)
    form = page.forms[0]
    form["username"], form["password"] = username, password
    return form.submit(expect_errors=True, extra_environ=environ, headers=headers)


def session_cookie_header(response) -> str:
    return next(h for h in response.headers.getall("Set-Cookie") if h.startswith(COOKIE + "="))


def test_the_session_cookie_is_httponly_samesite_lax_and_expires(web, alice, settings):
    response = sign_in(web, alice[0].username, alice[1])
    header = session_cookie_header(response).lower()
    assert "httponly" in header and "samesite=lax" in header and f"max-age={settings.session_ttl}" in header
    assert "secure" not in header  # the issuer is http on loopback


def test_the_session_cookie_is_secure_when_the_issuer_is_https(store, clock, box, settings, alice):
    app = make_app(dataclasses.replace(settings, issuer="https://auth.example.com"), store, clock, box)
    web = TestApp(app, extra_environ={"wsgi.url_scheme": "https", "HTTP_HOST": "auth.example.com"})
    response = sign_in(web, alice[0].username, alice[1])
    assert response.status_int == 303 and "secure" in session_cookie_header(response).lower()


def test_signing_in_replaces_the_session_id(web, alice):
    sign_in(web, alice[0].username, alice[1])
    before = web.cookies[COOKIE]
    sign_in(web, alice[0].username, alice[1])  # signed in already: still a new id, the old one ended
    assert web.cookies[COOKIE] != before
    web.reset()
    web.set_cookie(COOKIE, before)
    assert web.get("/account").status_int == 303


def test_a_wrong_password_and_an_unknown_user_get_the_same_answer(web, alice):
    wrong = sign_in(web, alice[0].username, "not the password")
    unknown = sign_in(web, "mallory", "not the password")
    assert wrong.status_int == unknown.status_int == 400
    assert "Wrong username or password." in wrong.text and "Wrong username or password." in unknown.text


def test_a_forged_or_altered_cookie_is_not_a_session(web, alice):
    sign_in(web, alice[0].username, alice[1])
    session_id, signature = web.cookies[COOKIE].split(".")
    web.reset()  # the browser now holds the altered cookie only
    web.set_cookie(COOKIE, session_id + "." + "0" * len(signature))
    assert web.get("/account").status_int == 303  # to the login page


@pytest.mark.requirement("RFC6749-10.12")
def test_a_login_post_without_the_forms_csrf_token_is_refused(web, alice):
    web.get("/login")
    response = web.post("/login", {"username": alice[0].username, "password": alice[1]}, expect_errors=True)
    assert response.status_int == 400
    assert web.get("/account").status_int == 303  # not signed in


@pytest.mark.requirement("RFC6749-10.10")
def test_failed_sign_ins_are_slowed_down_per_user(web, alice, clock, settings):
    for _ in range(settings.login_free_attempts):
        assert sign_in(web, alice[0].username, "wrong guess").status_int == 400
    throttled = sign_in(web, alice[0].username, alice[1])  # even the right password waits
    assert throttled.status_int == 429 and int(throttled.headers["Retry-After"]) >= 1
    clock.advance(int(throttled.headers["Retry-After"]))
    assert sign_in(web, alice[0].username, alice[1]).status_int == 303


@pytest.mark.requirement("RFC6749-10.10")
def test_failed_sign_ins_are_counted_per_address_across_usernames(web, alice, settings):
    for n in range(settings.login_free_attempts_per_address):
        assert sign_in(web, f"guess{n}", "wrong guess").status_int == 400
    assert sign_in(web, "someone-else", "wrong guess").status_int == 429


@pytest.mark.requirement("RFC6749-10.10")
def test_a_guesser_on_one_address_does_not_lock_the_owner_out_from_another(web, alice, settings):
    for _ in range(settings.login_free_attempts + 4):
        sign_in(web, alice[0].username, "wrong guess", address="203.0.113.9")
    assert sign_in(web, alice[0].username, "wrong guess", address="203.0.113.9").status_int == 429
    assert sign_in(web, alice[0].username, alice[1], address="198.51.100.7").status_int == 303


@pytest.mark.requirement("RFC6749-10.10")
def test_a_few_unknown_usernames_from_an_address_do_not_make_its_real_user_wait(web, alice, settings):
    for n in range(settings.login_free_attempts + 4):
        sign_in(web, f"unknown{n}", "wrong guess")
    assert sign_in(web, alice[0].username, alice[1]).status_int == 303


@pytest.mark.requirement("RFC6749-10.10")
def test_a_success_resets_the_address_count(web, alice, settings):
    for n in range(settings.login_free_attempts_per_address - 1):
        sign_in(web, f"unknown{n}", "wrong guess")
    assert sign_in(web, alice[0].username, alice[1]).status_int == 303
    for n in range(settings.login_free_attempts_per_address - 1):
        assert sign_in(web, f"other{n}", "wrong guess").status_int == 400


@pytest.mark.requirement("RFC6749-10.10")
def test_many_accounts_guessed_from_many_addresses_are_limited_per_account(web, alice, settings):
    for n in range(settings.login_free_attempts_per_account):
        sign_in(web, alice[0].username, "wrong guess", address=f"10.0.{n // 250}.{n % 250}")
    assert sign_in(web, alice[0].username, alice[1], address="192.0.2.1").status_int == 429


@pytest.mark.requirement("RFC6749-10.10")
def test_parallel_guesses_get_no_more_password_checks_than_allowed(app, alice, settings):
    """Each attempt is counted before its password is checked: of simultaneous wrong
    guesses, only the free attempts are checked (400), the others wait (429)."""
    import threading

    attempts = settings.login_free_attempts + 7
    barrier, statuses = threading.Barrier(attempts), []

    def guess():
        web = TestApp(app)
        form = web.get("/login").forms[0]
        form["username"], form["password"] = alice[0].username, "wrong guess"
        barrier.wait()
        statuses.append(form.submit(expect_errors=True).status_int)

    threads = [threading.Thread(target=guess) for _ in range(attempts)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(statuses) == [400] * settings.login_free_attempts + [429] * (attempts - settings.login_free_attempts)


def test_x_forwarded_for_is_believed_only_from_a_trusted_proxy(store, clock, box, settings, alice):
    def guesses(web, peer):
        answers = []
        for n in range(settings.login_free_attempts + 1):
            answers.append(sign_in(web, alice[0].username, "wrong", address=peer, **{"X-Forwarded-For": f"10.9.9.{n}"}))
        return [response.status_int for response in answers]

    # From anyone else, a made-up X-Forwarded-For does not escape the throttle ...
    assert guesses(TestApp(make_app(settings, store, clock, box)), "198.51.100.1")[-1] == 429
    # ... while behind a trusted proxy each forwarded address is a client of its own.
    trusting = dataclasses.replace(settings, trusted_proxies=("192.0.2.10",))
    assert guesses(TestApp(make_app(trusting, store, clock, box)), "192.0.2.10")[-1] == 400


def test_the_wait_grows_with_each_failure(web, alice, clock, settings):
    waits = []
    for _ in range(3):
        for _ in range(settings.login_free_attempts if not waits else 1):
            sign_in(web, alice[0].username, "wrong guess")
        response = sign_in(web, alice[0].username, "wrong guess")
        waits.append(int(response.headers["Retry-After"]))
        clock.advance(waits[-1])
    assert waits[0] < waits[1] < waits[2]


@pytest.mark.requirement("RFC9700-4.11")
@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/", "/\\evil.example"])
def test_after_sign_in_only_local_paths_are_followed(web, alice, target):
    from urllib.parse import quote

    response = sign_in(web, alice[0].username, alice[1], next_=quote(target, safe=""))
    assert response.location.endswith("/account")


def test_signing_out_ends_the_session(web, alice):
    sign_in(web, alice[0].username, alice[1])
    account = web.get("/account")
    account.forms[len(account.forms) - 1].submit()  # Sign out
    assert web.get("/account").status_int == 303


def test_a_session_ends_when_it_expires(web, alice, clock, settings):
    sign_in(web, alice[0].username, alice[1])
    assert web.get("/account").status_int == 200
    clock.advance(settings.session_ttl)
    assert web.get("/account").status_int == 303


def test_pages_are_escaped(web, clients, flow):
    client, _ = clients.create(
        name="<script>alert(1)</script>", client_type="confidential", grant_types=("authorization_code",),
        scopes=("api:read",), redirect_uris=("https://x.example/cb",),
    )  # fmt: skip
    flow.login()
    page = flow.authorize(client)
    assert "<script>alert(1)</script>" not in page.text and "&lt;script&gt;alert(1)&lt;/script&gt;" in page.text
    assert "script-src 'self';" in page.headers["Content-Security-Policy"]  # and no inline script may run anyway


def test_the_stylesheet_is_served_by_the_app(web):
    response = web.get("/static/style.css")
    assert response.content_type == "text/css" and b"body" in response.body


# -- the sign-in form before anyone is signed in (no session row) --------------------------------


def session_rows(store_file) -> int:
    with sqlite3.connect(store_file) as db:
        return db.execute("SELECT count(*) FROM sessions").fetchone()[0]


def test_anonymous_visits_to_the_sign_in_form_store_nothing(settings, clock, box, tmp_path):
    store = SQLiteStore(tmp_path / "visits.sqlite3")
    web = TestApp(make_app(settings, store, clock, box))
    user, password = UserService(store, settings, clock).create("alice")
    for _ in range(200):
        web.reset()  # a new visitor without cookies each time
        assert web.get("/login").status_int == 200
    assert session_rows(tmp_path / "visits.sqlite3") == 0
    assert sign_in(web, user.username, password).status_int == 303  # the form still works
    assert session_rows(tmp_path / "visits.sqlite3") == 1
    store.close()


@pytest.mark.requirement("RFC6749-10.12")
def test_a_sign_in_form_token_works_only_with_its_own_browsers_cookie(app, alice):
    mine, theirs = TestApp(app), TestApp(app)
    their_form = theirs.get("/login").forms[0]
    mine.get("/login")  # my own form cookie, which their token does not match
    form = {"csrf_token": their_form["csrf_token"].value, "username": "alice", "password": alice[1]}
    assert mine.post("/login", form, expect_errors=True).status_int == 400
    assert mine.get("/account").status_int == 303


@pytest.mark.requirement("RFC6749-10.12")
def test_a_sign_in_form_expires(web, alice, clock):
    form = web.get("/login").forms[0]
    form["username"], form["password"] = alice[0].username, alice[1]
    clock.advance(LOGIN_FORM_TTL)
    assert form.submit(expect_errors=True).status_int == 400


@pytest.mark.requirement("RFC6749-10.12")
def test_a_forged_sign_in_form_cookie_is_refused(web, alice):
    form = web.get("/login").forms[0]
    nonce, expires, signature = web.cookies[LOGIN_FORM_COOKIE].split(".")
    web.reset()
    web.set_cookie(LOGIN_FORM_COOKIE, f"{nonce}.{int(expires) + 10**6}.{signature}")  # a longer life, same signature
    form["username"], form["password"] = alice[0].username, alice[1]
    assert form.submit(expect_errors=True).status_int == 400


@pytest.mark.requirement("RFC6749-10.12")
def test_a_stale_sign_in_form_leaves_a_signed_in_user_signed_in(web, alice):
    sign_in(web, alice[0].username, alice[1])
    web.post("/login", {"csrf_token": "stale", "username": "alice", "password": "x"}, expect_errors=True)
    assert web.get("/account").status_int == 200


def test_a_newline_in_next_after_a_correct_password_signs_in_and_stays_on_this_server(web, alice):
    form = web.get("/login").forms[0]
    form["username"], form["password"], form["next"] = alice[0].username, alice[1], "/account\r\nSet-Cookie: x=y"
    response = form.submit(expect_errors=True)
    assert response.status_int == 303 and response.location.startswith("http://localhost/account%0D%0ASet-Cookie")
    assert "x=y" not in web.cookies


@pytest.mark.requirement("RFC9700-4.11")
@pytest.mark.parametrize("target", ["/\n/evil.example/", "/ /evil.example/", "/\r\n/evil.example/"])
def test_characters_browsers_drop_from_next_cannot_make_it_another_host(web, alice, target):
    form = web.get("/login").forms[0]
    form["username"], form["password"], form["next"] = alice[0].username, alice[1], target
    location = form.submit(expect_errors=True).location
    assert location.startswith("http://localhost/%") and "//evil" not in location
