"""The faults of the PAR (RFC 9126) and DPoP (RFC 9449) checks: each breaks one requirement of the
reference server behind the fault proxy, like those of `faults.py`, which adds them to its catalogue."""

import base64
import time

import jwt
from webob import Response

from .proxy import Fault, form, is_token_request, json_error, json_of, set_form, set_query, with_json

PAR_PATH = "/oauth2/par"
AUTHORIZE_PATH = "/oauth2/authorize"
WELL_KNOWN = "/.well-known/oauth-authorization-server"
CREDENTIALS = ("client_secret", "client_assertion", "client_assertion_type")
FAKE_TOKEN = {"access_token": "accepted-by-the-fault-proxy", "token_type": "DPoP", "expires_in": 60}


def _metadata(edit):
    def response(request, response):
        body = json_of(response)
        if request.path == WELL_KNOWN and isinstance(body, dict):
            edit(body)
            return with_json(response, body)
        return None

    return response


def _par_response(edit):
    """Edit the PAR endpoint's answers: edit(request, response) -> a response, or None."""

    def response(request, response):
        return edit(request, response) if request.path == PAR_PATH else None

    return response


def _unauthenticated_push_accepted(request):
    if request.path == PAR_PATH and "Authorization" not in request.headers:
        if "client_secret" not in dict(form(request)):
            return with_json(
                Response(), {"request_uri": "urn:ietf:params:oauth:request_uri:fault", "expires_in": 60}, 201
            )
    return None


def _request_uri_dropped(request):
    """A pushed body's request_uri is ignored (the server accepts the rest)."""
    if request.path == PAR_PATH:
        set_form(request, [(name, value) for name, value in form(request) if name != "request_uri"])
    return None


def _status_200(request, response):
    if response.status_code == 201:
        response.status = 200
        return response
    return None


def _status_400(request, response):
    if response.status_code == 401:
        response.status = 400
        return response
    return None


def _redirect_uri_error_redirected(request, response):
    body = json_of(response)
    redirect_uri = dict(form(request)).get("redirect_uri", "")
    if isinstance(body, dict) and body.get("error") == "invalid_request" and "attacker" in redirect_uri:
        redirected = Response(status=302)
        redirected.headers["Location"] = redirect_uri + "?error=invalid_request"
        return redirected
    return None


class PushedRequests:
    """Remembers each pushed request's parameters by its request_uri, and makes the authorization endpoint
    accept a request_uri again (`reuse`) or for any client_id (`any_client`) by sending the pushed
    parameters themselves."""

    def __init__(self, reuse: bool = False, any_client: bool = False):
        self.reuse, self.any_client = reuse, any_client
        self.pushed: dict[str, list] = {}
        self.used: set[str] = set()

    def request(self, request):
        params = dict(request.GET)
        request_uri = params.get("request_uri")
        if request.path != AUTHORIZE_PATH or request_uri not in self.pushed:
            return None
        pushed = self.pushed[request_uri]
        other_client = params.get("client_id") != dict(pushed).get("client_id")
        if (self.reuse and request_uri in self.used) or (self.any_client and other_client):
            set_query(request, pushed)
        self.used.add(request_uri)
        return None

    def response(self, request, response):
        body = json_of(response)
        if request.path == PAR_PATH and isinstance(body, dict) and "request_uri" in body:
            params = [(name, value) for name, value in form(request) if name not in CREDENTIALS]
            if not any(name == "client_id" for name, _ in params):  # Basic: the client_id is in the header
                params.append(("client_id", _basic_user(request)))
            self.pushed[body["request_uri"]] = params
        return None


def _basic_user(request) -> str:
    encoded = request.headers.get("Authorization", "").removeprefix("Basic ")
    return base64.b64decode(encoded).decode().split(":", 1)[0]


def _request_uri_refused(request):
    if request.path == AUTHORIZE_PATH and "request_uri" in request.GET:
        response = Response(status=400, content_type="text/html")
        response.text = "<p>request_uri is not supported (the fault proxy)</p>"
        return response
    return None


# -- DPoP ---------------------------------------------------------------------------------------------------


def _proof_parts(request) -> tuple[dict, dict] | None:
    proof = request.headers.get("DPoP", "")
    try:
        return jwt.get_unverified_header(proof), jwt.decode(proof, options={"verify_signature": False})
    except jwt.PyJWTError:
        return None


# Which proofs a server that skips one rule of RFC 9449 §4.3 would take: accepts(header, claims) over
# the proof's parts (None: not a JWT).
SKIPPED_RULES = {
    "wrong-htm": lambda parts: parts and parts[1].get("htm") != "POST",
    "wrong-htu": lambda parts: parts and not str(parts[1].get("htu", "")).endswith("/oauth2/token"),
    "stale-iat": lambda parts: parts and parts[1].get("iat", 0) < time.time() - 600,
    "future-iat": lambda parts: parts and parts[1].get("iat", 0) > time.time() + 600,
    "alg-none": lambda parts: parts and parts[0].get("alg") == "none",
    "hs256": lambda parts: parts and str(parts[0].get("alg")).startswith("HS"),
    "private-jwk": lambda parts: parts and "d" in (parts[0].get("jwk") or {}),
    "wrong-typ": lambda parts: parts and parts[0].get("typ") != "dpop+jwt",
    "not-a-jwt": lambda parts: parts is None,
}


def _refusal_overridden(error: str, picks):
    """Token requests that `picks(request)` chooses, refused with `error`, are given a token instead."""

    def response(request, response):
        if is_token_request(request) and (json_of(response) or {}).get("error") == error and picks(request):
            return with_json(response, dict(FAKE_TOKEN), 200)
        return None

    return response


def _proofs_accepted(accepts):
    """Token requests whose proof `accepts` picks, refused invalid_dpop_proof, are given a token."""
    return _refusal_overridden(
        "invalid_dpop_proof", lambda request: "DPoP" in request.headers and accepts(_proof_parts(request))
    )


# -- RFC 7523 client assertions --------------------------------------------------------------------------------


def _assertion_claims(request) -> dict | None:
    assertion = dict(form(request)).get("client_assertion")
    try:
        return jwt.decode(assertion, options={"verify_signature": False}) if assertion else None
    except jwt.PyJWTError:
        return None


# Which assertions a server that skips one rule of RFC 7523 §3 would take: accepts(claims).
SKIPPED_ASSERTION_RULES = {
    "rfc7523-3.2-wrong-aud-is-invalid-client": lambda c: not str(c.get("aud", "")).endswith("/oauth2/token"),
    "rfc7523-3.2-missing-exp-is-invalid-client": lambda c: "exp" not in c,
    "rfc7523-3.2-expired-exp-is-invalid-client": lambda c: c.get("exp", 0) < time.time(),
    "rfc7523-3.2-wrong-sub-is-invalid-client": lambda c: c.get("sub") != c.get("iss"),
    "oidc-9-assertion-with-wrong-iss-is-invalid-client": lambda c: c.get("sub") != c.get("iss"),
}


def _assertions_refused(request):
    if is_token_request(request) and "client_assertion" in dict(form(request)):
        return json_error("invalid_client", 401)
    return None


class ReplaysAccepted:
    """What a token request carried (`credential(request)`), seen before and refused with `error`, is
    given a token again: no replay cache."""

    def __init__(self, error: str, credential):
        self.error, self.credential = error, credential
        self.seen: set[str] = set()

    def response(self, request, response):
        value = self.credential(request) if is_token_request(request) else None
        if value is None:
            return None
        if value in self.seen and (json_of(response) or {}).get("error") == self.error:
            return with_json(response, dict(FAKE_TOKEN), 200)
        self.seen.add(value)
        return None


def _dpop_token_response(edit):
    """Edit successful token responses to requests with a DPoP proof: edit(body)."""

    def response(request, response):
        body = json_of(response)
        if is_token_request(request) and "DPoP" in request.headers and response.status_code == 200:
            edit(body)
            return with_json(response, body)
        return None

    return response


def par_and_dpop(ctx) -> list[Fault]:
    def without_cnf(body):
        body["access_token"] = ctx.resigner.rewrite(
            body["access_token"], claims_edit=lambda claims: {k: v for k, v in claims.items() if k != "cnf"}
        )

    pushed_again, pushed_elsewhere = PushedRequests(reuse=True), PushedRequests(any_client=True)
    proof_replays = ReplaysAccepted("invalid_dpop_proof", lambda request: request.headers.get("DPoP"))
    assertion_replays = ReplaysAccepted("invalid_client", lambda request: dict(form(request)).get("client_assertion"))
    faults = [
        # -- RFC 9126 --------------------------------------------------------------------------------------
        Fault(
            "par-endpoint-relative",
            ("rfc9126-5-endpoint-is-an-absolute-url",),
            response=_metadata(lambda m: m.update(pushed_authorization_request_endpoint=PAR_PATH)),
        ),
        Fault(
            "par-answers-200",
            ("rfc9126-2.2-push-is-201-with-request-uri",),
            response=_par_response(_status_200),
        ),
        Fault(
            "par-unauthenticated-accepted",
            ("rfc9126-2.1-unauthenticated-push-is-invalid-client",),
            request=_unauthenticated_push_accepted,
        ),
        Fault(
            "par-wrong-secret-400",
            ("rfc9126-2.3-wrong-secret-is-401-invalid-client",),
            response=_par_response(_status_400),
        ),
        Fault(
            "par-error-redirected",
            ("rfc9126-2.3-unregistered-redirect-uri-is-json-invalid-request",),
            response=_par_response(_redirect_uri_error_redirected),
        ),
        Fault(
            "par-request-uri-in-body-ignored",
            ("rfc9126-2.1-request-uri-in-push-is-invalid-request",),
            request=_request_uri_dropped,
        ),
        Fault(
            "par-request-uri-refused",
            ("rfc9126-4-request-uri-gets-a-code",),
            request=_request_uri_refused,
        ),
        Fault(
            "par-request-uri-reusable",
            ("rfc9126-4-request-uri-is-single-use",),
            request=pushed_again.request,
            response=pushed_again.response,
        ),
        Fault(
            "par-request-uri-any-client",
            ("rfc9126-2.2-request-uri-is-bound-to-its-client",),
            request=pushed_elsewhere.request,
            response=pushed_elsewhere.response,
        ),
        # -- RFC 9449 --------------------------------------------------------------------------------------
        Fault(
            "dpop-algs-with-none",
            ("rfc9449-5.1-signing-algs-are-asymmetric-jws-algs",),
            response=_metadata(lambda m: m["dpop_signing_alg_values_supported"].append("none")),
        ),
        Fault(
            "dpop-token-type-bearer",
            ("rfc9449-5-token-type-is-dpop",),
            response=_dpop_token_response(lambda body: body.update(token_type="Bearer")),
        ),
        Fault(
            "dpop-jwt-without-cnf",
            ("rfc9449-6.1-jwt-access-token-has-cnf-jkt",),
            response=_dpop_token_response(without_cnf),
        ),
        Fault(
            "dpop-replay-accepted",
            ("rfc9449-4.3-replayed-proof-is-invalid-dpop-proof",),
            response=proof_replays.response,
        ),
        # -- RFC 7523 ----------------------------------------------------------------------------------------
        Fault(
            "assertions-refused",
            ("rfc7523-3-valid-assertion-gets-a-token",),
            request=_assertions_refused,
        ),
        Fault(
            "assertion-replay-accepted",
            ("rfc7523-3-replayed-assertion-is-refused",),
            response=assertion_replays.response,
        ),
    ]
    faults += [
        Fault(
            "assertion-accepted-" + check_id.split("-", 2)[2].removesuffix("-is-invalid-client"),
            (check_id,),
            response=_refusal_overridden(
                "invalid_client", lambda request, accepts=accepts: accepts(_assertion_claims(request) or {})
            ),
        )
        for check_id, accepts in SKIPPED_ASSERTION_RULES.items()
    ]
    faults += [
        Fault(
            f"dpop-accepts-{name}",
            (f"rfc9449-4.3-{name}-proof-is-invalid-dpop-proof",),
            response=_proofs_accepted(accepts),
        )
        for name, accepts in SKIPPED_RULES.items()
    ]
    return faults
