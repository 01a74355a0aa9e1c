"""Reading JWTs, unverified, for the checks: is it one, its header, its claims, the
key of a JWK Set it names. Verifying a signature is the checks' own business
(RFC 9068 §4, RFC 7515)."""

import jwt

from conformance.outcomes import not_applicable


def is_jwt(token: str) -> bool:
    return token.count(".") == 2 and token.startswith("ey")


def header_of(token: str) -> dict | None:
    try:
        return jwt.get_unverified_header(token) if is_jwt(token) else None
    except jwt.DecodeError:
        return None


def claims_of(token: str) -> dict | None:
    """The claims of a JWT, unverified; None for anything else."""
    if not is_jwt(token):
        return None
    try:
        return jwt.decode(token, options={"verify_signature": False})
    except jwt.DecodeError:
        return None


def jwt_parts(token: str) -> tuple[dict, dict]:
    """The header and claims of a JWT access token, unverified; else the check does not apply."""
    header, claims = header_of(token), claims_of(token)
    if header is None or claims is None:
        not_applicable("the access tokens are not JWTs (RFC 9068 is not used)")
    return header, claims


def signing_key(header: dict, jwks: dict) -> dict | None:
    """The JWK the header names (by kid), or the only signing key when there is no kid."""
    keys = [key for key in jwks["keys"] if isinstance(key, dict) and key.get("use", "sig") == "sig"]
    if "kid" in header:
        return next((key for key in keys if key.get("kid") == header["kid"]), None)
    return keys[0] if len(keys) == 1 else None
