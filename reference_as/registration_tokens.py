"""Initial access tokens (RFC 7591 §3): what lets a client register where
registration is `token` (the default on a server that is not on loopback).

An administrator makes one with `reference-as registration-token create`,
hands it to whoever may register a client, and it works until it expires or is
revoked, for as many registrations as are made with it. It is 256-bit random,
shown once, and kept as its SHA-256 with its last four characters (so a list
can show which is which); its id is the start of that hash.
"""

from .clock import Clock
from .policy import secrets
from .store import Store
from .store.records import RegistrationToken

ID_LENGTH = 12


def token_id(token: RegistrationToken) -> str:
    return token.token_hash[:ID_LENGTH]


def describe(token: RegistrationToken) -> dict:
    return {
        "id": token_id(token),
        "token": secrets.mask(token.hint),
        "created_at": token.created_at,
        "expires_at": token.expires_at,
    }


class RegistrationTokens:
    def __init__(self, store: Store, clock: Clock):
        self.store = store
        self.clock = clock

    def create(self, lifetime: int) -> tuple[RegistrationToken, str]:
        """A new token usable for `lifetime` seconds, and its value (shown this once)."""
        if lifetime <= 0:
            raise ValueError("the lifetime must be positive")
        value, now = secrets.new_secret(), self.clock.now()
        token = RegistrationToken(secrets.hash_secret(value), secrets.hint(value), now, now + lifetime)
        self.store.add_registration_token(token)
        return token, value

    def list(self) -> list[RegistrationToken]:
        return self.store.list_registration_tokens()

    def revoke(self, id_: str) -> None:
        matches = [t for t in self.list() if token_id(t) == id_]
        if not matches:
            raise ValueError(f"no initial access token with id {id_!r} (see `registration-token list`)")
        self.store.delete_registration_token(matches[0].token_hash)
