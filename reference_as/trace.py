"""`reference-as serve --trace`: one block per exchange, for people learning OAuth.

For each request the server handles it prints the method and path, the
parameters (secrets and tokens masked to their last four characters), what the
server decided, the RFC section that governs that decision, and the response
status with its error code if any. It reads the finished response; it changes
nothing about how a request is handled.

Every value a client sent (path, parameters, header values) is printed with
its control characters escaped (`printable`): a newline in a parameter cannot
start a line that looks like another exchange, and bytes that are not UTF-8
are shown as U+FFFD rather than failing.
"""

import json
import re
import sys
from urllib.parse import parse_qsl, urlsplit

from webob import Request, Response

from . import client_auth
from .errors import ERRORS, OAuthError
from .policy import rfc8628_device
from .routes import request_path

# Parameters whose values are credentials or tokens: never printed in full.
SECRET_PARAMS = {
    "client_secret", "code", "code_verifier", "refresh_token", "access_token", "token", "password", "csrf_token",
    "code_challenge", "device_code", "user_code",
    "client_assertion", "request_uri",  # RFC 7523 §2.2 credentials; RFC 9126 §2.2 a bearer reference
}  # fmt: skip

GRANT_SECTIONS = {
    "authorization_code": "RFC 6749 §4.1.3-4.1.4",
    "client_credentials": "RFC 6749 §4.4.2-4.4.3",
    "refresh_token": "RFC 6749 §6, RFC 9700 §4.14.2",
    rfc8628_device.GRANT_TYPE: "RFC 8628 §3.4-3.5",
}


# Passwords are chosen by people: not even a part is shown.
HIDDEN_PARAMS = {"password"}


# C0 and C1 controls, DEL, and the Unicode line and paragraph separators and bidi controls.
UNPRINTABLE = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def printable(text: str) -> str:
    """`text` with every control character escaped as Python writes it (a newline
    becomes the two characters \\n): one value, one line, shown as it came."""
    return UNPRINTABLE.sub(lambda match: match[0].encode("unicode_escape").decode("ascii"), text)


def mask(value: str) -> str:
    """The last four characters of a long random value (enough to tell two apart)."""
    return "…" + value[-4:] if len(value) > 16 else "…"


def _params(request: Request) -> list[tuple[str, str]]:
    """The query's and the form body's parameters, as sent (undecodable bytes as U+FFFD);
    a body over the size limit was refused unread, and is not read here either."""
    pairs = parse_qsl(request.query_string, keep_blank_values=True, errors="replace")
    if request.content_type == "application/x-www-form-urlencoded" and request.is_body_seekable:
        pairs += parse_qsl(request.body.decode("utf-8", "replace"), keep_blank_values=True, errors="replace")
    return [
        (name, "…" if name in HIDDEN_PARAMS else mask(value) if name in SECRET_PARAMS else value)
        for name, value in pairs
    ]


def _authorization(request: Request) -> str | None:
    """Basic shows the client_id and masks the secret; any other scheme is masked whole."""
    header = request.headers.get("Authorization")
    if not header:
        return None
    scheme, _, value = header.partition(" ")
    if scheme.lower() == "basic":
        try:
            credentials = client_auth.basic(header)
        except OAuthError:
            return "Basic (malformed)"
        return f"Basic client_id={credentials.client_id} secret={mask(credentials.client_secret)}"
    return f"{scheme} {mask(value)}"


def _location(response: Response) -> tuple[str, dict]:
    location = response.headers.get("Location", "")
    return location, dict(parse_qsl(urlsplit(location).query))


def decision(request: Request, response: Response, params: dict, path: str) -> tuple[str, str]:
    """(what the server decided, the RFC section behind it)."""
    status = response.status_int
    body = {}
    if response.content_type == "application/json" and response.body:
        try:
            body = json.loads(response.body)
        except ValueError:
            body = {}
    if isinstance(body, dict) and body.get("error") in ERRORS:
        error = body["error"]
        return f"refused: {error} ({body.get('error_description', '')})", ERRORS[error].reference
    if path == "/oauth2/authorize":
        location, reply = _location(response)
        if "code" in reply:
            return "redirected to the client with a code, the state and iss", "RFC 6749 §4.1.2, RFC 9207 §2"
        if "error" in reply:
            return f"redirected to the client with error {reply['error']}", "RFC 6749 §4.1.2.1"
        if urlsplit(location).path == "/login":
            return "the user is not signed in: sent to the login page", "RFC 6749 §4.1.1 (authenticate the owner)"
        if status == 200:
            return "asked the user for consent", "RFC 6749 §4.1.1, §10.2"
        return "shown an error page; never redirected (unknown client or redirect URI)", "RFC 6749 §4.1.2.1"
    if path == "/oauth2/token" and status == 200:
        grant = params.get("grant_type", "")
        extra = " and a new refresh token" if "refresh_token" in body else ""
        return f"issued an access token{extra} for grant {grant}", GRANT_SECTIONS.get(grant, "RFC 6749 §5.1")
    if path == "/oauth2/device_authorization" and status == 200:
        return (
            "issued a device code and a user code for the person to enter at the verification page",
            "RFC 8628 §3.2",
        )
    if path == "/device":
        return _device_page(request, response)
    if path == "/oauth2/revoke" and status == 200:
        return "revoked the token if it was the client's (200 either way)", "RFC 7009 §2.2"
    if path == "/oauth2/introspect" and status == 200:
        return f"introspected: active={body.get('active')}", "RFC 7662 §2.2"
    if path == "/api/me":
        if status == 200:
            return "the bearer token is valid and has the scope", "RFC 6750 §2.1, RFC 9068 §4"
        return "no bearer token: challenged", "RFC 6750 §3"
    if path == "/login" and request.method == "POST":
        if status == 303:
            return "signed the user in with a new session", "RFC 6749 §10.12 (CSRF-checked form)"
        if status == 429:
            return "too many failed sign-ins: asked to wait", "RFC 6749 §10.10"
        return "refused the sign-in", "RFC 6749 §10.10"
    if path == "/.well-known/oauth-authorization-server":
        return "published the server metadata", "RFC 8414 §3"
    if path == "/oauth2/jwks":
        return "published the signing keys", "RFC 7517 §5"
    return "answered", "-"


def _device_page(request: Request, response: Response) -> tuple[str, str]:
    """What the verification page did (RFC 8628 §3.3), read from the page it answered."""
    status, text = response.status_int, response.text if response.content_type == "text/html" else ""
    if status == 303:
        return "the user is not signed in: sent to the login page", "RFC 8628 §3.3"
    if status == 429:
        return "too many unknown user codes from this address: asked to wait", "RFC 8628 §5.1"
    if status >= 400:
        return "refused the user code (unknown, malformed, expired or used): asked again", "RFC 8628 §3.3, §5.1"
    if 'name="decision"' in text:
        return "asked the user to compare the user code and allow or deny", "RFC 8628 §3.3, §5.4"
    if 'id="device-done"' in text:
        return "recorded the user's decision; the device learns it at its next poll", "RFC 8628 §3.3, §3.5"
    return "asked the user for the code shown on the device", "RFC 8628 §3.3"


class Tracer:
    def __init__(self, out=None):
        self.out = out or sys.stdout

    def __call__(self, request: Request, response: Response) -> None:
        params = _params(request)
        path = request_path(request.environ)[0]
        what, section = decision(request, response, dict(params), path)
        lines = [f"── {printable(request.method)} {printable(path)}"]
        authorization = _authorization(request)
        if authorization:
            lines.append(f"   Authorization: {printable(authorization)}")
        lines += [f"   {printable(name)} = {printable(value)}" for name, value in params]
        lines.append(f"   → {printable(what)}")
        lines.append(f"   rule: {section}")
        error = ""
        if response.status_int >= 400 and response.content_type == "application/json":
            try:
                error = " " + json.loads(response.body).get("error", "")
            except ValueError:
                pass
        lines.append(f"   ← {response.status}{error}")
        print("\n".join(lines), file=self.out, flush=True)
