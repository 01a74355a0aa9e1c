"""OpenID Connect scopes and the claims they release (OpenID Connect Core 1.0 §3.1.2.1, §5.4, §11).

- `openid` makes an authorization request an OpenID Connect authentication
  request (§3.1.2.1): the token response then carries an ID Token. Without it
  the request is plain OAuth 2.0 and is handled exactly as before.
- `profile` and `email` ask for the standard claims of §5.4, returned by the
  UserInfo endpoint (the code flow issues an access token, so they are not put
  in the ID Token: §5.4, last paragraph).
- `offline_access` (§11) asks for a refresh token. With `openid`, a refresh
  token is issued only when `offline_access` was asked for and consented to,
  and consent to it is always asked: it is never taken from a remembered
  decision (§11: "The OP MUST always obtain consent to returning a Refresh
  Token that enables offline access"). Without `openid`, refresh tokens follow
  the OAuth rules (the client's grant types) as before.
`address` and `phone` are not offered: users have no such claims here.
"""

OPENID, PROFILE, EMAIL, OFFLINE_ACCESS = "openid", "profile", "email", "offline_access"
SCOPES = (OPENID, PROFILE, EMAIL, OFFLINE_ACCESS)

# OIDC-5.4: the claims each scope asks for (those the server keeps for its users).
CLAIMS_BY_SCOPE = {
    PROFILE: (
        "name", "given_name", "family_name", "nickname", "preferred_username", "picture", "locale", "updated_at",
    ),
    EMAIL: ("email", "email_verified"),
}  # fmt: skip

# What the consent page, /account and the admin pages call each scope.
PLAIN_WORDS = {
    OPENID: "Sign you in with your account here",
    PROFILE: "See your name, username, picture and language",
    EMAIL: "See your email address",
    OFFLINE_ACCESS: "Keep access while you are away (a refresh token)",
}


def allowed(scopes: tuple[str, ...], grant_types: tuple[str, ...]) -> tuple[str, ...]:
    """A client's scopes, with `offline_access` when it may use refresh tokens: that scope
    asks for nothing the client's grant types do not already allow (OIDC-11; consent to it
    is still asked each time)."""
    if "refresh_token" in grant_types and OFFLINE_ACCESS not in scopes:
        return (*scopes, OFFLINE_ACCESS)
    return scopes


def is_authentication(scopes) -> bool:
    """OIDC-3.1.2.1: an OpenID Connect request has `openid` among its scopes."""
    return OPENID in scopes


def issues_refresh_token(granted: str) -> bool:
    """OIDC-11: with openid, a refresh token only for offline_access; without, as OAuth decides."""
    scopes = granted.split()
    return not is_authentication(scopes) or OFFLINE_ACCESS in scopes


def always_ask(scopes) -> bool:
    """OIDC-11 MUST: consent to offline access is always obtained from the user."""
    return is_authentication(scopes) and OFFLINE_ACCESS in scopes


def released_claims(scopes) -> tuple[str, ...]:
    """OIDC-5.4: the claim names the granted scopes release, in a stable order."""
    return tuple(claim for scope, claims in CLAIMS_BY_SCOPE.items() if scope in scopes for claim in claims)
