"""The resource owner's pages: sign in, sign out, and the account page where
remembered consents are listed and revoked.

Every form carries a CSRF token and every change is a POST. The sign-in form's
token comes from a signed cookie (`sessions.FormCookie`), not from a session:
a visitor who is not signed in stores nothing, and a sign-in form that failed
its CSRF check leaves the visitor's session (if any) as it was. The other
forms carry the session's token.
Failed sign-ins are counted per username and per address and slowed down
(`policy/login_throttle.py`); the answer never says which of username or
password was wrong.
"""

from urllib.parse import quote

from webob import Request, Response

from ..clock import Clock, readable
from ..config import Settings
from ..form import read_form
from ..pages import forbidden, page, redirect, sign_in_first
from ..policy import login_throttle
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
            return self._form(request, safe_next(request.GET.get("next")))
        form = read_form(request, self.settings.max_body_bytes)
        next_, username = safe_next(form.get("next")), form.get("username", "")
        if not self.sessions.login_form.check(request, form.get("csrf_token")):
            # RFC6749-10.12: refused; the visitor's session, if any, is left alone.
            return self._form(request, next_, username, "The sign-in form expired. Please try again.", 400)

        keys = ("user:" + username, "addr:" + (request.remote_addr or "unknown"))
        now = self.clock.now()
        wait = max(
            login_throttle.wait_seconds(self.store.login_failures(key), now, self.settings.login_free_attempts)
            for key in keys
        )
        if wait:
            response = self._form(
                request, next_, username, f"Too many failed sign-ins. Try again in {wait} seconds.", 429
            )
            response.headers["Retry-After"] = str(wait)
            return response

        user = self.users.check_password(username, form.get("password", ""))
        if user is None:
            for key in keys:
                self.store.record_login_failure(key, now)
            return self._form(request, next_, username, "Wrong username or password.", 400)
        self.store.clear_login_failures(keys[0])
        response = redirect(next_)
        current = self.sessions.current(request)
        self.sessions.start(response, user.user_id, replacing=current)  # a new session id: no fixation
        return response

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
        current, user = self.sessions.signed_in(request)
        if user is None:
            return sign_in_first(HOME)
        consents = []
        for consent in self.store.consents_of(user.user_id):
            client = self.store.get_client(consent.client_id)
            consents.append(
                {
                    "client_id": consent.client_id,
                    "client_name": client.name if client else consent.client_id,
                    "scope": consent.scope,
                    "granted": readable(consent.granted_at),
                }
            )
        return page("account.html", consents=consents, csrf_token=current.csrf_token, username=user.username)

    def revoke_consent(self, request: Request) -> Response:
        current, user = self.sessions.signed_in(request)
        form = read_form(request, self.settings.max_body_bytes)
        if user is None or not self.sessions.csrf_ok(current, form.get("csrf_token")):
            return forbidden("The form expired or did not come from this server.")
        self.store.delete_consents(user.user_id, form.get("client_id", ""))
        return redirect(HOME)
