"""The user service: resource owners, for the CLI (`reference-as users …`) and the login page.

Passwords are hashed with scrypt (`policy/passwords.py`); a generated password
is 16 random characters, printed once by the command that made it.
"""

import secrets as random

from .clock import Clock
from .config import Settings
from .policy import passwords
from .store import DuplicateUser, Store
from .store.records import User


class UserError(ValueError):
    """A user cannot be created or changed as asked; the message says why."""


class UserService:
    def __init__(self, store: Store, settings: Settings, clock: Clock):
        self.store = store
        self.settings = settings
        self.clock = clock
        self._nobody: str | None = None

    def create(self, username: str, password: str | None = None, is_admin: bool = False) -> tuple[User, str]:
        """A new user and its password (generated when not given)."""
        if not username or len(username) > 100 or username != username.strip():
            raise UserError("username: give 1 to 100 characters without surrounding spaces")
        password = self._password(password)
        user = User(
            user_id=random.token_urlsafe(12),
            username=username,
            password_hash=passwords.hash_password(password, self.settings.password_scrypt_n),
            is_admin=is_admin,
            created_at=self.clock.now(),
        )
        try:
            self.store.add_user(user)
        except DuplicateUser:
            raise UserError(f"username {username!r} is taken") from None
        return user, password

    def set_password(self, username: str, password: str | None = None) -> str:
        """A new password; every session of the user ends and every grant is revoked
        (RFC 9700 §4.14.2: refresh tokens are revoked when the password changes), so
        whoever knew the old password keeps nothing it gave them."""
        user = self.get(username)
        password = self._password(password)
        hashed = passwords.hash_password(password, self.settings.password_scrypt_n)
        self.store.change_password(user.user_id, hashed, self.clock.now())
        return password

    def get(self, username: str) -> User:
        user = self.store.get_user_by_name(username)
        if user is None:
            raise UserError(f"no user named {username!r}")
        return user

    def list(self) -> list[User]:
        return self.store.list_users()

    def delete(self, username: str) -> None:
        """Remove the user; their sessions and consents go, their tokens are revoked."""
        self.store.delete_user(self.get(username).user_id, self.clock.now())

    def check_password(self, username: str, password: str) -> User | None:
        """The user if the password is right, else None (same cost either way)."""
        user = self.store.get_user_by_name(username)
        matched = passwords.verify_password(password, user.password_hash if user else self._unknown_user_hash())
        return user if user and matched else None

    def _unknown_user_hash(self) -> str:
        """Verified against when the username is unknown, at the same cost as a real
        hash, so a failed login takes as long whether or not the user exists."""
        if self._nobody is None:
            self._nobody = passwords.hash_password(random.token_urlsafe(16), self.settings.password_scrypt_n)
        return self._nobody

    @staticmethod
    def _password(password: str | None) -> str:
        if password is None:
            return random.token_urlsafe(12)
        problem = passwords.check_strength(password)
        if problem:
            raise UserError(problem)
        return password


def describe(user: User) -> dict:
    return {
        "user_id": user.user_id,
        "username": user.username,
        "is_admin": user.is_admin,
        "created_at": user.created_at,
    }
