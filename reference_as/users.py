"""The user service: resource owners, for the CLI (`reference-as users …`), the
admin pages and the login page.

Passwords are hashed with scrypt (`policy/passwords.py`); a generated password
is 16 random characters, printed once by the command that made it. A user's
profile holds the OpenID Connect standard claims (`policy/oidc_core_claims.py`
checks each). The user id is random and made once: it is the `sub` of every
token about the user, and a user made again under the same username gets a
new one (OpenID Connect Core §2: a `sub` is never reassigned).
"""

import dataclasses
import secrets as random

from .clock import Clock
from .config import Settings
from .policy import oidc_core_claims, passwords
from .store import DuplicateUser, Store
from .store.records import Profile, User

PROFILE_FIELDS = tuple(field.name for field in dataclasses.fields(Profile) if field.name != "updated_at")


class UserError(ValueError):
    """A user cannot be created or changed as asked; the message says why."""


class UserService:
    def __init__(self, store: Store, settings: Settings, clock: Clock):
        self.store = store
        self.settings = settings
        self.clock = clock
        self._nobody: str | None = None

    def create(
        self, username: str, password: str | None = None, is_admin: bool = False, profile: dict | None = None
    ) -> tuple[User, str]:
        """A new user and its password (generated when not given); `profile`: claim name -> value."""
        if not username or len(username) > 100 or username != username.strip():
            raise UserError("username: give 1 to 100 characters without surrounding spaces")
        now = self.clock.now()
        claims = self._profile(Profile(), profile or {}, now)
        password = self._password(password)
        user = User(
            user_id=random.token_urlsafe(12),
            username=username,
            password_hash=passwords.hash_password(password, self.settings.password_scrypt_n),
            is_admin=is_admin,
            created_at=now,
            profile=claims,
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

    def edit(self, username: str, profile: dict) -> User:
        """Change profile claims (claim name -> value; None leaves one as it is)."""
        user = self.get(username)
        changed = dataclasses.replace(user, profile=self._profile(user.profile, profile, self.clock.now()))
        self.store.replace_user(changed)
        return changed

    @staticmethod
    def _profile(profile: Profile, changes: dict, now: int) -> Profile:
        unknown = [name for name in changes if name not in PROFILE_FIELDS]
        if unknown:
            raise UserError(f"{unknown[0]}: not a profile claim; choose from {', '.join(PROFILE_FIELDS)}")
        try:
            return oidc_core_claims.changed(profile, changes, now)
        except oidc_core_claims.InvalidProfile as error:
            raise UserError(str(error)) from None

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
        "profile": dataclasses.asdict(user.profile),
    }
