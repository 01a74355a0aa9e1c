"""Client registration rules (RFC 6749 §2), as the client service enforces them.

- §2.1: a client is `confidential` (can keep a secret) or `public` (cannot).
- §4.4: the client credentials grant "MUST only be used by confidential clients".
- §3.1.2: a redirection URI is absolute and has no fragment; §3.1.2.2: clients
  using the authorization code grant MUST register one.
- RFC 6749 §2.3.2 "other authentication methods": a confidential client with public
  keys (`jwks` or `jwks_uri`, RFC 7591 §2) authenticates with `private_key_jwt`
  (RFC 7523 §2.2) and has no secret; a public client has no keys (it cannot keep
  a private key any better than a secret).
- RFC 9700 §2.6: redirect URIs use https, except loopback ones of native apps
  (RFC 8252 §7.3); private-use schemes of native apps (RFC 8252 §7.1) are
  accepted as they are.
Each rule raises `InvalidClientSettings` with a sentence saying what to change.
"""

import json
import re
from urllib.parse import urlsplit

from ..jose.jwk import InvalidJwk
from ..store.records import CONFIDENTIAL, PUBLIC
from .rfc7523_client_assertion import CLIENT_SECRET_JWT, PRIVATE_KEY_JWT, check_public_keys
from .rfc7662_introspection import PERMISSIONS
from .rfc8628_device import GRANT_TYPE as DEVICE_CODE

GRANT_TYPES = ("authorization_code", "client_credentials", "refresh_token", DEVICE_CODE)
CLIENT_TYPES = (CONFIDENTIAL, PUBLIC)
LOOPBACK_HOSTS = ("127.0.0.1", "::1", "localhost")
# RFC 6749 §2.2 leaves the form open; we keep to URL-unreserved characters so an
# id needs no escaping in a URL or in HTTP Basic credentials (§2.3.1).
CLIENT_ID_PATTERN = re.compile(r"[A-Za-z0-9._~-]{1,64}")


class InvalidClientSettings(ValueError):
    """A client cannot be saved as described; the message says why."""


class InvalidRedirectUri(InvalidClientSettings):
    """A redirect URI is refused (RFC 7591 §3.2.2 answers it `invalid_redirect_uri`)."""


def check_client_id(client_id: str) -> None:
    if not CLIENT_ID_PATTERN.fullmatch(client_id):
        raise InvalidClientSettings("client_id: use 1 to 64 letters, digits, '.', '_', '~' or '-'")


def check_name(name: str) -> None:
    if not name.strip() or len(name) > 200:
        raise InvalidClientSettings("name: give a name of 1 to 200 characters")


def auth_method(client_type: str, jwks: str | None, jwks_uri: str | None, secret_jwt: bool = False) -> str | None:
    """How the client authenticates: `private_key_jwt` when it has keys, `client_secret_jwt`
    when asked (a confidential client, no keys), None (as its type: a secret, or none) otherwise."""
    if secret_jwt:
        if client_type != CONFIDENTIAL or jwks is not None or jwks_uri is not None:
            raise InvalidClientSettings("client_secret_jwt: for a confidential client with a secret and no keys")
        return CLIENT_SECRET_JWT
    if jwks is not None and jwks_uri is not None:
        raise InvalidClientSettings("keys: register jwks or jwks_uri, not both (RFC 7591 §2)")
    if jwks is None and jwks_uri is None:
        return None
    if client_type != CONFIDENTIAL:
        raise InvalidClientSettings("keys: a public client authenticates with no key; make it confidential")
    if jwks is not None:
        try:
            check_public_keys(json.loads(jwks))
        except (ValueError, InvalidJwk) as error:  # json.JSONDecodeError is a ValueError
            raise InvalidClientSettings(f"jwks: {error}") from None
    return PRIVATE_KEY_JWT


def check_type_and_grants(client_type: str, grant_types: tuple[str, ...]) -> None:
    if client_type not in CLIENT_TYPES:
        raise InvalidClientSettings(f"type: choose one of {', '.join(CLIENT_TYPES)}")
    if not grant_types:
        raise InvalidClientSettings("grant types: allow at least one")
    for grant in grant_types:
        if grant not in GRANT_TYPES:
            raise InvalidClientSettings(f"grant types: {grant!r} is not one of {', '.join(GRANT_TYPES)}")
    # RFC6749-4.4 MUST: client credentials only for confidential clients.
    if client_type == PUBLIC and "client_credentials" in grant_types:
        raise InvalidClientSettings("grant types: a public client cannot use client_credentials (RFC 6749 §4.4)")
    if grant_types == ("refresh_token",):
        raise InvalidClientSettings("grant types: refresh_token needs a grant that issues refresh tokens")


def check_scopes(scopes: tuple[str, ...], known: tuple[str, ...]) -> None:
    if not scopes:
        raise InvalidClientSettings("scopes: allow at least one")
    for scope in scopes:
        if scope not in known:
            raise InvalidClientSettings(f"scopes: {scope!r} is not one of {', '.join(known)}")


def check_default_scopes(default_scopes: tuple[str, ...], scopes: tuple[str, ...]) -> None:
    """RFC 6749 §3.3: the default used when a request names no scope, within what the client may have."""
    for scope in default_scopes:
        if scope not in scopes:
            raise InvalidClientSettings(f"default scopes: {scope!r} is not one of the client's scopes")


def check_redirect_uri(uri: str) -> None:
    """RFC6749-3.1.2 MUST: absolute, no fragment. RFC9700-2.6: https unless loopback."""
    try:
        parts = urlsplit(uri)
        parts.port  # noqa: B018 - a malformed host or port raises here
    except ValueError:
        raise InvalidRedirectUri(f"redirect URI {uri!r}: is not a URI") from None
    if not parts.scheme or any(ch <= " " or ch == "\x7f" for ch in uri):  # RFC 3986: no spaces, no controls
        raise InvalidRedirectUri(f"redirect URI {uri!r}: must be an absolute URI (RFC 6749 §3.1.2)")
    if "#" in uri:
        raise InvalidRedirectUri(f"redirect URI {uri!r}: must not contain a fragment (RFC 6749 §3.1.2)")
    if parts.scheme in ("http", "https"):
        if not parts.hostname:
            raise InvalidRedirectUri(f"redirect URI {uri!r}: needs a host")
        if parts.username is not None or parts.password is not None:
            raise InvalidRedirectUri(f"redirect URI {uri!r}: must not carry user information")
        if parts.scheme == "http" and parts.hostname not in LOOPBACK_HOSTS:
            raise InvalidRedirectUri(
                f"redirect URI {uri!r}: http is allowed only for loopback addresses; use https (RFC 9700 §2.6)"
            )
    elif parts.scheme in ("javascript", "data", "file", "vbscript"):
        raise InvalidRedirectUri(f"redirect URI {uri!r}: the {parts.scheme} scheme is not a redirect target")


def check_redirect_uris(redirect_uris: tuple[str, ...], grant_types: tuple[str, ...]) -> None:
    for uri in redirect_uris:
        check_redirect_uri(uri)
    # RFC6749-3.1.2.2 MUST: clients of the authorization code grant register a redirect URI.
    if "authorization_code" in grant_types and not redirect_uris:
        raise InvalidRedirectUri("redirect URIs: authorization_code needs at least one (RFC 6749 §3.1.2.2)")


def check_post_logout_redirect_uris(uris: tuple[str, ...]) -> None:
    """OpenID Connect RP-Initiated Logout 1.0 §3: registered in advance, each a URI of
    the same form as a redirect URI (absolute, no fragment, https unless loopback)."""
    for uri in uris:
        check_redirect_uri(uri)


def check_permissions(permissions: tuple[str, ...], client_type: str) -> None:
    for permission in permissions:
        if permission not in PERMISSIONS:
            raise InvalidClientSettings(f"permissions: {permission!r} is not one of {', '.join(PERMISSIONS)}")
    if permissions and client_type == PUBLIC:
        raise InvalidClientSettings("permissions: a public client cannot authenticate, so it holds none")
