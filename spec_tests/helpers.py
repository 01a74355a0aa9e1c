"""Small helpers the spec tests share."""

import base64


def basic(client_id: str, secret: str) -> dict:
    """RFC 6749 §2.3.1: HTTP Basic over the form-urlencoded id and secret."""
    return {"Authorization": "Basic " + base64.b64encode(f"{client_id}:{secret}".encode()).decode()}


def token_request(web, params: dict, headers: dict | None = None, **kwargs):
    return web.post("/oauth2/token", params, headers=headers or {}, expect_errors=True, **kwargs)


def issue(web, client, secret, **params) -> str:
    """A client credentials access token for `client`."""
    response = token_request(web, {"grant_type": "client_credentials", **params}, basic(client.client_id, secret))
    assert response.status_int == 200, response.text
    return response.json["access_token"]


def verify_with_pyjwt(token: str, jwks: dict, settings):
    """Verify as an independent resource server would: PyJWT, the served JWKS,
    the key chosen by `kid`, the algorithm fixed by the key."""
    import jwt

    kid = jwt.get_unverified_header(token)["kid"]
    jwk = next(key for key in jwks["keys"] if key["kid"] == kid)
    key = jwt.PyJWK(jwk)
    return jwt.decode(
        token,
        key.key,
        algorithms=[jwk["alg"]],
        audience=settings.resource_audience,
        issuer=settings.issuer,
        options={"require": ["iss", "sub", "aud", "exp", "iat", "jti"]},
    )
