"""The standard claims a user has, and which of them a client sees (OpenID Connect Core 1.0 §5.1, §5.3.2, §5.4).

- OIDC-5.1: each claim has a defined form. `email` is an address (RFC 5322
  addr-spec; here: one `@`, no spaces), `picture` a URL (http or https),
  `locale` a BCP 47 language tag (`en`, `fr-CA`), `email_verified` a boolean,
  `updated_at` the time of the last change, in seconds. The others are text.
  `check` refuses a value that does not have its claim's form, with a
  sentence saying what to change.
- OIDC-5.3.2: the UserInfo response always carries `sub`; then the claims
  the access token's scopes release (§5.4). A claim without a value is left
  out (§5.3.2: "If a Claim is not returned, that Claim Name SHOULD be omitted").
"""

import dataclasses
import re
from urllib.parse import urlsplit

from ..store.records import Profile, User
from .oidc_core_scopes import SCOPES, released_claims

TEXT_MAX = 200
LOCALE = re.compile(r"[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*")
EMAIL = re.compile(r"[^@\s]+@[^@\s]+")
TEXT_FIELDS = ("name", "given_name", "family_name", "nickname")


class InvalidProfile(ValueError):
    """A claim's value does not have the form OIDC Core §5.1 gives it; the message says which."""


def check(profile: Profile) -> None:
    """OIDC-5.1: every claim in its form."""
    for name in TEXT_FIELDS:
        value = getattr(profile, name)
        if len(value) > TEXT_MAX or value != value.strip():
            raise InvalidProfile(f"{name}: at most {TEXT_MAX} characters, without surrounding spaces")
    if profile.email and (len(profile.email) > 254 or not EMAIL.fullmatch(profile.email)):
        raise InvalidProfile(f"email: {profile.email!r} is not an email address")
    if profile.email_verified and not profile.email:
        raise InvalidProfile("email_verified: there is no email to be verified")
    if profile.picture:
        parts = urlsplit(profile.picture)
        if parts.scheme not in ("http", "https") or not parts.netloc or len(profile.picture) > 2000:
            raise InvalidProfile(f"picture: {profile.picture!r} is not an http(s) URL")
    if profile.locale and not LOCALE.fullmatch(profile.locale):
        raise InvalidProfile(f"locale: {profile.locale!r} is not a BCP 47 language tag such as en or fr-CA")


def changed(profile: Profile, changes: dict, now: int) -> Profile:
    """The profile with `changes` (claim name -> value; None leaves a claim as it is),
    checked, `updated_at` set. OIDC-5.1 email_verified: a new email is not verified
    unless the change says so."""
    given = {name: value for name, value in changes.items() if value is not None}
    if "email" in given and given["email"] != profile.email and "email_verified" not in given:
        given["email_verified"] = False
    result = dataclasses.replace(profile, **given)
    check(result)
    return dataclasses.replace(result, updated_at=now) if result != profile else profile


def all_claims(user: User) -> dict:
    """Every claim the user has a value for (`preferred_username` is the username)."""
    profile = dataclasses.asdict(user.profile)
    del profile["email_verified"]  # a fact about the email: given only with one (below)
    claims = {name: value for name, value in profile.items() if value not in ("", None)}
    claims["preferred_username"] = user.username
    if user.profile.email:
        claims["email_verified"] = user.profile.email_verified
    return claims


def claim_names() -> tuple[str, ...]:
    """Every claim UserInfo may return (Discovery §3 claims_supported)."""
    return released_claims(SCOPES)


def userinfo(user: User, scopes) -> dict:
    """OIDC-5.3.2: `sub`, then the claims the scopes release that have a value."""
    claims = all_claims(user)
    return {"sub": user.user_id, **{name: claims[name] for name in released_claims(scopes) if name in claims}}
