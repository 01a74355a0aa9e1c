"""OpenID Connect Core 1.0 §5.3, §5.4: the UserInfo endpoint, claims by scope, RFC 6750 errors."""

import pytest

from .conftest import id_token_claims, signed_in_code


def tokens(flow, rp, rp_secret, scope):
    return flow.exchange(rp, signed_in_code(flow, rp, scope=scope), rp_secret).json


def userinfo(web, token, method="GET"):
    headers = {"Authorization": "Bearer " + token}
    if method == "POST":
        return web.post("/oauth2/userinfo", headers=headers, expect_errors=True)
    return web.get("/oauth2/userinfo", headers=headers, expect_errors=True)


@pytest.mark.requirement("OIDC-5.3.2")
@pytest.mark.parametrize("method", ["GET", "POST"])
def test_userinfo_answers_sub_equal_to_the_id_tokens_and_the_profile_and_email_claims(
    flow, rp, rp_secret, web, settings, profiled, method
):
    answer = tokens(flow, rp, rp_secret, "openid profile email")
    info = userinfo(web, answer["access_token"], method)
    assert info.status_int == 200 and info.content_type == "application/json"
    assert info.headers["Cache-Control"] == "no-store"
    assert info.json["sub"] == id_token_claims(web, answer["id_token"], rp.client_id, settings)["sub"]
    assert info.json["sub"] == profiled.user_id
    assert info.json["name"] == "Alice Liddell" and info.json["preferred_username"] == "alice"
    assert info.json["email"] == "alice@example.org" and info.json["email_verified"] is True
    assert info.json["updated_at"] == profiled.profile.updated_at


@pytest.mark.requirement("OIDC-5.4")
def test_claims_follow_the_scopes_granted(flow, rp, rp_secret, web, profiled):
    only_openid = userinfo(web, tokens(flow, rp, rp_secret, "openid")["access_token"]).json
    assert only_openid == {"sub": profiled.user_id}
    email = userinfo(web, tokens(flow, rp, rp_secret, "openid email")["access_token"]).json
    assert set(email) == {"sub", "email", "email_verified"}
    profile = userinfo(web, tokens(flow, rp, rp_secret, "openid profile")["access_token"]).json
    assert "email" not in profile and profile["name"] == "Alice Liddell"


@pytest.mark.requirement("OIDC-5.3.2")
def test_a_claim_without_a_value_is_left_out(flow, rp, rp_secret, web, alice):
    info = userinfo(web, tokens(flow, rp, rp_secret, "openid profile email")["access_token"]).json
    assert info == {"sub": alice[0].user_id, "preferred_username": "alice"}


@pytest.mark.requirement("RFC6750-2.2")
def test_the_token_may_come_in_a_post_body_but_not_twice(flow, rp, rp_secret, web, alice):
    token = tokens(flow, rp, rp_secret, "openid")["access_token"]
    assert web.post("/oauth2/userinfo", {"access_token": token}).json["sub"] == alice[0].user_id
    both = web.post(
        "/oauth2/userinfo", {"access_token": token}, headers={"Authorization": "Bearer " + token}, expect_errors=True
    )
    assert both.status_int == 400 and both.json["error"] == "invalid_request"


@pytest.mark.requirement("OIDC-5.3.3")
@pytest.mark.requirement("RFC6750-3.1")
def test_a_token_without_openid_is_insufficient_scope_403_naming_openid(flow, rp, rp_secret, web):
    token = flow.exchange(rp, flow.code(rp, scope="api:read"), rp_secret).json["access_token"]
    refused = userinfo(web, token)
    assert refused.status_int == 403 and refused.json["error"] == "insufficient_scope"
    challenge = refused.headers["WWW-Authenticate"]
    assert (
        challenge.startswith("Bearer ") and 'error="insufficient_scope"' in challenge and 'scope="openid"' in challenge
    )


@pytest.mark.requirement("OIDC-5.3.3")
@pytest.mark.requirement("RFC6750-3.1")
def test_no_token_is_a_bare_challenge_and_a_bad_one_invalid_token(web):
    bare = web.get("/oauth2/userinfo", expect_errors=True)
    assert bare.status_int == 401 and bare.headers["WWW-Authenticate"] == 'Bearer realm="reference-as"'
    bad = userinfo(web, "not.a.token")
    assert bad.status_int == 401 and 'error="invalid_token"' in bad.headers["WWW-Authenticate"]


def test_a_token_of_a_deleted_user_is_invalid(flow, rp, rp_secret, web, users):
    token = tokens(flow, rp, rp_secret, "openid")["access_token"]
    users.delete("alice")
    refused = userinfo(web, token)
    assert refused.status_int == 401 and refused.json["error"] == "invalid_token"
