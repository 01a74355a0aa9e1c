"""The OpenID Connect authentication request (OpenID Connect Core 1.0 §3.1.2.1-3.1.2.6).

What an authorization request with `openid` adds to OAuth's, read and judged
here without I/O; the authorization endpoint asks these questions in order:
  1. `read` (§3.1.2.1, §6.1): the parameters are well formed, or
     `invalid_request` (an unknown `prompt` value, `none` with another value,
     a `max_age` that is not a whole number of seconds, a `nonce` longer than
     NONCE_MAX); a request object (`request`, `request_uri`) or `registration`
     is refused with the code §3.1.2.6 gives it (not supported here).
  2. `needs_sign_in` (§3.1.2.3): `prompt=login` or `select_account`, or a
     sign-in older than `max_age`, send the user to sign in again; with
     `prompt=none` that is `login_required` instead (§3.1.2.6), never a page.
  3. `hinted_user_differs` (§3.1.2.1 `id_token_hint`): the signed-in user is not
     the one the hint names: sign in as that user (`login_required` with
     `prompt=none`).
  4. With `prompt=none`, a consent the user would be asked for is
     `consent_required` (§3.1.2.6); `prompt=consent` asks even when a decision
     was remembered.
`login_hint` fills in the username on the sign-in page; `display`,
`ui_locales`, `claims_locales` and `acr_values` are accepted and ignored
(each is OPTIONAL for the OP to act on).
"""

import re
from dataclasses import dataclass

from ..errors import OAuthError

PROMPTS = ("none", "login", "consent", "select_account")
# A nonce is echoed into every ID Token of its grant; OIDC sets no limit, this
# keeps the stored code small. 512 characters leave room for any hash or JWT-sized value.
NONCE_MAX = 512
# Whole seconds, at most ten digits (over 300 years): parsed without surprises.
MAX_AGE = re.compile(r"[0-9]{1,10}")
NOT_SUPPORTED = {
    # OIDC-3.1.2.6 / OIDC-6.1: request objects and dynamic registration are not offered.
    "request": "request_not_supported",
    "request_uri": "request_uri_not_supported",
    "registration": "registration_not_supported",
}
# After a fresh sign-in the request goes on without these: they are satisfied.
FRESHNESS = ("login", "select_account")


@dataclass(frozen=True)
class Authentication:
    """The OpenID Connect parameters of one authorization request, checked."""

    prompt: frozenset[str]
    max_age: int | None
    nonce: str | None
    login_hint: str | None
    id_token_hint: str | None

    @property
    def silent(self) -> bool:
        """OIDC-3.1.2.1 prompt=none: MUST NOT display any authentication or consent page."""
        return "none" in self.prompt

    @property
    def forces_consent(self) -> bool:
        return "consent" in self.prompt


def read(params: dict[str, str]) -> Authentication:
    """OIDC-3.1.2.1: the request's OpenID Connect parameters, or OAuthError."""
    for name, error in NOT_SUPPORTED.items():
        if name in params:
            raise OAuthError(error, f"The {name} parameter is not supported by this server.")
    prompt = params.get("prompt", "").split(" ") if params.get("prompt") else []
    unknown = [value for value in prompt if value not in PROMPTS]
    if unknown:
        raise OAuthError("invalid_request", f"The prompt value {unknown[0]!r} is not one of {', '.join(PROMPTS)}.")
    # OIDC-3.1.2.1: "If this parameter contains none with any other value, an error is returned."
    if "none" in prompt and len(prompt) > 1:
        raise OAuthError("invalid_request", "prompt=none cannot be combined with another prompt value.")
    max_age = params.get("max_age")
    if max_age is not None and not MAX_AGE.fullmatch(max_age):
        raise OAuthError("invalid_request", "max_age must be a whole number of seconds.")
    nonce = params.get("nonce")
    if nonce is not None and len(nonce) > NONCE_MAX:
        raise OAuthError("invalid_request", f"The nonce is longer than {NONCE_MAX} characters.")
    return Authentication(
        prompt=frozenset(prompt),
        max_age=int(max_age) if max_age is not None else None,
        nonce=nonce,
        login_hint=params.get("login_hint"),
        id_token_hint=params.get("id_token_hint"),
    )


def needs_sign_in(request: Authentication, auth_time: int, now: int) -> bool:
    """OIDC-3.1.2.3: prompt=login (or select_account: the sign-in page is where an
    account is chosen) asks for a fresh sign-in; so does a sign-in older than max_age
    (OIDC-3.1.2.1 MUST "attempt to actively re-authenticate")."""
    if request.prompt & set(FRESHNESS):
        return True
    return request.max_age is not None and now - auth_time > request.max_age


def after_sign_in(params: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """The request to come back to once the user has signed in afresh: without what
    the sign-in satisfied (`login`, `select_account`, `max_age`), so that it does not
    ask again. `auth_time` in the ID Token tells the client when the sign-in was."""
    kept = []
    for name, value in params:
        if name == "max_age":
            continue
        if name == "prompt":
            value = " ".join(v for v in value.split(" ") if v not in FRESHNESS)
            if not value:
                continue
        kept.append((name, value))
    return kept


def hinted_user_differs(hinted_subject: str | None, user_id: str) -> bool:
    """OIDC-3.1.2.1 id_token_hint: a positive answer only for the user the hint names."""
    return hinted_subject is not None and hinted_subject != user_id
