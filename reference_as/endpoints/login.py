"""The resource owner's pages: sign in, sign out, and the account page where
the applications holding access (live grants, remembered consents) are listed
and revoked.

Every form carries a CSRF token and every change is a POST. The sign-in form's
token comes from a signed cookie (`sessions.FormCookie`), not from a session:
a visitor who is not signed in stores nothing, and a sign-in form that failed
its CSRF check leaves the visitor's session (if any) as it was. The other
forms carry the session's token.
Failed sign-ins are counted per username and address, per address and per
account, and slowed down (`policy/login_throttle.py`); the answer never says
which of username or password was wrong.
"""

from urllib.parse import quote

from webob import Request, Response

from ..clock import Clock, readable
from ..config import Settings
from ..form import read_form
from ..pages import forbidden, page, redirect, sign_in_first
from ..policy import login_throttle, rfc6749_scope
from ..policy.client_address import client_address
from ..sessions import Sessions
from ..store import Store
from ..users import UserService

HOME = "/account"


# RFC 3986 §2.2's reserved characters, '%' (escapes already made) and '~' stay as they are.
URL_SAFE = ":/?#[]@!$&'()*+,;=%~"


def safe_next(target: str | None) -> str:
    """Only a path on this server: never an open redirect (RFC 9700 §4.11). Anything
    outside printable ASCII (a newline, a tab, which browsers drop from URLs, a space,
    non-ASCII) is percent-encoded, so it can neither break the Location header nor
    turn the path into another host."""
    if target and target.startswith("/") and not target.startswith(("//", "/\\")):
        return quote(target, safe=URL_SAFE)
    return HOME


class LoginPages:
    def __init__(self, store: Store, users: UserService, sessions: Sessions, settings: Settings, clock: Clock):
        self.store = store
        self.users = users
        self.sessions = sessions
        self.settings = settings
        self.clock = clock

    # -- /login -----------------------------------------------------------------------

    def login(self, request: Request) -> Response:
        if request.method == "GET":
            # `username`: filled in from an OpenID Connect login_hint (endpoints/authorize.py).
            username = request.GET.get("username", "")
            return self._form(request, safe_next(request.GET.get("next")), username[:100])
        form = read_form(request, self.settings.max_body_bytes)
        next_, username = safe_next(form.get("next")), form.get("username", "")
        if not self.sessions.login_form.check(request, form.get("csrf_token")):
            # RFC6749-10.12: refused; the visitor's session, if any, is left alone.
            return self._form(request, next_, username, "The sign-in form expired. Please try again.", 400)

        wait = self._throttle(request, username)
        if wait:
            response = self._form(
                request, next_, username, f"Too many failed sign-ins. Try again in {wait} seconds.", 429
            )
            response.headers["Retry-After"] = str(wait)
            return response
        user = self.users.check_password(username, form.get("password", ""))
        if user is None:
            return self._form(request, next_, username, "Wrong username or password.", 400)
        self.store.clear_login_failures(*(key for key, _ in self._limits(request, username)))
        response = redirect(next_)
        current = self.sessions.current(request)
        self.sessions.start(response, user.user_id, replacing=current)  # a new session id: no fixation
        return response

    def _limits(self, request: Request, username: str) -> list[tuple[str, int]]:
        address = client_address(
            request.remote_addr, request.headers.get("X-Forwarded-For"), self.settings.trusted_proxies
        )
        return login_throttle.limits(username, address, self.settings)

    def _throttle(self, request: Request, username: str) -> int:
        """Seconds the sign-in must wait (0: go ahead). The attempt is counted as a
        failure before the password is checked (a success clears it), so parallel
        attempts each see the others (policy/login_throttle.py)."""
        now, limits = self.clock.now(), self._limits(request, username)
        wait = max(login_throttle.wait_seconds(self.store.login_failures(key), now, free) for key, free in limits)
        if wait:
            return wait
        counted = [(self.store.record_login_failure(key, now), free) for key, free in limits]
        return max(login_throttle.wait_for_counted(place, now, free) for place, free in counted)

    def _form(self, request: Request, next_: str, username="", error=None, status=200) -> Response:
        """The sign-in form, its CSRF token tied to the form cookie set on the same response."""
        response = Response()
        return page(
            "login.html",
            status,
            response,
            csrf_token=self.sessions.login_form.token(request, response),
            next=next_,
            entered_username=username,
            error=error,
        )

    # -- /logout ----------------------------------------------------------------------

    def logout(self, request: Request) -> Response:
        current = self.sessions.current(request)
        if request.method == "GET":
            return page("logout.html", csrf_token=current.csrf_token if current else "")
        form = read_form(request, self.settings.max_body_bytes)
        response = redirect("/login")
        if self.sessions.csrf_ok(current, form.get("csrf_token")):
            self.sessions.end(current, response)
        return response

    # -- /account ---------------------------------------------------------------------

    def account(self, request: Request) -> Response:
        """Every application holding access to the user's account: a live grant (its
        tokens work now) or a remembered decision (it would get a code without
        asking), each revocable (RFC 6749 §10.2 and RFC 9700 §4.14.2: the user can
        take back what they gave)."""
        current, user = self.sessions.signed_in(request)
        if user is None:
            return sign_in_first(HOME)
        now = self.clock.now()
        access: dict[str, dict] = {}
        for grant in self.store.grants_of(user.user_id, now):
            entry = self._entry(access, grant.client_id, grant.created_at)
            entry["scopes"].update(grant.scope.split())
            entry["grants"] += 1
        for consent in self.store.consents_of(user.user_id):
            entry = self._entry(access, consent.client_id, consent.granted_at)
            entry["scopes"].update(consent.scope.split())
            entry["remembered"] = True
        applications = [
            {
                **entry,
                "scopes": rfc6749_scope.described(sorted(entry["scopes"]), self.settings.scope_prefix),
                "since": readable(entry["since"]),
            }
            for entry in sorted(access.values(), key=lambda entry: entry["since"])
        ]
        return page("account.html", applications=applications, csrf_token=current.csrf_token, username=user.username)

    def _entry(self, access: dict[str, dict], client_id: str, since: int) -> dict:
        if client_id not in access:
            client = self.store.get_client(client_id)
            access[client_id] = {
                "client_id": client_id,
                "client_name": client.name if client else client_id,
                "scopes": set(),
                "since": since,
                "grants": 0,
                "remembered": False,
            }
        entry = access[client_id]
        entry["since"] = min(entry["since"], since)
        return entry

    def revoke_access(self, request: Request) -> Response:
        """Revoke every grant of the user to one client (its refresh and access tokens
        stop working at once) and forget the remembered decision."""
        current, user = self.sessions.signed_in(request)
        form = read_form(request, self.settings.max_body_bytes)
        if user is None or not self.sessions.csrf_ok(current, form.get("csrf_token")):
            return forbidden("The form expired or did not come from this server.")
        self.store.revoke_access(user.user_id, self.clock.now(), form.get("client_id", ""))
        return redirect(HOME)
