"""Users' profile claims (OpenID Connect Core §5.1), set through the user service, the CLI's
rules and /admin/users, and released by UserInfo."""

import pytest

from reference_as.users import UserError

from .conftest import authorize, signed_in_code


@pytest.mark.requirement("OIDC-5.1")
@pytest.mark.parametrize(
    "claims",
    [
        {"email": "not an address"},
        {"picture": "javascript:alert(1)"},
        {"locale": "english please"},
        {"name": " padded "},
        {"email_verified": True},  # no email to be verified
        {"website": "https://a.example"},  # not a claim kept here
    ],
)
def test_a_claim_without_its_form_is_refused_with_its_name(users, claims):
    with pytest.raises(UserError) as refused:
        users.create("carol", "a long enough password", profile=claims)
    assert next(iter(claims)) in str(refused.value)


@pytest.mark.requirement("OIDC-5.1")
def test_a_new_email_is_not_verified_unless_said(users, profiled, clock):
    assert profiled.profile.email_verified
    clock.advance(10)
    changed = users.edit("alice", {"email": "alice@new.example"})
    assert (changed.profile.email, changed.profile.email_verified) == ("alice@new.example", False)
    assert changed.profile.updated_at == clock.now()
    assert users.get("alice").profile == changed.profile  # stored


def test_a_user_made_again_gets_a_new_sub(users, alice):
    first = alice[0].user_id
    users.delete("alice")
    again, _ = users.create("alice", "correct horse battery")
    assert again.user_id != first


def edit_form(web, user):
    page = web.get(f"/admin/users/{user.user_id}/edit")
    return next(form for form in page.forms.values() if form.action.endswith("/edit"))


def admin_session(web, users):
    _, password = users.create("root", "an admin's long password", is_admin=True)
    form = web.get("/login").forms[0]
    form["username"], form["password"] = "root", password
    form.submit()


def test_an_administrator_edits_a_users_profile_at_admin_users(web, users, alice):
    admin_session(web, users)
    listing = web.get("/admin/users")
    assert alice[0].user_id in listing.text
    form = edit_form(web, alice[0])
    form["name"], form["email"], form["email_verified"] = "Alice L.", "alice@example.org", True
    assert form.submit().status_int == 303
    profile = users.get("alice").profile
    assert (profile.name, profile.email, profile.email_verified) == ("Alice L.", "alice@example.org", True)


def test_a_bad_claim_in_the_admin_form_is_shown_and_nothing_is_saved(web, users, alice):
    admin_session(web, users)
    form = edit_form(web, alice[0])
    form["email"] = "nope"
    refused = form.submit(expect_errors=True)
    assert refused.status_int == 400 and "email" in refused.text
    assert users.get("alice").profile.email == ""


def test_consent_and_account_pages_name_oidc_scopes_in_plain_words(flow, rp, rp_secret, web):
    flow.login()
    page = authorize(flow, rp, scope="openid email offline_access")
    assert "Sign you in with your account here" in page.text and "See your email address" in page.text
    flow.exchange(rp, signed_in_code(flow, rp, scope="openid email offline_access"), rp_secret)
    assert "Keep access while you are away" in web.get("/account").text
