"""What a client knows of its own registration: its id, secret, authentication
method, redirect URI, scope and the grants it may use (RFC 6749 §2). The suite
reads it from a target file, the playground from its form."""

from dataclasses import dataclass

# The grant types this client speaks (RFC 6749 §4.1, §4.4, §6).
GRANT_TYPES = ("authorization_code", "client_credentials", "refresh_token")
# RFC 8628 §3.4: the device authorization grant, which a client uses only when registered for it.
DEVICE_CODE = "urn:ietf:params:oauth:grant-type:device_code"
KNOWN_GRANT_TYPES = (*GRANT_TYPES, DEVICE_CODE)


@dataclass(frozen=True)
class ClientConfig:
    role: str  # confidential | second | public
    client_id: str
    client_secret: str | None
    auth_method: str  # client_secret_basic | client_secret_post | none
    redirect_uri: str | None
    scope: str | None
    grant_types: tuple[str, ...]
    application_type: str | None = None  # public clients: native | browser (RFC 8252 is for native apps)

    @property
    def is_public(self) -> bool:
        return self.auth_method == "none"

    @property
    def is_native(self) -> bool:
        return self.application_type == "native"

    def __repr__(self) -> str:  # never the secret
        return f"ClientConfig({self.role}, client_id={self.client_id!r}, auth_method={self.auth_method})"
