"""The WSGI application: the only module that sees `environ`.

`make_app` builds every part once (keys, oauthlib's endpoints, the metadata
document, the templates) and returns `App`, which for each request:
  1. checks that the path and the query are UTF-8 (400 otherwise) and maps a
     seed-style URL to its canonical path (routes.canonical_path),
  2. finds the route, refusing unknown paths (404) and methods (405); a HEAD
     request is handled as the GET it stands for and answered without the body
     (RFC 9110 §9.3.2), by every route alike,
  3. calls the endpoint, which returns a response or raises `OAuthError`,
  4. renders any `OAuthError`: as JSON (errors.render) for the protocol
     endpoints, as an HTML page for the pages people see; anything unexpected
     is logged with its traceback and answered `server_error` the same way,
     with no detail. Rendering an error cannot fail in its turn: if even the
     page fails, a plain-text answer with the same status goes out.
"""

import logging
import os
from pathlib import Path

from webob import Request, Response

from . import server
from .access_tokens import AccessTokenValidator
from .admin.pages import AdminPages
from .client_checks.observe import ObservedAuthorization, ObservedResource, ObservedToken
from .client_checks.service import ClientChecks
from .clients import ClientService
from .clock import Clock, SystemClock
from .config import OFF, Settings
from .endpoints.authorize import AuthorizationEndpoint
from .endpoints.device_authorization import DeviceAuthorizationEndpoint
from .endpoints.device_verification import DeviceVerificationPage
from .endpoints.discovery import OPENID_CONFIGURATION, WELL_KNOWN, JwksEndpoint, MetadataEndpoint, metadata
from .endpoints.end_session import EndSessionEndpoint
from .endpoints.login import LoginPages
from .endpoints.protocol import FormEndpoint
from .endpoints.registration import PATH as REGISTRATION
from .endpoints.registration import Registrations
from .endpoints.resource import ProtectedResource, ResourceMetadataEndpoint, me
from .endpoints.static import StaticFile
from .endpoints.token import TokenEndpoint
from .endpoints.userinfo import userinfo
from .errors import OAuthError, render
from .form import check_query
from .id_token_hints import IdTokenHints
from .keys import Keyring
from .metadata_documents import MetadataDocuments
from .outbound import Fetcher, Limits
from .pages import page, redirect
from .policy import rfc9728_resource_metadata as rfc9728
from .policy.oidc_core_scopes import OPENID
from .policy.rfc6749_clients import GRANT_TYPES
from .resources import Resources
from .routes import Route, canonical_path, find, request_path
from .secret_box import SecretBox, load_box
from .sessions import Sessions
from .shown_once import ShownOnce
from .store import Store
from .tokens import TokenIssuer
from .trace import printable
from .users import UserService
from .validator import Validator

log = logging.getLogger("reference_as")


def secret_box(settings: Settings, store: Store) -> SecretBox:
    """The master key: REFERENCE_AS_SECRET_KEY, else the key file, which is made only on
    first start: a store that holds sealed keys is never given a new master key."""
    first_start = not store.signing_keys()
    return load_box(os.environ.get("REFERENCE_AS_SECRET_KEY"), Path(settings.secret_key_file), create=first_start)


def render_page(error: OAuthError) -> Response:
    return page("error.html", error.status, heading="Something is wrong with this request", message=error.description)


def render_error(error: OAuthError, route: Route | None) -> Response:
    """The error as the route's clients read it: a page for people, JSON for programs."""
    try:
        return render_page(error) if route and route.html else render(error)
    except Exception:  # a broken template, say: the answer must still go out
        log.exception("rendering the error %s failed", error.error)
        return Response(status=error.status, body=error.description.encode(), content_type="text/plain")


class App:
    def __init__(self, settings: Settings, routes: dict[str, Route], tracer=None):
        self.settings = settings
        self.routes = routes
        self.tracer = tracer

    def __call__(self, environ, start_response):
        request = Request(environ)
        method = request.method
        if method == "HEAD":
            request.method = "GET"  # RFC 9110 §9.3.2: the same answer as GET, without the body
        if self.tracer and (request.content_length or 0) <= self.settings.max_body_bytes:
            request.make_body_seekable()  # the tracer reads the body again afterwards (a longer one is refused unread)
        path, is_utf8 = request_path(environ)
        route = find(self.routes, path)  # found before anything can fail: it decides how errors look
        try:
            if not is_utf8:
                raise OAuthError("invalid_request", "The path is not valid UTF-8.")
            check_query(request)
            canonical_path(request, self.settings.seed_routes)
            route = find(self.routes, request.path_info)
            response = self.respond(request, route)
        except OAuthError as error:
            response = render_error(error, route)
        except Exception:
            log.exception("unhandled error on %s %s", method, printable(path))
            response = render_error(OAuthError("server_error"), route)
        request.method = method  # webob leaves out the body of a HEAD response
        if self.tracer:
            self.tracer(request, response)
        return response(environ, start_response)

    def runs_long(self, environ: dict) -> bool:
        """Whether this request is a POST to a route that `runs_long` (asked by serve.py
        before the app is called, to choose the thread that runs it)."""
        if environ["REQUEST_METHOD"] != "POST":
            return False
        route = find(self.routes, environ["PATH_INFO"])
        return route is not None and route.runs_long

    @staticmethod
    def respond(request: Request, route: Route | None) -> Response:
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


def make_app(
    settings: Settings, store: Store, clock: Clock | None = None, box: SecretBox | None = None, tracer=None
) -> App:
    clock = clock or SystemClock()
    box = box or secret_box(settings, store)
    keyring = Keyring(store, box, clock, settings)
    keyring.ensure_active()
    resources = Resources(store, settings, clock)
    access_tokens = AccessTokenValidator(settings, store, keyring, clock, resources)
    validator = Validator(store, settings, clock, access_tokens)
    oauthlib = server.OAuthlibEndpoints(validator, TokenIssuer(settings, store, keyring, clock, resources), settings)
    sessions = Sessions(store, clock, settings, box.derive_key("reference-as session cookie"))
    users = UserService(store, settings, clock)
    pages = LoginPages(store, users, sessions, settings, clock)
    clients = ClientService(store, settings, clock)
    documents = MetadataDocuments(clients, Fetcher(Limits.from_settings(settings), clock), settings)
    grant_types, limit = GRANT_TYPES, settings.max_body_bytes
    read, form, both = ("GET", "HEAD"), ("POST",), ("GET", "HEAD", "POST")
    hints = IdTokenHints(settings, keyring)
    authorization = AuthorizationEndpoint(
        oauthlib.authorization, store, sessions, settings, clock, hints, resources, documents
    )
    checks = ClientChecks(store, settings, clock)  # a client under check is observed at these three
    published = MetadataEndpoint(metadata(settings, grant_types), resources)
    sample = settings.sample_resource
    sample_metadata = rfc9728.document(sample, settings.issuer, settings.scopes, "reference-as sample resource")
    routes = {
        WELL_KNOWN: Route(published, read),
        OPENID_CONFIGURATION: Route(published, read),  # the same document (OIDC Discovery §4)
        "/oauth2/jwks": Route(JwksEndpoint(keyring), read),
        "/oauth2/authorize": Route(ObservedAuthorization(authorization, checks, limit), both, html=True),
        "/oauth2/token": Route(ObservedToken(TokenEndpoint(oauthlib.token, grant_types, limit), checks, limit), form),
        "/oauth2/revoke": Route(FormEndpoint(oauthlib.revocation.create_revocation_response, limit), form),
        "/oauth2/introspect": Route(FormEndpoint(oauthlib.introspection.create_introspect_response, limit), form),
        "/oauth2/device_authorization": Route(
            DeviceAuthorizationEndpoint(oauthlib.device_grant, store, settings, clock), form
        ),
        "/device": Route(DeviceVerificationPage(store, sessions, settings, clock), both, html=True),
        "/api/me": Route(
            ObservedResource(
                ProtectedResource(
                    access_tokens, settings.scope_prefix + "read", me(store), sample, rfc9728.metadata_url(sample)
                ),
                checks,
                limit,
            ),
            read,
        ),
        rfc9728.metadata_path(sample): Route(ResourceMetadataEndpoint(sample_metadata), read),
        # OIDC Core §5.3: UserInfo is the authorization server's own resource, for tokens
        # of the default audience.
        "/oauth2/userinfo": Route(
            ObservedResource(
                ProtectedResource(access_tokens, OPENID, userinfo(store), settings.resource_audience, None, limit),
                checks,
                limit,
            ),
            both,
        ),
        "/oauth2/logout": Route(EndSessionEndpoint(store, sessions, settings, hints), both, html=True),
        "/login": Route(pages.login, both, html=True, runs_long=True),
        "/logout": Route(pages.logout, both, html=True),
        "/account": Route(pages.account, read, html=True),
        "/account/revoke": Route(pages.revoke_access, form, html=True),
        "/admin": Route(lambda request: redirect("/admin/"), read),
        "/admin/": Route(
            AdminPages(
                store, clients, resources, keyring, sessions, settings, ShownOnce(store, box, clock), users, checks
            ),
            both,
            html=True,
            runs_long=True,
        ),
        # Browsers ask for it on every page: an empty answer, not a 404 in their console.
        "/favicon.ico": Route(lambda request: Response(status=204), read),
        "/static/style.css": Route(StaticFile("style.css", "text/css"), read),
        "/static/copy.js": Route(StaticFile("copy.js", "text/javascript"), read),
    }
    if settings.registration_policy != OFF:
        registrations = Registrations(clients, store, settings, clock)
        routes[REGISTRATION] = Route(registrations.register, form)
        routes[REGISTRATION + "/"] = Route(registrations.configure, ("GET", "HEAD", "PUT", "DELETE"))
    return App(settings, routes, tracer)
