"""The server under test as the checks see it: its metadata (RFC 8414), the
endpoints found there or in the target file, and what it advertises.

"Advertised" decides whether a check runs: a feature the server does not
claim is skipped with the reason, never failed. Without metadata the target
file's `[server]` table stands in for it.
"""

from dataclasses import dataclass

import requests

from .client import Endpoints
from .expect import json_object
from .outcomes import Unverifiable, not_advertised, not_configured
from .target import GRANT_TYPES, ServerConfig

# RFC 8414 §2 defaults when a field is omitted.
DEFAULT_GRANT_TYPES = ("authorization_code", "implicit")
DEFAULT_AUTH_METHODS = ("client_secret_basic",)
ENDPOINT_NAMES = {
    "authorization": "authorization_endpoint",
    "token": "token_endpoint",
    "jwks": "jwks_uri",
    "revocation": "revocation_endpoint",
    "introspection": "introspection_endpoint",
}


@dataclass
class Server:
    config: ServerConfig
    metadata: dict | None  # None: the target gives explicit endpoints only
    endpoints: Endpoints

    @property
    def issuer(self) -> str | None:
        return self.endpoints.issuer

    def _list(self, name: str, default) -> tuple[str, ...]:
        if self.metadata is None:
            return tuple(default)
        value = self.metadata.get(name, default)
        return tuple(value) if isinstance(value, list) else tuple(default)

    @property
    def grant_types(self) -> tuple[str, ...]:
        if self.metadata is None:
            return self.config.grant_types or GRANT_TYPES
        return self._list("grant_types_supported", DEFAULT_GRANT_TYPES)

    @property
    def token_auth_methods(self) -> tuple[str, ...]:
        return self._list("token_endpoint_auth_methods_supported", DEFAULT_AUTH_METHODS)

    @property
    def pkce_methods(self) -> tuple[str, ...]:
        return self._list("code_challenge_methods_supported", ())

    @property
    def response_types(self) -> tuple[str, ...]:
        return self._list("response_types_supported", ("code",))

    # -- requirements of a check: skip when unmet ---------------------------------------------

    def need_metadata(self) -> dict:
        if self.metadata is None:
            not_configured("no metadata_url in the target file")
        return self.metadata

    def need_grant(self, grant_type: str) -> None:
        if grant_type not in self.grant_types:
            not_advertised(f"grant_types_supported lacks {grant_type}")

    def need_endpoint(self, name: str) -> str:
        url = getattr(self.endpoints, name)
        if not url:
            not_advertised(f"no {ENDPOINT_NAMES[name]}")
        return url

    def need_auth_method(self, method: str) -> None:
        if method not in self.token_auth_methods:
            not_advertised(f"token_endpoint_auth_methods_supported lacks {method}")


def discover(config: ServerConfig, session: requests.Session) -> Server:
    """Fetch the metadata (if a URL is given) and work out the endpoints."""
    metadata, response = None, None
    if config.metadata_url:
        try:
            response = session.get(config.metadata_url)
        except requests.RequestException as error:
            raise Unverifiable(f"the metadata URL cannot be reached: {error}") from None
        metadata = json_object(response)
        if response.status_code != 200 or metadata is None:
            raise Unverifiable(f"the metadata URL answered HTTP {response.status_code} without a JSON object")
    found = Endpoints.from_metadata(metadata or {})
    explicit = config.endpoints
    endpoints = Endpoints(
        issuer=config.issuer or found.issuer,
        authorization=explicit.get("authorization_endpoint") or found.authorization,
        token=explicit.get("token_endpoint") or found.token,
        jwks=explicit.get("jwks_uri") or found.jwks,
        revocation=explicit.get("revocation_endpoint") or found.revocation,
        introspection=explicit.get("introspection_endpoint") or found.introspection,
        iss_parameter=found.iss_parameter,
    )
    return Server(config, metadata, endpoints)
