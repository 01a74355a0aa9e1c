"""Helpers for the registration tests (RFC 7591, RFC 7592)."""

import json

PUBLIC_APP = {
    "client_name": "Notes for the desktop",
    "redirect_uris": ["http://127.0.0.1:8001/callback"],
    "grant_types": ["authorization_code", "refresh_token"],
    "token_endpoint_auth_method": "none",
    "scope": "api:read",
}


def register(web, metadata: dict, headers: dict | None = None, **environ):
    """POST /oauth2/register with `metadata` as its JSON body."""
    return register_raw(web, json.dumps(metadata).encode(), headers=headers, **environ)


def register_raw(web, body: bytes, content_type: str = "application/json", headers: dict | None = None, **environ):
    return web.post(
        "/oauth2/register",
        body,
        headers={"Content-Type": content_type, **(headers or {})},
        extra_environ=environ or None,
        expect_errors=True,
    )


def app_with(settings, store, clock, box, **changes):
    """A TestApp of the server with `changes` to the test settings."""
    import dataclasses

    from webtest import TestApp

    from reference_as.app import make_app

    return TestApp(make_app(dataclasses.replace(settings, **changes), store, clock, box))


def bearer(token: str) -> dict:
    return {"Authorization": "Bearer " + token}


def configuration_path(registered: dict) -> str:
    """The path of `registration_client_uri` (the TestApp speaks to the app, not to a host)."""
    from urllib.parse import urlsplit

    return urlsplit(registered["registration_client_uri"]).path
