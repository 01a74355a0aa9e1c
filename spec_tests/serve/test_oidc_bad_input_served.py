"""OpenID Connect bad input against the real server (Granian in front): each answered with
the spec's error code, never a 5xx, also where the request is large."""

from urllib.parse import urlencode

import pytest
import requests

from .forms import TIMEOUT, pkce_pair, redirect_params


@pytest.mark.requirement("OIDC-3.1.2.6")
def test_bad_openid_requests_are_redirected_with_their_error_codes_by_the_served_server(live_server):
    client = live_server.cli(
        "clients", "create", "--name", "RP", "--grant", "authorization_code", "--scope", "openid",
        "--redirect-uri", "https://rp.example/cb",
    )  # fmt: skip
    _, challenge = pkce_pair()
    base = {
        "response_type": "code", "client_id": client["client_id"], "redirect_uri": "https://rp.example/cb",
        "scope": "openid", "state": "s1", "code_challenge": challenge, "code_challenge_method": "S256",
    }  # fmt: skip
    for extra, error in (
        ({"prompt": "none"}, "login_required"),  # nobody signed in
        ({"prompt": "sometimes"}, "invalid_request"),
        ({"max_age": "an hour"}, "invalid_request"),
        ({"nonce": "n" * 10_000}, "invalid_request"),
        ({"id_token_hint": "e30.e30.e30"}, "invalid_request"),
        ({"request": "e30.e30."}, "request_not_supported"),
    ):
        url = live_server.url + "/oauth2/authorize?" + urlencode({**base, **extra})
        answer = requests.get(url, allow_redirects=False, timeout=TIMEOUT)
        assert answer.status_code == 303, (extra, answer.status_code)
        reply = redirect_params(answer.headers["Location"])
        assert (reply["error"], reply["state"]) == (error, "s1"), extra
    refused = requests.post(live_server.url + "/oauth2/userinfo", data={"access_token": "x" * 50_000}, timeout=TIMEOUT)
    assert refused.status_code == 401 and 'error="invalid_token"' in refused.headers["WWW-Authenticate"]
