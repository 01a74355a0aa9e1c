"""The rows the server keeps, as frozen records: a store hands out copies, never
live objects, so nothing changes behind a caller's back."""

from dataclasses import dataclass

CONFIDENTIAL = "confidential"
PUBLIC = "public"
ACTIVE = "active"
PAUSED = "paused"
# How a client came to be: made by an administrator, registered by itself
# (RFC 7591), or named by the URL of its metadata document.
ADMIN = "admin"
RFC7591 = "rfc7591"
METADATA_DOCUMENT = "metadata_document"


@dataclass(frozen=True)
class Client:
    """An OAuth client (RFC 6749 §2). `secret_hash` is None for public clients.
    `default_scopes`: what a request that names no scope gets (RFC 6749 §3.3's
    "pre-defined default value"), a subset of `scopes`. `last_used_at`: when it
    was last issued a token, written at most once a minute (`tokens.py`).
    `origin`: ADMIN, RFC7591 or METADATA_DOCUMENT. A self-registered client keeps
    the hash of its registration access token (RFC 7592) and, as JSON text, the
    metadata it registered (`metadata`); a metadata document client, the document."""

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
    permissions: tuple[str, ...] = ()
    default_scopes: tuple[str, ...] = ()
    last_used_at: int | None = None
    # OpenID Connect RP-Initiated Logout 1.0 §3: where the client may be sent after signing out.
    post_logout_redirect_uris: tuple[str, ...] = ()
    origin: str = ADMIN
    registration_token_hash: str | None = None
    metadata: str | None = None

    @property
    def is_confidential(self) -> bool:
        return self.client_type == CONFIDENTIAL

    @property
    def is_active(self) -> bool:
        return self.status == ACTIVE


@dataclass(frozen=True)
class SigningKey:
    """A signing key: the public JWK in clear, the private key sealed (see secret_box).
    Published from `created_at`, signing from `signs_from`, withdrawn (no longer
    published) at `withdrawn_at`: see policy/key_rotation.py."""

    kid: str
    alg: str
    public_jwk: str  # JSON text
    private_key_sealed: bytes
    created_at: int
    signs_from: int
    withdrawn_at: int | None = None


@dataclass(frozen=True)
class Grant:
    """One authorization a resource owner gave a client: made when an authorization
    code is redeemed, carried on by its refresh tokens, named by every access token
    it yields (their `grant_id` claim). Access tokens are not recorded: revoking the
    grant (a code replayed, RFC 6749 §4.1.2; a refresh token reused, RFC 9700
    §4.14.2; the user's revocation at /account; the user or client deleted) makes
    every token of it inactive at once.

    `ends_at` is the grant's absolute end (`grant_max_lifetime` after it was made):
    nothing it yields lives past it. `live_until` is when the last thing it issued
    expires; after that the grant is over and, once the purge's grace has passed,
    deleted."""

    grant_id: str
    client_id: str
    user_id: str
    scope: str  # what the user approved, space-separated
    created_at: int
    ends_at: int
    live_until: int
    revoked_at: int | None = None
    auth_time: int | None = None  # when the user signed in for it (OIDC Core §2, §12.2)
    resources: tuple[str, ...] = ()  # RFC 8707: what its tokens are for (empty: the default audience)

    def is_live(self, now: int) -> bool:
        return self.revoked_at is None and self.live_until > now


@dataclass(frozen=True)
class Profile:
    """What a user says about themselves: the standard claims of OpenID Connect Core
    §5.1 that the server keeps (`preferred_username` is the username; `sub` the
    user_id). Empty strings are claims not set; `updated_at` is when this changed."""

    name: str = ""
    given_name: str = ""
    family_name: str = ""
    nickname: str = ""
    picture: str = ""
    locale: str = ""
    email: str = ""
    email_verified: bool = False
    updated_at: int | None = None


@dataclass(frozen=True)
class User:
    """A resource owner (RFC 6749 §1.1). `password_hash` is scrypt (policy/passwords.py).
    `user_id` is random, made once, never given to another user: it is the `sub` of
    the user's tokens (OIDC Core §2: "never reassigned")."""

    user_id: str
    username: str
    password_hash: str
    is_admin: bool
    created_at: int
    profile: Profile = Profile()


@dataclass(frozen=True)
class AuthorizationCode:
    """An issued code (RFC 6749 §4.1.2), stored by its hash, bound to everything
    the token request must match (client, redirect URI, PKCE challenge) and to
    what it grants (user, scope, resources: RFC 8707). `grant_id` names the family of tokens it will
    give, so a replay can revoke them all (RFC 6749 §4.1.2, §10.5)."""

    code_hash: str
    grant_id: str
    client_id: str
    user_id: str
    redirect_uri: str
    scope: str
    code_challenge: str | None
    code_challenge_method: str | None
    issued_at: int
    expires_at: int
    used_at: int | None = None
    # OpenID Connect Core §3.1.2.1: the request's nonce, echoed in the ID Token; and when
    # the user signed in (the ID Token's auth_time).
    nonce: str | None = None
    auth_time: int | None = None
    resources: tuple[str, ...] = ()


@dataclass(frozen=True)
class RefreshToken:
    """A refresh token (RFC 6749 §1.5, §6), stored by its hash. Rotated on each use
    (RFC 9700 §4.14.2): `rotated_at` marks a used one; presenting it again is
    reuse, and revokes its grant. Whom it was issued to and for what scope are
    its grant's (`Grant`); the store hands the two out together."""

    token_hash: str
    grant_id: str
    issued_at: int
    expires_at: int
    rotated_at: int | None = None
    grace_used: bool = False


@dataclass(frozen=True)
class Session:
    """A browser session, stored by the hash of its id. `user_id` None: not logged in
    yet (the session exists to carry the login form's CSRF token)."""

    session_hash: str
    user_id: str | None
    created_at: int
    expires_at: int


@dataclass(frozen=True)
class Consent:
    """A user's remembered approval of a client for a set of scopes."""

    user_id: str
    client_id: str
    scope: str  # space-separated, sorted
    granted_at: int


@dataclass(frozen=True)
class DeviceAuthorization:
    """A device authorization request (RFC 8628 §3.1-3.2) and where it stands.

    Stored by the hashes of its two codes: the device code (256-bit, which the
    device polls with) and the user code (which a person types at /device).
    Bound to its client and scope; `grant_id` names the grant it will start, as
    an authorization code's does. `interval` and `next_poll_at` are the polling
    rule of §3.5 for this device code: a poll before `next_poll_at` is
    `slow_down`, and grows `interval`. `entries` counts how often its user code
    was entered while undecided (§5.1: past a limit the device code is dead).
    The user's decision: `approved_at` with `user_id`, or `denied_at`;
    `used_at` marks the device code spent on tokens (or withdrawn)."""

    device_code_hash: str
    user_code_hash: str
    grant_id: str
    client_id: str
    scope: str
    issued_at: int
    expires_at: int
    interval: int
    next_poll_at: int
    entries: int = 0
    user_id: str | None = None
    approved_at: int | None = None
    denied_at: int | None = None
    used_at: int | None = None


@dataclass(frozen=True)
class Resource:
    """A protected resource tokens may be asked for (RFC 8707 §2), by its URI, with the
    scopes it accepts."""

    uri: str
    scopes: tuple[str, ...]
    created_at: int


@dataclass(frozen=True)
class RegistrationToken:
    """An initial access token (RFC 7591 §3), stored by its hash, usable until it expires."""

    token_hash: str
    hint: str
    created_at: int
    expires_at: int


@dataclass(frozen=True)
class ClientCheck:
    """A client put under check (DESIGN.md "Client checks"): from `started_at` the server
    records what it does, and the scenario chooses the traps sprung on it. `ended_at`
    is set when the check is stopped; a client has at most one check, the latest."""

    client_id: str
    scenario: str
    started_at: int
    ended_at: int | None = None

    @property
    def under_way(self) -> bool:
        return self.ended_at is None


@dataclass(frozen=True)
class CheckEvent:
    """One thing a client under check did (an authorization, token or resource request),
    as the parameters that matter: `details` is JSON text holding flags, hashes and
    lengths, never a secret or a token. `seq` orders a check's events (the store numbers them)."""

    client_id: str
    at: int
    kind: str
    details: str
    seq: int = 0
