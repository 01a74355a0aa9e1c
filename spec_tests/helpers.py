"""Small helpers the spec tests share."""

import base64


def basic(client_id: str, secret: str) -> dict:
    """RFC 6749 §2.3.1: HTTP Basic over the form-urlencoded id and secret."""
    return {"Authorization": "Basic " + base64.b64encode(f"{client_id}:{secret}".encode()).decode()}


def raw_token_request(web, body, headers: dict):
    """A token request with a body written by hand (repeated or undecodable parameters)."""
    form = {"Content-Type": "application/x-www-form-urlencoded"}
    return web.post("/oauth2/token", body, headers={**form, **headers}, expect_errors=True)


def token_request(web, params: dict, headers: dict | None = None, **kwargs):
    return web.post("/oauth2/token", params, headers=headers or {}, expect_errors=True, **kwargs)


def issue(web, client, secret, **params) -> str:
    """A client credentials access token for `client`."""
    response = token_request(web, {"grant_type": "client_credentials", **params}, basic(client.client_id, secret))
    assert response.status_int == 200, response.text
    return response.json["access_token"]


def verify_with_pyjwt(token: str, jwks: dict, settings, leeway: float = 0):
    """Verify as an independent resource server would: PyJWT, the served JWKS,
    the key chosen by `kid`, the algorithm fixed by the key. `leeway`: seconds of
    clock difference allowed (for a test's clock moved ahead of PyJWT's)."""
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
        leeway=leeway,
        options={"require": ["iss", "sub", "aud", "exp", "iat", "jti"]},
    )


class Flow:
    """The user's side of the authorization code flow, through the real pages:
    sign in, open the authorization URL, answer the consent form. The TestApp
    keeps cookies, as a browser would."""

    def __init__(self, web, user, password):
        import base64 as _b64
        import hashlib
        import secrets as _secrets

        self.web = web
        self.user = user
        self.password = password
        self.verifier = _secrets.token_urlsafe(48)
        self.challenge = _b64.urlsafe_b64encode(hashlib.sha256(self.verifier.encode()).digest()).rstrip(b"=").decode()

    def login(self):
        form = self.web.get("/login").forms[0]
        form["username"], form["password"] = self.user.username, self.password
        response = form.submit()
        assert response.status_int == 303, response.text
        return response

    def params(self, client, **overrides) -> dict:
        params = {
            "response_type": "code",
            "client_id": client.client_id,
            "redirect_uri": client.redirect_uris[0],
            "scope": "api:read",
            "state": "xyz-state",
            "code_challenge": self.challenge,
            "code_challenge_method": "S256",
        }
        params.update(overrides)
        return {name: value for name, value in params.items() if value is not None}

    def authorize(self, client, **overrides):
        """GET the authorization endpoint; returns the response (consent page, error page or redirect)."""
        from urllib.parse import urlencode

        query = urlencode(self.params(client, **overrides), doseq=True)  # a list repeats (RFC 8707 `resource`)
        return self.web.get("/oauth2/authorize?" + query, expect_errors=True)

    def consent(self, page, decision="allow", remember=False):
        form = page.forms[0]
        if remember:
            form["remember"] = "yes"
        return form.submit("decision", value=decision, expect_errors=True)

    def code(self, client, **overrides) -> str:
        """Sign in if needed, authorize, allow: the code from the redirect."""
        from urllib.parse import urlsplit

        response = self.authorize(client, **overrides)
        if response.status_int == 303 and urlsplit(response.location).path == "/login":
            self.login()
            response = self.authorize(client, **overrides)
        if response.status_int == 200:
            response = self.consent(response)
        return redirect_params(response)["code"]

    def exchange(self, client, code, secret=None, **overrides):
        params = {
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": client.redirect_uris[0],
            "code_verifier": self.verifier,
        }
        params.update(overrides)
        params = {name: value for name, value in params.items() if value is not None}
        if secret is None:
            params["client_id"] = client.client_id
            return token_request(self.web, params)
        return token_request(self.web, params, basic(client.client_id, secret))


def redirect_params(response) -> dict:
    """The query parameters of a redirect's Location."""
    from urllib.parse import parse_qsl, urlsplit

    assert response.status_int in (302, 303), (response.status, response.text[:500])
    return dict(parse_qsl(urlsplit(response.location).query))


def refresh(web, client, refresh_token, secret=None, **params):
    body = {"grant_type": "refresh_token", "refresh_token": refresh_token, **params}
    if secret is None:
        return token_request(web, {**body, "client_id": client.client_id})
    return token_request(web, body, basic(client.client_id, secret))


def revoke(web, client, secret, token, **params):
    body = {"token": token, **params}
    if secret is None:
        return web.post("/oauth2/revoke", {**body, "client_id": client.client_id}, expect_errors=True)
    return web.post("/oauth2/revoke", body, headers=basic(client.client_id, secret), expect_errors=True)


def introspect(web, client, secret, token, **params):
    return web.post(
        "/oauth2/introspect", {"token": token, **params}, headers=basic(client.client_id, secret), expect_errors=True
    )


def call_api(web, token, **headers):
    return web.get("/api/me", headers={"Authorization": "Bearer " + token, **headers}, expect_errors=True)


# -- the device authorization grant (RFC 8628) -------------------------------------------

DEVICE_GRANT = "urn:ietf:params:oauth:grant-type:device_code"


def _as_client(client, secret, params: dict) -> tuple[dict, dict]:
    """A confidential client authenticates with HTTP Basic; a public one sends its client_id."""
    if secret is None:
        return {**params, "client_id": client.client_id}, {}
    return params, basic(client.client_id, secret)


def device_authorization(web, client, secret=None, **params):
    """RFC 8628 §3.1: the device asks for its codes (a form, even when it has no field)."""
    from urllib.parse import urlencode

    body, headers = _as_client(client, secret, params)
    form = {"Content-Type": "application/x-www-form-urlencoded"}
    return web.post("/oauth2/device_authorization", urlencode(body), headers={**form, **headers}, expect_errors=True)


def device_poll(web, client, device_code, secret=None, **params):
    """RFC 8628 §3.4: one poll of the token endpoint."""
    body, headers = _as_client(client, secret, {"grant_type": DEVICE_GRANT, "device_code": device_code, **params})
    return token_request(web, body, headers)


def enter_user_code(web, user_code: str):
    """At /device, signed in: type the code (the form's own CSRF token); the page it answers."""
    form = web.get("/device").forms[0]
    form["user_code"] = user_code
    return form.submit(expect_errors=True)


def approve_device(flow: "Flow", user_code: str, decision: str = "allow"):
    """Sign in, enter the code, and answer the consent page: the page that says what happened."""
    flow.login()
    consent = enter_user_code(flow.web, user_code)
    assert consent.status_int == 200, consent.text[:500]
    return consent.forms[0].submit("decision", value=decision, expect_errors=True)
