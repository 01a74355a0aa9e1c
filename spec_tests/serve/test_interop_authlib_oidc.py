"""Interoperability: an independent OpenID Connect relying party, Authlib's client
(1.9, the framework-free core its Flask and Starlette clients share), signs a user
in against the real server from its Discovery document alone.

Authlib builds the authentication request (state, nonce, PKCE S256), redeems the
code, and validates the ID Token itself (`OpenIDMixin.parse_id_token`: signature
with the JWKS key the header names, among the discovered signing algorithms;
`iss` from Discovery, `aud` the client, `exp`, `iat`, `nonce`, `at_hash`,
`auth_time`); then it calls UserInfo with the access token, refreshes (an
offline_access grant: a new ID Token, OIDC Core §12.2, validated the same way)
and builds the RP-initiated logout URL. The user signs in and consents through
the server's forms with a plain `requests` user agent (forms.py).
"""

import pytest
import requests
from authlib.integrations.base_client import BaseApp, OAuth2Mixin, OpenIDMixin
from authlib.integrations.requests_client import OAuth2Session

from .forms import TIMEOUT, only_form, redirect_params, sign_in_and_consent

SCOPE = "openid profile email offline_access"


class RelyingParty(OAuth2Mixin, OpenIDMixin, BaseApp):
    """Authlib's client for any framework, over requests."""

    client_cls = OAuth2Session


@pytest.fixture
def insecure_loopback(monkeypatch):
    """Authlib refuses http:// redirect responses; the live server is on loopback (RFC 8252 §7.3)."""
    monkeypatch.setenv("AUTHLIB_INSECURE_TRANSPORT", "1")


@pytest.mark.requirement("OIDC-3.1.3.7")
@pytest.mark.requirement("OIDC-5.3.2")
@pytest.mark.requirement("OIDC-12.2")
@pytest.mark.requirement("OIDC-LOGOUT-3")
def test_authlib_signs_a_user_in_validates_the_id_token_calls_userinfo_refreshes_and_logs_out(
    live_server, insecure_loopback
):
    user, password = live_server.create_user("grace")
    live_server.cli("users", "edit", "grace", "--name", "Grace Hopper", "--email", "grace@example.org")
    redirect_uri, logged_out = "http://127.0.0.1:8001/callback", "http://127.0.0.1:8001/bye"
    client = live_server.cli(
        "clients", "create", "--name", "Authlib RP", "--grant", "authorization_code", "--grant", "refresh_token",
        *[arg for scope in SCOPE.split() for arg in ("--scope", scope)],
        "--redirect-uri", redirect_uri, "--post-logout-redirect-uri", logged_out,
    )  # fmt: skip
    rp = RelyingParty(
        None,
        client_id=client["client_id"],
        client_secret=client["client_secret"],
        server_metadata_url=live_server.url + "/.well-known/openid-configuration",
        client_kwargs={"scope": SCOPE, "code_challenge_method": "S256", "timeout": TIMEOUT},
    )

    request = rp.create_authorization_url(redirect_uri=redirect_uri)
    assert request["nonce"] and request["code_verifier"]
    with requests.Session() as agent:
        location = sign_in_and_consent(live_server, request["url"], "grace", password, agent)
        returned = redirect_params(location)
        assert returned["state"] == request["state"]
        token = rp.fetch_access_token(
            redirect_uri=redirect_uri, code=returned["code"], code_verifier=request["code_verifier"]
        )
        id_claims = rp.parse_id_token(token, nonce=request["nonce"])  # raises on any failed check
        assert id_claims["sub"] == user["user_id"] and id_claims["aud"] == client["client_id"]
        assert id_claims["nonce"] == request["nonce"] and id_claims["at_hash"] and id_claims["auth_time"]

        info = rp.userinfo(token=token)
        assert info["sub"] == id_claims["sub"]
        assert (info["name"], info["email"], info["email_verified"]) == ("Grace Hopper", "grace@example.org", False)

        metadata = rp.load_server_metadata()
        with OAuth2Session(client["client_id"], client["client_secret"], timeout=TIMEOUT) as session:
            refreshed = session.refresh_token(metadata["token_endpoint"], refresh_token=token["refresh_token"])
        again = rp.parse_id_token(refreshed, nonce=None)
        assert (again["sub"], again["auth_time"]) == (id_claims["sub"], id_claims["auth_time"])
        assert "nonce" not in again

        logout = rp.create_logout_url(post_logout_redirect_uri=logged_out, id_token_hint=token["id_token"])
        page = agent.get(logout["url"], timeout=TIMEOUT)
        assert page.status_code == 200
        form = only_form(page.text)
        back = agent.post(
            live_server.url + form.action, data={**form.hidden(), "decision": "logout"}, allow_redirects=False
        )
        assert back.status_code == 303
        assert back.headers["Location"].startswith(logged_out + "?")
        assert redirect_params(back.headers["Location"]) == {"state": logout["state"]}
        # Signed out: the account page asks for a sign-in again.
        assert agent.get(live_server.url + "/account", allow_redirects=False).status_code == 303
