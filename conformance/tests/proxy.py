"""A reverse proxy in front of the reference server that breaks one requirement
on purpose: the "deliberately wrong server" each check is shown to fail against.

The reference server behind it is started with the proxy's URL as its issuer,
so metadata, tokens and redirects name the proxy. A `Fault` may rewrite the
request before it goes upstream (or answer it itself), and rewrite the
response on its way back. Token rewriting re-signs JWTs with the proxy's own
key, whose JWK replaces the published set (`Resigner`).
"""

import base64
import json
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import jwt
import requests
from cryptography.hazmat.primitives.asymmetric import rsa
from webob import Request, Response

HOP_BY_HOP = {
    "connection",
    "keep-alive",
    "transfer-encoding",
    "content-length",
    "content-encoding",
    "te",
    "trailer",
    "upgrade",
    "proxy-authorization",
    "proxy-authenticate",
}


@dataclass
class Fault:
    """One broken requirement. `breaks`: the check ids that must then fail (or warn)."""

    name: str
    breaks: tuple[str, ...]
    request: Callable[[Request], Response | None] | None = None
    response: Callable[[Request, Response], Response | None] | None = None
    driver: str = "auto"  # the approval driver of the run: auto, or form (pages to sign in and consent)
    state: dict = field(default_factory=dict)  # what a fault remembers between requests


class FaultProxy:
    def __init__(self):
        self.upstreams: dict[str, str] = {}  # driver -> upstream URL
        self.fault: Fault | None = None
        self.driver = "auto"
        self.lock = threading.Lock()
        self._local = threading.local()

    def _session(self) -> requests.Session:
        if not hasattr(self._local, "session"):
            self._local.session = requests.Session()
        return self._local.session

    def __call__(self, environ, start_response):
        request = Request(environ)
        request.make_body_seekable()
        fault = self.fault
        answer = fault.request(request) if fault and fault.request else None
        response = answer if answer is not None else self._forward(request)
        if fault and fault.response:
            response = fault.response(request, response) or response
        return response(environ, start_response)

    def _forward(self, request: Request) -> Response:
        # A fault may send one request to the other upstream (`conformance.upstream`: auto or form).
        upstream = self.upstreams[request.environ.get("conformance.upstream", self.driver)]
        headers = {k: v for k, v in request.headers.items() if k.lower() not in HOP_BY_HOP}
        got = self._session().request(
            request.method,
            upstream + request.path_qs,
            headers=headers,
            data=request.body or None,
            allow_redirects=False,
            timeout=15,
        )
        response = Response(status=got.status_code, body=got.content)
        response.headerlist = [(k, v) for k, v in got.headers.items() if k.lower() not in HOP_BY_HOP]
        response.content_length = len(got.content)
        return response


# -- building blocks for faults -------------------------------------------------------------------------


def form(request: Request) -> list[tuple[str, str]]:
    return parse_qsl(request.body.decode("utf-8", "replace"), keep_blank_values=True)


def set_form(request: Request, pairs) -> None:
    request.body = urlencode(list(pairs)).encode()
    request.content_type = "application/x-www-form-urlencoded"


def set_query(request: Request, pairs) -> None:
    request.query_string = urlencode(list(pairs))


def json_of(response: Response):
    try:
        return json.loads(response.body)
    except ValueError:
        return None


def with_json(response: Response, body, status: int | None = None) -> Response:
    response.body = json.dumps(body).encode()
    response.content_type = "application/json"
    if status:
        response.status = status
    return response


def json_error(error: str, status: int = 400, description: str = "refused by the fault proxy") -> Response:
    response = Response(status=status, content_type="application/json", charset=None)
    response.body = json.dumps({"error": error, "error_description": description}).encode()
    response.headers["Cache-Control"] = "no-store"
    return response


def edit_location(response: Response, edit: Callable[[dict], dict]) -> Response:
    """Rewrite the query parameters of a redirect."""
    location = response.headers.get("Location")
    if location:
        parts = urlsplit(location)
        params = edit(dict(parse_qsl(parts.query)))
        response.headers["Location"] = urlunsplit(parts._replace(query=urlencode(params)))
    return response


def is_token_request(request: Request) -> bool:
    return request.path == "/oauth2/token" and request.method == "POST"


def grant_of(request: Request) -> str | None:
    return dict(form(request)).get("grant_type")


def basic(client_id: str, secret: str) -> str:
    return "Basic " + base64.b64encode(f"{client_id}:{secret}".encode()).decode()


class Resigner:
    """Re-signs access tokens with the proxy's own RSA key, published in place of the server's."""

    def __init__(self):
        self.key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self.kid = "conformance-proxy-key"

    def jwk(self) -> dict:
        jwk = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(self.key.public_key()))
        return {**jwk, "kid": self.kid, "use": "sig", "alg": "RS256"}

    def sign(self, claims: dict, header: dict | None = None, algorithm: str = "RS256", key=None) -> str:
        header = header if header is not None else {"typ": "at+jwt", "kid": self.kid}
        return jwt.encode(claims, key if key is not None else self.key, algorithm=algorithm, headers=header)

    def rewrite(self, token: str, claims_edit=None, header_edit=None, algorithm="RS256", key=None) -> str:
        claims = jwt.decode(token, options={"verify_signature": False})
        header = {"typ": "at+jwt", "kid": self.kid}
        if header_edit:
            header = header_edit(header)
        return self.sign(claims_edit(claims) if claims_edit else claims, header, algorithm, key)
