"""The faults of the device flow (RFC 8628) and OpenID Connect checks: each breaks one requirement of
the reference server behind the fault proxy, like those of `faults.py`, which adds them to its
catalogue. Kept apart so that the two families read (and merge) on their own."""

import base64
import hashlib
import itertools
import json

from webob import Response

from .proxy import (
    Fault,
    basic,
    edit_location,
    form,
    grant_of,
    is_token_request,
    json_error,
    json_of,
    set_form,
    with_json,
)

DEVICE_CODE = "urn:ietf:params:oauth:grant-type:device_code"
DEVICE_PATH = "/oauth2/device_authorization"
OIDC_WELL_KNOWN = "/.well-known/openid-configuration"
CLIENT = "http://127.0.0.1:8001"  # where the test clients' redirect URIs are


def _device_response(edit):
    """Edit the device authorization endpoint's successful answers: edit(body)."""

    def response(request, response):
        body = json_of(response)
        if request.path == DEVICE_PATH and response.status_code == 200 and isinstance(body, dict):
            edit(body)
            return with_json(response, body)
        return None

    return response


def _poll_errors(rename: dict[str, str]):
    """Polls answered with one error are answered with another (the status kept)."""

    def response(request, response):
        body = json_of(response)
        if is_token_request(request) and grant_of(request) == DEVICE_CODE and isinstance(body, dict):
            if body.get("error") in rename:
                return with_json(response, {**body, "error": rename[body["error"]]})
        return None

    return response


def _device_code(request) -> str | None:
    return dict(form(request)).get("device_code") if is_token_request(request) else None


class SlowDownForever:
    """Once told to slow down, a device code is told so at every later poll, however long it waited."""

    def __init__(self):
        self.slowed: set[str] = set()

    def request(self, request):
        if _device_code(request) in self.slowed:
            return json_error("slow_down")
        return None

    def response(self, request, response):
        if (json_of(response) or {}).get("error") == "slow_down":
            self.slowed.add(_device_code(request))
        return None


class ReusableDeviceCodes:
    """A device code's tokens are handed out again at every later poll."""

    def __init__(self):
        self.issued: dict[str, Response] = {}

    def request(self, request):
        answer = self.issued.get(_device_code(request))
        return answer.copy() if answer is not None else None

    def response(self, request, response):
        if _device_code(request) and response.status_code == 200:
            self.issued[_device_code(request)] = response.copy()
        return None


class WeakDeviceCodes:
    """Device codes numbered 000001, 000002, …: mapped back to the real ones on the way in."""

    def __init__(self):
        self.numbers = itertools.count(1)
        self.real: dict[str, str] = {}

    def request(self, request):
        code = _device_code(request)
        if code in self.real:
            set_form(request, [(k, self.real[v] if k == "device_code" else v) for k, v in form(request)])

    def edit(self, body):
        weak = f"device-{next(self.numbers):06d}"
        self.real[weak] = body["device_code"]
        body["device_code"] = weak


def _weak_user_codes():
    numbers = itertools.count(1000)
    return lambda body: body.update(user_code=f"{next(numbers) % 10000:04d}")


def _any_device_secret(ctx):
    """The device authorization endpoint takes any secret of the confidential client."""
    client_id, secret = ctx.creds("confidential")

    def request(request):
        if request.path == DEVICE_PATH and request.headers.get("Authorization", "").startswith("Basic "):
            request.headers["Authorization"] = basic(client_id, secret)
        return None

    return request


def _device_code_of_any_client(ctx):
    """A device code works for whichever client polls it: the second client's polls reach the server
    as the confidential client's (the one the codes were issued to)."""
    second_id, _ = ctx.creds("second")
    client_id, secret = ctx.creds("confidential")

    def request(request):
        if _device_code(request) and dict(form(request)).get("client_id") == second_id:
            request.headers["Authorization"] = basic(client_id, secret)
            set_form(request, [(k, v) for k, v in form(request) if k not in ("client_id", "client_secret")])
        return None

    return request


def _poll_without_code_pending(request):
    if is_token_request(request) and grant_of(request) == DEVICE_CODE and not _device_code(request):
        return json_error("authorization_pending")
    return None


def _unknown_code_pending(request):
    if (_device_code(request) or "").startswith("conformance-never"):
        return json_error("authorization_pending")
    return None


# -- OpenID Connect -----------------------------------------------------------------------------------------


def _id_tokens(ctx, edit=None, header=None, raw=None):
    """Token responses carry ID Tokens re-signed by the proxy (claims or header edited), and the JWK Set
    publishes the proxy's key (with the server's own, so that access tokens still verify)."""

    def response(request, response):
        body = json_of(response)
        if request.path == "/oauth2/jwks" and isinstance(body, dict):
            return with_json(response, {"keys": [*body["keys"], ctx.resigner.jwk()]})
        if is_token_request(request) and isinstance(body, dict) and body.get("id_token"):
            if raw is not None:
                body["id_token"] = raw(body["id_token"])
            else:
                head = {"kid": ctx.resigner.kid, **(header or {})}
                claims = _claims(body["id_token"])
                body["id_token"] = ctx.resigner.sign(edit(claims) if edit else claims, head)
            return with_json(response, body)
        return None

    return response


def _claims(token: str) -> dict:
    payload = token.split(".")[1]
    return json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))


def _flip(token: str) -> str:
    head, body, signature = token.split(".")
    middle = len(signature) // 2
    return f"{head}.{body}.{signature[:middle]}{'A' if signature[middle] != 'A' else 'B'}{signature[middle + 1 :]}"


def _wrong_at_hash(claims: dict) -> dict:
    digest = hashlib.sha256(b"another access token").digest()
    return {**claims, "at_hash": base64.urlsafe_b64encode(digest[:16]).rstrip(b"=").decode()}


def _prompt_none_ignored(request):
    """prompt=none is dropped: the server shows its pages (or issues a code) as for any request."""
    if request.path == "/oauth2/authorize" and "prompt=none" in request.query_string:
        request.query_string = request.query_string.replace("prompt=none", "prompt=")
    return None


def _silent_errors_renamed(request, response):
    """login_required and consent_required come back as access_denied."""
    if request.path == "/oauth2/authorize" and response.headers.get("Location", "").startswith(CLIENT):
        return edit_location(
            response,
            lambda p: (
                {**p, "error": "access_denied"} if p.get("error") in ("login_required", "consent_required") else p
            ),
        )
    return None


def _userinfo(edit):
    def response(request, response):
        if request.path == "/oauth2/userinfo":
            return edit(request, response)
        return None

    return response


def _consent_skipped_for_offline(request):
    """offline_access is granted without asking: such requests go to the server that approves by
    itself (the bench's `auto` upstream), which shows no consent page."""
    if request.path == "/oauth2/authorize" and "offline_access" in request.query_string:
        request.environ["conformance.upstream"] = "auto"
    return None


def _configuration(edit):
    def response(request, response):
        body = json_of(response)
        if request.path == OIDC_WELL_KNOWN and isinstance(body, dict):
            edit(body)
            return with_json(response, body)
        return None

    return response


def _no_offline_refresh(request, response):
    body = json_of(response)
    if is_token_request(request) and isinstance(body, dict) and "offline_access" in body.get("scope", ""):
        body.pop("refresh_token", None)
        return with_json(response, body)
    return None


def device_and_oidc(ctx) -> list[Fault]:
    """The faults of the device flow and OpenID Connect checks."""
    slow, reusable, weak = SlowDownForever(), ReusableDeviceCodes(), WeakDeviceCodes()
    faults = [
        # -- RFC 8628 ------------------------------------------------------------------------------
        Fault(
            "device-response-without-expires-in",
            ("rfc8628-3.2-response-has-the-required-fields",),
            response=_device_response(lambda body: body.pop("expires_in")),
        ),
        Fault(
            "device-any-secret-accepted",
            ("rfc8628-3.1-wrong-client-secret-is-invalid-client",),
            request=_any_device_secret(ctx),
        ),
        Fault(
            "pending-is-invalid-grant",
            ("rfc8628-3.5-pending-poll-is-authorization-pending",),
            response=_poll_errors({"authorization_pending": "invalid_grant"}),
        ),
        Fault(
            "slow-down-forever",
            ("rfc8628-3.5-slow-down-is-honoured",),
            request=slow.request,
            response=slow.response,
        ),
        Fault(
            "approved-stays-pending",
            ("rfc8628-3.5-approved-poll-gets-tokens",),
            response=lambda request, response: (
                json_error("authorization_pending") if _device_code(request) and response.status_code == 200 else None
            ),
        ),
        Fault(
            "device-code-reusable",
            ("rfc8628-3.5-spent-device-code-is-refused",),
            request=reusable.request,
            response=reusable.response,
        ),
        Fault(
            "denial-stays-pending",
            ("rfc8628-3.5-denied-poll-is-access-denied",),
            response=_poll_errors({"access_denied": "authorization_pending"}),
            driver="form",
        ),
        Fault(
            "expired-is-invalid-grant",
            ("rfc8628-3.5-expired-poll-is-expired-token",),
            response=_poll_errors({"expired_token": "invalid_grant"}),
        ),
        Fault(
            "unknown-device-code-pending",
            ("rfc8628-3.5-unknown-device-code-is-invalid-grant",),
            request=_unknown_code_pending,
        ),
        Fault(
            "device-code-of-any-client",
            ("rfc8628-3.5-other-clients-device-code-is-invalid-grant",),
            request=_device_code_of_any_client(ctx),
        ),
        Fault(
            "poll-without-device-code-pending",
            ("rfc8628-3.5-missing-device-code-is-invalid-request",),
            request=_poll_without_code_pending,
        ),
        Fault(
            "weak-device-codes",
            ("rfc6749-10.10-device-codes-have-128-bits",),
            request=weak.request,
            response=_device_response(weak.edit),
        ),
        Fault(
            "weak-user-codes",
            ("rfc8628-5.1-user-codes-have-20-bits",),
            response=_device_response(_weak_user_codes()),
        ),
        # -- OpenID Connect Core ----------------------------------------------------------------------
        Fault(
            "no-id-token",
            ("oidc-3.1.3.3-token-response-has-id-token",),
            response=lambda request, response: (
                with_json(response, {k: v for k, v in json_of(response).items() if k != "id_token"})
                if is_token_request(request) and isinstance(json_of(response), dict)
                else None
            ),
        ),
        Fault(
            "id-token-foreign-iss",
            ("oidc-2-id-token-iss-is-the-issuer",),
            response=_id_tokens(ctx, lambda c: {**c, "iss": "https://other.example"}),
        ),
        Fault(
            "id-token-long-sub",
            ("oidc-2-id-token-sub-is-a-short-string",),
            response=_id_tokens(ctx, lambda c: {**c, "sub": "s" * 256}),
        ),
        Fault(
            "id-token-foreign-aud",
            ("oidc-2-id-token-aud-holds-the-client-id",),
            response=_id_tokens(ctx, lambda c: {**c, "aud": "someone-else"}),
        ),
        Fault(
            "id-token-expired",
            ("oidc-2-id-token-exp-and-iat-are-times",),
            response=_id_tokens(ctx, lambda c: {**c, "exp": c["iat"] - 60}),
        ),
        Fault(
            "nonce-dropped",
            ("oidc-2-nonce-is-echoed",),
            response=_id_tokens(ctx, lambda c: {k: v for k, v in c.items() if k != "nonce"}),
        ),
        Fault(
            "id-token-bad-signature",
            ("oidc-3.1.3.6-id-token-signature-verifies",),
            response=_id_tokens(ctx, raw=_flip),
        ),
        Fault(
            "wrong-at-hash",
            ("oidc-3.1.3.6-at-hash-matches-the-access-token",),
            response=_id_tokens(ctx, _wrong_at_hash),
        ),
        Fault(
            "prompt-none-ignored",
            (
                "oidc-3.1.2.6-prompt-none-without-session-is-an-error",
                "oidc-3.1.2.6-prompt-none-without-consent-is-an-error",
            ),
            request=_prompt_none_ignored,
            driver="form",
        ),
        Fault(
            "silent-errors-are-access-denied",
            (
                "oidc-3.1.2.6-prompt-none-without-session-is-an-error",
                "oidc-3.1.2.6-prompt-none-without-consent-is-an-error",
            ),
            response=_silent_errors_renamed,
            driver="form",
        ),
        Fault(
            "userinfo-other-sub",
            ("oidc-5.3-userinfo-sub-is-the-id-tokens",),
            response=_userinfo(
                lambda request, response: (
                    with_json(response, {**json_of(response), "sub": "someone-else"})
                    if response.status_code == 200
                    else None
                )
            ),
        ),
        Fault(
            "userinfo-without-token-200",
            ("oidc-5.3-userinfo-without-token-is-401-bearer",),
            response=_userinfo(
                lambda request, response: (
                    with_json(response, {"sub": "anonymous"}, 200) if "Authorization" not in request.headers else None
                )
            ),
        ),
        Fault(
            "offline-access-without-consent",
            ("oidc-11-offline-access-consent-is-asked",),
            request=_consent_skipped_for_offline,
            driver="form",
        ),
        Fault(
            "offline-access-no-refresh-token",
            ("oidc-11-offline-access-gets-a-refresh-token",),
            response=_no_offline_refresh,
        ),
        # -- OpenID Connect Discovery ----------------------------------------------------------------
        Fault(
            "configuration-issuer-differs",
            ("oidc-discovery-4-issuer-is-the-prefix",),
            response=_configuration(lambda m: m.update(issuer=m["issuer"] + "/other")),
        ),
        Fault(
            "configuration-without-subject-types",
            ("oidc-discovery-3-required-fields-present",),
            response=_configuration(lambda m: m.pop("subject_types_supported")),
        ),
        Fault(
            "configuration-without-rs256",
            ("oidc-discovery-3-rs256-offered-for-id-tokens",),
            response=_configuration(lambda m: m.update(id_token_signing_alg_values_supported=["ES256"])),
        ),
        Fault(
            "configuration-jwks-broken",
            ("oidc-discovery-3-jwks-uri-serves-a-jwk-set",),
            response=_configuration(lambda m: m.update(jwks_uri=ctx.issuer + "/no-such-jwks")),
        ),
        Fault(
            "configuration-without-userinfo",
            ("oidc-discovery-3-userinfo-endpoint-listed",),
            response=_configuration(lambda m: m.pop("userinfo_endpoint")),
        ),
    ]
    return faults
