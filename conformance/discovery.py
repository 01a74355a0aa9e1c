"""The server under test as the checks see it: its metadata (RFC 8414), the
endpoints found there or in the target file, and what it advertises.

"Advertised" decides whether a check runs: a feature the server does not
claim is skipped with the reason, never failed. The target file's `[server]`
values override and complete the metadata field by field: an endpoint given
there is used instead of the metadata's, and `grant_types` instead of
`grant_types_supported`. When the metadata omits `grant_types_supported`,
RFC 8414 §2's default (`authorization_code`, `implicit`) is taken, with the
grant types of the target's clients (a client registered for a grant is the
server's own word that it offers it), and the run says so (`notes`).
"""

from dataclasses import dataclass, field

import requests

from oauth_client.client import Endpoints
from oauth_client.config import GRANT_TYPES, ClientConfig

from .expect import json_object
from .outcomes import Unverifiable, not_advertised
from .target import ServerConfig

# RFC 8414 §2 defaults when a field is omitted.
DEFAULT_GRANT_TYPES = ("authorization_code", "implicit")
DEFAULT_AUTH_METHODS = ("client_secret_basic",)
ENDPOINT_NAMES = {
    "authorization": "authorization_endpoint",
    "token": "token_endpoint",
    "jwks": "jwks_uri",
    "revocation": "revocation_endpoint",
    "introspection": "introspection_endpoint",
    "device_authorization": "device_authorization_endpoint",
    "userinfo": "userinfo_endpoint",
}


@dataclass
class Server:
    config: ServerConfig
    metadata: dict | None  # None: the target gives explicit endpoints only
    endpoints: Endpoints
    grant_types: tuple[str, ...] = GRANT_TYPES
    notes: list[str] = field(default_factory=list)  # what the run assumed, for the reports

    @property
    def issuer(self) -> str | None:
        return self.endpoints.issuer

    def _list(self, name: str, default) -> tuple[str, ...]:
        if self.metadata is None:
            return tuple(default)
        value = self.metadata.get(name, default)
        return tuple(value) if isinstance(value, list) else tuple(default)

    @property
    def token_auth_methods(self) -> tuple[str, ...]:
        return self._list("token_endpoint_auth_methods_supported", DEFAULT_AUTH_METHODS)

    @property
    def pkce_methods(self) -> tuple[str, ...]:
        return self._list("code_challenge_methods_supported", ())

    @property
    def scopes(self) -> tuple[str, ...]:
        return self._list("scopes_supported", ())

    @property
    def response_types(self) -> tuple[str, ...]:
        return self._list("response_types_supported", ("code",))

    # -- requirements of a check: skip when unmet ---------------------------------------------

    def need_metadata(self) -> dict:
        if self.metadata is None:
            not_advertised("the target names no metadata_url: no RFC 8414 metadata to check")
        return self.metadata

    def need_grant(self, grant_type: str) -> None:
        if grant_type not in self.grant_types:
            not_advertised(
                f"the server does not offer the {grant_type} grant (grant types: {', '.join(self.grant_types)})"
            )

    def need_endpoint(self, name: str) -> str:
        url = getattr(self.endpoints, name)
        if not url:
            not_advertised(f"no {ENDPOINT_NAMES[name]}")
        return url

    def need_scope(self, scope: str) -> None:
        """Skip unless scopes_supported lists `scope` (how an OpenID Provider says it is one)."""
        if scope not in self.scopes:
            not_advertised(f"scopes_supported lacks {scope}")

    def need_auth_method(self, method: str) -> None:
        if method not in self.token_auth_methods:
            not_advertised(f"token_endpoint_auth_methods_supported lacks {method}")


def grant_types_of(config: ServerConfig, metadata: dict | None, clients) -> tuple[tuple[str, ...], list[str]]:
    """The grant types the checks take the server to offer, and a note on where they came from."""
    of_clients = tuple(dict.fromkeys(g for c in clients for g in c.grant_types))
    if config.grant_types is not None:
        if metadata is not None and "grant_types_supported" in metadata:
            return config.grant_types, ["grant types: the target's [server] grant_types, instead of the metadata's"]
        return config.grant_types, []
    if metadata is None:
        return of_clients or GRANT_TYPES, ["grant types (no metadata): those of the target's clients"]
    listed = metadata.get("grant_types_supported")
    if isinstance(listed, list):
        return tuple(str(g) for g in listed), []
    assumed = tuple(dict.fromkeys((*DEFAULT_GRANT_TYPES, *of_clients)))
    return assumed, [
        "the metadata has no grant_types_supported: assumed RFC 8414 §2's default "
        f"({', '.join(DEFAULT_GRANT_TYPES)}) and the grant types of the target's clients: {', '.join(assumed)}"
    ]


def failure(error: requests.RequestException) -> str:
    """A connection failure in a few words: 'ConnectionError: connection refused'."""
    text = str(error).lower()
    for words in ("connection refused", "name or service not known", "timed out", "certificate verify failed"):
        if words in text:
            return f"{type(error).__name__}: {words}"
    return type(error).__name__


def fetch_metadata(config: ServerConfig, session: requests.Session) -> dict | None:
    """The metadata document at `metadata_url` (None without one); Unverifiable when it cannot be had."""
    if not config.metadata_url:
        return None
    try:
        response = session.get(config.metadata_url)
    except requests.RequestException as error:
        raise Unverifiable(f"the metadata URL cannot be reached: {failure(error)}") from None
    metadata = json_object(response)
    if response.status_code != 200 or metadata is None:
        raise Unverifiable(f"the metadata URL answered HTTP {response.status_code} without a JSON object")
    return metadata


def discover(config: ServerConfig, session: requests.Session, clients: list[ClientConfig] = ()) -> Server:
    """Fetch the metadata (if a URL is given) and work out the endpoints and grant types."""
    metadata = fetch_metadata(config, session)
    found = Endpoints.from_metadata(metadata or {})
    explicit = config.endpoints
    endpoints = Endpoints(
        issuer=config.issuer or found.issuer,
        authorization=explicit.get("authorization_endpoint") or found.authorization,
        token=explicit.get("token_endpoint") or found.token,
        jwks=explicit.get("jwks_uri") or found.jwks,
        revocation=explicit.get("revocation_endpoint") or found.revocation,
        introspection=explicit.get("introspection_endpoint") or found.introspection,
        device_authorization=explicit.get("device_authorization_endpoint") or found.device_authorization,
        userinfo=explicit.get("userinfo_endpoint") or found.userinfo,
        iss_parameter=found.iss_parameter,
    )
    grant_types, notes = grant_types_of(config, metadata, clients)
    return Server(config, metadata, endpoints, grant_types, notes)
