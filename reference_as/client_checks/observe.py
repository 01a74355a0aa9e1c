"""The observers: wrappers around the authorization, token and resource endpoints that
record what a client under check does (`evidence.py`) and spring its scenario's traps
(`traps.py`). For a request of any other client they only find out whose it is (the
client_id of the request, or the access token's claim) and hand it on untouched.

A body is read for this only when it fits the server's limit (`max_body_bytes`); the
endpoint then reads the same bytes again and judges them as it always does. What this
costs a client not under check, measured in process on SQLite (client credentials
token requests, load average 3.5-5 on 2 cores): a median of 28-43 µs per request
(reading the form, finding the client_id, one look-up by primary key), against about
1-1.4 ms for the request itself.
"""

import base64
import json
from urllib.parse import parse_qsl, unquote_plus

from webob import Request, Response

from ..endpoints.resource import REALM
from ..errors import OAuthError
from ..form import FORM
from ..jose.jws import decode_unverified
from ..policy.secrets import hash_secret
from . import evidence
from .evidence import AUTHORIZATION, RESOURCE, TOKEN
from .scenarios import REFUSED_ONCE, SHORT_LIVED, TRAPS
from .service import ClientChecks
from .traps import next_trap, refused, shorten, spring


def _form(request: Request, max_bytes: int) -> dict[str, str] | None:
    """The first value of each parameter of a form POST (None if there is none or it is
    too large to read twice), leaving the body for the endpoint to read again."""
    if request.method != "POST" or request.content_type != FORM:
        return None
    if request.content_length is None or request.content_length > max_bytes:
        return None
    request.make_body_seekable()
    try:
        pairs = parse_qsl(request.body.decode("utf-8"), errors="strict", max_num_fields=100)
    except ValueError:  # not UTF-8 (UnicodeDecodeError), too many fields: the endpoint says so
        return None
    params: dict[str, str] = {}
    for name, value in pairs:
        params.setdefault(name, value)
    return params


def _basic_client_id(authorization: str) -> str | None:
    scheme, _, encoded = authorization.partition(" ")
    if scheme.lower() != "basic":
        return None
    try:
        user, colon, _ = base64.b64decode(encoded.strip(), validate=True).decode("utf-8").partition(":")
    except ValueError:
        return None
    return unquote_plus(user) if colon else None


def _authentication(authorization: str, params: dict) -> tuple[list[str], str | None]:
    """(the client authentication methods the request used, RFC 6749 §2.3; its client_id)."""
    methods = []
    client_id = None
    if authorization.lower().startswith("basic "):
        methods.append("client_secret_basic")
        client_id = _basic_client_id(authorization)
    if "client_secret" in params:
        methods.append("client_secret_post")
    if "client_assertion" in params:
        methods.append("client_assertion")  # RFC 7521 §4.2
    if not methods and "client_id" in params:
        methods.append("none")
    return methods, client_id or params.get("client_id")


class ObservedAuthorization:
    """`GET,POST /oauth2/authorize`: recorded when the answer goes back to the client (a
    code or an error at its redirect URI) or stops at an error page; the sign-in and
    consent pages on the way are not an answer yet."""

    def __init__(self, endpoint, checks: ClientChecks, max_body_bytes: int):
        self.endpoint = endpoint
        self.checks = checks
        self.max_body_bytes = max_body_bytes

    def __call__(self, request: Request) -> Response:
        form = _form(request, self.max_body_bytes)
        response = self.endpoint(request)
        params = form if request.method == "POST" else dict(request.GET.items())
        check = self.checks.under_way((params or {}).get("client_id"))
        if check is None:
            return response
        client = self.checks.store.get_client(check.client_id)
        outcome = _outcome(response, params.get("redirect_uri") or next(iter(client.redirect_uris), None))
        if outcome is None:
            return response
        trap = None
        if outcome["result"] == "code":
            trap = next_trap(check.scenario, len(self.checks.traps_sprung(client.client_id)), bool(params.get("state")))
            if trap:
                response.location = spring(trap, response.location)
        self.checks.record(
            client.client_id, AUTHORIZATION, {**evidence.authorization(params, client, outcome), "trap": trap}
        )
        return response


def _outcome(response: Response, redirect_uri: str | None) -> dict | None:
    """What the client was answered (RFC 6749 §4.1.2, §4.1.2.1), or None for a page on the way."""
    if response.status_code >= 400:
        return {"result": "error_page", "status": response.status_code}
    location = response.location or ""
    if not (300 <= response.status_code < 400 and redirect_uri and location.startswith(redirect_uri)):
        return None
    callback = evidence.callback_params(location)
    if "code" in callback:
        return {"result": "code", "code_hash": hash_secret(callback["code"])}
    return {"result": "error", "error": callback.get("error")}


class ObservedToken:
    """`POST /oauth2/token`: every request of a client under check, with its answer."""

    def __init__(self, endpoint, checks: ClientChecks, max_body_bytes: int):
        self.endpoint = endpoint
        self.checks = checks
        self.max_body_bytes = max_body_bytes

    def __call__(self, request: Request) -> Response:
        body = _form(request, self.max_body_bytes) or {}
        query = dict(request.GET.items())
        methods, client_id = _authentication(request.headers.get("Authorization", ""), {**query, **body})
        check = self.checks.under_way(client_id)
        if check is None:
            return self.endpoint(request)
        store = self.checks.store
        code = store.get_code(hash_secret(body["code"])) if body.get("code") else None
        refresh = store.get_refresh_token(hash_secret(body["refresh_token"])) if body.get("refresh_token") else None
        details = evidence.token(body, list(query), methods, code, refresh and refresh[0], self.checks.clock.now())
        try:
            response = self.endpoint(request)
        except OAuthError as error:
            self.checks.record(check.client_id, TOKEN, {**details, **evidence.answered(error.status, error.error)})
            raise
        details.update(self._issued(response, check), **evidence.answered(response.status_code, None))
        self.checks.record(check.client_id, TOKEN, details)
        return response

    def _issued(self, response: Response, check) -> dict:
        """What the client was told of a new access token: its hash and when it expires (RFC 6749
        §5.1 `expires_in`), shortened by the `short` trap."""
        if response.status_code != 200:
            return {}
        trap = SHORT_LIVED if SHORT_LIVED in TRAPS[check.scenario] else None
        life = shorten(response) if trap else json.loads(response.body).get("expires_in")
        token = json.loads(response.body).get("access_token")
        expires_at = self.checks.clock.now() + life if isinstance(life, int) else None
        return {"access_token_hash": hash_secret(token) if token else None, "expires_at": expires_at, "trap": trap}


def _token_places(request: Request, form: dict | None) -> tuple[list[str], str | None]:
    """Where the request carries an access token (RFC 6750 §2.1 header, §2.2 body,
    §2.3 query), and the first one found."""
    found = []
    scheme, _, header = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() == "bearer":
        found.append(("header", header.strip()))
    if form and form.get("access_token"):
        found.append(("body", form["access_token"]))
    if request.GET.get("access_token"):
        found.append(("query", request.GET["access_token"]))
    return [place for place, _ in found], (found[0][1] if found else None)


def _announced_expiry(checks: ClientChecks, client_id: str, token_hash: str) -> int | None:
    """When the token response that issued this token said it expires (None if not seen)."""
    for event in checks.store.check_events(client_id):
        details = json.loads(event.details)
        if event.kind == TOKEN and details.get("access_token_hash") == token_hash:
            return details.get("expires_at")
    return None


def _client_of(token: str | None) -> str | None:
    """The client_id claim of an access token (RFC 9068 §2.2), unverified: only to find
    out whose request it is; the endpoint verifies the token as always."""
    try:
        client_id = decode_unverified(token)[1].get("client_id") if token else None
    except ValueError:
        return None
    return client_id if isinstance(client_id, str) else None


class ObservedResource:
    """A protected resource (`/api/me`, UserInfo): how the token was sent (and its hash, to
    tell a retry with a new token), and the answer; the `401` trap (`traps.py`) replaces the
    first answer to a valid token."""

    def __init__(self, endpoint, checks: ClientChecks, max_body_bytes: int):
        self.endpoint = endpoint
        self.checks = checks
        self.max_body_bytes = max_body_bytes

    def __call__(self, request: Request) -> Response:
        places, token = _token_places(request, _form(request, self.max_body_bytes))
        check = self.checks.under_way(_client_of(token))
        response = self.endpoint(request)
        if check is None:
            return response
        token_hash = hash_secret(token) if token else None
        expired = self._past_announced_life(check, token_hash)
        trap = None
        if response.status_code == 200 and expired:
            trap, response = SHORT_LIVED, refused(REALM, "The access token expired (as its expires_in announced).")
        elif (
            response.status_code == 200
            and REFUSED_ONCE in TRAPS[check.scenario]
            and REFUSED_ONCE not in self.checks.traps_sprung(check.client_id, RESOURCE)
        ):
            trap, response = (
                REFUSED_ONCE,
                refused(REALM, "The access token is not accepted (refused once, on purpose)."),
            )
        details = {
            "path": request.path_info,
            "token_in": places,
            "token_hash": token_hash,
            "past_announced_life": expired,
            "trap": trap,
            **evidence.answered(response.status_code, None),
        }
        self.checks.record(check.client_id, RESOURCE, details)
        return response

    def _past_announced_life(self, check, token_hash: str | None) -> bool:
        """Whether the `short` trap's announced life of this token is over."""
        if SHORT_LIVED not in TRAPS[check.scenario] or token_hash is None:
            return False
        expires_at = _announced_expiry(self.checks, check.client_id, token_hash)
        return expires_at is not None and self.checks.clock.now() >= expires_at
