"""A step: one HTTP exchange as a learner reads it, with its lesson beside it.

The request and the response are written the way the RFCs write their
examples: the request line, the headers that matter to OAuth (Host,
Authorization, Content-Type; Content-Type, Cache-Control, Pragma, Location,
WWW-Authenticate), and the body. As in the RFCs, a long query or form body is
broken before each `&` for display only, and JSON is pretty-printed. Every
value goes through a redactor (`redact.py`) on its way in, so a step never
holds a secret: the playground stores steps as they are.
"""

import json
from dataclasses import asdict, dataclass, field
from http import HTTPStatus
from urllib.parse import parse_qsl, quote_plus, urlsplit

from oauth_client.http import Exchange

from .. import client_auth
from ..errors import OAuthError
from .lessons import Lesson, section_url
from .redact import is_secret

REQUEST_HEADERS = ("Authorization", "Content-Type")
RESPONSE_HEADERS = ("Content-Type", "Cache-Control", "Pragma", "Location", "WWW-Authenticate")
FORM = "application/x-www-form-urlencoded"


@dataclass
class Step:
    kind: str  # the lesson's: "code_exchange", "resource_refused", …
    title: str
    sections: list[str]
    proves: str
    request: str
    response: str  # the HTTP response, or in parentheses what happened instead
    ok: bool
    sender: str
    receiver: str
    request_label: str  # for the sequence diagram: "POST /oauth2/token (grant_type, code, …)"
    response_label: str  # "200 (access_token, token_type, …)"
    note: str = ""  # why this step happened, when the client decided it on its own
    decoded: dict | None = None  # the token in it, decoded: header, claims, verdict, verified (what: which token)
    links: list[tuple[str, str]] = field(default_factory=list)
    checks: list[dict] = field(default_factory=list)  # what the client checked itself: name, section, ok, detail

    def as_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict) -> "Step":
        return cls(**{**data, "links": [tuple(link) for link in data.get("links", [])]})


def make_step(exchange: Exchange, lesson: Lesson, redact, outcome: str | None = None, ok: bool | None = None) -> Step:
    """`outcome`: what stands in for the response when the client did not see it (the
    browser did), and `ok` whether the client accepted what it saw instead."""
    has_response = exchange.status is not None
    if has_response:
        response = response_text(exchange, redact)
    else:
        response = f"({outcome or exchange.error or 'no response'})"
    if ok is None:
        ok = (exchange.status < 400 or lesson.expected) if has_response else not exchange.error
    return Step(
        kind=lesson.kind,
        title=lesson.title,
        sections=list(lesson.sections),
        proves=lesson.proves,
        request=request_text(exchange, redact),
        response=response,
        ok=ok,
        sender=lesson.sender,
        receiver=lesson.receiver,
        request_label=request_label(exchange),
        response_label=response_label(exchange) if has_response else "",
        links=[(section, section_url(section)) for section in lesson.sections],
    )


# -- the text of an exchange ---------------------------------------------------------------------


def _header(headers: dict, name: str) -> str | None:
    return next((value for key, value in headers.items() if key.lower() == name.lower()), None)


def _pairs(query: str, redact, joiner: str) -> str:
    shown = []
    for name, value in parse_qsl(query, keep_blank_values=True):
        hidden = redact.secret(name, value) if is_secret(name) else redact.public(name, value)
        shown.append(f"{quote_plus(name)}={quote_plus(value) if hidden == value else hidden}")
    return joiner.join(shown)


def _url(url: str, redact, joiner: str = "&") -> str:
    parts = urlsplit(url)
    query = _pairs(parts.query, redact, joiner) if parts.query else ""
    base = url.split("?", 1)[0]
    return base + ("?" + query if query else "")


def _authorization(value: str, redact) -> str:
    """Basic: the decoded id and the redacted secret (RFC 6749 §2.3.1); Bearer: the redacted token."""
    scheme, _, credentials = value.partition(" ")
    if scheme.lower() == "basic":
        try:
            basic = client_auth.basic(value)
        except OAuthError:
            return "Basic (malformed)"
        return f"Basic base64({basic.client_id}:{redact.secret('client_secret', basic.client_secret)})"
    return f"{scheme} {redact.secret('access_token', credentials)}"


def _redact_json(value, redact, name: str = ""):
    if isinstance(value, dict):
        return {key: _redact_json(item, redact, key) for key, item in value.items()}
    if isinstance(value, list):
        return [_redact_json(item, redact, name) for item in value]
    if isinstance(value, str):
        if name == "verification_uri_complete":  # RFC 8628 §3.2: a URL whose query holds the user code
            return _url(value, redact)
        return redact.secret(name, value) if is_secret(name) else redact.public(name, value)
    return value


def json_text(value, redact) -> str:
    return json.dumps(_redact_json(value, redact), indent=2, ensure_ascii=False)


def _body(text: str, content_type: str | None, redact) -> str:
    if not text:
        return ""
    kind = (content_type or "").split(";")[0].strip().lower()
    if kind == FORM:
        return _pairs(text, redact, "\n&")
    if kind.endswith("json"):
        try:
            return json_text(json.loads(text), redact)
        except ValueError:
            pass
    if kind == "text/html":
        return f"(an HTML page, {len(text)} characters)"
    return "(a body of another type, not shown)"


def request_text(exchange: Exchange, redact) -> str:
    parts = urlsplit(exchange.url)
    target = _url(parts.path + ("?" + parts.query if parts.query else ""), redact, "\n    &")
    lines = [f"{exchange.method} {target} HTTP/1.1", f"Host: {parts.netloc}"]
    for name in REQUEST_HEADERS:
        value = _header(exchange.request_headers, name)
        if value is not None:
            lines.append(f"{name}: {_authorization(value, redact) if name == 'Authorization' else value}")
    body = _body(exchange.request_body, _header(exchange.request_headers, "Content-Type"), redact)
    return "\n".join(lines) + ("\n\n" + body if body else "")


def response_text(exchange: Exchange, redact) -> str:
    try:
        reason = HTTPStatus(exchange.status).phrase
    except ValueError:
        reason = ""
    lines = [f"HTTP/1.1 {exchange.status} {reason}".rstrip()]
    for name in RESPONSE_HEADERS:
        value = _header(exchange.response_headers, name)
        if value is not None:
            lines.append(f"{name}: {_url(value, redact) if name == 'Location' else value}")
    body = _body(exchange.response_body, _header(exchange.response_headers, "Content-Type"), redact)
    return "\n".join(lines) + ("\n\n" + body if body else "")


# -- labels for the sequence diagrams --------------------------------------------------------------


def _names(query: str) -> list[str]:
    return [name for name, _ in parse_qsl(query, keep_blank_values=True)]


def _json_keys(text: str) -> list[str] | None:
    """The first five member names of a JSON object (then "…"), or None if `text` is not one."""
    try:
        body = json.loads(text)
    except ValueError:
        return None
    if not isinstance(body, dict):
        return None
    keys = list(body)
    return keys[:5] + (["…"] if len(keys) > 5 else [])


def request_label(exchange: Exchange) -> str:
    parts = urlsplit(exchange.url)
    body = exchange.request_body
    names = _names(parts.query) + ((_json_keys(body) or _names(body)) if body else [])
    if _header(exchange.request_headers, "Authorization"):
        names.insert(0, _header(exchange.request_headers, "Authorization").split(" ")[0])
    return f"{exchange.method} {parts.path}" + (f" ({', '.join(names)})" if names else "")


def response_label(exchange: Exchange) -> str:
    location = _header(exchange.response_headers, "Location")
    if location:
        parts = urlsplit(location)
        return f"{exchange.status} to {parts.path} ({', '.join(_names(parts.query))})"
    try:
        body = json.loads(exchange.response_body)
    except ValueError:
        body = None
    if isinstance(body, dict) and "error" in body:
        return f"{exchange.status} ({body['error']})"
    keys = _json_keys(exchange.response_body)
    return f"{exchange.status} ({', '.join(keys)})" if keys else str(exchange.status)
