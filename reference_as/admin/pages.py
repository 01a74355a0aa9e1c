"""`/admin/…`: clients (list, create, edit, pause, resume, rotate secret, delete), the
protected resources tokens may be asked for (RFC 8707), users' profile claims
(OpenID Connect Core §5.1) and signing keys.

- Every client is listed with how it came to be (administrator, RFC 7591,
  metadata document), and each can be paused or deleted; a metadata document's
  client is not edited here (its document says what it is).
- A client's pages are at `/admin/clients/<client_id>`; a client_id a path
  segment cannot carry (a metadata document's URL) goes there as `!` and its
  base64url (`client_path`), which no other client_id can look like.

- Only signed-in users with the admin role; anyone else gets a 403 page, and
  someone not signed in goes to the login page and back.
- Every change is a POST carrying the session's CSRF token; a missing or wrong
  token changes nothing (403).
- A new secret is shown once, on the client's page the POST redirects to
  (post/redirect/get, see shown_once.py): a reload shows it masked and makes
  nothing again; it is never in a URL.
- Deleting a client, rotating its secret and rotating the signing key each ask
  for confirmation first (a page whose form makes the change).
- A client's check page (`/admin/clients/<client_id>/check`) starts a client check
  with a scenario, stops it, and shows its report as it stands; while the check is
  under way the page reloads itself every few seconds (a meta refresh: no script).
- Every page has a sign-out button (a POST to /logout with the CSRF token).
- Every value is escaped by the templates; pages send the headers of
  `pages.PAGE_HEADERS` (CSP without inline script, no framing, no sniffing,
  no referrer).
"""

import base64
import binascii

from webob import Request, Response

from ..client_checks.scenarios import DEFAULT, SCENARIOS
from ..client_checks.service import CheckRefused, ClientChecks
from ..clients import ClientNotFound, ClientService, InvalidClientSettings, describe
from ..clock import readable
from ..config import Settings
from ..errors import OAuthError
from ..form import read_pairs
from ..keys import Keyring
from ..pages import forbidden, page, redirect, sign_in_first
from ..policy import key_rotation, rfc6749_scope
from ..policy.rfc6749_clients import CLIENT_ID_PATTERN, CLIENT_TYPES, GRANT_TYPES
from ..policy.rfc7662_introspection import PERMISSIONS
from ..resources import InvalidResource, Resources
from ..sessions import Current, Sessions
from ..shown_once import Made, ShownOnce
from ..store import Store
from ..store.records import CONFIDENTIAL, METADATA_DOCUMENT
from ..users import PROFILE_FIELDS, UserError, UserService
from ..users import describe as describe_user

PREFIX = "/admin/"
CHECK_REFRESH_SECONDS = 3  # how often the check page reloads while the check is under way


def _date(timestamp: int | None) -> str:
    return readable(timestamp) if timestamp else "never"


def client_path(client_id: str) -> str:
    if CLIENT_ID_PATTERN.fullmatch(client_id):
        return PREFIX + "clients/" + client_id
    return PREFIX + "clients/!" + base64.urlsafe_b64encode(client_id.encode()).decode().rstrip("=")


def _client_id(segment: str) -> str:
    """The client_id a path segment of `client_path` names."""
    if not segment.startswith("!"):
        return segment
    try:
        return base64.urlsafe_b64decode(segment[1:] + "=" * (-len(segment[1:]) % 4)).decode()
    except (binascii.Error, UnicodeDecodeError, ValueError):
        raise OAuthError("invalid_request", "No such client.", status=404) from None


def _shown(client) -> dict:
    """A client as the pages show it: `describe`, and where its page is."""
    return {**describe(client), "path": client_path(client.client_id)}


class Forbidden(Exception):
    """Signed in, but not an administrator, or a form without the right CSRF token."""


class AdminPages:
    def __init__(
        self,
        store: Store,
        clients: ClientService,
        resources: Resources,
        keyring: Keyring,
        sessions: Sessions,
        settings: Settings,
        shown_once: ShownOnce,
        users: UserService,
        checks: ClientChecks,
    ):
        self.checks = checks
        self.store = store
        self.users = users
        self.clients = clients
        self.resources = resources
        self.keyring = keyring
        self.sessions = sessions
        self.settings = settings
        self.shown_once = shown_once

    def __call__(self, request: Request) -> Response:
        current, user = self.sessions.signed_in(request)
        if user is None:
            return sign_in_first(request.path_info)
        if not user.is_admin:
            return forbidden("Only administrators may open these pages.", user.username)
        parts = request.path_info.removeprefix(PREFIX).strip("/").split("/")
        form = None
        if request.method == "POST":
            form = self._form(request, current)
            if form is None:
                return forbidden(
                    "The form expired or did not come from this server; nothing was changed.", user.username
                )
        context = {"username": user.username, "csrf_token": current.csrf_token}
        try:
            return self._dispatch(parts, request.method, form, context, current)
        except ClientNotFound as missing:
            raise OAuthError("invalid_request", str(missing), status=404) from None
        except (
            InvalidClientSettings,
            InvalidResource,
            CheckRefused,
        ) as refused:  # e.g. rotating a public client's secret
            raise OAuthError("invalid_request", str(refused), status=400) from None

    def _form(self, request: Request, current: Current) -> dict[str, list[str]] | None:
        fields: dict[str, list[str]] = {}
        for name, value in read_pairs(request, self.settings.max_body_bytes):
            fields.setdefault(name, []).append(value)
        token = fields.pop("csrf_token", [None])[0]
        return fields if self.sessions.csrf_ok(current, token) else None

    def _dispatch(self, parts: list[str], method: str, form, context: dict, current: Current) -> Response:
        if len(parts) >= 2 and parts[0] == "clients" and parts[1] != "new":
            parts = [parts[0], _client_id(parts[1]), *parts[2:]]
        match parts, method:
            case [""], "GET":
                return self.client_list(context)
            case ["clients", "new"], "GET":
                return self.client_form(context, None, {})
            case ["clients", "new"], "POST":
                return self.create(context, form, current)
            case ["clients", client_id], "GET":
                return self.client_page(context, client_id, self.shown_once.take(current, client_id))
            case ["clients", client_id, "edit"], "GET":
                return self.client_form(context, self._editable(client_id), {})
            case ["clients", client_id, "edit"], "POST":
                return self.edit(context, client_id, form)
            case ["clients", client_id, ("pause" | "resume") as action], "POST":
                getattr(self.clients, action)(client_id)
                return redirect(PREFIX)
            case ["clients", client_id, ("rotate-secret" | "delete") as action], "GET":
                client = _shown(self.clients.get(client_id))
                return page("admin/confirm.html", client=client, action=action, cancel=PREFIX, **context)
            case ["clients", client_id, "rotate-secret"], "POST":
                _, secret = self.clients.rotate_secret(client_id)
                return self._show_once(current, Made(client_id, "rotated", secret))
            case ["clients", client_id, "check"], "GET":
                return self.check_page(context, client_id)
            case ["clients", client_id, "check"], "POST":
                self.checks.start(client_id, _one(form, "scenario"))
                return redirect(client_path(client_id) + "/check")
            case ["clients", client_id, "check", "stop"], "POST":
                self.checks.stop(client_id)
                return redirect(client_path(client_id) + "/check")
            case ["clients", client_id, "delete"], "POST":
                self.clients.delete(client_id)
                return redirect(PREFIX)
            case ["users"], "GET":
                return self.user_list(context)
            case ["users", user_id, "edit"], "GET":
                return self.user_form(context, self._user(user_id))
            case ["users", user_id, "edit"], "POST":
                return self.edit_user(context, self._user(user_id), form)
            case ["resources"], "GET":
                return self.resource_list(context)
            case ["resources"], "POST":
                return self.add_resource(context, form)
            case ["resources", "delete"], "POST":
                self.resources.delete(_one(form, "uri"))
                return redirect(PREFIX + "resources")
            case ["keys"], "GET":
                return self.key_list(context)
            case ["keys", "rotate"], "GET":
                return page("admin/confirm.html", action="rotate-key", cancel=PREFIX + "keys", **context)
            case ["keys", "rotate"], "POST":
                self.keyring.rotate()
                return redirect(PREFIX + "keys")
        raise OAuthError("invalid_request", "No such administration page.", status=404)

    # -- clients ----------------------------------------------------------------------

    def client_list(self, context: dict) -> Response:
        prefix = self.settings.scope_prefix
        clients = [
            {
                **_shown(c),
                "created": _date(c.created_at),
                "last_used": _date(c.last_used_at),
                "scope_words": rfc6749_scope.described(c.scopes, prefix),
            }
            for c in self.clients.list()
        ]
        return page("admin/clients.html", clients=clients, **context)

    def client_form(self, context: dict, client, values: dict, error: str | None = None, status: int = 200) -> Response:
        shown = (
            _shown(client)
            if client
            else {
                "type": CONFIDENTIAL,
                "grant_types": [],
                "scopes": [],
                "default_scopes": [],
                "redirect_uris": [],
                "post_logout_redirect_uris": [],
            }
        )
        shown.update(values)
        return page(
            "admin/client_form.html",
            status,
            client=shown,
            editing=client is not None,
            error=error,
            client_types=CLIENT_TYPES,
            grant_types=GRANT_TYPES,
            scopes=rfc6749_scope.described(self.settings.scopes, self.settings.scope_prefix),
            permissions=PERMISSIONS,
            **context,
        )

    def create(self, context: dict, form: dict[str, list[str]], current: Current) -> Response:
        values = _client_values(form)
        try:
            client, secret = self.clients.create(client_type=_one(form, "type"), **values)
        except InvalidClientSettings as error:
            return self.client_form(context, None, {**values, "type": _one(form, "type")}, str(error), 400)
        return self._show_once(current, Made(client.client_id, "created", secret))

    def _show_once(self, current: Current, made: Made) -> Response:
        """Post/redirect/get: what the post made waits in the session's one-time slot for the client's page."""
        self.shown_once.hold(current, made)
        return redirect(client_path(made.client_id))

    def client_page(self, context: dict, client_id: str, made: Made | None) -> Response:
        """The client's ID and secret: the secret in full once, right after it was made, else masked."""
        client = _shown(self.clients.get(client_id))
        return page("admin/secret.html", client=client, made=made, **context)

    def check_page(self, context: dict, client_id: str) -> Response:
        """The client's check: the form that starts one, or the report as it stands (client checks)."""
        client = _shown(self.clients.get(client_id))
        check = self.store.get_client_check(client_id)
        report = self.checks.report(client_id) if check else None
        return page(
            "admin/check.html",
            client=client,
            check=check,
            report=report.as_dict() if report else None,
            started=_date(check.started_at) if check else None,
            scenarios=SCENARIOS,
            default_scenario=DEFAULT,
            refresh=CHECK_REFRESH_SECONDS if check and check.under_way else None,
            **context,
        )

    def _editable(self, client_id: str):
        client = self.clients.get(client_id)
        if client.origin == METADATA_DOCUMENT:
            raise InvalidClientSettings("a metadata document's client is what its document says; pause or delete it")
        return client

    def edit(self, context: dict, client_id: str, form: dict[str, list[str]]) -> Response:
        self._editable(client_id)
        values = _client_values(form)
        try:
            self.clients.edit(client_id, **values)
        except InvalidClientSettings as error:
            return self.client_form(context, self.clients.get(client_id), values, str(error), 400)
        return redirect(PREFIX)

    # -- users: their profile claims --------------------------------------------------

    def _user(self, user_id: str):
        user = self.store.get_user(user_id)
        if user is None:
            raise OAuthError("invalid_request", "No such user.", status=404)
        return user

    def user_list(self, context: dict) -> Response:
        users = [{**describe_user(u), "created": _date(u.created_at)} for u in self.users.list()]
        return page("admin/users.html", users=users, **context)

    def user_form(self, context: dict, user, values: dict | None = None, error=None, status=200) -> Response:
        shown = {**describe_user(user)["profile"], **(values or {})}
        fields = [name for name in PROFILE_FIELDS if name != "email_verified"]
        return page("admin/user_form.html", status, user=user, profile=shown, fields=fields, error=error, **context)

    def edit_user(self, context: dict, user, form: dict[str, list[str]]) -> Response:
        values = {name: _one(form, name) for name in PROFILE_FIELDS if name != "email_verified"}
        values["email_verified"] = _one(form, "email_verified") == "yes"
        try:
            self.users.edit(user.username, values)
        except UserError as error:
            return self.user_form(context, user, values, str(error), 400)
        return redirect(PREFIX + "users")

    # -- resources (RFC 8707) -----------------------------------------------------------

    def resource_list(self, context: dict, error: str | None = None, values: dict | None = None, status: int = 200):
        registered = {r.uri for r in self.store.list_resources()}
        resources = [
            {"uri": uri, "scopes": " ".join(scopes), "registered": uri in registered}
            for uri, scopes in self.resources.known().items()
        ]
        return page(
            "admin/resources.html",
            status,
            resources=resources,
            scopes=self.settings.scopes,
            error=error,
            values=values or {"uri": "", "scopes": []},
            **context,
        )

    def add_resource(self, context: dict, form: dict[str, list[str]]) -> Response:
        uri, scopes = _one(form, "uri"), tuple(form.get("scopes", []))
        try:
            self.resources.add(uri, scopes)
        except InvalidResource as error:
            return self.resource_list(context, str(error), {"uri": uri, "scopes": list(scopes)}, 400)
        return redirect(PREFIX + "resources")

    # -- keys -------------------------------------------------------------------------

    def key_list(self, context: dict) -> Response:
        keys = [
            {
                "kid": key.kid,
                "alg": key.alg,
                "created": _date(key.created_at),
                "signs_from": _date(key.signs_from),
                "signs_until": _date(signs_until) if signs_until else "",
                "state": state,
            }
            for key, state, signs_until in self.keyring.states()
        ]
        pending = key_rotation.pending_seconds(self.keyring.settings.jwks_max_age)
        return page("admin/keys.html", keys=keys, pending_seconds=pending, **context)


def _one(form: dict[str, list[str]], name: str) -> str:
    return (form.get(name) or [""])[0].strip()


def _lines(form: dict[str, list[str]], name: str) -> tuple[str, ...]:
    """A textarea of URIs, one per line."""
    return tuple(line.strip() for line in _one(form, name).splitlines() if line.strip())


def _client_values(form: dict[str, list[str]]) -> dict:
    """The editable fields of the client form, as the client service takes them."""
    return {
        "name": _one(form, "name"),
        "grant_types": tuple(form.get("grant_types", [])),
        "scopes": tuple(form.get("scopes", [])),
        "default_scopes": tuple(form.get("default_scopes", [])),
        "redirect_uris": _lines(form, "redirect_uris"),
        "post_logout_redirect_uris": _lines(form, "post_logout_redirect_uris"),
        "permissions": tuple(form.get("permissions", [])),
    }
