"""OpenID Connect Core 1.0 §11 (offline access) and §12.2 (the ID Token of a refresh)."""

import pytest

from spec_tests.helpers import redirect_params, refresh

from .conftest import authorize, id_token_claims, left_half_sha256, signed_in_code


@pytest.mark.requirement("OIDC-11")
def test_with_openid_a_refresh_token_comes_only_with_offline_access(flow, rp, rp_secret):
    without = flow.exchange(rp, signed_in_code(flow, rp, scope="openid profile"), rp_secret).json
    assert "refresh_token" not in without
    with_offline = flow.exchange(rp, signed_in_code(flow, rp, scope="openid offline_access"), rp_secret).json
    assert with_offline["refresh_token"]


def test_without_openid_refresh_tokens_follow_the_oauth_rules_as_before(flow, rp, rp_secret):
    assert flow.exchange(rp, flow.code(rp, scope="api:read"), rp_secret).json["refresh_token"]


@pytest.mark.parametrize("grant_types", [("authorization_code", "refresh_token"), ("authorization_code",)])
def test_offline_access_is_allowed_to_exactly_the_clients_that_may_refresh(flow, clients, grant_types):
    """A client registered without `offline_access` among its scopes (an MCP client's metadata
    document, say) may still ask for it when its grant types include refresh_token."""
    app, secret = clients.create(
        name="API app",
        client_type="confidential",
        grant_types=grant_types,
        scopes=("api:read", "openid"),
        redirect_uris=("https://app.example/cb",),
    )
    flow.login()
    answer = redirect_params(authorize(flow, app, scope="openid offline_access", prompt="none"))
    expected = "consent_required" if "refresh_token" in grant_types else "invalid_scope"
    assert answer["error"] == expected, answer


@pytest.mark.requirement("OIDC-11")
def test_consent_to_offline_access_is_always_asked_even_when_remembered(flow, rp):
    flow.login()
    flow.consent(authorize(flow, rp, scope="openid offline_access"), remember=True)
    assert authorize(flow, rp, scope="openid").status_int == 303  # the remembered decision answers
    again = authorize(flow, rp, scope="openid offline_access")
    assert again.status_int == 200 and again.forms[0].action == "/oauth2/authorize"
    assert redirect_params(authorize(flow, rp, scope="openid offline_access", prompt="none"))["error"] == (
        "consent_required"
    )


@pytest.fixture
def first(flow, rp, rp_secret, clock):
    flow.login()
    clock.advance(7)
    return flow.exchange(rp, signed_in_code(flow, rp, scope="openid offline_access", nonce="first-nonce"), rp_secret)


@pytest.mark.requirement("OIDC-12.2")
def test_a_refresh_returns_a_new_id_token_for_the_same_user_client_and_sign_in(
    first, web, rp, rp_secret, settings, clock
):
    before = id_token_claims(web, first.json["id_token"], rp.client_id, settings)
    clock.advance(60)
    answer = refresh(web, rp, first.json["refresh_token"], rp_secret).json
    after = id_token_claims(web, answer["id_token"], rp.client_id, settings)
    assert (after["iss"], after["sub"], after["aud"]) == (before["iss"], before["sub"], before["aud"])
    assert after["auth_time"] == before["auth_time"]  # the original sign-in, not the refresh
    assert after["iat"] == clock.now() > before["iat"]
    assert "nonce" not in after  # OIDC-12.2 SHOULD NOT
    assert after["at_hash"] == left_half_sha256(answer["access_token"])


def test_a_refresh_narrowed_to_drop_openid_gives_no_id_token(first, web, rp, rp_secret):
    answer = refresh(web, rp, first.json["refresh_token"], rp_secret, scope="offline_access").json
    assert "id_token" not in answer and answer["scope"] == "offline_access"
