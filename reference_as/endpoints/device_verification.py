"""The verification page, `GET,POST /device` (RFC 8628 §3.3, §3.3.1, §5).

Where a person approves a device. The steps, in order:
  1. Nobody signed in: to the login page, which comes back here (with the
     `user_code` of `verification_uri_complete`, RFC8628-3.3.1, kept).
  2. A form post carries the session's CSRF token (RFC 6749 §10.12), or it is refused.
  3. No code yet: the form to type it in.
  4. A code typed (or filled in by `verification_uri_complete`), read
     case- and dash-insensitively (RFC8628-6.1):
     - RFC8628-5.1 SHOULD rate-limit: an address that entered too many unknown
       codes waits (the sign-in throttle's rule, `policy/login_throttle.py`,
       over its own count); and each entry of a code counts against its device
       code, which is dead past `device_code_max_entries`;
     - malformed, unknown, expired, dead or already decided: the form again,
       with a sentence saying which (400).
  5. A live code: the consent page, naming the client and each scope in plain
     words and showing the user code to compare with the device's
     (RFC8628-5.4 remote phishing). It is always asked, for every client: the
     comparison is the defence, so no remembered consent skips it.
  6. Allow records the approval (the device's next poll gets the tokens), Deny
     the refusal (`access_denied`); either way a page says what happened.
With `auto_approve_user` (a test switch, loopback only) a code opened here is
approved as that user at once: no sign-in, no consent, as at /oauth2/authorize.
"""

from urllib.parse import urlencode

from webob import Request, Response

from ..clock import Clock
from ..config import Settings
from ..form import read_form
from ..pages import page, sign_in_first
from ..policy import login_throttle, rfc6749_scope, rfc8628_device
from ..policy.client_address import client_address
from ..sessions import Current, Sessions
from ..store import Store
from ..store.records import DeviceAuthorization, User

PATH = "/device"
USED = "This code was already used. Start again on your device if you need to."
# What a code that cannot be approved is told, by its status (policy/rfc8628_device.py).
NOT_LIVE = {
    rfc8628_device.EXPIRED: "This code has expired. Start again on your device to get a new one.",
    rfc8628_device.DEAD: "This code was entered too many times and no longer works. Start again on your device.",
    rfc8628_device.DENIED: USED,
    rfc8628_device.APPROVED: USED,
    rfc8628_device.SPENT: USED,
}
UNKNOWN = "No device is waiting for that code. Check it against your device and try again."
MALFORMED = (
    f"A code has {rfc8628_device.USER_CODE_LENGTH} letters from {rfc8628_device.USER_CODE_ALPHABET} "
    "(dashes and case do not matter)."
)


class DeviceVerificationPage:
    def __init__(self, store: Store, sessions: Sessions, settings: Settings, clock: Clock):
        self.store = store
        self.sessions = sessions
        self.settings = settings
        self.clock = clock

    def __call__(self, request: Request) -> Response:
        posted = request.method == "POST"
        form = read_form(request, self.settings.max_body_bytes) if posted else {}
        typed = (form if posted else request.GET).get("user_code", "")
        current, user = self._user(request)
        if user is None:
            return sign_in_first(PATH + ("?" + urlencode({"user_code": typed}) if typed else ""))
        if posted and current and not self.sessions.csrf_ok(current, form.get("csrf_token")):
            return self._form(current, user, typed, "The form expired or did not come from this server.", 403)
        if not typed:
            return self._form(current, user)
        user_code = rfc8628_device.normalised(typed)
        if user_code is None:
            return self._form(current, user, typed, MALFORMED, 400)
        key = rfc8628_device.address_key(
            client_address(request.remote_addr, request.headers.get("X-Forwarded-For"), self.settings.trusted_proxies)
        )
        wait = self._wait(key)
        if wait:
            return self._too_many(wait, user)
        device, problem = self._enter(key, user_code)
        if problem:
            return self._form(current, user, typed, problem, 400)
        if self.settings.auto_approve_user:
            return self._decide(device, user, allow=True)
        if "decision" not in form:
            return self._consent(device, rfc8628_device.shown(user_code), current, user)
        return self._decide(device, user, allow=form["decision"] == "allow")

    def _user(self, request: Request) -> tuple[Current | None, User | None]:
        if self.settings.auto_approve_user:
            return None, self.store.get_user_by_name(self.settings.auto_approve_user)
        return self.sessions.signed_in(request)

    # -- the code -------------------------------------------------------------------------

    def _wait(self, key: str) -> int:
        """RFC8628-5.1: seconds this address must wait before it may try a code (0: now)."""
        failures = self.store.login_failures(key)
        return login_throttle.wait_seconds(failures, self.clock.now(), self.settings.device_free_attempts_per_address)

    def _enter(self, key: str, user_code: str) -> tuple[DeviceAuthorization | None, str | None]:
        """The live authorization the code names (its entry counted), or what to tell the
        person. An unknown code counts against the address (RFC8628-5.1)."""
        now = self.clock.now()
        device = self.store.enter_user_code(rfc8628_device.hash_user_code(user_code), now)
        if device is None:
            self.store.record_login_failure(key, now)
            return None, UNKNOWN
        status = rfc8628_device.status(device, now, self.settings.device_code_max_entries)
        if status != rfc8628_device.PENDING:
            return None, NOT_LIVE[status]
        return device, None

    # -- the pages --------------------------------------------------------------------------

    def _form(self, current: Current | None, user: User, typed: str = "", error=None, status=200) -> Response:
        return page(
            "device.html",
            status,
            csrf_token=current.csrf_token if current else "",
            entered=typed,
            error=error,
            username=user.username,
        )

    @staticmethod
    def _too_many(wait: int, user: User) -> Response:
        response = page(
            "error.html",
            429,
            heading="Too many codes tried",
            message=f"Too many unknown codes were entered from here. Try again in {wait} seconds.",
            username=user.username,
        )
        response.headers["Retry-After"] = str(wait)
        return response

    def _consent(self, device: DeviceAuthorization, user_code: str, current: Current, user: User) -> Response:
        return page(
            "device_consent.html",
            client_name=self._client_name(device),
            client_id=device.client_id,
            scopes=[
                (scope, rfc6749_scope.plain_words(scope, self.settings.scope_prefix))
                for scope in rfc6749_scope.parse(device.scope)
            ],
            user_code=user_code,
            csrf_token=current.csrf_token,
            username=user.username,
        )

    def _decide(self, device: DeviceAuthorization, user: User, allow: bool) -> Response:
        decided = self.store.decide_device_authorization(
            device.device_code_hash, self.clock.now(), user.user_id if allow else None
        )
        if not decided:  # decided in another tab meanwhile, or expired this very second
            return page("device_done.html", 400, heading="Nothing changed", message=USED, username=user.username)
        name = self._client_name(device)
        if allow:
            heading, message = f"{name} is connected", "You can go back to your device: it carries on by itself."
        else:
            heading, message = f"{name} was denied", "Your device is told that you refused; it was given nothing."
        return page("device_done.html", heading=heading, message=message, username=user.username)

    def _client_name(self, device: DeviceAuthorization) -> str:
        client = self.store.get_client(device.client_id)
        return client.name if client else device.client_id
