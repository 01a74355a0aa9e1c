"""The rows the server keeps, as frozen records: a store hands out copies, never
live objects, so nothing changes behind a caller's back."""

from dataclasses import dataclass

CONFIDENTIAL = "confidential"
PUBLIC = "public"
ACTIVE = "active"
PAUSED = "paused"


@dataclass(frozen=True)
class Client:
    """An OAuth client (RFC 6749 §2). `secret_hash` is None for public clients."""

    client_id: str
    name: str
    client_type: str
    grant_types: tuple[str, ...]
    scopes: tuple[str, ...]
    redirect_uris: tuple[str, ...]
    status: str
    secret_hash: str | None
    secret_hint: str | None
    created_at: int
    updated_at: int

    @property
    def is_confidential(self) -> bool:
        return self.client_type == CONFIDENTIAL

    @property
    def is_active(self) -> bool:
        return self.status == ACTIVE


@dataclass(frozen=True)
class SigningKey:
    """A signing key: the public JWK in clear, the private key sealed (see secret_box)."""

    kid: str
    alg: str
    public_jwk: str  # JSON text
    private_key_sealed: bytes
    created_at: int
    retired_at: int | None


@dataclass(frozen=True)
class AccessToken:
    """What is recorded of an issued JWT access token: its `jti` and claims that
    revocation and introspection need, never the token itself."""

    jti: str
    client_id: str
    subject: str
    scope: str
    issued_at: int
    expires_at: int
    revoked_at: int | None = None
