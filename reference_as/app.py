"""The WSGI application: the only module that sees `environ`.

`make_app` builds every part once (keys, oauthlib's endpoint, the metadata
document) and returns `App`, which for each request:
  1. maps a seed-style URL to its canonical path (routes.canonical_path),
  2. finds the route, refusing unknown paths (404) and methods (405),
  3. calls the endpoint, which returns a response or raises `OAuthError`,
  4. renders any `OAuthError` through `errors.render`; anything unexpected is
     logged with its traceback and answered `server_error`, with no detail.
"""

import logging
import os
from pathlib import Path

from webob import Request, Response

from . import server
from .clock import Clock, SystemClock
from .config import Settings
from .endpoints.discovery import WELL_KNOWN, JwksEndpoint, MetadataEndpoint, metadata
from .endpoints.token import TokenEndpoint
from .errors import OAuthError, render
from .keys import Keyring
from .routes import Route, canonical_path
from .secret_box import SecretBox, load_box
from .store import Store
from .tokens import AccessTokenIssuer
from .validator import Validator

log = logging.getLogger("reference_as")


def secret_box(settings: Settings) -> SecretBox:
    """The master key: REFERENCE_AS_SECRET_KEY, else the key file (made on first use)."""
    return load_box(os.environ.get("REFERENCE_AS_SECRET_KEY"), Path(settings.secret_key_file))


class App:
    def __init__(self, settings: Settings, store: Store, keyring: Keyring, routes: dict[str, Route]):
        self.settings = settings
        self.store = store
        self.keyring = keyring
        self.routes = routes

    def __call__(self, environ, start_response):
        request = Request(environ)
        try:
            response = self.respond(request)
        except OAuthError as error:
            response = render(error)
        except Exception:
            log.exception("unhandled error on %s %s", request.method, request.path)
            response = render(OAuthError("server_error"))
        return response(environ, start_response)

    def respond(self, request: Request) -> Response:
        canonical_path(request, self.settings.seed_routes)
        route = self.routes.get(request.path_info)
        if route is None:
            raise OAuthError("invalid_request", f"Nothing is served at {request.path_info}.", status=404)
        if request.method not in route.methods:
            allowed = ", ".join(route.methods)
            raise OAuthError(
                "invalid_request",
                f"{request.path_info} accepts {allowed} only.",
                status=405,
                headers={"Allow": allowed},
            )
        return route.endpoint(request)


def make_app(settings: Settings, store: Store, clock: Clock | None = None, box: SecretBox | None = None) -> App:
    clock = clock or SystemClock()
    keyring = Keyring(store, box or secret_box(settings), clock, settings)
    keyring.ensure_active()
    issuer = AccessTokenIssuer(settings, store, keyring, clock)
    oauthlib_token = server.token_endpoint(Validator(store, settings), issuer)
    routes = {
        WELL_KNOWN: Route(MetadataEndpoint(metadata(settings, server.GRANT_TYPES_SUPPORTED)), ("GET", "HEAD")),
        "/oauth2/jwks": Route(JwksEndpoint(keyring), ("GET", "HEAD")),
        "/oauth2/token": Route(
            TokenEndpoint(oauthlib_token, server.GRANT_TYPES_SUPPORTED, settings.max_body_bytes), ("POST",)
        ),
    }
    return App(settings, store, keyring, routes)
