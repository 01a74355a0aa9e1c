"""The ID Token (OpenID Connect Core 1.0 §2, §3.1.3.6, §12.2).

An ID Token is a JWT the client reads to learn who signed in, signed with the
server's key (the same keys as the access tokens, published in the JWKS).
OIDC-2 REQUIRED claims: `iss`, `sub`, `aud`, `exp`, `iat`; then
- `auth_time`, when the user signed in: REQUIRED when `max_age` was asked
  for; always sent here, which §2 allows, so that a client can always check
  how fresh the sign-in is;
- `nonce`, exactly as the authentication request sent it (OIDC-3.1.2.1: bound
  to the code, echoed unmodified); never in an ID Token from a refresh
  (OIDC-12.2 SHOULD NOT);
- `at_hash`, the left half of the hash of the access token issued with it,
  base64url (OIDC-3.1.3.6: OPTIONAL for the code flow; always sent);
- `azp` is not sent: `aud` is always the one client, where §2 makes it OPTIONAL.
No `acr` or `amr`: the server does not record how a user authenticated
beyond the password form. Profile claims go to UserInfo, not here (§5.4).
The header's `typ` is `JWT`, never `at+jwt`, so an ID Token is not accepted
as an access token (RFC 9068 §4) and an access token is not one.
"""

import hashlib

from ..jose.jws import b64url

TYPE = "JWT"

# OIDC-3.1.3.6: at_hash uses the hash of the alg of the ID Token's header. EdDSA
# (Ed25519) hashes with SHA-512 inside, and so do oidc-provider and Authlib here.
HASHES = {"RS256": hashlib.sha256, "ES256": hashlib.sha256, "EdDSA": hashlib.sha512}


def header(alg: str, kid: str) -> dict:
    return {"typ": TYPE, "alg": alg, "kid": kid}


def token_hash(value: str, alg: str) -> str:
    """OIDC-3.1.3.6: base64url of the left-most half of the hash of the ASCII value."""
    digest = HASHES[alg](value.encode("ascii")).digest()
    return b64url(digest[: len(digest) // 2])


def claims(
    *,
    issuer: str,
    subject: str,
    client_id: str,
    now: int,
    expires: int,
    auth_time: int | None,
    nonce: str | None,
    access_token: str,
    alg: str,
) -> dict:
    token = {"iss": issuer, "sub": subject, "aud": client_id, "exp": expires, "iat": now}
    if auth_time is not None:
        token["auth_time"] = auth_time
    if nonce is not None:
        token["nonce"] = nonce
    token["at_hash"] = token_hash(access_token, alg)
    return token
