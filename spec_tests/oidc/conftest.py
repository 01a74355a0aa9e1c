"""An OpenID Connect relying party registered with the server, and helpers to read its ID Tokens."""

import base64
import hashlib
from urllib.parse import urlencode

import jwt
import pytest

from spec_tests.helpers import redirect_params

REDIRECT_URI = "https://rp.example/cb"
LOGGED_OUT = "https://rp.example/bye"
SCOPES = ("api:read", "openid", "profile", "email", "offline_access")


@pytest.fixture
def rp_app(clients):
    """A confidential relying party: (client, secret)."""
    return clients.create(
        name="Sign-in app",
        client_type="confidential",
        grant_types=("authorization_code", "refresh_token"),
        scopes=SCOPES,
        redirect_uris=(REDIRECT_URI,),
        post_logout_redirect_uris=(LOGGED_OUT,),
    )


@pytest.fixture
def rp(rp_app):
    return rp_app[0]


@pytest.fixture
def rp_secret(rp_app):
    return rp_app[1]


@pytest.fixture
def profiled(users, alice):
    """alice with a name and a verified email."""
    user, _ = alice
    return users.edit(user.username, {"name": "Alice Liddell", "email": "alice@example.org", "email_verified": True})


def jwks(web) -> dict:
    return web.get("/oauth2/jwks").json


def id_token_claims(web, token: str, client_id: str, settings, leeway: int = 600) -> dict:
    """As an independent relying party reads it (OIDC Core §3.1.3.7): PyJWT, the served
    JWKS, the key by kid, its algorithm; iss, aud, exp, iat required. `leeway`: the
    tests' clock may have been moved ahead of the real time PyJWT compares with."""
    header = jwt.get_unverified_header(token)
    key = next(k for k in jwks(web)["keys"] if k["kid"] == header["kid"])
    return jwt.decode(
        token,
        jwt.PyJWK(key).key,
        algorithms=[key["alg"]],
        audience=client_id,
        issuer=settings.issuer,
        options={"require": ["iss", "sub", "aud", "exp", "iat"]},
        leeway=leeway,
    )


def left_half_sha256(value: str) -> str:
    """OIDC Core §3.1.3.6, computed independently of the server's code."""
    digest = hashlib.sha256(value.encode("ascii")).digest()
    return base64.urlsafe_b64encode(digest[:16]).rstrip(b"=").decode()


def authorize(flow, client, **overrides):
    """GET the authorization endpoint with an OpenID Connect request (scope openid by default)."""
    params = flow.params(client, **{"scope": "openid", **overrides})
    return flow.web.get("/oauth2/authorize?" + urlencode(params), expect_errors=True)


def signed_in_code(flow, client, **overrides) -> str:
    """Sign in if needed, authorize with openid, allow: the code."""
    return flow.code(client, **{"scope": "openid", **overrides})


def redirected_error(response) -> str:
    return redirect_params(response)["error"]
