"""Resource owners' browser sessions, the CSRF tokens of their forms, and the
signed cookie that protects forms shown before anyone is signed in.

- The session cookie holds a 256-bit random session id and an HMAC of it (a
  signed cookie: a forged or altered one is refused before any look-up). The
  store keeps only the id's SHA-256, so a copy of the database cannot be
  replayed as a cookie.
- The cookie is HttpOnly, SameSite=Lax, Path=/, Secure when the issuer is
  https, and expires with the session (`session_ttl`).
- A session exists only once someone has signed in: signing in makes a new
  one (a new id, so no session fixation) and deletes the one it replaces.
- The CSRF token of a signed-in user's forms (consent, account, sign-out,
  administration) is an HMAC of the session: tied to it, useless in another
  browser, never stored (RFC 6749 §10.12 asks for CSRF protection of the
  authorization flow; the consent form is where it matters most).
- A form shown to a visitor without a session (the sign-in form, the
  playground) is protected by a `FormCookie` instead: a signed, short-lived
  cookie holding a random nonce, and the form's token is an HMAC of that nonce
  (a double-submit cookie tied to the server's key). Anonymous visitors
  therefore store nothing: no row per visit. The cookie is left to expire
  after sign-in: it grants nothing but posting that one form again.
- Everything a browser sends here is untrusted text: a cookie is read from the
  raw `Cookie` header and only a value of our own format counts (anything
  else, non-UTF-8 bytes included, is no cookie); a CSRF token is compared as
  bytes in constant time, whatever characters it holds.
"""

import hashlib
import hmac
import re
import secrets as random
from dataclasses import dataclass

from webob import Request, Response

from .clock import Clock
from .config import Settings
from .policy import secrets
from .store import Store
from .store.records import Session, User

COOKIE = "ras_session"
SESSION_COOKIE_VALUE = re.compile(r"([A-Za-z0-9_-]{43})\.([0-9a-f]{64})")
LOGIN_FORM_COOKIE = "ras_login"
LOGIN_FORM_TTL = 3600  # seconds a sign-in form stays usable


def cookie_values(request: Request, name: str) -> list[str]:
    """Every value the `Cookie` header gives `name` (RFC 6265 §4.2), quotes removed,
    read without decoding: the caller accepts only a value of its own format."""
    values = []
    for pair in request.environ.get("HTTP_COOKIE", "").split(";"):
        key, _, value = pair.strip().partition("=")
        if key == name:
            values.append(value.strip().strip('"'))
    return values


def csrf_matches(expected: str, presented: str | None) -> bool:
    """Constant-time comparison of a form's CSRF token with the expected one; any
    text may be presented (non-ASCII included), none but the right one matches."""
    if not presented:
        return False
    return hmac.compare_digest(expected.encode(), presented.encode("utf-8", "surrogatepass"))


def _hmac(key: bytes, message: str) -> str:
    return hmac.new(key, message.encode(), hashlib.sha256).hexdigest()


class FormCookie:
    """CSRF protection for a form shown to someone without a session.

    `token` sets (or renews) a cookie `<nonce>.<expires>.<HMAC>` and returns the
    form's token, HMAC("form:" + nonce); `check` accepts a post whose token is
    that of an unexpired, correctly signed cookie. A page on another site can
    neither read the cookie nor forge one, so it cannot produce the token."""

    FORMAT = re.compile(r"([A-Za-z0-9_-]{22})\.([0-9]{1,12})\.([0-9a-f]{64})")

    def __init__(self, name: str, key: bytes, clock: Clock, ttl: int, path: str = "/", secure: bool = False):
        self.name, self.key, self.clock, self.ttl, self.path, self.secure = name, key, clock, ttl, path, secure

    def token(self, request: Request, response: Response) -> str:
        """The token for a form sent in `response`; forms in other tabs stay valid (same nonce)."""
        nonce = self._nonce(request) or random.token_urlsafe(16)
        expires = self.clock.now() + self.ttl
        value = f"{nonce}.{expires}.{_hmac(self.key, f'cookie:{nonce}.{expires}')}"
        response.set_cookie(
            self.name, value, max_age=self.ttl, path=self.path, httponly=True, samesite="lax", secure=self.secure
        )
        return _hmac(self.key, "form:" + nonce)

    def check(self, request: Request, presented: str | None) -> bool:
        nonce = self._nonce(request)
        return nonce is not None and csrf_matches(_hmac(self.key, "form:" + nonce), presented)

    def _nonce(self, request: Request) -> str | None:
        for value in cookie_values(request, self.name):
            match = self.FORMAT.fullmatch(value)
            if match is None:
                continue
            nonce, expires, signature = match.groups()
            if hmac.compare_digest(signature, _hmac(self.key, f"cookie:{nonce}.{expires}")):
                if int(expires) > self.clock.now():
                    return nonce
        return None


@dataclass(frozen=True)
class Current:
    """The request's session: its record and the CSRF token its forms carry."""

    session: Session
    csrf_token: str

    @property
    def user_id(self) -> str | None:
        return self.session.user_id


class Sessions:
    def __init__(self, store: Store, clock: Clock, settings: Settings, key: bytes):
        self.store = store
        self.clock = clock
        self.settings = settings
        self.key = key
        self.secure = settings.issuer.startswith("https://")
        # The sign-in form's cookie is sent to /login only.
        self.login_form = FormCookie(LOGIN_FORM_COOKIE, key, clock, LOGIN_FORM_TTL, "/login", self.secure)

    def _sign(self, value: str) -> str:
        return _hmac(self.key, value)

    def current(self, request: Request) -> Current | None:
        """The valid session the request's cookie names, or None."""
        for value in cookie_values(request, COOKIE):
            match = SESSION_COOKIE_VALUE.fullmatch(value)
            if match is None or not hmac.compare_digest(match[2], self._sign(match[1])):
                continue
            session = self.store.get_session(secrets.hash_secret(match[1]))
            if session is not None and session.expires_at > self.clock.now():
                return Current(session, self._sign("csrf:" + session.session_hash))
        return None

    def start(self, response: Response, user_id: str, replacing: Current | None = None) -> Current:
        """A new session for a user who has just signed in, set on `response`; the one
        it replaces, if any, is deleted."""
        self._forget(replacing)
        session_id = random.token_urlsafe(32)
        now = self.clock.now()
        session = Session(secrets.hash_secret(session_id), user_id, now, now + self.settings.session_ttl)
        self.store.add_session(session)
        response.set_cookie(
            COOKIE, f"{session_id}.{self._sign(session_id)}", max_age=self.settings.session_ttl, path="/",
            httponly=True, samesite="lax", secure=self.secure,
        )  # fmt: skip
        return Current(session, self._sign("csrf:" + session.session_hash))

    def signed_in(self, request: Request) -> tuple[Current | None, User | None]:
        """The request's session and its signed-in user (either may be None)."""
        current = self.current(request)
        user = self.store.get_user(current.user_id) if current and current.user_id else None
        return current, user

    def end(self, current: Current | None, response: Response) -> None:
        self._forget(current)
        response.delete_cookie(COOKIE, path="/")

    def _forget(self, current: Current | None) -> None:
        if current:
            self.store.delete_session(current.session.session_hash)

    @staticmethod
    def csrf_ok(current: Current | None, presented: str | None) -> bool:
        return current is not None and csrf_matches(current.csrf_token, presented)
