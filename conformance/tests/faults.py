"""The catalogue of deliberately wrong servers: each `Fault` breaks one
requirement (sometimes a small family of them) of the reference server
behind `proxy.FaultProxy`, and names the checks that must then fail, or warn
for a SHOULD. A check that no fault breaks is proved only by its passing
run; `test_fail_cases.py` reports which checks that leaves.
"""

import base64
import hashlib
import itertools
import json
import random
import secrets
import threading
import time
from dataclasses import dataclass
from urllib.parse import parse_qsl, unquote_plus, urlencode, urlsplit

import jwt
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from webob import Response

from conformance.checks.rfc9700_redirect_uri import VARIANTS
from conformance.steps import PARALLEL

from .faults_device_oidc import device_and_oidc
from .proxy import (
    Fault,
    Resigner,
    basic,
    edit_location,
    form,
    grant_of,
    is_token_request,
    json_error,
    json_of,
    set_form,
    set_query,
    with_json,
)

WELL_KNOWN = "/.well-known/oauth-authorization-server"


@dataclass
class Context:
    issuer: str  # the proxy's URL, the upstream's issuer
    clients: dict  # role -> {"client_id", "client_secret", "redirect_uri", ...}
    resigner: Resigner

    def creds(self, role: str) -> tuple[str, str]:
        return self.clients[role]["client_id"], self.clients[role].get("client_secret")


# -- building blocks -------------------------------------------------------------------------------------


def on_path(path: str, edit, status_ok: bool = False):
    """A response edit applied to JSON responses of `path`: edit(body, request, response) -> body."""

    def response(request, response):
        body = json_of(response)
        if request.path == path and isinstance(body, dict) and (not status_ok or response.status_code == 200):
            result = edit(body, request, response)  # a dict replaces the body; anything else: edited in place
            return with_json(response, result if isinstance(result, dict) else body)
        return None

    return response


def metadata(edit):
    return on_path(WELL_KNOWN, lambda body, request, response: edit(body))


def first_key(edit):
    def change(body, request, response):
        edit(body["keys"][0])

    return on_path("/oauth2/jwks", change)


def token_success(edit, grant: str | None = None):
    """Edit successful token responses: edit(body, request)."""

    def response(request, response):
        body = json_of(response)
        if (
            is_token_request(request)
            and response.status_code == 200
            and isinstance(body, dict)
            and (grant is None or grant_of(request) == grant)
        ):
            edit(body, request)
            return with_json(response, body)
        return None

    return response


def token_error(edit):
    """Edit token error responses: edit(body, response)."""

    def response(request, response):
        body = json_of(response)
        if is_token_request(request) and response.status_code >= 400 and isinstance(body, dict):
            edit(body, response)
            return with_json(response, body)
        return None

    return response


def location(edit, path: str = "/oauth2/authorize"):
    """Edit the query parameters of the authorization endpoint's redirects: edit(params, request)."""

    def response(request, response):
        if request.path == path and response.headers.get("Location", "").startswith("http://127.0.0.1:8001"):
            return edit_location(response, lambda params: edit(params, request) or params)
        return None

    return response


def both(*functions):
    """Several edits in turn; the last answer given wins."""

    def run(*args):
        results = [function(*args) for function in functions]
        return next((result for result in reversed(results) if result is not None), None)

    return run


def authorize_query(edit):
    """Edit the authorization request's query before it goes upstream: edit(pairs) -> pairs."""

    def request(request):
        if request.path == "/oauth2/authorize":
            set_query(request, edit(list(parse_qsl(request.query_string, keep_blank_values=True))))

    return request


def token_form(edit, grant: str | None = None):
    """Edit token request bodies before they go upstream: edit(pairs, request) -> pairs or a Response."""

    def request(request):
        if is_token_request(request) and (grant is None or grant_of(request) == grant):
            result = edit(form(request), request)
            if isinstance(result, Response):
                return result
            set_form(request, result)
        return None

    return request


def authenticate_as(ctx, role: str, only_if=lambda pairs, request: True):
    """Replace whatever client authentication a request carries by `role`'s."""
    client_id, secret = ctx.creds(role)

    def edit(pairs, request):
        if not only_if(pairs, request):
            return pairs
        request.headers["Authorization"] = basic(client_id, secret)
        return [(k, v) for k, v in pairs if k not in ("client_id", "client_secret")]

    return edit


def secret_supplied(ctx, client_id: str):
    """The confidential client `client_id`, when it sends no secret, is authenticated by the
    proxy: the server upstream never sees the secret missing."""
    return authenticate_as(
        ctx,
        "confidential",
        lambda pairs, request: unauthenticated(pairs, request) and dict(pairs).get("client_id") == client_id,
    )


def sent_by(client_id: str):
    def test(pairs, request):
        auth = request.headers.get("Authorization", "")
        decoded = base64.b64decode(auth[6:]).decode() if auth.startswith("Basic ") else ""
        return dict(pairs).get("client_id") == client_id or decoded.startswith(client_id + ":")

    return test


def unauthenticated(pairs, request) -> bool:
    return "Authorization" not in request.headers and "client_secret" not in dict(pairs)


def invented_value_refused(field: str, error: str, where=is_token_request):
    """Requests whose `field` is a value the suite invented (`conformance-never…`) are answered
    with `error` by the proxy, whatever the server would have said."""

    def request(request):
        if where(request) and dict(form(request)).get(field, "").startswith("conformance-never"):
            return json_error(error)
        return None

    return request


def html_headers(edit):
    def response(request, response):
        if "html" in response.headers.get("Content-Type", ""):
            edit(response.headers)
        return None

    return response


def counter(prefix: str):
    numbers = itertools.count(1)
    return lambda: f"{prefix}{next(numbers):06d}"


def mapped_values(field: str, make, where: str):
    """Replace the values of `field` (in token responses, or in the authorization redirect) by weak
    ones, and map them back on the way in. Returns (request edit, response edit)."""
    forward: dict[str, str] = {}

    def request(request):
        if is_token_request(request):
            pairs = [(k, forward.get(v, v) if k == field else v) for k, v in form(request)]
            set_form(request, pairs)

    def response(request, response):
        if where == "location" and request.path == "/oauth2/authorize":

            def swap(params):
                if field in params:
                    weak = make()
                    forward[weak] = params[field]
                    params[field] = weak
                return params

            return edit_location(response, swap)
        body = json_of(response)
        if where == "token" and is_token_request(request) and isinstance(body, dict) and field in body:
            weak = make()
            forward[weak] = body[field]
            body[field] = weak
            return with_json(response, body)
        return None

    return request, response


# -- JWT re-signing ------------------------------------------------------------------------------------------


def resigned(ctx, claims_edit=None, header_edit=None, algorithm="RS256", key=None, jwk=None, raw=None):
    """Token responses carry re-signed access tokens; the JWK Set publishes the proxy's key."""

    def tokens(body, request):
        if "access_token" in body:
            token = body["access_token"]
            body["access_token"] = (
                raw(token) if raw else ctx.resigner.rewrite(token, claims_edit, header_edit, algorithm, key)
            )

    def keys(body, request, response):
        return {"keys": [jwk or ctx.resigner.jwk()]}

    return both(token_success(tokens), on_path("/oauth2/jwks", keys))


def unsigned(token: str) -> str:
    claims = jwt.decode(token, options={"verify_signature": False})
    encode = lambda part: base64.urlsafe_b64encode(json.dumps(part).encode()).rstrip(b"=").decode()  # noqa: E731
    return f"{encode({'alg': 'none', 'typ': 'at+jwt'})}.{encode(claims)}."


def flip_signature(token: str) -> str:
    head, body, signature = token.split(".")
    middle = len(signature) // 2
    swapped = "A" if signature[middle] != "A" else "B"
    return f"{head}.{body}.{signature[:middle]}{swapped}{signature[middle + 1 :]}"


def small_rsa_jwk() -> dict:
    key = rsa.generate_private_key(public_exponent=65537, key_size=1024)
    return json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(key.public_key()))


# -- PKCE that is not enforced ---------------------------------------------------------------------------------


class PKCEBypass:
    """The proxy swaps in its own challenge, then its own verifier: the server upstream sees
    correct PKCE whatever the client sent. Which parts are swapped makes each fault."""

    def __init__(self, replace_verifier=True, add_verifier=False, add_challenge_for=()):
        self.verifier = secrets.token_urlsafe(48)
        digest = hashlib.sha256(self.verifier.encode()).digest()
        self.challenge = base64.urlsafe_b64encode(digest).rstrip(b"=").decode()
        self.replace_verifier, self.add_verifier = replace_verifier, add_verifier
        self.add_challenge_for = add_challenge_for

    def request(self, request):
        if request.path == "/oauth2/authorize":
            params = dict(parse_qsl(request.query_string, keep_blank_values=True))
            has = "code_challenge" in params
            if (has and self.replace_verifier) or (not has and params.get("client_id") in self.add_challenge_for):
                params.update(code_challenge=self.challenge, code_challenge_method="S256")
                set_query(request, params.items())
        elif is_token_request(request) and grant_of(request) == "authorization_code":
            pairs = dict(form(request))
            has = "code_verifier" in pairs
            if (has and self.replace_verifier) or (not has and self.add_verifier):
                pairs["code_verifier"] = self.verifier
                set_form(request, pairs.items())
        return None


# -- caching proxies for codes and refresh tokens -------------------------------------------------------------


def reusable_codes():
    """A code can be redeemed again: the first answer is replayed (also to simultaneous requests)."""
    answers: dict[str, Response] = {}
    lock = threading.Lock()

    def request(request):
        if is_token_request(request) and grant_of(request) == "authorization_code":
            code = dict(form(request)).get("code")
            lock.acquire()
            if code in answers:
                lock.release()
                return answers[code].copy()
            request.environ["conformance.lock"] = lock
        return None

    def response(request, response):
        held = request.environ.pop("conformance.lock", None)
        if held is not None:
            if response.status_code == 200:
                answers[dict(form(request)).get("code")] = response.copy()
            held.release()
        return None

    return request, response


class Race:
    """A token endpoint that checks a code or refresh token, then spends it, with a gap between: a
    request that arrives while the first one for the same credential is still in flight is given the
    first one's answer too (a second winner). `every`: every such request wins; else one of them wins,
    one time in three (the coin is tossed once per credential), as a real race wins by chance. The
    others wait for the first to be done and then reach the server, which refuses the spent credential."""

    CHANCE = 1 / 3
    GAP = 0.02  # seconds the first request stays in flight after the server answered it

    def __init__(self, grant: str, field: str, every: bool = False):
        self.grant, self.field, self.every = grant, field, every
        self.lock = threading.Lock()
        self.flights: dict[str, dict] = {}  # credential -> {"done": Event, "answer", "riders" allowed}
        self.coin = random.Random()

    def request(self, request):
        if not (is_token_request(request) and grant_of(request) == self.grant):
            return None
        credential = dict(form(request)).get(self.field)
        with self.lock:
            flight = self.flights.get(credential)
            if flight is None or flight["done"].is_set():
                riders = PARALLEL if self.every else (1 if self.coin.random() < self.CHANCE else 0)
                self.flights[credential] = {"done": threading.Event(), "answer": None, "riders": riders}
                request.environ["conformance.flight"] = credential
                return None  # the first: on to the server
            rides = flight["riders"] > 0
            flight["riders"] -= rides
        flight["done"].wait(timeout=15)
        if rides and flight["answer"] is not None:
            return flight["answer"].copy()  # a second winner: the first one's tokens
        return None  # on to the server, after the first spent the credential

    def response(self, request, response):
        credential = request.environ.pop("conformance.flight", None)
        if credential is not None:
            time.sleep(self.GAP)
            flight = self.flights[credential]
            flight["answer"] = response.copy()
            flight["done"].set()
        return None


def replay_swallowed():
    """A second use of a code is refused by the proxy itself: the server never learns of the replay."""
    used: set[str] = set()

    def request(request):
        if is_token_request(request) and grant_of(request) == "authorization_code":
            code = dict(form(request)).get("code")
            if code in used:
                return json_error("invalid_grant")
            used.add(code)
        return None

    return request


class RefreshChain:
    """Remembers rotations: old refresh token -> its successor."""

    def __init__(self, forward_old: bool, swallow_reuse: bool):
        self.successor: dict[str, str] = {}
        self.forward_old, self.swallow_reuse = forward_old, swallow_reuse

    def latest(self, token: str) -> str:
        while token in self.successor:
            token = self.successor[token]
        return token

    def request(self, request):
        if is_token_request(request) and grant_of(request) == "refresh_token":
            pairs = dict(form(request))
            token = pairs.get("refresh_token")
            if token in self.successor:
                if self.swallow_reuse:
                    return json_error("invalid_grant")
                if self.forward_old:
                    pairs["refresh_token"] = self.latest(token)
                    set_form(request, pairs.items())
        return None

    def response(self, request, response):
        body = json_of(response)
        if (
            is_token_request(request)
            and grant_of(request) == "refresh_token"
            and isinstance(body, dict)
            and body.get("refresh_token")
        ):
            sent = dict(form(request)).get("refresh_token")
            self.successor[sent] = body["refresh_token"]
        return None


# -- the resource (/api/me) --------------------------------------------------------------------------------------


def resource_response(edit):
    def response(request, response):
        if request.path == "/api/me":
            return edit(request, response)
        return None

    return response


def _introspect_unverified(issuer: str):
    """An introspection endpoint that reads a JWT's claims without verifying its signature."""

    def request(request):
        if request.path != "/oauth2/introspect":
            return None
        try:
            claims = jwt.decode(dict(form(request)).get("token", ""), options={"verify_signature": False})
        except jwt.PyJWTError:
            return None
        if claims.get("iss") == issuer:
            return with_json(Response(), {"active": True, "client_id": claims.get("client_id")}, 200)
        return None

    return request


def accept_unverified_jwts(issuer: str):
    def request(request):
        if request.path != "/api/me":
            return None
        token = request.headers.get("Authorization", "")[7:]
        try:
            claims = jwt.decode(token, options={"verify_signature": False})
        except jwt.PyJWTError:
            return None
        if claims.get("iss") == issuer:
            return with_json(Response(), {"sub": claims.get("sub")}, 200)
        return None

    return request


# -- the catalogue -------------------------------------------------------------------------------------------------


def catalogue(ctx: Context) -> list[Fault]:  # noqa: C901 (a list, read top to bottom)
    conf_id, _ = ctx.creds("confidential")
    second_id, _ = ctx.creds("second")
    public_id, _ = ctx.creds("public")
    registered = {c["redirect_uri"] for c in ctx.clients.values()}
    now = lambda: int(time.time())  # noqa: E731
    faults = []
    add = lambda name, breaks, **kw: faults.append(Fault(name, tuple(breaks.split()), **kw))  # noqa: E731

    # -- RFC 8414 metadata ----------------------------------------------------------------
    add(
        "issuer-mismatch",
        "rfc8414-3.3-issuer-matches-metadata-url",
        response=metadata(lambda m: m.update(issuer=m["issuer"] + "/tenant")),
    )
    add(
        "issuer-with-query",
        "rfc8414-2-issuer-has-no-query-or-fragment",
        response=metadata(lambda m: m.update(issuer=m["issuer"] + "?tenant=1")),
    )
    add(
        "issuer-plain-http",
        "rfc8414-2-issuer-is-https",
        response=metadata(lambda m: m.update(issuer="http://as.example")),
    )
    add(
        "no-response-types",
        "rfc8414-2-response-types-supported-present",
        response=metadata(lambda m: m.pop("response_types_supported")),
    )
    add("no-token-endpoint", "rfc8414-2-token-endpoint-present", response=metadata(lambda m: m.pop("token_endpoint")))
    add(
        "no-authorization-endpoint",
        "rfc8414-2-authorization-endpoint-present",
        response=metadata(lambda m: m.pop("authorization_endpoint")),
    )
    add(
        "relative-endpoint",
        "rfc8414-2-urls-absolute-without-fragment",
        response=metadata(lambda m: m.update(revocation_endpoint="/oauth2/revoke")),
    )
    add(
        "plain-http-endpoint",
        "rfc8414-2-endpoints-use-https",
        response=metadata(lambda m: m.update(revocation_endpoint="http://as.example/revoke")),
    )
    add(
        "list-field-is-a-string",
        "rfc8414-2-supported-fields-are-string-lists",
        response=metadata(lambda m: m.update(grant_types_supported="authorization_code client_credentials")),
    )
    add(
        "no-scopes-supported",
        "rfc8414-2-scopes-supported-listed",
        response=metadata(lambda m: m.pop("scopes_supported")),
    )
    add(
        "none-signing-alg",
        "rfc8414-2-auth-signing-algs-exclude-none",
        response=metadata(lambda m: m.update(token_endpoint_auth_signing_alg_values_supported=["RS256", "none"])),
    )
    add(
        "jwt-auth-without-algs",
        "rfc8414-2-jwt-auth-methods-list-signing-algs",
        # JWT authentication offered, its algorithms not listed (the reference server lists both).
        response=metadata(
            lambda m: m.update(
                token_endpoint_auth_methods_supported=["client_secret_basic", "private_key_jwt"],
                token_endpoint_auth_signing_alg_values_supported=[],
            )
        ),
    )
    add(
        "iss-field-not-boolean",
        "rfc9207-3-iss-parameter-field-is-boolean",
        response=metadata(lambda m: m.update(authorization_response_iss_parameter_supported="true")),
    )
    add(
        "metadata-served-as-html",
        "rfc8414-3.2-metadata-is-a-json-object",
        response=lambda request, response: (
            setattr(response, "content_type", "text/html") if request.path == WELL_KNOWN else None
        ),
    )
    add(
        "jwks-uri-broken",
        "rfc8414-2-jwks-uri-serves-a-jwk-set",
        response=metadata(lambda m: m.update(jwks_uri=ctx.issuer + "/no-such-jwks")),
    )
    add(
        "only-openid-configuration",
        "rfc8414-3-served-at-rfc8414-well-known-path",
        request=lambda request: (
            Response(status=404)
            if request.path == WELL_KNOWN
            else setattr(request, "path_info", WELL_KNOWN)
            if request.path == "/.well-known/openid-configuration"
            else None
        ),
    )
    faults[-1].state["metadata_path"] = "/.well-known/openid-configuration"
    add(
        "no-pkce-methods",
        "rfc9700-2.1.1-pkce-support-published",
        response=metadata(lambda m: m.pop("code_challenge_methods_supported")),
    )
    add(
        "pkce-plain-only",
        "rfc7636-4.2-s256-offered",
        response=metadata(lambda m: m.update(code_challenge_methods_supported=["plain"])),
    )
    add(
        "implicit-offered",
        "rfc9700-2.1.2-implicit-grant-not-offered",
        response=metadata(lambda m: m["response_types_supported"].append("token")),
    )
    add(
        "password-offered",
        "rfc9700-2.4-password-grant-not-offered",
        response=metadata(lambda m: m["grant_types_supported"].append("password")),
    )

    # -- RFC 7517 JWK Set -------------------------------------------------------------------
    add(
        "private-key-published",
        "rfc8414-2-jwks-publishes-public-keys-only",
        response=first_key(lambda k: k.update(d="AQAB")),
    )
    add(
        "duplicate-kid",
        "rfc7517-4.5-kids-are-distinct",
        response=on_path("/oauth2/jwks", lambda b, *_: b["keys"].append(dict(b["keys"][0]))),
    )
    add("no-kty", "rfc7517-4-every-key-has-kty", response=first_key(lambda k: k.pop("kty")))
    add(
        "use-and-key-ops",
        "rfc7517-4-use-and-key-ops-not-both",
        response=first_key(lambda k: k.update(key_ops=["verify"])),
    )
    add("alg-of-another-kty", "rfc7517-4-alg-fits-key-type", response=first_key(lambda k: k.update(alg="ES256")))
    add(
        "key-not-an-object",
        "rfc7517-5-keys-is-an-array-of-objects",
        response=on_path("/oauth2/jwks", lambda b, *_: b["keys"].append("not-a-key")),
    )
    add(
        "rsa-1024",
        "rfc7518-3.3-rsa-keys-have-2048-bits",
        response=first_key(lambda k: k.update(n=small_rsa_jwk()["n"])),
    )
    add("key-unparseable", "rfc7517-4-keys-parse-as-public-keys", response=first_key(lambda k: k.update(n="!!!")))
    add(
        "encryption-key-unmarked",
        "rfc8414-2-jwks-use-marks-mixed-keys",
        response=on_path(
            "/oauth2/jwks",
            lambda b, *_: (b["keys"][0].pop("use", None), b["keys"].append({**small_rsa_jwk(), "use": "enc"})),
        ),
    )

    # -- RFC 9068 JWT access tokens (re-signed by the proxy) --------------------------------------
    add("typ-jwt", "rfc9068-2.1-typ-is-at-jwt", response=resigned(ctx, header_edit=lambda h: {**h, "typ": "JWT"}))
    add("unsigned-token", "rfc9068-2.1-token-is-signed", response=resigned(ctx, raw=unsigned))
    add(
        "hs256-token",
        "rfc9068-2.1-alg-is-asymmetric",
        response=resigned(ctx, algorithm="HS256", key=b"conformance-shared-secret-0123456789abcdef"),
    )
    add("no-kid", "rfc9068-4-header-names-kid", response=resigned(ctx, header_edit=lambda h: {"typ": "at+jwt"}))
    add(
        "unpublished-kid",
        "rfc9068-4-signing-key-is-published",
        response=resigned(ctx, header_edit=lambda h: {**h, "kid": "not-published"}),
    )
    add(
        "bad-signature",
        "rfc9068-4-signature-verifies",
        response=token_success(lambda body, request: body.update(access_token=flip_signature(body["access_token"]))),
    )
    add(
        "alg-not-the-keys",
        "rfc8725-3.1-alg-is-the-keys-alg",
        response=resigned(ctx, jwk={**ctx.resigner.jwk(), "alg": "PS256"}),
    )
    add(
        "foreign-iss",
        "rfc9068-2.2-iss-is-the-issuer",
        response=resigned(ctx, claims_edit=lambda c: {**c, "iss": "https://other.example"}),
    )
    add(
        "expired-token",
        "rfc9068-2.2-exp-is-in-the-future",
        response=resigned(ctx, claims_edit=lambda c: {**c, "exp": now() - 3600, "iat": now() - 7200}),
    )
    add(
        "iat-in-future",
        "rfc9068-2.2-iat-is-now",
        response=resigned(ctx, claims_edit=lambda c: {**c, "iat": now() + 1800, "exp": now() + 3600}),
    )
    add("no-aud", "rfc9068-2.2-aud-present", response=resigned(ctx, claims_edit=lambda c: _without(c, "aud")))
    add("no-sub", "rfc9068-2.2-sub-present", response=resigned(ctx, claims_edit=lambda c: _without(c, "sub")))
    add(
        "wrong-client-id",
        "rfc9068-2.2-client-id-is-the-client",
        response=resigned(ctx, claims_edit=lambda c: {**c, "client_id": "someone-else"}),
    )
    add("no-jti", "rfc9068-2.2-jti-present", response=resigned(ctx, claims_edit=lambda c: _without(c, "jti")))
    add(
        "sub-not-the-client",
        "rfc9068-2.2-sub-names-the-client-without-a-user",
        response=resigned(ctx, claims_edit=lambda c: {**c, "sub": "user-1234"}),
    )
    add(
        "no-scope-claim",
        "rfc9068-2.2.3-scope-claim-present",
        response=resigned(ctx, claims_edit=lambda c: _without(c, "scope")),
    )
    add(
        "scope-claim-array",
        "rfc9068-2.2.3-scope-claim-is-a-string",
        response=resigned(ctx, claims_edit=lambda c: {**c, "scope": c.get("scope", "").split()}),
    )
    add(
        "constant-jti",
        "rfc7519-4.1.7-jti-is-unique",
        response=resigned(ctx, claims_edit=lambda c: {**c, "jti": "always-the-same"}),
    )
    ec_key = ec.generate_private_key(ec.SECP256R1())
    ec_jwk = {**json.loads(jwt.algorithms.ECAlgorithm.to_jwk(ec_key.public_key())), "kid": ctx.resigner.kid}
    add("es256-tokens", "seed-rsa-jwt-access-tokens", response=resigned(ctx, algorithm="ES256", key=ec_key, jwk=ec_jwk))

    # -- RFC 6749 §10.10 entropy --------------------------------------------------------------------
    weak_token = counter("at-")
    add(
        "counter-access-tokens",
        "rfc6749-10.10-opaque-access-tokens-have-128-bits rfc6749-10.10-opaque-access-tokens-have-160-bits",
        response=token_success(lambda body, request: body.update(access_token=weak_token())),
    )
    add(
        "80-bit-access-tokens",
        "rfc6749-10.10-opaque-access-tokens-have-128-bits",
        response=token_success(lambda body, request: body.update(access_token=secrets.token_hex(10))),
    )
    code_in, code_out = mapped_values("code", counter("code"), "location")
    add(
        "counter-codes",
        "rfc6749-10.10-codes-have-128-bits rfc6749-10.10-codes-have-160-bits",
        request=code_in,
        response=code_out,
    )
    refresh_in, refresh_out = mapped_values("refresh_token", counter("rt"), "token")
    add(
        "counter-refresh-tokens", "rfc6749-10.10-refresh-tokens-have-128-bits", request=refresh_in, response=refresh_out
    )
    weak = "s3cret-passw0rd"
    add("short-client-secret", "rfc6749-10.10-client-secrets-have-128-bits", request=_secret_alias(ctx, weak))
    faults[-1].state["client_secret"] = weak

    # -- RFC 6749 §2.3 client authentication ----------------------------------------------------------
    add(
        "basic-refused",
        "rfc6749-2.3.1-basic-authentication-accepted",
        request=lambda r: (
            json_error("invalid_client", 401)
            if is_token_request(r) and r.headers.get("Authorization", "").startswith("Basic")
            else None
        ),
    )
    add(
        "body-credentials-refused",
        "rfc6749-2.3.1-body-credentials-accepted-when-offered",
        request=lambda r: (
            json_error("invalid_client", 401) if is_token_request(r) and "client_secret" in dict(form(r)) else None
        ),
    )
    faults[-1].state["auth_method"] = "client_secret_post"
    add(
        "basic-not-form-decoded",
        "rfc6749-2.3.1-basic-credentials-are-form-urlencoded",
        request=_basic_alias(ctx, "demo confidential", decode=False),
    )
    faults[-1].state["client_id"] = "demo confidential"
    add(
        "wrong-secret-accepted",
        "rfc6749-5.2-wrong-secret-is-invalid-client",
        request=token_form(authenticate_as(ctx, "confidential", sent_by(conf_id))),
    )
    add(
        "unknown-client-invalid-request",
        "rfc6749-5.2-unknown-client-is-invalid-client",
        request=token_form(
            lambda pairs, r: json_error("invalid_request") if sent_by("conformance-unknown-client")(pairs, r) else pairs
        ),
    )
    add(
        "invalid-client-400",
        "rfc6749-5.2-basic-failure-is-401-with-basic-challenge",
        response=lambda request, response: _error_status(response, "invalid_client", 400, drop_challenge=True),
    )
    add(
        "invalid-client-bearer-challenge",
        "rfc6749-5.2-basic-failure-is-401-with-basic-challenge",
        response=lambda request, response: _challenge(response, "invalid_client", 'Bearer realm="oauth"'),
    )
    add(
        "malformed-basic-500",
        "rfc6749-5.2-malformed-basic-credentials-refused rfc7009-2.2.1-malformed-basic-credentials-refused "
        "rfc7662-2.3-malformed-basic-credentials-refused",
        request=lambda r: Response(status=500) if _client_endpoint(r) and _undecodable_basic(r) else None,
    )
    add(
        "basic-compared-raw",
        "rfc6749-2.3.1-percent-encoded-basic-credentials-accepted",
        request=lambda r: json_error("invalid_client", 401) if is_token_request(r) and "%" in _basic_pair(r) else None,
    )
    add(
        "scheme-case-sensitive",
        "rfc9110-11.1-basic-scheme-case-insensitive-at-token-endpoint "
        "rfc9110-11.1-basic-scheme-case-insensitive-at-revocation "
        "rfc9110-11.1-basic-scheme-case-insensitive-at-introspection rfc9110-11.1-bearer-scheme-case-insensitive",
        request=_scheme_case_sensitive,
    )
    add(
        "secretless-accepted",
        "rfc6749-4.4.2-confidential-client-without-secret-refused",
        request=token_form(secret_supplied(ctx, conf_id), "client_credentials"),
    )
    add(
        "two-methods-accepted",
        "rfc6749-5.2-two-authentication-methods-invalid-request",
        request=token_form(
            lambda pairs, r: (
                [(k, v) for k, v in pairs if k not in ("client_id", "client_secret")]
                if "Authorization" in r.headers
                else pairs
            )
        ),
    )
    add(
        "credentials-in-query-accepted",
        "rfc6749-2.3.1-credentials-in-query-refused",
        request=_query_into_body("/oauth2/token"),
    )
    add(
        "public-client-credentials",
        "rfc6749-4.4.2-public-client-cannot-use-client-credentials",
        request=token_form(
            authenticate_as(ctx, "confidential", lambda p, r: dict(p).get("client_id") == public_id),
            "client_credentials",
        ),
    )
    add(
        "unauthorized-client-renamed",
        "rfc6749-5.2-grant-not-allowed-is-unauthorized-client",
        response=token_error(
            lambda body, response: (
                body.update(error="invalid_grant") if body.get("error") == "unauthorized_client" else None
            )
        ),
    )

    # -- RFC 6749 §3.2 the token endpoint --------------------------------------------------------------
    add(
        "repeats-accepted",
        "rfc6749-5.2-repeated-grant-type-is-invalid-request rfc6749-5.2-repeated-scope-is-invalid-request",
        request=token_form(lambda pairs, r: list({k: v for k, v in reversed(pairs)}.items())),
    )
    add(
        "missing-grant-type-unsupported",
        "rfc6749-5.2-missing-grant-type-is-invalid-request",
        request=lambda r: json_error("unsupported_grant_type") if is_token_request(r) and not grant_of(r) else None,
    )
    add(
        "unknown-grant-invalid-request",
        "rfc6749-5.2-unknown-grant-type-is-unsupported-grant-type",
        response=token_error(
            lambda body, response: (
                body.update(error="invalid_request") if body.get("error") == "unsupported_grant_type" else None
            )
        ),
    )
    add(
        "empty-scope-refused",
        "rfc6749-3.2-empty-parameter-treated-as-omitted",
        request=lambda r: json_error("invalid_scope") if is_token_request(r) and ("scope", "") in form(r) else None,
    )
    add(
        "unknown-parameter-refused",
        "rfc6749-3.2-unknown-parameter-ignored",
        request=lambda r: (
            json_error("invalid_request") if is_token_request(r) and "conformance_extension" in dict(form(r)) else None
        ),
    )
    add(
        "malformed-body-500",
        "rfc6749-5.2-malformed-body-is-a-client-error rfc7009-2.2.1-malformed-body-is-a-client-error "
        "rfc7662-2.3-malformed-body-is-a-client-error",
        request=lambda r: Response(status=500) if _client_endpoint(r) and _undecodable(r.body) else None,
    )
    add(
        "oversized-body-500",
        "rfc6749-5.2-oversized-body-is-a-client-error rfc7009-2.2.1-oversized-body-is-a-client-error "
        "rfc7662-2.3-oversized-body-is-a-client-error",
        request=lambda r: Response(status=500) if _client_endpoint(r) and len(r.body) > 1024 * 1024 else None,
    )
    add(
        "authorize-malformed-500",
        "rfc6749-4.1.2.1-malformed-request-is-not-a-server-error",
        request=lambda r: (
            Response(status=500)
            if r.path == "/oauth2/authorize" and (_undecodable(r.query_string.encode()) or len(r.query_string) > 8192)
            else None
        ),
    )

    # -- RFC 6749 §4.4, §5 token responses --------------------------------------------------------------
    add(
        "client-credentials-refused",
        "rfc6749-4.4.3-client-credentials-issues-a-token",
        request=lambda r: (
            json_error("unauthorized_client") if is_token_request(r) and grant_of(r) == "client_credentials" else None
        ),
    )
    add(
        "no-store-missing",
        "rfc6749-5.1-cache-control-no-store rfc6749-5.1-code-token-response-not-cached",
        response=lambda request, response: _drop_header(request, response, "Cache-Control"),
    )
    add(
        "pragma-missing",
        "rfc6749-5.1-pragma-no-cache rfc6749-5.1-code-token-response-not-cached",
        response=lambda request, response: _drop_header(request, response, "Pragma"),
    )
    add(
        "token-response-text-plain",
        "rfc6749-5.1-content-type-is-json",
        response=lambda request, response: (
            setattr(response, "content_type", "text/plain") if is_token_request(request) else None
        ),
    )
    add(
        "no-token-type",
        "rfc6749-5.1-access-token-and-token-type-are-strings rfc6749-4.1.3-code-exchange-issues-tokens",
        response=token_success(lambda body, request: body.pop("token_type")),
    )
    add(
        "expires-in-a-string",
        "rfc6749-5.1-expires-in-is-a-positive-number",
        response=token_success(lambda body, request: body.update(expires_in=str(body["expires_in"]))),
    )
    add("no-expires-in", "rfc6749-5.1-expires-in-given", response=token_success(lambda b, r: b.pop("expires_in")))
    add(
        "refresh-token-for-client-credentials",
        "rfc6749-4.4.3-no-refresh-token-for-client-credentials",
        response=token_success(
            lambda body, request: body.update(refresh_token="rt-" + secrets.token_urlsafe(32)), "client_credentials"
        ),
    )
    add(
        "scope-as-list",
        "rfc6749-5.1-scope-is-a-string",
        response=token_success(lambda body, request: body.update(scope=body["scope"].split())),
    )
    add(
        "error-text-not-ascii",
        "rfc6749-5.2-error-text-is-ascii",
        response=token_error(lambda body, response: body.update(error_description='bad "quote" and é')),
    )
    add(
        "unregistered-error-code",
        "rfc6749-5.2-errors-are-json-with-a-registered-code",
        response=token_error(lambda body, response: body.update(error="bad_request")),
    )
    add(
        "error-status-500",
        "rfc6749-5.2-error-status-is-400-or-401",
        response=token_error(lambda body, response: setattr(response, "status", 500)),
    )
    add(
        "scope-changed-silently",
        "rfc6749-3.3-granted-scope-named-when-different "
        "rfc6749-3.3-narrower-client-credentials-scope-named-when-different "
        "rfc6749-3.3-scope-narrowed-by-the-server-is-named",
        request=token_form(
            lambda pairs, r: [(k, "api:write" if k == "scope" else v) for k, v in pairs], "client_credentials"
        ),
        response=token_success(lambda body, request: body.pop("scope", None), "client_credentials"),
    )
    add(
        "unknown-scope-granted",
        "rfc6749-3.3-unknown-scope-refused-or-left-out",
        request=token_form(
            lambda pairs, r: [(k, v) for k, v in pairs if v != "conformance-unknown-scope"], "client_credentials"
        ),
        response=token_success(
            lambda body, request: body.update(scope=body.get("scope", "") + " conformance-unknown-scope"),
            "client_credentials",
        ),
    )

    # -- RFC 6749 §4.1 the authorization endpoint ---------------------------------------------------------
    add(
        "state-dropped",
        "rfc6749-4.1.2-code-and-state-returned",
        response=location(lambda params, r: params.pop("state", None) and None),
    )
    add(
        "state-mangled",
        "rfc6749-4.1.2-state-returned-unchanged",
        response=location(
            lambda params, r: (
                params.update(state=params["state"].encode("ascii", "ignore").decode()) if "state" in params else None
            )
        ),
    )
    add(
        "error-without-state",
        "rfc6749-4.1.2.1-error-response-carries-state rfc6749-4.1.2.1-missing-response-type-is-invalid-request",
        response=location(lambda params, r: params.pop("state", None) and None if "error" in params else None),
    )
    add(
        "unsupported-response-type-renamed",
        "rfc6749-4.1.2.1-unknown-response-type-is-unsupported",
        response=location(
            lambda params, r: (
                params.update(error="invalid_request") if params.get("error") == "unsupported_response_type" else None
            )
        ),
    )
    add(
        "missing-response-type-defaulted",
        "rfc6749-4.1.2.1-missing-response-type-is-invalid-request",
        request=authorize_query(
            lambda pairs: pairs if "response_type" in dict(pairs) else [*pairs, ("response_type", "code")]
        ),
    )
    add(
        "iss-dropped",
        "rfc9207-2-iss-in-authorization-response rfc9207-2-iss-in-error-response",
        response=location(lambda params, r: params.pop("iss", None) and None),
    )
    open_redirect = _open_redirect(registered)
    variants = " ".join(f"rfc9700-4.1.3-redirect-{v}-not-followed" for v in VARIANTS)
    add(
        "open-redirect",
        variants + " rfc6749-4.1.2.1-mismatched-redirect-not-followed rfc6749-3.1.2.4-invalid-redirect-shown-to-user",
        request=open_redirect[0],
        response=open_redirect[1],
    )
    add("unknown-client-redirected", "rfc6749-4.1.2.1-unknown-client-not-redirected", request=_unknown_client_redirect)
    add(
        "error-page-200",
        "rfc6749-3.1.2.4-invalid-redirect-shown-to-user",
        response=lambda request, response: (
            setattr(response, "status", 200)
            if request.path == "/oauth2/authorize" and response.status_code == 400
            else None
        ),
    )
    add(
        "loopback-port-refused",
        "rfc8252-7.3-loopback-redirect-any-port",
        request=lambda r: (
            Response(status=400, body=b"unregistered redirect_uri")
            if r.path == "/oauth2/authorize" and "127.0.0.1:8001" not in r.GET.get("redirect_uri", "127.0.0.1:8001")
            else None
        ),
    )
    add(
        "redirect-query-dropped",
        "rfc6749-3.1.2-redirect-uri-query-retained",
        response=location(lambda params, r: params.pop("app", None) and None),
    )
    add(
        "unknown-authorize-parameter-refused",
        "rfc6749-3.1-unknown-parameter-ignored",
        request=_authorize_error_if(lambda params: "conformance_extension" in params, "invalid_request"),
    )
    add(
        "repeated-authorize-parameter-accepted",
        "rfc6749-4.1.2.1-repeated-parameter-is-invalid-request",
        request=authorize_query(lambda pairs: list({k: v for k, v in reversed(pairs)}.items())),
    )
    add(
        "unknown-scope-granted-at-authorization",
        "rfc6749-3.3-unknown-scope-at-authorization-refused-or-left-out",
        request=authorize_query(
            lambda pairs: [
                (k, " ".join(s for s in v.split() if s != "conformance-unknown-scope") if k == "scope" else v)
                for k, v in pairs
            ]
        ),
        response=token_success(
            lambda body, request: body.update(scope=body.get("scope", "") + " conformance-unknown-scope"),
            "authorization_code",
        ),
    )
    add(
        "pages-can-be-framed",
        "rfc9700-4.16-pages-refuse-framing rfc9700-4.16-pages-use-csp-frame-ancestors",
        response=html_headers(lambda h: [h.pop(n, None) for n in ("X-Frame-Options", "Content-Security-Policy")]),
        driver="form",
    )
    add(
        "no-csp-frame-ancestors",
        "rfc9700-4.16-pages-use-csp-frame-ancestors",
        response=html_headers(lambda h: h.pop("Content-Security-Policy", None)),
        driver="form",
    )
    add(
        "denial-ignored",
        "rfc6749-4.1.2.1-denial-is-access-denied",
        driver="form",
        request=lambda r: (
            set_form(r, [(k, "allow" if k == "decision" else v) for k, v in form(r)])
            if r.path == "/oauth2/authorize" and r.method == "POST"
            else None
        ),
    )

    # -- RFC 6749 §4.1.3 the code at the token endpoint ---------------------------------------------------
    reuse_request, reuse_response = reusable_codes()
    add(
        "codes-reusable",
        "rfc6749-4.1.2-code-is-single-use rfc6749-4.1.2-parallel-redemptions-have-one-winner "
        "rfc6749-4.1.2-code-replay-revokes-its-tokens",
        request=reuse_request,
        response=reuse_response,
    )
    add("replay-does-not-revoke", "rfc6749-4.1.2-code-replay-revokes-its-tokens", request=replay_swallowed())
    race = Race("authorization_code", "code")
    add(
        "code-race-one-in-three",
        "rfc6749-4.1.2-parallel-redemptions-have-one-winner",
        request=race.request,
        response=race.response,
    )
    add(
        "code-not-bound-to-client",
        "rfc6749-4.1.3-code-bound-to-client",
        request=token_form(authenticate_as(ctx, "confidential", sent_by(second_id)), "authorization_code"),
    )
    conf_redirect = ctx.clients["confidential"]["redirect_uri"]
    add(
        "redirect-uri-not-compared",
        "rfc6749-4.1.3-different-redirect-uri-refused "
        "rfc6749-4.1.3-different-redirect-uri-is-invalid-grant rfc6749-4.1.3-missing-redirect-uri-refused-with-pkce",
        request=token_form(
            lambda pairs, r: [*[(k, v) for k, v in pairs if k != "redirect_uri"], ("redirect_uri", conf_redirect)],
            "authorization_code",
        ),
    )
    add(
        "redirect-mismatch-invalid-request",
        "rfc6749-4.1.3-different-redirect-uri-is-invalid-grant",
        response=lambda request, response: (
            _error_status(response, "invalid_grant", 400, rename="invalid_request")
            if is_token_request(request) and dict(form(request)).get("redirect_uri", "").endswith("/other")
            else None
        ),
    )
    add(
        "unknown-code-invalid-request",
        "rfc6749-4.1.3-unknown-code-is-invalid-grant",
        request=invented_value_refused("code", "invalid_request"),
    )
    add(
        "code-without-secret-accepted",
        "rfc6749-4.1.3-confidential-client-must-authenticate",
        request=token_form(secret_supplied(ctx, conf_id), "authorization_code"),
    )
    add(
        "public-code-without-client-id",
        "rfc6749-4.1.3-public-client-must-send-client-id",
        request=token_form(
            lambda pairs, r: (
                pairs
                if "client_id" in dict(pairs) or "Authorization" in r.headers
                else [*pairs, ("client_id", public_id)]
            ),
            "authorization_code",
        ),
    )
    add(
        "code-exchange-refused",
        "rfc6749-4.1.3-code-exchange-issues-tokens rfc7636-4.6-matching-verifier-accepted",
        request=lambda r: (
            json_error("invalid_grant") if is_token_request(r) and grant_of(r) == "authorization_code" else None
        ),
    )

    # -- RFC 7636 PKCE ----------------------------------------------------------------------------------------
    bypass = PKCEBypass(replace_verifier=True)
    add(
        "verifier-not-checked",
        "rfc7636-4.6-wrong-verifier-is-invalid-grant rfc7636-4.6-challenge-as-verifier-refused "
        "rfc7636-4.6-short-verifier-refused",
        request=bypass.request,
    )
    bypass = PKCEBypass(replace_verifier=True, add_verifier=True)
    add("verifier-optional", "rfc7636-4.6-missing-verifier-refused", request=bypass.request)
    add(
        "method-not-checked",
        "rfc7636-4.4.1-unsupported-method-is-invalid-request "
        "rfc7636-4.4.1-plain-refused-when-not-offered rfc7636-4.2-malformed-challenge-refused",
        request=_method_fixer(),
    )
    bypass = PKCEBypass(replace_verifier=True, add_verifier=True, add_challenge_for=(public_id,))
    add("pkce-optional-for-public-clients", "oauth21-4.1.1-public-client-without-pkce-refused", request=bypass.request)
    bypass = PKCEBypass(replace_verifier=True, add_challenge_for=(conf_id,))
    add("pkce-downgrade", "rfc9700-4.8.2-verifier-without-challenge-refused", request=bypass.request)
    # PKCE optional for the confidential client, and a missing redirect_uri filled in: a code issued
    # without PKCE is redeemed without its redirect_uri.
    bypass = PKCEBypass(replace_verifier=True, add_verifier=True, add_challenge_for=(conf_id,))
    add(
        "redirect-uri-optional-without-pkce",
        "rfc6749-4.1.3-missing-redirect-uri-refused",
        request=both(
            bypass.request,
            token_form(
                lambda pairs, r: pairs if "redirect_uri" in dict(pairs) else [*pairs, ("redirect_uri", conf_redirect)],
                "authorization_code",
            ),
        ),
    )

    # -- RFC 6749 §6 refresh, RFC 9700 §4.14.2 rotation ------------------------------------------------------
    add(
        "refresh-refused",
        "rfc6749-6-refresh-issues-an-access-token",
        request=lambda r: (
            json_error("invalid_grant") if is_token_request(r) and grant_of(r) == "refresh_token" else None
        ),
    )
    add(
        "refresh-not-bound-to-client",
        "rfc6749-6-refresh-token-bound-to-client",
        request=token_form(authenticate_as(ctx, "confidential", sent_by(second_id)), "refresh_token"),
    )
    add(
        "refresh-without-secret",
        "rfc6749-6-confidential-client-must-authenticate",
        request=token_form(secret_supplied(ctx, conf_id), "refresh_token"),
    )
    add(
        "unknown-refresh-invalid-request",
        "rfc6749-6-unknown-refresh-token-is-invalid-grant",
        request=invented_value_refused("refresh_token", "invalid_request"),
    )
    add(
        "wider-refresh-scope-accepted",
        "rfc6749-6-wider-scope-is-invalid-scope",
        request=token_form(lambda pairs, r: _remember_scope(r, pairs), "refresh_token"),
        response=token_success(
            lambda body, request: body.update(scope=request.environ.get("conformance.scope", body.get("scope"))),
            "refresh_token",
        ),
    )
    add(
        "refresh-scope-changed",
        "rfc6749-6-omitted-scope-keeps-the-original",
        response=token_success(lambda body, request: body.update(scope="api:read"), "refresh_token"),
    )
    add(
        "refresh-narrowing-unnamed",
        "rfc6749-3.3-narrower-refresh-scope-named-when-different",
        request=token_form(lambda pairs, r: [(k, v) for k, v in pairs if k != "scope"], "refresh_token"),
        response=token_success(lambda body, request: body.pop("scope", None), "refresh_token"),
    )
    add(
        "no-rotation",
        "rfc9700-4.14.2-public-client-refresh-token-rotated",
        response=token_success(lambda body, request: body.pop("refresh_token", None), "refresh_token"),
    )
    chain = RefreshChain(forward_old=True, swallow_reuse=False)
    add(
        "rotated-token-still-works",
        "rfc9700-4.14.2-rotated-refresh-token-refused rfc9700-4.14.2-reuse-revokes-the-active-refresh-token",
        request=chain.request,
        response=chain.response,
    )
    race = Race("refresh_token", "refresh_token")
    add(
        "refresh-race-one-in-three",
        "rfc9700-4.14.2-parallel-refresh-has-one-winner",
        request=race.request,
        response=race.response,
    )
    race = Race("refresh_token", "refresh_token", every=True)
    add(
        "refresh-race-in-flight",
        "rfc9700-4.14.2-parallel-refresh-has-one-winner",
        request=race.request,
        response=race.response,
    )
    chain = RefreshChain(forward_old=False, swallow_reuse=True)
    add(
        "reuse-not-detected",
        "rfc9700-4.14.2-reuse-revokes-the-active-refresh-token",
        request=chain.request,
        response=chain.response,
    )

    # -- RFC 7009 revocation ---------------------------------------------------------------------------------
    is_revoke = lambda r: r.path == "/oauth2/revoke"  # noqa: E731
    add(
        "revocation-invalid-token-error",
        "rfc7009-2.2-invalid-token-answers-200",
        request=invented_value_refused("token", "invalid_request", is_revoke),
    )
    add(
        "revocation-does-nothing",
        "rfc7009-2-revoked-refresh-token-refused rfc7009-2.1-wrong-hint-still-revokes "
        "rfc7009-2-revoked-access-token-inactive rfc7009-2.1-revoking-refresh-revokes-its-access-tokens",
        request=lambda r: Response(status=200) if is_revoke(r) else None,
    )
    add(
        "revocation-trusts-the-hint",
        "rfc7009-2.1-wrong-hint-still-revokes",
        request=lambda r: (
            Response(status=200)
            if is_revoke(r)
            and dict(form(r)).get("token_type_hint") == "access_token"
            and "." not in dict(form(r)).get("token", "")
            else None
        ),
    )
    add(
        "revocation-unknown-hint-error",
        "rfc7009-2.1-unknown-hint-ignored",
        request=lambda r: (
            json_error("unsupported_token_type")
            if is_revoke(r) and dict(form(r)).get("token_type_hint", "").startswith("urn:")
            else None
        ),
    )
    add(
        "revocation-access-token-500",
        "rfc7009-2.2-revoking-an-access-token-answers-200",
        request=lambda r: (
            Response(status=500) if is_revoke(r) and dict(form(r)).get("token_type_hint") == "access_token" else None
        ),
    )
    add(
        "revocation-without-authentication",
        "rfc7009-2.1-wrong-client-secret-refused",
        request=_on_path_form("/oauth2/revoke", authenticate_as(ctx, "confidential", sent_by(conf_id))),
    )
    add(
        "revocation-across-clients",
        "rfc7009-2.1-other-clients-token-not-revoked",
        request=_on_path_form("/oauth2/revoke", authenticate_as(ctx, "confidential", sent_by(second_id))),
    )

    # -- RFC 7662 introspection -------------------------------------------------------------------------------
    is_introspect = lambda r: r.path == "/oauth2/introspect"  # noqa: E731
    never = lambda r: dict(form(r)).get("token", "").startswith("conformance-never")  # noqa: E731
    add(
        "invalid-token-introspects-active",
        "rfc7662-2.2-unknown-token-is-inactive",
        response=on_path("/oauth2/introspect", lambda b, r, resp: {"active": True} if never(r) else None),
    )
    add(
        "inactive-answer-talks",
        "rfc7662-2.2-inactive-answer-says-nothing-more",
        response=on_path(
            "/oauth2/introspect", lambda b, r, resp: {**b, "client_id": "someone"} if not b.get("active") else None
        ),
    )
    add(
        "introspection-without-authentication",
        "rfc7662-2.1-unauthenticated-request-refused",
        request=_on_path_form("/oauth2/introspect", authenticate_as(ctx, "confidential", unauthenticated)),
    )
    add(
        "introspection-wrong-secret-400",
        "rfc7662-2.3-wrong-client-secret-is-401",
        response=lambda request, response: (
            setattr(response, "status", 400) if is_introspect(request) and response.status_code == 401 else None
        ),
    )
    add(
        "introspection-trusts-the-hint",
        "rfc7662-2.1-wrong-hint-still-finds-the-token",
        response=on_path(
            "/oauth2/introspect",
            lambda b, r, resp: {"active": False} if dict(form(r)).get("token_type_hint") == "refresh_token" else None,
        ),
    )
    add(
        "introspection-wrong-client-id",
        "rfc7662-2.2-active-answer-matches-the-token",
        response=on_path(
            "/oauth2/introspect", lambda b, r, resp: {**b, "client_id": "someone-else"} if b.get("active") else None
        ),
    )
    add(
        "introspection-active-a-string",
        "rfc7662-2.2-active-token-is-active rfc7662-2.2-answer-is-json",
        response=on_path("/oauth2/introspect", lambda b, r, resp: {**b, "active": str(b.get("active")).lower()}),
    )
    add(
        "introspection-text-plain",
        "rfc7662-2.2-answer-is-json",
        response=lambda request, response: (
            setattr(response, "content_type", "text/plain") if is_introspect(request) else None
        ),
    )
    add(
        "valid-token-introspects-inactive",
        "rfc7662-2.2-active-token-is-active",
        response=on_path("/oauth2/introspect", lambda b, r, resp: {"active": False}),
    )

    # -- RFC 6750 the protected resource ------------------------------------------------------------------------
    add(
        "resource-skips-signature-check",
        "rfc9068-4-altered-claims-refused rfc9068-4-alg-none-refused rfc8725-3.1-hmac-with-public-key-refused",
        request=accept_unverified_jwts(ctx.issuer),
    )
    add(
        "introspection-skips-signature-check",
        "rfc9068-4-altered-claims-refused rfc9068-4-alg-none-refused rfc8725-3.1-hmac-with-public-key-refused",
        request=_introspect_unverified(ctx.issuer),
    )
    faults[-1].state["no_resource"] = True  # so that introspection judges the forged tokens
    add(
        "resource-refuses-valid-tokens",
        "rfc6750-2.1-authorization-header-accepted",
        response=resource_response(
            lambda r, resp: json_error("invalid_token", 401) if resp.status_code == 200 else None
        ),
    )
    add(
        "no-token-403-without-challenge",
        "rfc6750-3-no-token-gets-401-bearer-challenge",
        response=resource_response(
            lambda r, resp: json_error("invalid_request", 403) if "Authorization" not in r.headers else None
        ),
    )
    add(
        "no-token-challenge-names-an-error",
        "rfc6750-3-no-token-challenge-has-no-error-code",
        response=resource_response(
            lambda r, resp: (
                _set_header(resp, "WWW-Authenticate", 'Bearer realm="x", error="invalid_request"')
                if "Authorization" not in r.headers
                else None
            )
        ),
    )
    add(
        "invalid-token-400-without-challenge",
        "rfc6750-3-invalid-token-gets-bearer-challenge rfc6750-3.1-invalid-token-is-401-invalid-token",
        response=resource_response(
            lambda r, resp: (
                json_error("invalid_token", 400) if resp.status_code == 401 and "Authorization" in r.headers else None
            )
        ),
    )
    add(
        "invalid-token-400",
        "rfc6750-3.1-invalid-token-is-401-invalid-token",
        response=resource_response(
            lambda r, resp: (
                setattr(resp, "status", 400) if resp.status_code == 401 and "Authorization" in r.headers else None
            )
        ),
    )
    add(
        "insufficient-scope-401",
        "rfc6750-3.1-insufficient-scope-is-403",
        response=resource_response(lambda r, resp: setattr(resp, "status", 401) if resp.status_code == 403 else None),
    )

    # -- the seed's promises ----------------------------------------------------------------------------------------
    add(
        "seed-routes-missing",
        "seed-routes-token-alias seed-routes-authorize-alias",
        request=lambda r: Response(status=404) if r.path == "/index.php" else None,
    )
    add(
        "seed-scope-level-missing",
        "seed-scopes-four-levels-under-one-prefix",
        response=metadata(lambda m: m["scopes_supported"].remove("api:superuser")),
    )
    add(
        "seed-grant-missing",
        "seed-grants-all-three-offered",
        response=metadata(lambda m: m["grant_types_supported"].remove("refresh_token")),
    )
    add("seed-two-scopes-accepted", "seed-one-scope-two-scopes-refused")
    faults[-1].state["one_scope_per_request"] = True

    # -- the device flow (RFC 8628) and OpenID Connect: faults_device_oidc.py -------------------------------------
    faults += device_and_oidc(ctx)
    # -- issue 21: registration, resource indicators, RFC 9728, MCP (built on this module's blocks) --
    from .faults_registration import issue21_faults  # noqa: PLC0415

    faults += issue21_faults(ctx)
    # -- issue 24: pushed authorization requests (RFC 9126) and DPoP (RFC 9449): faults_par_dpop.py --
    from .faults_par_dpop import par_and_dpop  # noqa: PLC0415

    faults += par_and_dpop(ctx)
    return faults


# -- helpers of the catalogue --------------------------------------------------------------------------------------


def _client_endpoint(request) -> bool:
    """The endpoints where a client authenticates: token, revocation, introspection (POST)."""
    return request.method == "POST" and request.path in ("/oauth2/token", "/oauth2/revoke", "/oauth2/introspect")


def _basic_pair(request) -> str:
    """The decoded user:password of an HTTP Basic header ('' when there is none or it is not UTF-8)."""
    auth = request.headers.get("Authorization", "")
    try:
        return base64.b64decode(auth[6:]).decode() if auth.startswith("Basic ") else ""
    except (ValueError, UnicodeDecodeError):
        return ""


def _undecodable_basic(request) -> bool:
    """A server that decodes Basic credentials without a care: it fails on anything not base64 of UTF-8 'id:secret'."""
    auth = request.headers.get("Authorization", "")
    return auth.lower().startswith("basic") and ":" not in _basic_pair(request)


def _undecodable(raw: bytes) -> bool:
    """A server that decodes form bodies without a care: it fails on bytes or escapes that are not UTF-8."""
    try:
        unquote_plus(raw.decode("utf-8"), errors="strict")
    except UnicodeDecodeError:
        return True
    return b"%G" in raw


def _scheme_case_sensitive(request):
    """A server that compares the authentication scheme as bytes: only 'Basic' and 'Bearer' count."""
    scheme = request.headers.get("Authorization", "").partition(" ")[0]
    if _client_endpoint(request) and scheme.lower() == "basic" and scheme != "Basic":
        return json_error("invalid_client", 401)
    if request.path == "/api/me" and scheme.lower() == "bearer" and scheme != "Bearer":
        return json_error("invalid_token", 401)
    return None


def _without(claims: dict, name: str) -> dict:
    return {k: v for k, v in claims.items() if k != name}


def _error_status(response, error: str, status: int, drop_challenge=False, rename=None):
    body = json_of(response)
    if isinstance(body, dict) and body.get("error") == error:
        if rename:
            body["error"] = rename
            with_json(response, body)
        response.status = status
        if drop_challenge:
            response.headers.pop("WWW-Authenticate", None)
    return None


def _challenge(response, error: str, challenge: str):
    if (json_of(response) or {}).get("error") == error if isinstance(json_of(response), dict) else False:
        response.headers["WWW-Authenticate"] = challenge
    return None


def _set_header(response, name, value):
    response.headers[name] = value
    return None


def _drop_header(request, response, name):
    if is_token_request(request) and response.status_code == 200:
        response.headers.pop(name, None)
    return None


def _query_into_body(path):
    def request(request):
        if request.path == path and request.query_string:
            pairs = [*form(request), *parse_qsl(request.query_string)]
            request.query_string = ""
            set_form(request, pairs)

    return request


def _on_path_form(path, edit):
    def request(request):
        if request.path == path and request.method == "POST":
            result = edit(form(request), request)
            set_form(request, result)

    return request


def _remember_scope(request, pairs):
    scope = dict(pairs).get("scope")
    if scope:
        request.environ["conformance.scope"] = scope
    return [(k, v) for k, v in pairs if k != "scope"]


def _basic_alias(ctx, alias: str, decode: bool):
    """The target names the client `alias` (a space in it); this server knows the client by the
    alias, and decodes Basic credentials only if `decode` (RFC 6749 §2.3.1 says it must): its form
    parser decodes the body, so the alias works there."""
    client_id, secret = ctx.creds("confidential")

    def request(request):
        auth = request.headers.get("Authorization", "")
        if is_token_request(request) and dict(form(request)).get("client_id") == alias:
            set_form(request, [(k, client_id if k == "client_id" else v) for k, v in form(request)])
        if not (is_token_request(request) and auth.startswith("Basic ")):
            return None
        user, _, password = base64.b64decode(auth[6:]).decode().partition(":")
        if decode:
            user, password = unquote_plus(user), unquote_plus(password)
        if user == alias:
            request.headers["Authorization"] = basic(client_id, password)
        return None

    return request


def _secret_alias(ctx, weak: str):
    """This server issued the confidential client the secret `weak`: the proxy swaps in the real one."""
    client_id, secret = ctx.creds("confidential")

    def request(request):
        if is_token_request(request) and request.headers.get("Authorization") == basic(client_id, weak):
            request.headers["Authorization"] = basic(client_id, secret)
        return None

    return request


def _open_redirect(registered: set[str]):
    """An authorization server that redirects to whatever redirect_uri is asked for: it swaps in a
    registered URI upstream, then sends the user agent to the URI that was asked for."""

    def request(request):
        if request.path != "/oauth2/authorize":
            return None
        params = dict(parse_qsl(request.query_string, keep_blank_values=True))
        asked = params.get("redirect_uri")
        if asked and asked not in registered:
            request.environ["conformance.asked"] = asked
            params["redirect_uri"] = sorted(registered)[0]
            set_query(request, params.items())
        return None

    def response(request, response):
        asked = request.environ.get("conformance.asked")
        location = response.headers.get("Location")
        if asked and location:
            query = urlsplit(location).query
            base, _, fragment = asked.partition("#")
            joined = base + ("&" if "?" in base else "?") + query + (f"#{fragment}" if fragment else "")
            response.headers["Location"] = joined
        return None

    return request, response


def _unknown_client_redirect(request):
    if request.path == "/oauth2/authorize" and request.GET.get("client_id") == "conformance-unknown-client":
        response = Response(status=302)
        response.headers["Location"] = request.GET.get("redirect_uri") + "?error=unauthorized_client"
        return response
    return None


def _authorize_error_if(condition, error: str):
    def request(request):
        if request.path == "/oauth2/authorize" and condition(dict(request.GET)):
            response = Response(status=302)
            query = urlencode({"error": error, "state": request.GET.get("state", "")})
            response.headers["Location"] = request.GET["redirect_uri"] + "?" + query
            return response
        return None

    return request


def _method_fixer():
    """Any code_challenge_method (and any challenge) is taken as S256 of the proxy's own verifier;
    the proxy also supplies that verifier at the token endpoint."""
    bypass = PKCEBypass()

    def request(request):
        if request.path == "/oauth2/authorize":
            params = dict(parse_qsl(request.query_string, keep_blank_values=True))
            odd = params.get("code_challenge_method") not in (None, "S256") or len(
                params.get("code_challenge", "")
            ) not in (0, 43)
            if odd:
                params.update(code_challenge=bypass.challenge, code_challenge_method="S256")
                set_query(request, params.items())
        return None

    return request
