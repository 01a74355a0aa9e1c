"""Interoperability: an independent client library, requests-oauthlib (over
oauthlib's client side), completes the authorization code flow with PKCE and
a refresh against the real server. The user signs in and consents with a plain
`requests` user agent reading the server's forms (forms.py); the library builds
the authorization URL, checks `state`, redeems the code and refreshes. Tokens
are verified by PyJWT against the served JWKS.

How requests-oauthlib 2 authenticates at the token endpoint, made explicit here:
`fetch_token` without `auth` and without `include_client_id=True` sends HTTP
Basic (client_id, client_secret or ""), and `refresh_token` sends no client
authentication at all unless given `auth`. So the confidential client passes
`auth=HTTPBasicAuth(...)` to both (client_secret_basic), and the public client
passes `include_client_id=True` / `client_id=...` (its id in the body, no
Authorization header: RFC 6749 §3.2.1, §2.3).
"""

import pytest
import requests
from requests.auth import HTTPBasicAuth
from requests_oauthlib import OAuth2Session

from .forms import TIMEOUT, create_client, metadata, redirect_params, sign_in_and_consent, verify

REQUIRED = ("iss", "sub", "aud", "exp", "iat", "jti", "client_id", "scope")

SCOPE = ["api:read"]


@pytest.fixture
def insecure_loopback(monkeypatch):
    """oauthlib refuses http:// URLs; the live server is on loopback (RFC 8252 §7.3)."""
    monkeypatch.setenv("OAUTHLIB_INSECURE_TRANSPORT", "1")


def record_token_requests(session: OAuth2Session) -> list:
    """The token endpoint requests the library sent (to check how it authenticated)."""
    sent = []

    def hook(response):
        sent.append(response.request)
        return response

    session.register_compliance_hook("access_token_response", hook)
    session.register_compliance_hook("refresh_token_response", hook)
    return sent


def body_of(prepared) -> dict:
    from urllib.parse import parse_qsl

    body = prepared.body.decode() if isinstance(prepared.body, bytes) else prepared.body
    return dict(parse_qsl(body))


def run_flow(server, client: dict, user: dict, password: str, fetch_kwargs: dict, refresh_kwargs: dict):
    meta = metadata(server)
    oauth = OAuth2Session(client["client_id"], redirect_uri=client["redirect_uris"][0], scope=SCOPE, pkce="S256")
    sent = record_token_requests(oauth)
    url, state = oauth.authorization_url(meta["authorization_endpoint"])

    location = sign_in_and_consent(server, url, user["username"], password)
    returned = redirect_params(location)
    assert location.startswith(client["redirect_uris"][0] + "?")
    assert returned["state"] == state and returned["iss"] == meta["issuer"]  # RFC 6749 §4.1.2, RFC 9207 §2

    token = oauth.fetch_token(meta["token_endpoint"], authorization_response=location, timeout=TIMEOUT, **fetch_kwargs)
    assert token["token_type"] == "Bearer"
    assert token["access_token"] and token["refresh_token"]
    assert token["scope"] == SCOPE
    claims = verify(server, token["access_token"], REQUIRED)
    assert claims["sub"] == user["user_id"]
    assert claims["client_id"] == client["client_id"]
    assert claims["scope"] == "api:read"
    # The code was redeemed with the verifier the library made (RFC 7636 §4.5).
    assert body_of(sent[0])["code_verifier"] == oauth._code_verifier

    refreshed = oauth.refresh_token(meta["token_endpoint"], timeout=TIMEOUT, **refresh_kwargs)
    assert refreshed["token_type"] == "Bearer"
    assert refreshed["refresh_token"] != token["refresh_token"]  # rotated (RFC 9700 §4.14.2)
    assert refreshed["access_token"] != token["access_token"]
    new_claims = verify(server, refreshed["access_token"], REQUIRED)
    assert (new_claims["sub"], new_claims["client_id"], new_claims["scope"]) == (
        user["user_id"],
        client["client_id"],
        "api:read",
    )
    # The spent refresh token no longer works.
    again = requests.post(
        meta["token_endpoint"],
        data={"grant_type": "refresh_token", "refresh_token": token["refresh_token"], "client_id": client["client_id"]},
        auth=refresh_kwargs.get("auth"),
        timeout=TIMEOUT,
    )
    assert again.status_code == 400 and again.json()["error"] == "invalid_grant"
    return sent


@pytest.mark.requirement("RFC6749-4.1.3")
@pytest.mark.requirement("RFC6749-2.3.1")
@pytest.mark.requirement("RFC7636-4.6")
@pytest.mark.requirement("RFC6749-6")
def test_requests_oauthlib_completes_the_code_flow_with_pkce_as_a_confidential_client_with_basic_auth(
    live_server, insecure_loopback
):
    user, password = live_server.create_user()
    client = create_client(live_server, "confidential")
    basic = HTTPBasicAuth(client["client_id"], client["client_secret"])  # client_secret_basic

    sent = run_flow(live_server, client, user, password, {"auth": basic}, {"auth": basic})

    assert len(sent) == 2
    for request in sent:
        assert request.headers["Authorization"].startswith("Basic ")
        assert "client_secret" not in body_of(request)  # Basic only, not both (RFC 6749 §2.3.1)


@pytest.mark.requirement("RFC6749-3.2.1")
@pytest.mark.requirement("RFC7636-4.6")
@pytest.mark.requirement("RFC6749-6")
def test_requests_oauthlib_completes_the_code_flow_with_pkce_as_a_public_client(live_server, insecure_loopback):
    user, password = live_server.create_user("bob")
    client = create_client(live_server, "public")

    sent = run_flow(
        live_server,
        client,
        user,
        password,
        {"include_client_id": True},  # else the library sends Basic with an empty secret
        {"client_id": client["client_id"]},
    )

    assert len(sent) == 2
    for request in sent:
        assert "Authorization" not in request.headers
        assert body_of(request)["client_id"] == client["client_id"]
        assert "client_secret" not in body_of(request)
