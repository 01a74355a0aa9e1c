"""The UserInfo endpoint, `GET,POST /oauth2/userinfo` (OpenID Connect Core 1.0 §5.3).

OIDC-5.3.1 MUST: the client sends the access token of an OpenID Connect grant
as a bearer token (RFC 6750 §2): in the `Authorization` header, or for a POST
in the form body. It is checked as every resource checks one
(`endpoints/resource.py`), with the scope `openid` required. The answers:
  - OIDC-5.3.2: 200, `application/json`, `sub` and the claims the token's scopes
    release (`policy/oidc_core_claims.py`); `sub` is the ID Token's;
  - OIDC-5.3.3 (RFC 6750 §3.1): a missing token 401 with a bare `Bearer`
    challenge; a bad, expired or revoked one 401 `invalid_token`; a valid token
    whose grant has no `openid` 403 `insufficient_scope` with `scope="openid"`:
    the token is fine, it just does not reach this resource;
  - a token whose user no longer exists: 401 `invalid_token` (deleting a user
    revokes their grants, so this is only a token of one deleted just now).
"""

from collections.abc import Callable

from ..errors import OAuthError
from ..policy import oidc_core_claims
from ..store import Store


def userinfo(store: Store) -> Callable[[dict], dict]:
    def answer(claims: dict) -> dict:
        user = store.get_user(str(claims.get("sub", "")))
        if user is None:
            raise OAuthError("invalid_token", "The user of this token no longer exists.")
        return oidc_core_claims.userinfo(user, claims.get("scope", "").split())

    return answer
