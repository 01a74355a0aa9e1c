"""JWT Profile for OAuth 2.0 Access Tokens (RFC 9068 §2).

RFC9068-2.1 MUST: the header carries `typ: at+jwt`, so an access token cannot
be mistaken for another kind of JWT (an ID token, say); and a `kid` naming the
key in the JWKS.
RFC9068-2.2 MUST: the claims `iss`, `exp`, `aud`, `sub`, `client_id`, `iat`,
`jti`; `scope` when a scope was granted (RFC9068-2.2.3).
RFC9068-2.2 SHOULD: for grants without a resource owner (client credentials),
`sub` identifies the client.
RFC 9068 §2.2 allows claims beyond its list: a token of a grant carries
`grant_id`, so that revoking the grant makes the token inactive although the
token itself is recorded nowhere.
"""

import secrets

TYPE = "at+jwt"


def header(alg: str, kid: str) -> dict:
    return {"typ": TYPE, "alg": alg, "kid": kid}


def claims(
    *,
    issuer: str,
    audience: str | list[str],
    subject: str,
    client_id: str,
    scopes: tuple[str, ...],
    now: int,
    expires: int,
    jti: str,
    grant_id: str | None,
) -> dict:
    token = {
        "iss": issuer,
        "sub": subject,
        "aud": audience,
        "exp": expires,
        "iat": now,
        "jti": jti,
        "client_id": client_id,
    }
    if scopes:
        token["scope"] = " ".join(scopes)
    if grant_id is not None:
        token["grant_id"] = grant_id
    return token


def new_jti() -> str:
    """RFC 7519 §4.1.7: unique, with negligible collision probability (192 random bits)."""
    return secrets.token_urlsafe(24)
