"""Reading a bearer token from the `Authorization` header (RFC 6750 §2.1), or a
DPoP-bound one (RFC 9449 §7.1: `Authorization: DPoP <token>`, the same token syntax).

Used wherever a request authenticates with a bearer token: the protected
resource (an access token), the registration endpoint (an initial access
token, RFC 7591 §3) and the client configuration endpoint (a registration
access token, RFC 7592 §3).
"""

import re

from webob import Request

from .errors import OAuthError

# RFC 6750 §2.1: b64token = 1*( ALPHA / DIGIT / "-" / "." / "_" / "~" / "+" / "/" ) *"="
B64TOKEN = re.compile(r"[A-Za-z0-9\-._~+/]+=*")


BEARER, DPOP = "bearer", "dpop"


def bearer_token(request: Request) -> str | None:
    """The token, None when the request carries no Bearer credentials, or OAuthError
    `invalid_token` when the header says Bearer but holds no well-formed token."""
    return authorization_token(request, BEARER)


def authorization_scheme(request: Request) -> str:
    """The scheme of the Authorization header, in lower case ('' without one)."""
    return request.headers.get("Authorization", "").partition(" ")[0].lower()


def authorization_token(request: Request, expected_scheme: str) -> str | None:
    """The token of the Authorization header if its scheme (case-insensitive, RFC 9110
    §11.1) is `expected_scheme`; None otherwise; invalid_token if it holds no b64token."""
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != expected_scheme:
        return None
    if not B64TOKEN.fullmatch(token.strip()):
        raise OAuthError("invalid_token", f"The Authorization header does not carry a {scheme} token.")
    return token.strip()
