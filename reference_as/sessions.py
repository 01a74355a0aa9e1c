"""Resource owners' browser sessions, and the CSRF tokens tied to them.

- The cookie holds a 256-bit random session id and an HMAC of it (a signed
  cookie: a forged or altered one is refused before any look-up). The store
  keeps only the id's SHA-256, so a copy of the database cannot be replayed as
  a cookie.
- The cookie is HttpOnly, SameSite=Lax, Path=/, Secure when the issuer is
  https, and expires with the session (`session_ttl`).
- A session exists before login (user None) to carry the login form's CSRF
  token; logging in replaces it with a new one (no session fixation).
- The CSRF token of a form is an HMAC of the session: tied to it, useless in
  another browser, never stored (RFC 6749 §10.12 asks for CSRF protection of
  the authorization flow; the consent form is where it matters most).
"""

import hashlib
import hmac
import secrets as random
from dataclasses import dataclass

from webob import Request, Response

from .clock import Clock
from .config import Settings
from .policy import secrets
from .store import Store
from .store.records import Session, User

COOKIE = "ras_session"


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

    def _sign(self, value: str) -> str:
        return hmac.new(self.key, value.encode(), hashlib.sha256).hexdigest()

    def current(self, request: Request) -> Current | None:
        """The valid session the request's cookie names, or None."""
        cookie = request.cookies.get(COOKIE, "")
        session_id, _, signature = cookie.partition(".")
        if not session_id or not hmac.compare_digest(signature, self._sign(session_id)):
            return None
        session = self.store.get_session(secrets.hash_secret(session_id))
        if session is None or session.expires_at <= self.clock.now():
            return None
        return Current(session, self._sign("csrf:" + session.session_hash))

    def start(self, response: Response, user_id: str | None, replacing: Current | None = None) -> Current:
        """A new session, set on `response`; the one it replaces, if any, is deleted."""
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

    def ensure(self, request: Request, response: Response) -> Current:
        """The request's session, or a new anonymous one."""
        return self.current(request) or self.start(response, None)

    def end(self, current: Current | None, response: Response) -> None:
        self._forget(current)
        response.delete_cookie(COOKIE, path="/")

    def _forget(self, current: Current | None) -> None:
        if current:
            self.store.delete_session(current.session.session_hash)

    @staticmethod
    def csrf_ok(current: Current | None, presented: str | None) -> bool:
        return bool(current and presented and hmac.compare_digest(current.csrf_token, presented))
