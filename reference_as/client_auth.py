"""Client authentication at the token endpoint (RFC 6749 §2.3), and at every endpoint
a client calls directly (revocation, introspection, device authorization, PAR).

The methods, as advertised in the metadata (RFC 8414
`token_endpoint_auth_methods_supported`):
- `client_secret_basic` (RFC 6749 §2.3.1): HTTP Basic, where the client_id and
  secret are each form-urlencoded before being joined by ':' and base64-encoded.
  The server MUST support it.
- `client_secret_post` (RFC 6749 §2.3.1): `client_id` and `client_secret` in the
  request body. Allowed, NOT RECOMMENDED by the RFC.
- `private_key_jwt` (RFC 7523 §2.2, OpenID Connect Core §9): `client_assertion_type`
  and `client_assertion`, a JWT signed with the client's private key, verified
  with its registered public keys (`client_assertions.py`); where the setting
  offers it, `client_secret_jwt`: the same, an HMAC keyed with its secret.
A public client presents its `client_id` alone (`none`). A client registered for
a JWT method can authenticate with an assertion only, and only such a client can.

RFC6749-2.3 MUST NOT: a client uses more than one method in one request.
The secret is compared in constant time against its stored hash, and an
unknown client costs the same hash as a known one.
"""

import base64
from dataclasses import dataclass
from urllib.parse import unquote_plus

from .client_assertions import ClientAssertions
from .config import Settings
from .errors import OAuthError
from .policy import secrets
from .policy.rfc7523_client_assertion import ASSERTION_TYPE, CLIENT_SECRET_JWT, JWT_METHODS, PRIVATE_KEY_JWT
from .store import Store
from .store.records import Client

BASIC = "client_secret_basic"
POST = "client_secret_post"
NONE = "none"
ASSERTION = "client_assertion"  # RFC 7523 §2.2: private_key_jwt or client_secret_jwt, as the client registered

# Compared against when the client is unknown, so failure takes the same time.
_UNKNOWN_CLIENT_HASH = secrets.hash_secret(secrets.new_secret())


@dataclass(frozen=True)
class Credentials:
    method: str
    client_id: str | None
    client_secret: str | None = None
    client_assertion: str | None = None


def methods_supported(settings: Settings) -> tuple[str, ...]:
    """RFC 8414 `token_endpoint_auth_methods_supported`: the methods this server accepts."""
    return (BASIC, POST, PRIVATE_KEY_JWT, *((CLIENT_SECRET_JWT,) if settings.client_secret_jwt else ()))


def basic(authorization: str) -> Credentials:
    """The client_id and secret of an HTTP Basic header (RFC 6749 §2.3.1), or OAuthError `invalid_client`."""
    scheme, _, encoded = authorization.partition(" ")
    if scheme.lower() != "basic":
        raise OAuthError("invalid_client", "The token endpoint accepts HTTP Basic client authentication only.")
    try:
        user_pass = base64.b64decode(encoded.strip(), validate=True).decode("utf-8")
    except ValueError:  # not base64 (binascii.Error), not ASCII at all, not UTF-8 once decoded
        raise OAuthError("invalid_client", "The Basic credentials are not valid base64 of UTF-8 text.") from None
    client_id, colon, secret = user_pass.partition(":")
    if not colon:
        raise OAuthError("invalid_client", "The Basic credentials lack the ':' between client_id and secret.")
    # RFC6749-2.3.1: both parts are application/x-www-form-urlencoded.
    return Credentials(BASIC, unquote_plus(client_id), unquote_plus(secret))


def presented(
    authorization: str | None,
    body_client_id: str | None,
    body_client_secret: str | None,
    assertion_type: str | None = None,
    assertion: str | None = None,
) -> Credentials:
    """Which method the request used, and the credentials it carries."""
    if assertion_type is not None or assertion is not None:
        # RFC6749-2.3 MUST NOT: more than one authentication method in one request.
        if authorization or body_client_secret is not None:
            raise OAuthError("invalid_request", "The client authenticated twice (an assertion and a secret); use one.")
        # RFC7523-2.2: the type says how to read the assertion; only JWTs are read here.
        if assertion_type != ASSERTION_TYPE or not assertion:
            raise OAuthError("invalid_client", f"Send client_assertion with client_assertion_type {ASSERTION_TYPE}.")
        return Credentials(ASSERTION, body_client_id, client_assertion=assertion)
    if authorization:
        # RFC6749-2.3 MUST NOT: more than one authentication method in one request.
        if body_client_secret is not None:
            raise OAuthError(
                "invalid_request", "The client authenticated twice (HTTP Basic and client_secret in the body); use one."
            )
        credentials = basic(authorization)
        if body_client_id is not None and body_client_id != credentials.client_id:
            raise OAuthError("invalid_request", "The client_id in the body differs from the one in HTTP Basic.")
        return credentials
    if body_client_secret is not None:
        return Credentials(POST, body_client_id, body_client_secret)
    return Credentials(NONE, body_client_id)


def authenticate(credentials: Credentials, store: Store, assertions: ClientAssertions, endpoint_url: str) -> Client:
    """The client the credentials prove, or OAuthError `invalid_client` (RFC 6749 §5.2).
    `endpoint_url`: where they were sent (an assertion may name it as its audience)."""
    if credentials.method == ASSERTION:
        client = assertions.authenticate(credentials.client_assertion, endpoint_url)
        # RFC7523-3: the client_id, when sent too, is the assertion's.
        if credentials.client_id is not None and credentials.client_id != client.client_id:
            raise OAuthError("invalid_client", "The client_id differs from the client assertion's iss.")
        return client
    if not credentials.client_id:
        raise OAuthError("invalid_client", "No client credentials were presented.")
    client = store.get_client(credentials.client_id)
    if credentials.method == NONE:
        if client is not None and not client.is_confidential:
            raise OAuthError("unauthorized_client", "A public client cannot use this grant type.")
        raise OAuthError("invalid_client", "The client must authenticate with its secret.")
    if client is not None and client.token_endpoint_auth_method in JWT_METHODS:
        raise OAuthError("invalid_client", "This client authenticates with a client assertion (a signed JWT) only.")
    stored_hash = client.secret_hash if client and client.secret_hash else _UNKNOWN_CLIENT_HASH
    if (
        not secrets.secret_matches(credentials.client_secret or "", stored_hash)
        or client is None
        or not client.secret_hash
    ):
        raise OAuthError("invalid_client")
    return client
