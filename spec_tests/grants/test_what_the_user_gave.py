"""What a user gave a client, and taking it back: remembered consent only for
clients that authenticate (RFC 6749 §10.2, RFC 8252 §8.6), every live grant on
/account and revocable there, a password change ending everything
(RFC 9700 §4.14.2)."""

import pytest

from spec_tests.helpers import call_api, introspect, redirect_params, refresh


@pytest.fixture
def signed_in(flow):
    flow.login()
    return flow


@pytest.mark.requirement("RFC6749-10.2")
def test_a_public_client_is_asked_about_every_time_even_after_remember(signed_in, public_client, store, alice):
    page = signed_in.authorize(public_client)
    assert page.status_int == 200 and "remember" not in page.forms[0].fields  # nothing to tick
    # a remember=yes added by hand is not kept either
    form = dict(page.forms[0].submit_fields()) | {"remember": "yes", "decision": "allow"}
    assert "code" in redirect_params(signed_in.web.post("/oauth2/authorize", form))
    assert store.consents_of(alice[0].user_id) == []
    # another caller with a fresh PKCE pair and another loopback port gets the page, not a code
    again = signed_in.authorize(public_client, redirect_uri="http://127.0.0.1:9999/callback")
    assert again.status_int == 200 and "Allow" in again.text


@pytest.mark.requirement("RFC6749-10.2")
def test_a_confidential_client_may_be_remembered(signed_in, web_client):
    assert "code" in redirect_params(signed_in.consent(signed_in.authorize(web_client), remember=True))
    assert "code" in redirect_params(signed_in.authorize(web_client))


def revoke_on_account_page(web, client):
    """Press Revoke on the row of `client` (its name is shown on the page)."""
    account = web.get("/account")
    assert client.name in account.text
    rows = [form for form in account.forms.values() if form.action == "/account/revoke"]
    return next(form for form in rows if form["client_id"].value == client.client_id).submit()


@pytest.mark.requirement("RFC9700-4.14.2")
def test_the_account_page_lists_a_grant_nobody_remembered_and_revoking_it_ends_its_tokens(
    signed_in, web, web_client, web_secret
):
    tokens = signed_in.exchange(web_client, signed_in.code(web_client), web_secret).json  # no "Remember"
    assert revoke_on_account_page(web, web_client).status_int == 303
    assert refresh(web, web_client, tokens["refresh_token"], web_secret).json["error"] == "invalid_grant"
    assert call_api(web, tokens["access_token"]).status_int == 401
    assert introspect(web, web_client, web_secret, tokens["access_token"]).json == {"active": False}
    assert "No application holds access" in web.get("/account").text


def test_revoking_one_application_leaves_the_others(signed_in, web, web_client, web_secret, clients):
    other, other_secret = clients.create(
        name="Other app", client_type="confidential", grant_types=("authorization_code", "refresh_token"),
        scopes=("api:read",), redirect_uris=("https://other.example/cb",),
    )  # fmt: skip
    mine = signed_in.exchange(web_client, signed_in.code(web_client), web_secret).json
    theirs = signed_in.exchange(other, signed_in.code(other), other_secret).json
    revoke_on_account_page(web, web_client)
    assert call_api(web, mine["access_token"]).status_int == 401
    assert call_api(web, theirs["access_token"]).status_int == 200
    assert refresh(web, other, theirs["refresh_token"], other_secret).status_int == 200


@pytest.mark.requirement("RFC9700-4.14.2")
def test_a_password_change_ends_the_users_sessions_and_grants(signed_in, web, web_client, web_secret, users, alice):
    tokens = signed_in.exchange(web_client, signed_in.code(web_client), web_secret).json
    users.set_password(alice[0].username, "a brand new passphrase")
    assert web.get("/account").status_int == 303  # signed out: to the login page
    assert refresh(web, web_client, tokens["refresh_token"], web_secret).json["error"] == "invalid_grant"
    assert call_api(web, tokens["access_token"]).status_int == 401
