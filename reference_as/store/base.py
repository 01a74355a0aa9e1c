"""The storage contract every backend fulfils.

Small on purpose, and shaped by security: records are frozen, secrets arrive
already hashed, time is passed in by the caller (so expiry follows the
injectable clock), and operations that must be atomic are single methods
(`delete_client` revokes the client's tokens in the same transaction).
`spec_tests/store/test_store_contract.py` runs against every backend.
"""

from typing import Protocol

from .records import AccessToken, Client, SigningKey


class DuplicateClient(Exception):
    """A client with that client_id exists already."""


class Store(Protocol):
    # Clients (RFC 6749 §2)
    def add_client(self, client: Client) -> None:
        """Insert; raise DuplicateClient if the client_id is taken."""

    def get_client(self, client_id: str) -> Client | None: ...

    def list_clients(self) -> list[Client]:
        """All clients, oldest first."""

    def replace_client(self, client: Client) -> None:
        """Overwrite the client with the same client_id."""

    def delete_client(self, client_id: str, now: int) -> bool:
        """Remove the client and revoke its tokens, atomically. False if absent."""

    # Signing keys (RFC 7517)
    def add_signing_key(self, key: SigningKey) -> None: ...

    def signing_keys(self) -> list[SigningKey]:
        """All keys, newest first."""

    def active_signing_kid(self) -> str | None:
        """The kid of the newest key not retired (one indexed look-up: asked on every issuance)."""

    def retire_signing_keys(self, now: int, except_kid: str) -> None:
        """Mark every key but `except_kid` retired at `now` (unless retired already)."""

    # Access tokens (RFC 9068; the record only)
    def add_access_token(self, token: AccessToken) -> None: ...

    def get_access_token(self, jti: str) -> AccessToken | None: ...

    def close(self) -> None: ...
