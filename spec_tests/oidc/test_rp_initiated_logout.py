"""OpenID Connect RP-Initiated Logout 1.0 §2-3: `/oauth2/logout`."""

from urllib.parse import urlencode

import pytest

from spec_tests.helpers import redirect_params

from .conftest import LOGGED_OUT, signed_in_code


@pytest.fixture
def id_token(flow, rp, rp_secret):
    return flow.exchange(rp, signed_in_code(flow, rp), rp_secret).json["id_token"]


def logout(web, **params):
    return web.get("/oauth2/logout?" + urlencode(params), expect_errors=True)


def signed_in(web) -> bool:
    return web.get("/account", expect_errors=True).status_int == 200


@pytest.mark.requirement("OIDC-LOGOUT-2")
@pytest.mark.requirement("OIDC-LOGOUT-3")
def test_the_user_confirms_then_is_signed_out_and_sent_back_with_state(web, id_token):
    page = logout(web, id_token_hint=id_token, post_logout_redirect_uri=LOGGED_OUT, state="bye-1")
    assert page.status_int == 200 and "Sign-in app" in page.text
    assert signed_in(web)  # asking changes nothing
    form = page.forms[0]
    assert form["csrf_token"].value
    back = form.submit("decision", value="logout")
    assert back.status_int == 303 and back.location.startswith(LOGGED_OUT + "?")
    assert redirect_params(back) == {"state": "bye-1"}
    assert not signed_in(web)


@pytest.mark.requirement("OIDC-LOGOUT-2")
def test_a_confirmation_without_the_csrf_token_changes_nothing(web, id_token, rp):
    forged = web.post(
        "/oauth2/logout", {"decision": "logout", "client_id": rp.client_id, "post_logout_redirect_uri": LOGGED_OUT},
        expect_errors=True,
    )  # fmt: skip
    assert forged.status_int == 403 and "Location" not in forged.headers
    assert signed_in(web)


def test_staying_signed_in_keeps_the_session(web, id_token):
    page = logout(web, id_token_hint=id_token)
    assert page.forms[0].submit("decision", value="stay").status_int == 200
    assert signed_in(web)


@pytest.mark.requirement("OIDC-LOGOUT-3")
@pytest.mark.parametrize(
    "uri", ["https://rp.example/bye/", "https://rp.example/BYE", "https://evil.example/bye", "https://rp.example/cb"]
)
def test_a_post_logout_redirect_uri_not_registered_exactly_gets_an_error_page(web, id_token, uri):
    page = logout(web, id_token_hint=id_token, post_logout_redirect_uri=uri, state="s")
    assert page.status_int == 400 and page.content_type == "text/html" and "Location" not in page.headers
    assert signed_in(web)


@pytest.mark.requirement("OIDC-LOGOUT-3")
def test_a_post_logout_redirect_uri_with_nothing_to_check_it_against_is_refused(web, id_token):
    assert logout(web, post_logout_redirect_uri=LOGGED_OUT).status_int == 400


def test_client_id_alone_identifies_the_client_for_the_redirect(web, id_token, rp):
    page = logout(web, client_id=rp.client_id, post_logout_redirect_uri=LOGGED_OUT)
    assert page.forms[0].submit("decision", value="logout").location == LOGGED_OUT


@pytest.mark.requirement("OIDC-LOGOUT-2")
@pytest.mark.parametrize("hint", ["garbage", "e30.e30.e30"])
def test_an_id_token_hint_that_is_not_ours_gets_an_error_page(web, id_token, hint):
    page = logout(web, id_token_hint=hint, post_logout_redirect_uri=LOGGED_OUT)
    assert page.status_int == 400 and "Location" not in page.headers


@pytest.mark.requirement("OIDC-LOGOUT-2")
def test_an_expired_id_token_hint_is_accepted(web, id_token, clock, settings):
    clock.advance(settings.id_token_ttl + 1)
    assert logout(web, id_token_hint=id_token).status_int == 200


def test_a_client_id_that_is_not_the_hints_audience_is_refused(web, id_token, web_client):
    assert logout(web, id_token_hint=id_token, client_id=web_client.client_id).status_int == 400


def test_nobody_signed_in_goes_straight_back(web, id_token):
    form = logout(web, id_token_hint=id_token).forms[0]
    form.submit("decision", value="logout")
    back = logout(web, id_token_hint=id_token, post_logout_redirect_uri=LOGGED_OUT, state="x")
    assert back.status_int == 303 and redirect_params(back) == {"state": "x"}
