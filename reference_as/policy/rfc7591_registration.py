"""Client metadata, as a client registering itself sends it (RFC 7591 §2).

`read` turns the JSON object of a registration request (RFC 7591 §3.1, and
RFC 7592 §2.2's update, which is the same object again) into what the client
service makes a client of. It checks the shape and what RFC 7591 adds; the
rules every client obeys, however it came to be (redirect URIs, grant types
and client type, scopes), stay in `rfc6749_clients.py` and run when the client
service saves the client.

- RFC7591-2 MUST: members the server does not understand are ignored (not
  stored, not echoed). Understood members of the wrong JSON type (an array
  where a string belongs) are `invalid_client_metadata`.
- RFC7591-2 defaults: `grant_types` ["authorization_code"], `response_types`
  ["code"], `token_endpoint_auth_method` "client_secret_basic". `none` makes a
  public client; the two secret methods a confidential one, and so does
  `private_key_jwt` (RFC 7523 §2.2), which gets no secret and needs the client's
  public keys: `jwks` (a JWK Set, public keys only) or `jwks_uri` (an https URL,
  fetched when an assertion is verified). RFC7591-2 MUST NOT: both at once.
  `client_secret_jwt` (OIDC Core §9) is a confidential client with a secret, where
  the `client_secret_jwt` setting offers it. Other methods: `invalid_client_metadata`.
- RFC9126-6 `require_pushed_authorization_requests`: a boolean, false by default.
- RFC7591-2.1 SHOULD: `grant_types` and `response_types` agree
  (authorization_code with code); this server offers no implicit grant.
- `application_type` (OpenID Connect Dynamic Registration §2, which RFC 8252
  §8.4 points native apps to): `web` (the default) redirects to http(s) URIs
  only; `native` may also use a private-use URI scheme, which RFC 8252 §7.1
  asks to be a reversed domain name (so it contains a period).
- RFC7591-2 `scope`: what the client may ask for, within `registrable` (the
  `registrable_scopes` setting); none given: the lowest registrable scope.
- RFC9449-5.2 `dpop_bound_access_tokens` (boolean, default false): every token
  request of the client must carry a DPoP proof.
- Bounds of our own, so that a registration cannot fill the store: at most
  `MAX_REDIRECT_URIS` redirect URIs and `MAX_CONTACTS` contacts, strings of at
  most `MAX_STRING` characters.
Each refusal is `InvalidMetadata` with the RFC 7591 §3.2.2 code and a sentence.
"""

import json
from dataclasses import dataclass
from urllib.parse import urlsplit

from ..jose.jwk import InvalidJwk
from ..store.records import CONFIDENTIAL, PUBLIC
from .rfc7523_client_assertion import CLIENT_SECRET_JWT, JWT_METHODS, PRIVATE_KEY_JWT, check_public_keys

MAX_REDIRECT_URIS = 20
MAX_CONTACTS = 10
MAX_STRING = 2000
MAX_JWKS = 16 * 1024
PAR_REQUIRED = "require_pushed_authorization_requests"
DEFAULT_NAME = "Unnamed application"

SECRET_METHODS = ("client_secret_basic", "client_secret_post")
AUTH_METHODS = (*SECRET_METHODS, PRIVATE_KEY_JWT, "none")
APPLICATION_TYPES = ("web", "native")
RESPONSE_TYPES = ("code",)
STRINGS = (
    "client_name",
    "client_uri",
    "logo_uri",
    "tos_uri",
    "policy_uri",
    "software_id",
    "software_version",
    "scope",
    "token_endpoint_auth_method",
    "application_type",
    "jwks_uri",
)
URLS = ("client_uri", "logo_uri", "tos_uri", "policy_uri", "jwks_uri")
LISTS = ("redirect_uris", "grant_types", "response_types", "contacts")
BOOLEANS = (PAR_REQUIRED, "dpop_bound_access_tokens")
DEFAULTS = {
    "grant_types": ["authorization_code"],
    "response_types": ["code"],
    "token_endpoint_auth_method": "client_secret_basic",
    "application_type": "web",
}


class InvalidMetadata(ValueError):
    """RFC 7591 §3.2.2: `error` is invalid_client_metadata or invalid_redirect_uri."""

    def __init__(self, description: str, error: str = "invalid_client_metadata"):
        super().__init__(description)
        self.error = error


@dataclass(frozen=True)
class Registration:
    """What the client service needs, and the metadata as registered (RFC 7591 §3.2.1
    echoes it), defaults filled in, unknown members left out."""

    metadata: dict
    name: str
    client_type: str
    grant_types: tuple[str, ...]
    scopes: tuple[str, ...]
    redirect_uris: tuple[str, ...]
    token_endpoint_auth_method: str | None = None  # None: as its type (a secret, or none)
    jwks: str | None = None  # JSON text
    jwks_uri: str | None = None
    require_pushed_authorization_requests: bool = False
    dpop_bound_access_tokens: bool = False


def read(
    document: dict, registrable: tuple[str, ...], grant_types_supported: tuple[str, ...], secret_jwt: bool = False
) -> Registration:
    """`secret_jwt`: whether `client_secret_jwt` is offered (the setting)."""
    metadata = {**DEFAULTS, **_understood(document)}
    method = metadata["token_endpoint_auth_method"]
    offered = (*AUTH_METHODS, CLIENT_SECRET_JWT) if secret_jwt else AUTH_METHODS
    if method not in offered:
        raise InvalidMetadata(f"token_endpoint_auth_method: this server offers {', '.join(offered)}")
    _check_grants(metadata["grant_types"], metadata["response_types"], grant_types_supported)
    _check_redirect_uris(metadata.get("redirect_uris", []), metadata["application_type"])
    scopes = _scopes(metadata.get("scope"), registrable)
    metadata["scope"] = " ".join(scopes)
    _check_keys(method, metadata)
    return Registration(
        metadata=metadata,
        name=metadata.get("client_name") or DEFAULT_NAME,
        client_type=PUBLIC if method == "none" else CONFIDENTIAL,
        grant_types=tuple(dict.fromkeys(metadata["grant_types"])),
        scopes=scopes,
        redirect_uris=tuple(dict.fromkeys(metadata.get("redirect_uris", []))),
        token_endpoint_auth_method=method if method in JWT_METHODS else None,
        jwks=json.dumps(metadata["jwks"]) if "jwks" in metadata else None,
        jwks_uri=metadata.get("jwks_uri"),
        require_pushed_authorization_requests=metadata.get("require_pushed_authorization_requests", False),
        dpop_bound_access_tokens=metadata.get("dpop_bound_access_tokens", False),
    )


def _check_keys(method: str, metadata: dict) -> None:
    """RFC7591-2: `jwks` or `jwks_uri`, never both; `private_key_jwt` needs one of them."""
    if "jwks" in metadata and "jwks_uri" in metadata:
        raise InvalidMetadata("jwks and jwks_uri: register one of them, not both (RFC 7591 §2)")
    if method == PRIVATE_KEY_JWT and not ("jwks" in metadata or "jwks_uri" in metadata):
        raise InvalidMetadata("private_key_jwt needs the client's public keys: jwks or jwks_uri")
    if "jwks" in metadata:
        check_jwks(metadata["jwks"])


def check_jwks(document) -> None:
    """A JWK Set of public keys the server can verify with (RFC 7517 §5), or InvalidMetadata."""
    try:
        check_public_keys(document)
    except InvalidJwk as error:
        raise InvalidMetadata(f"jwks: {error}") from None


def _understood(document: dict) -> dict:
    """RFC7591-2: the members we know, each of its JSON type; null counts as absent."""
    found = {}
    for name in STRINGS:
        value = document.get(name)
        if value is None:
            continue
        if not isinstance(value, str):
            raise InvalidMetadata(f"{name}: must be a string")
        if len(value) > MAX_STRING:
            raise InvalidMetadata(f"{name}: at most {MAX_STRING} characters")
        if name in URLS and not _web_url(value):
            raise InvalidMetadata(f"{name}: must be an absolute http or https URL")
        found[name] = value
    for name in LISTS:
        value = document.get(name)
        if value is None:
            continue
        if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
            raise InvalidMetadata(f"{name}: must be an array of strings")
        if any(len(item) > MAX_STRING for item in value):
            raise InvalidMetadata(f"{name}: each at most {MAX_STRING} characters")
        found[name] = value
    for name, kind, described in (
        ("jwks", dict, "a JSON object"),
        *((name, bool, "true or false") for name in BOOLEANS),
    ):
        value = document.get(name)
        if value is not None and not isinstance(value, kind):
            raise InvalidMetadata(f"{name}: must be {described}")
        if value is not None:
            found[name] = value
    if "jwks" in found and len(json.dumps(found["jwks"])) > MAX_JWKS:
        raise InvalidMetadata(f"jwks: at most {MAX_JWKS} characters")
    if len(found.get("contacts", [])) > MAX_CONTACTS:
        raise InvalidMetadata(f"contacts: at most {MAX_CONTACTS}")
    if found.get("application_type", "web") not in APPLICATION_TYPES:
        raise InvalidMetadata(f"application_type: choose {' or '.join(APPLICATION_TYPES)}")
    return found


def _web_url(value: str) -> bool:
    try:
        parts = urlsplit(value)
    except ValueError:
        return False
    return parts.scheme in ("http", "https") and bool(parts.hostname)


def _check_grants(grant_types: list[str], response_types: list[str], supported: tuple[str, ...]) -> None:
    for grant in grant_types:
        if grant not in supported:
            raise InvalidMetadata(f"grant_types: {grant!r} is not one of {', '.join(supported)}")
    for response_type in response_types:
        if response_type not in RESPONSE_TYPES:
            raise InvalidMetadata(f"response_types: this server offers {', '.join(RESPONSE_TYPES)} only")
    # RFC7591-2.1 SHOULD: authorization_code goes with the response type code, and back.
    if ("authorization_code" in grant_types) != ("code" in response_types):
        raise InvalidMetadata("grant_types and response_types disagree: authorization_code goes with code")


def _check_redirect_uris(uris: list[str], application_type: str) -> None:
    if len(uris) > MAX_REDIRECT_URIS:
        raise InvalidMetadata(f"redirect_uris: at most {MAX_REDIRECT_URIS}", "invalid_redirect_uri")
    for uri in uris:
        scheme = uri.partition(":")[0].lower()
        if scheme in ("http", "https"):
            continue
        # RFC8252-7.1: a native app's private-use scheme is a reversed domain name.
        if application_type != "native":
            raise InvalidMetadata(
                f"redirect URI {uri!r}: a web application redirects to http or https URIs; "
                "register a private-use scheme with application_type native",
                "invalid_redirect_uri",
            )
        if "." not in scheme:
            raise InvalidMetadata(
                f"redirect URI {uri!r}: a private-use scheme is a reversed domain name, "
                "such as com.example.app (RFC 8252 §7.1)",
                "invalid_redirect_uri",
            )


def _scopes(scope: str | None, registrable: tuple[str, ...]) -> tuple[str, ...]:
    if scope is None or not scope.strip():
        return (registrable[0],)
    scopes = tuple(dict.fromkeys(scope.split()))
    for name in scopes:
        if name not in registrable:
            raise InvalidMetadata(f"scope: {name!r} cannot be registered here; choose among {' '.join(registrable)}")
    return scopes
