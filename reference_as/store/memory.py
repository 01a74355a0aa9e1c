"""MemoryStore: the Store contract in a dict, for tests and throw-away runs
(`--store memory://`). One lock makes each method atomic, as a transaction would."""

import dataclasses
import threading

from .base import DuplicateClient
from .records import AccessToken, Client, SigningKey


class MemoryStore:
    def __init__(self):
        self._lock = threading.Lock()
        self._clients: dict[str, Client] = {}
        self._keys: dict[str, SigningKey] = {}
        self._tokens: dict[str, AccessToken] = {}

    def add_client(self, client: Client) -> None:
        with self._lock:
            if client.client_id in self._clients:
                raise DuplicateClient(client.client_id)
            self._clients[client.client_id] = client

    def get_client(self, client_id: str) -> Client | None:
        return self._clients.get(client_id)

    def list_clients(self) -> list[Client]:
        return sorted(self._clients.values(), key=lambda c: (c.created_at, c.client_id))

    def replace_client(self, client: Client) -> None:
        with self._lock:
            self._clients[client.client_id] = client

    def delete_client(self, client_id: str, now: int) -> bool:
        with self._lock:
            if self._clients.pop(client_id, None) is None:
                return False
            for jti, token in self._tokens.items():
                if token.client_id == client_id and token.revoked_at is None:
                    self._tokens[jti] = dataclasses.replace(token, revoked_at=now)
            return True

    def add_signing_key(self, key: SigningKey) -> None:
        with self._lock:
            self._keys[key.kid] = key

    def signing_keys(self) -> list[SigningKey]:
        return sorted(self._keys.values(), key=lambda k: k.created_at, reverse=True)

    def active_signing_kid(self) -> str | None:
        active = [k for k in self.signing_keys() if k.retired_at is None]
        return active[0].kid if active else None

    def retire_signing_keys(self, now: int, except_kid: str) -> None:
        with self._lock:
            for kid, key in self._keys.items():
                if kid != except_kid and key.retired_at is None:
                    self._keys[kid] = dataclasses.replace(key, retired_at=now)

    def add_access_token(self, token: AccessToken) -> None:
        with self._lock:
            self._tokens[token.jti] = token

    def get_access_token(self, jti: str) -> AccessToken | None:
        return self._tokens.get(jti)

    def close(self) -> None:
        pass
