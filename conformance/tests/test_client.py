"""The OAuth client inside the suite: the seed's client side done right."""

import base64
import json
from urllib.parse import parse_qsl, urlsplit

import pytest
from webob import Request, Response

from oauth_client.client import (
    AuthorizationFailed,
    Endpoints,
    InvalidState,
    OAuthClient,
    OAuthClientError,
    TokenError,
    Unauthorized,
    basic_credentials,
    s256,
)
from oauth_client.config import ClientConfig

from .servers import WSGIThread

REDIRECT = "https://app.example/wp-admin/admin.php?page=mautic&mautic_woo_oauth_callback=1"


class FakeServer:
    """A token endpoint that counts, and a resource that answers 401 `unauthorized` times."""

    def __init__(self):
        self.token_requests: list[dict] = []
        self.unauthorized = 0
        self.seen_tokens: list[str] = []

    def __call__(self, environ, start_response):
        request = Request(environ)
        if request.path == "/token":
            self.token_requests.append({**request.POST, "authorization": request.headers.get("Authorization")})
            if request.POST.get("refresh_token") == "revoked":
                response = Response(status=400, json_body={"error": "invalid_grant"})
            else:
                n = len(self.token_requests)
                response = Response(
                    json_body={
                        "access_token": f"access-token-number-{n}",
                        "token_type": "Bearer",
                        "expires_in": 100,
                        "refresh_token": f"refresh-token-number-{n}",
                    }
                )
        else:
            self.seen_tokens.append(request.headers.get("Authorization", ""))
            if self.unauthorized:
                self.unauthorized -= 1
                response = Response(status=401, headers={"WWW-Authenticate": 'Bearer error="invalid_token"'})
            else:
                response = Response(json_body={"ok": True})
        return response(environ, start_response)


@pytest.fixture
def fake():
    server = FakeServer()
    thread = WSGIThread(server)
    server.url = thread.url
    yield server
    thread.stop()


class Clock:
    def __init__(self):
        self.now = 1000.0

    def __call__(self):
        return self.now


def make_client(
    url="https://as.example",
    grants=("authorization_code", "refresh_token"),
    auth="client_secret_basic",
    clock=None,
    iss=False,
):
    config = ClientConfig("confidential", "woo shop", "p:w+d/secret-value", auth, REDIRECT, "api:read", grants)
    endpoints = Endpoints(
        issuer="https://as.example",
        authorization="https://as.example/authorize",
        token=url + "/token",
        iss_parameter=iss,
    )
    return OAuthClient(config, endpoints, clock=clock or Clock())


def callback(request, **params) -> str:
    query = "&".join(f"{k}={v}" for k, v in {"state": request.state, **params}.items() if v is not None)
    return REDIRECT + "&" + query


def test_each_authorization_request_has_a_fresh_state_and_s256_pkce():
    client = make_client()
    first, second = client.authorization_request(), client.authorization_request()
    assert first.state != second.state and len(first.state) >= 32
    params = dict(parse_qsl(urlsplit(first.url).query))
    assert params["redirect_uri"] == REDIRECT  # exactly as registered
    assert params["code_challenge"] == s256(first.code_verifier) and params["code_challenge_method"] == "S256"


def test_a_callback_with_another_state_is_invalid_oauth_state():
    client = make_client()
    request = client.authorization_request()
    with pytest.raises(InvalidState, match="Invalid OAuth state"):
        client.authorization_response(request, REDIRECT + "&code=abc&state=forged")
    with pytest.raises(InvalidState):
        client.authorization_response(request, REDIRECT + "&code=abc")
    assert client.authorization_response(request, callback(request, code="abc")) == "abc"


def test_an_error_callback_is_authorization_failed():
    client = make_client()
    request = client.authorization_request()
    with pytest.raises(AuthorizationFailed, match="OAuth2 authorization failed: access_denied"):
        client.authorization_response(request, callback(request, error="access_denied"))


def test_a_callback_at_another_uri_or_from_another_issuer_is_refused():
    client = make_client(iss=True)
    request = client.authorization_request()
    with pytest.raises(OAuthClientError, match="registered redirect URI"):
        client.authorization_response(request, "https://evil.example/cb?code=abc&state=" + request.state)
    with pytest.raises(OAuthClientError, match="mix-up"):
        client.authorization_response(request, callback(request, code="abc", iss="https://evil.example"))
    assert client.authorization_response(request, callback(request, code="abc", iss="https://as.example")) == "abc"


def test_basic_credentials_are_form_encoded_first():
    header = basic_credentials("woo shop", "p:w+d")
    assert base64.b64decode(header.removeprefix("Basic ")).decode() == "woo+shop:p%3Aw%2Bd"


def test_the_token_is_refreshed_before_it_expires(fake):
    clock = Clock()
    client = make_client(fake.url, clock=clock)
    client.exchange_code("code", client.authorization_request())
    assert client.access_token() == "access-token-number-1"
    clock.now += 30  # 70 s left: still good
    assert client.access_token() == "access-token-number-1"
    clock.now += 50  # 20 s left: refreshed first
    assert client.access_token() == "access-token-number-2"
    assert fake.token_requests[-1]["grant_type"] == "refresh_token"
    assert fake.token_requests[-1]["refresh_token"] == "refresh-token-number-1"


def test_one_retry_after_a_401_with_a_refreshed_token(fake):
    client = make_client(fake.url)
    client.exchange_code("code", client.authorization_request())
    fake.unauthorized = 1
    assert client.get(fake.url + "/api").status_code == 200
    assert fake.seen_tokens == ["Bearer access-token-number-1", "Bearer access-token-number-2"]


def test_a_second_401_is_a_clear_failure(fake):
    client = make_client(fake.url)
    client.exchange_code("code", client.authorization_request())
    fake.unauthorized = 2
    with pytest.raises(Unauthorized, match="refused the access token twice"):
        client.get(fake.url + "/api")
    assert len(fake.seen_tokens) == 2  # one retry, not more


def test_a_refused_refresh_is_a_token_error(fake):
    client = make_client(fake.url)
    client.exchange_code("code", client.authorization_request())
    client.tokens.refresh_token = "revoked"
    with pytest.raises(TokenError) as error:
        client.refresh()
    assert error.value.error == "invalid_grant" and error.value.status == 400


def test_client_authentication_methods(fake):
    basic = make_client(fake.url)
    basic.token_request({"grant_type": "client_credentials"})
    post = make_client(fake.url, auth="client_secret_post")
    post.token_request({"grant_type": "client_credentials"})
    first, second = fake.token_requests
    assert first["authorization"].startswith("Basic ") and "client_secret" not in first
    assert second["authorization"] is None and second["client_secret"] == "p:w+d/secret-value"


def test_nothing_secret_is_shown_in_full(fake):
    client = make_client(fake.url)
    client.exchange_code("code", client.authorization_request())
    shown = repr(client) + repr(client.tokens) + repr(client.config) + repr(client.authorization_request())
    for secret in ("access-token-number-1", "refresh-token-number-1", "p:w+d/secret-value"):
        assert secret not in shown
    assert json.dumps(client.tokens.raw)  # the raw response stays available to the caller
