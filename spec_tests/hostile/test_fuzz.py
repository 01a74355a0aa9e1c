"""Hostile input against a real `reference-as serve --trace`: nothing a client sends gives a 5xx.

Every route of `app.py` in both route styles, with GET, HEAD and POST (and now
and then another method), the admin pages signed in as an administrator and
the consent form with the session's own CSRF token, so that the hostile part
gets past the first checks. What is sent: bytes that are not UTF-8 in the
path, the query, the body, the headers and the cookies; JWTs nested deep or
larger than any token; repeated parameters; wrong content types and charsets;
bodies over the size limit; broken Basic credentials; CR LF in values.

The requests are drawn from `random.Random(seed)` and written by hand (no
HTTP library would send most of them): on a socket to the served server, and
the same bytes as a WSGI environ to the app in-process, which also sees what
Granian drops before the app (header values that are not ASCII). Each pass
fails on any 5xx, on any request left without an answer, and on any
traceback in the log; the message names the seed, so that a failure can be
replayed:

    FUZZ_SEED=<seed> .venv/bin/pytest spec_tests/hostile/test_fuzz.py
"""

import base64
import http.client
import io
import json
import logging
import os
import random
import re
import socket
from urllib.parse import quote_from_bytes, unquote_to_bytes, urlencode

import pytest
import requests

from reference_as.app import make_app
from reference_as.clients import ClientService
from reference_as.clock import SystemClock
from reference_as.config import Settings
from reference_as.playground.inprocess import WSGIAdapter
from reference_as.secret_box import SecretBox
from reference_as.store import MemoryStore, SQLiteStore
from reference_as.trace import Tracer
from reference_as.users import UserService
from spec_tests.serve.conftest import LiveServer

SEED = int(os.environ.get("FUZZ_SEED", "17"))
ISSUER = "http://127.0.0.1:8000"
REQUESTS = 3000
TIMEOUT = 30.0  # seconds without an answer before a request counts as unanswered
REDIRECT_URI = "http://127.0.0.1:8001/callback"
GRANTS = ("authorization_code", "refresh_token", "client_credentials")
CLIENT = ["--name", "Fuzzed", *(f"--grant={grant}" for grant in GRANTS), "--scope", "api:read",
          "--redirect-uri", REDIRECT_URI]  # fmt: skip
VICTIM = ["--name", "Administered", "--scope", "api:read"]

# Besides every route of the app's table (read from the app, so none is missed): the admin
# pages below /admin/ ({client} is a real client's id or a hostile segment), the seed's
# route style, and a path nothing serves.
ADMIN_PAGES = [
    "clients/new", "clients/{client}/edit", "clients/{client}/pause", "clients/{client}/resume",
    "clients/{client}/rotate-secret", "clients/{client}/delete", "keys", "keys/rotate",
]  # fmt: skip
MORE_PATHS = [
    "/.well-known/openid-configuration",
    "/index.php?module=OAuth2&action=token",
    "/index.php?module=OAuth2&action=authorize",
    "/index.php",
    "/nothing/here",
]


def routes_of(app) -> list[str]:
    """The paths to fuzz: the app's route table, then ADMIN_PAGES and MORE_PATHS."""
    admin = [prefix + page for prefix in app.routes if prefix.endswith("/") for page in ADMIN_PAGES]
    return list(app.routes) + admin + MORE_PATHS


METHODS = ["GET", "HEAD", "POST"]
NAMES = [
    "grant_type", "client_id", "client_secret", "code", "redirect_uri", "code_verifier", "refresh_token", "scope",
    "token", "token_type_hint", "response_type", "state", "code_challenge", "code_challenge_method", "csrf_token",
    "decision", "remember", "username", "password", "next", "name", "type", "grant_types", "scopes",
    "redirect_uris", "permissions", "module", "action", "resource", "x",
]  # fmt: skip


def b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


DEEP_JWT = b64(b"[" * 1500 + b"]" * 1500) + "." + b64(b'{"a":' + b"[" * 1500 + b"]" * 1500 + b"}") + ".AA"
HUGE_JWT = b64(b'{"typ":"at+jwt"}') + "." + b64(json.dumps({"pad": "x" * 60_000}).encode()) + ".AA"
HOSTILE_VALUES = [
    b"", b"\xff", b"\xc3\x28", b"\xed\xa0\x80", b"\x00", b"\r\n", b"\r\nSet-Cookie: x=y",
    "\n── GET /".encode(),
    "é".encode(), "\U0001f600".encode() * 50, b"%", b"%zz", b"%ff", b"a" * 5000, b"[" * 2000, b"{" * 2000,
    DEEP_JWT.encode(), HUGE_JWT.encode(), b"../../etc/passwd", b"<script>alert(1)</script>", b"//evil.example/",
    b"/\\evil.example", b"javascript:alert(1)", b"api:read api:superuser", b"authorization_code",
    b"client_credentials", b"refresh_token", b"allow", b"deny", b"yes", b"S256", b"plain", b"code", b"-1",
    b"99999999999999999999999999", b"null", b'{"a":1}',
]  # fmt: skip
CONTENT_TYPES = [
    "application/x-www-form-urlencoded",
    "application/x-www-form-urlencoded; charset=latin-1",
    "application/x-www-form-urlencoded; charset=\xff",
    "application/json",
    "multipart/form-data; boundary=xyz",
    "text/plain",
    "application/x-www-form-urlencoded\xc3\xa9",
    None,
]


class Known:
    """What a real client and a signed-in administrator have: the pieces that get a
    hostile request past the first checks. `browser` reaches the server at `base`;
    the administrator `root` and the two clients exist already."""

    def __init__(self, browser: requests.Session, base: str, password: str, client: tuple[str, str], victim_id: str):
        self.client_id, self.secret = client
        self.victim_id = victim_id  # the admin forms act on this one (pause, rotate, delete), not on client_id
        login = browser.get(base + "/login", timeout=TIMEOUT)
        self.login_token, self.login_cookie = csrf_token(login.text), set_cookie(login, "ras_login")
        form = {"csrf_token": self.login_token, "username": "root", "password": password}
        signed_in = browser.post(
            base + "/login", data=form, headers={"Cookie": self.login_cookie}, allow_redirects=False, timeout=TIMEOUT
        )
        self.session_cookie = set_cookie(signed_in, "ras_session")
        as_admin = {"Cookie": self.session_cookie}
        self.session_token = csrf_token(browser.get(base + "/admin/", headers=as_admin, timeout=TIMEOUT).text)
        self.authorization = {
            "response_type": "code", "client_id": self.client_id, "redirect_uri": REDIRECT_URI, "scope": "api:read",
            "state": "s", "code_challenge": b64(os.urandom(32)), "code_challenge_method": "S256",
        }  # fmt: skip
        consent = browser.get(
            base + "/oauth2/authorize?" + urlencode(self.authorization), headers=as_admin, timeout=TIMEOUT
        )
        assert consent.status_code == 200 and csrf_token(consent.text) == self.session_token
        token = browser.post(
            base + "/oauth2/token", data={"grant_type": "client_credentials"}, auth=client, timeout=TIMEOUT
        )
        self.access_token = token.json()["access_token"]


def csrf_token(page: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]*)"', page)[1]


def set_cookie(response: requests.Response, name: str) -> str:
    """`name=value` from the response's Set-Cookie (read by hand: the in-process adapter
    keeps no cookie jar)."""
    return re.search(rf"\b{name}=[^;]+", response.headers["Set-Cookie"])[0]


class Hostile:
    """One request at a time, drawn from the seed: (method, raw request bytes)."""

    def __init__(self, rng: random.Random, known: Known, port: int, routes: list[str]):
        self.rng, self.known, self.port, self.routes = rng, known, port, routes

    def value(self, path: str) -> bytes:
        known = self.known
        friendly = [known.client_id, known.secret, REDIRECT_URI, known.access_token, known.login_token, "api:read",
                    "S256", known.victim_id]  # fmt: skip
        if path != "/logout":  # a sign-out with the right token would end the admin's session for good
            friendly.append(known.session_token)
        if self.rng.random() < 0.35:
            return self.rng.choice(friendly).encode()
        return self.rng.choice(HOSTILE_VALUES)

    def pairs(self, path: str) -> list[tuple[bytes, bytes]]:
        """Parameters: often a real request's, with some of them made hostile, repeated or added."""
        rng = self.rng
        base = {}
        if "authorize" in path:
            base = dict(self.known.authorization)
            if rng.random() < 0.5:
                base.update(decision=rng.choice(["allow", "deny"]), csrf_token=self.known.session_token)
        elif "token" in path:
            base = {"grant_type": rng.choice(["client_credentials", "authorization_code", "refresh_token", "x"])}
        elif path.startswith(("/admin", "/account")):
            base = {"csrf_token": self.known.session_token, "name": "n", "type": "confidential", "scopes": "api:read"}
        elif path == "/login":
            base = {"csrf_token": self.known.login_token, "username": "root", "password": "wrong", "next": "/admin/"}
        pairs = [(name.encode(), value.encode()) for name, value in base.items()]
        for _ in range(rng.randrange(3)):
            name = rng.choice(NAMES).encode() if rng.random() < 0.8 else self.value(path)
            pairs.append((name, self.value(path)))  # new, or repeating one already there
        for index in rng.sample(range(len(pairs)), k=min(len(pairs), rng.randrange(3))):
            pairs[index] = (pairs[index][0], self.value(path))
        return pairs

    @staticmethod
    def encode(pairs: list[tuple[bytes, bytes]]) -> bytes:
        return b"&".join(
            quote_from_bytes(name).encode() + b"=" + quote_from_bytes(value).encode() for name, value in pairs
        )

    def target(self, route: str, method: str) -> bytes:
        rng = self.rng
        segment = self.known.victim_id.encode()
        if rng.random() < 0.3:
            segment = rng.choice([b"%ff", b"\xff", b"%00", b"%0d%0a", b"%C3%A9", b"..", b"a" * 3000, b"%2F%2F", b"x%"])
        target = route.encode().replace(b"{client}", segment)
        if rng.random() < 0.15:  # a path that is not UTF-8, raw or percent-encoded
            target += rng.choice([b"%ff", b"\xff\xfe", b"%c3%28", b"/%e2%82"])
        if rng.random() < (0.15 if method == "POST" else 0.5):
            query = self.encode(self.pairs(route))
            if rng.random() < 0.2:
                query += rng.choice([b"&%ff=%fe", b"&a=%", b"&\xff=\xff", b"&&&==&", b"&x=%zz"])
            target += (b"&" if b"?" in target else b"?") + query
        return target

    def headers(self, route: str) -> list[bytes]:
        rng, known = self.rng, self.known
        headers = []
        basic = base64.b64encode(f"{known.client_id}:{known.secret}".encode()).decode()
        if route in ("/oauth2/token", "/oauth2/revoke", "/oauth2/introspect") and rng.random() < 0.5:
            headers.append(b"Authorization: Basic " + basic.encode())  # the client's own: past authentication
        elif rng.random() < 0.6:
            authorization = rng.choice([
                "Basic " + basic,
                "Basic " + base64.b64encode(b"\xff\xfe:\xff").decode(),
                "Basic " + base64.b64encode(b"no-colon").decode(),
                "Basic !!!not base64!!!",
                "Basic é",
                "Basic",
                "Bearer " + known.access_token,
                "Bearer " + DEEP_JWT,
                "Bearer " + HUGE_JWT[:7000],
                "Bearer a.b.c",
                "Bearer \xff\xfe",
                "DPoP " + known.access_token,
                "bearer  " + known.access_token + " extra",
            ])  # fmt: skip
            headers.append(b"Authorization: " + authorization.encode("latin-1", "replace"))
        cookies = [known.session_cookie] if rng.random() < 0.7 else []
        if rng.random() < 0.5:
            cookies += rng.sample(
                [
                    known.login_cookie, 'ras_session="a.\\303\\251"', 'ras_session="\\377"',
                    "ras_session=\xff\xfe", "ras_login=\xc3\xa9.1.2", "ras_session=" + "a" * 43 + "." + "0" * 64,
                    "ras_login=" + "A" * 22 + ".99999999999." + "f" * 64, "=; ;;==", "ras_session",
                ],
                k=rng.randrange(1, 4),
            )  # fmt: skip
        if cookies:
            rng.shuffle(cookies)
            headers.append(b"Cookie: " + "; ".join(cookies).encode("latin-1"))
        if rng.random() < 0.1:
            headers.append(
                rng.choice(
                    [
                        b"X-Forwarded-For: \xff",
                        b"Origin: null",
                        b"Accept: \xff\xfe",
                        b"DPoP: " + DEEP_JWT.encode(),
                        b"DPoP: \xff\xfe.a.b",
                        b"DPoP: a.b.c, d.e.f",
                        b"DPoP: " + HUGE_JWT[:7000].encode(),
                    ]
                )
            )
        return headers

    def body(self, route: str) -> tuple[bytes, str | None]:
        rng = self.rng
        content_type = rng.choice(CONTENT_TYPES) if rng.random() < 0.15 else CONTENT_TYPES[0]
        shape = rng.random()
        if shape < 0.75:
            body = self.encode(self.pairs(route))
        elif shape < 0.82:
            body = b"a=" + b"x" * 70_000  # over the 64 KiB limit
        elif shape < 0.9:
            body = bytes(rng.randrange(256) for _ in range(rng.randrange(1, 200)))
        elif shape < 0.95:
            body = b"&".join(b"p%d=1" % n for n in range(150))  # more parameters than allowed
        else:
            body = json.dumps({"grant_type": "client_credentials"}).encode()
        return body, content_type

    def request(self, number: int) -> tuple[str, bytes]:
        """Request `number`: the routes and GET/HEAD/POST taken in turn (so each pair is
        covered whatever the seed), everything else drawn from it."""
        rng = self.rng
        route = self.routes[number % len(self.routes)]
        method = METHODS[(number // len(self.routes)) % len(METHODS)]
        if rng.random() < 0.03:
            method = rng.choice(["PUT", "DELETE", "OPTIONS", "PATCH", "G\xc3\x89T"])
        lines = [method.encode("latin-1") + b" " + self.target(route, method) + b" HTTP/1.1"]
        lines.append(b"Host: 127.0.0.1:%d" % self.port)
        lines += self.headers(route)
        body = b""
        if method != "GET" and method != "HEAD" or rng.random() < 0.05:
            body, content_type = self.body(route)
            if content_type is not None:
                lines.append(b"Content-Type: " + content_type.encode("latin-1"))
        lines.append(b"Content-Length: %d" % len(body))
        lines.append(b"Connection: close")
        return method, b"\r\n".join(lines) + b"\r\n\r\n" + body


def send(port: int, method: str, raw: bytes) -> int | str:
    """Over a socket to the served server: the status of the answer, or why there was none."""
    with socket.create_connection(("127.0.0.1", port), timeout=TIMEOUT) as sock:
        try:
            sock.sendall(raw)
        except OSError:
            pass  # the server may answer and close before reading an oversized body
        response = http.client.HTTPResponse(sock, method=method)
        try:
            response.begin()
            response.read()
        except (http.client.HTTPException, OSError) as error:
            return f"no answer ({type(error).__name__}: {error})"
        return response.status


def call(app, raw: bytes) -> int | str:
    """The same bytes handed to the WSGI app as a WSGI server would (PEP 3333: the path
    percent-decoded, every value a latin-1 string of the bytes that came), without an
    HTTP server in between that might drop what it dislikes (Granian drops header values
    that are not ASCII, so only this pass sees them)."""
    head, _, body = raw.partition(b"\r\n\r\n")
    request_line, *header_lines = head.split(b"\r\n")
    method, target, _ = request_line.split(b" ")
    path, _, query = target.partition(b"?")
    environ = {
        "REQUEST_METHOD": method.decode("latin-1"), "PATH_INFO": unquote_to_bytes(path).decode("latin-1"),
        "QUERY_STRING": query.decode("latin-1"), "SERVER_NAME": "127.0.0.1", "SERVER_PORT": "8000",
        "SERVER_PROTOCOL": "HTTP/1.1", "wsgi.url_scheme": "http", "wsgi.input": io.BytesIO(body),
        "wsgi.errors": io.StringIO(), "REMOTE_ADDR": "127.0.0.1",
    }  # fmt: skip
    for line in header_lines:
        name, _, value = line.decode("latin-1").partition(":")
        key = name.strip().upper().replace("-", "_")
        environ[key if key in ("CONTENT_TYPE", "CONTENT_LENGTH") else "HTTP_" + key] = value.strip()
    statuses = []
    try:
        b"".join(app(environ, lambda status, headers, exc_info=None: statuses.append(status)))
    except Exception as error:  # the app itself failed: what a WSGI server answers 500
        return f"raised {type(error).__name__}: {error}"
    return int(statuses[0].split()[0])


def fuzz(hostile: "Hostile", answer) -> list[str]:
    """REQUESTS requests, each answered by `answer(method, raw)`: those that got a 5xx or none."""
    failures = []
    for number in range(REQUESTS):
        method, raw = hostile.request(number)
        status = answer(method, raw)
        if not isinstance(status, int) or status >= 500:
            failures.append(f"#{number} {status}: {raw[:300]!r}")
    return failures


def verdict(failures: list[str], log: str, tracebacks: int) -> str:
    replay = f"FUZZ_SEED={SEED} .venv/bin/pytest spec_tests/hostile/test_fuzz.py"
    start = log.find("Traceback")
    first = "" if start < 0 else log[max(0, start - 300) : start + 3000]
    return (
        f"seed {SEED} ({replay}): {len(failures)} of {REQUESTS} requests got a 5xx or no answer, "
        f"{tracebacks} tracebacks in the log\n" + "\n".join(failures[:20]) + "\n" + first
    )


@pytest.fixture
def server(tmp_path):
    # A low scrypt cost: the fuzzer's admin signs in over HTTP; production uses 2**17.
    (tmp_path / "reference-as.toml").write_text("password_scrypt_n = 1024\n")
    server = LiveServer(tmp_path, extra_args=("--trace",))
    yield server
    server.stop()


def test_no_hostile_request_to_the_served_server_gets_a_5xx_or_leaves_a_traceback(server):
    _, password = server.create_user("root", admin=True)
    client = server.cli("clients", "create", *CLIENT)
    victim = server.cli("clients", "create", *VICTIM)
    browser = requests.Session()
    browser.trust_env = False  # loopback, never through a proxy
    known = Known(browser, server.url, password, (client["client_id"], client["client_secret"]), victim["client_id"])
    # The served server's route table, read from an app made the same way in this process.
    routes = routes_of(make_app(Settings(issuer=server.url), MemoryStore(), box=SecretBox(os.urandom(32))))
    hostile = Hostile(random.Random(SEED), known, server.port, routes)
    failures = fuzz(hostile, lambda method, raw: send(server.port, method, raw))
    log = server.log.read_text(errors="replace")
    assert not failures and "Traceback" not in log, verdict(failures, log, log.count("Traceback"))


def test_no_hostile_request_to_the_app_in_process_gets_a_5xx_or_logs_an_error(tmp_path, caplog):
    settings = Settings(issuer=ISSUER, password_scrypt_n=2**10)
    store = SQLiteStore(tmp_path / "fuzzed.sqlite3")
    trace = io.StringIO()
    app = make_app(settings, store, SystemClock(), SecretBox(os.urandom(32)), tracer=Tracer(trace))
    _, password = UserService(store, settings, SystemClock()).create("root", is_admin=True)
    clients = ClientService(store, settings, SystemClock())
    client, secret = clients.create(
        name="Fuzzed", client_type="confidential", grant_types=GRANTS, scopes=("api:read",),
        redirect_uris=(REDIRECT_URI,),
    )  # fmt: skip
    victim, _ = clients.create(
        name="Administered", client_type="confidential", grant_types=("client_credentials",), scopes=("api:read",)
    )
    browser = requests.Session()
    browser.mount(ISSUER + "/", WSGIAdapter(app))
    known = Known(browser, ISSUER, password, (client.client_id, secret), victim.client_id)
    with caplog.at_level(logging.ERROR, logger="reference_as"):
        failures = fuzz(Hostile(random.Random(SEED), known, 8000, routes_of(app)), lambda method, raw: call(app, raw))
    errors = [record for record in caplog.records if record.levelno >= logging.ERROR]
    store.close()
    log = "\n".join(caplog.text.splitlines()[:200])
    assert not failures and not errors, verdict(failures, log, len(errors))
