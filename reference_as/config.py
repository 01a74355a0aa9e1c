"""Settings: every knob the server has, its default, and the rule behind it.

Read in three layers, each overriding the one before:
  1. `reference-as.toml` in the working directory (or `--config FILE`),
  2. environment variables `REFERENCE_AS_<FIELD>` (upper case),
  3. command-line flags.
With nothing set, the server runs: first start needs no configuration.
"""

import dataclasses
import ipaddress
import os
import tomllib
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from .jose.algorithms import ALGORITHMS
from .policy import oidc_core_scopes
from .policy.rfc6749_clients import LOOPBACK_HOSTS
from .policy.rfc8707_resources import InvalidTarget, check_uri

ENV_PREFIX = "REFERENCE_AS_"
# `registration`: RFC 7591 §3 lets the server require an initial access token, or refuse registration.
OPEN, TOKEN, OFF = "open", "token", "off"
DEFAULT_CONFIG_FILE = "reference-as.toml"


@dataclass(frozen=True)
class Settings:
    """Every setting, each with the one-line meaning (the string below it) that
    the README's settings table and the command-line help are generated from
    (`reference_as/settings_doc.py`). Comments give the rule behind a default."""

    # Where the server answers. RFC 8414 §2: the issuer is an https URL with no
    # query or fragment; http is accepted for loopback development only.
    issuer: str = ""
    """The issuer URL (RFC 8414 §2): https, no query or fragment; http only on loopback.
    Empty: `http://<host>:<port>`, the address served."""
    host: str = "127.0.0.1"
    """The address to listen on."""
    port: int = 8000
    """The TCP port to listen on."""
    workers: int = 2
    """Worker processes that serve requests."""

    store: str = "sqlite:///./var/reference_as.sqlite3"
    """Where everything is kept: `sqlite:///relative/path`, `sqlite:////absolute/path`,
    `postgresql://user:password@host:port/database` (several servers sharing one database), or `memory://`
    (one process, gone when it ends; see reference_as/store)."""
    # PostgreSQL only. Each worker process has its own pool; a worker runs one request at a
    # time on its main thread, plus the sign-in threads and the periodic purge.
    store_pool_size: int = 4
    """PostgreSQL: the most connections each worker process keeps open to the database."""
    # A statement waiting longer than this (behind a lock, on an overloaded database) is
    # cancelled and the request answered 503, instead of holding the worker.
    store_statement_timeout_ms: int = 5000
    """PostgreSQL: milliseconds a statement may run before it is cancelled (the request gets 503)."""
    secret_key_file: str = "./var/secret.key"
    """The 0600 file with the master key that seals private keys at rest, used when
    REFERENCE_AS_SECRET_KEY is unset (see reference_as/secret_box.py)."""

    # RFC 9068 access tokens.
    access_token_ttl: int = 3600
    """Seconds an access token lives."""
    audience: str = ""
    """The `aud` of access tokens asked for no particular resource (RFC 9068 §3, RFC 8707 §2). Empty:
    `<issuer>/api`, the sample protected resource served beside the authorization server."""
    # RFC 8707 §2: a client names the resource a token is for; the server knows which.
    resources: tuple[str, ...] = ()
    """Resource URIs tokens may be asked for (RFC 8707), each accepting every scope, besides those of
    `reference-as resources add` and the sample resource `<issuer>/api`."""
    # RFC 7518 §3.1: RS256 is the algorithm every JWT library supports.
    signing_alg: str = "RS256"
    """The access tokens' signing algorithm: RS256, ES256 or EdDSA."""

    # DPoP (RFC 9449; policy/rfc9449_dpop.py). §11.1: a proof is accepted only while its
    # iat is within this window of the server's clock, and its jti only once in that time.
    dpop_iat_window: int = 60
    """Seconds a DPoP proof's `iat` may lie before or after the server's clock (RFC 9449 §4.3, §11.1)."""
    # RFC 9449 §8: server nonces make a proof made in advance useless. Off: clients need a retry.
    use_dpop_nonce: bool = False
    """Require a server-provided nonce in every DPoP proof (RFC 9449 §8; answered `use_dpop_nonce`)."""

    # How long verifiers may cache the JWKS (its Cache-Control max-age). A new signing
    # key is published this long before it signs (see keys.py), so that a verifier
    # holding a cached copy has fetched the new key before it meets a token it signed.
    jwks_max_age: int = 60
    """Seconds verifiers may cache the JWKS; a new signing key is published this long before it signs."""
    # OpenID Connect Core 1.0 §2: the ID Token's lifetime (its `exp`). The client
    # checks it once, on sign-in; an hour is what most providers give.
    id_token_ttl: int = 3600
    """Seconds an ID Token is valid (OpenID Connect Core §2 `exp`)."""

    # RFC 6749 §3.3: the scopes the server knows. The seed's four levels under a prefix.
    scope_prefix: str = "api:"
    """What every scope begins with."""
    scope_levels: tuple[str, ...] = ("read", "write", "admin", "superuser")
    """The scopes the server knows, lowest first, each after `scope_prefix` (RFC 6749 §3.3); OpenID Connect's
    openid, profile, email and offline_access come besides."""
    # The seed's rule: "only one scope per request, and it must match the client
    # configuration". Off by default: RFC 6749 §3.3 allows a list.
    one_scope_per_request: bool = False
    """Refuse a request that asks for more than one scope (the seed's rule)."""

    # Authorization codes (RFC 6749 §4.1.2: "a maximum authorization code lifetime
    # of 10 minutes is RECOMMENDED"; a minute is plenty for a redirect).
    code_ttl: int = 60
    """Seconds an authorization code can be redeemed in (RFC 6749 §4.1.2)."""
    # PKCE (RFC 7636). RFC 9700 §2.1.1: required for public clients (always, here)
    # and recommended for confidential ones (default on); S256 only unless plain is allowed.
    pkce_required_for_confidential: bool = True
    """Require PKCE from confidential clients too (public clients always need it; RFC 9700 §2.1.1)."""
    pkce_allow_plain: bool = False
    """Accept the PKCE method `plain` besides S256 (RFC 7636 §4.2)."""

    # Pushed authorization requests (RFC 9126). §2.2: a request_uri lives "typically
    # between 5 and 600 seconds"; a minute covers the redirect that follows the push.
    par_ttl: int = 60
    """Seconds a pushed authorization request's request_uri can be used (RFC 9126 §2.2 `expires_in`)."""
    require_pushed_authorization_requests: bool = False
    """Accept authorization requests only as pushed ones, from every client (RFC 9126 §6); a client can
    also be made to need them alone."""
    # RFC 7523 §3: a client assertion's `exp`; made per request, it need not live long,
    # and its jti is kept until it expires (OpenID Connect Core §9).
    client_assertion_max_lifetime: int = 300
    """The furthest ahead, in seconds, a client assertion's `exp` may be (RFC 7523 §3, private_key_jwt)."""
    # OIDC Core §9 client_secret_jwt: an HMAC over the secret, which must then be kept usable as
    # a key (sealed under the master key, not only hashed). Off: secrets stay hashed only.
    client_secret_jwt: bool = False
    """Offer client_secret_jwt (RFC 7523 §2.2 assertions signed HS256 with the client's secret). Such
    clients' secrets are kept sealed under the master key, not only hashed: see the README."""

    # The device authorization grant (RFC 8628; policy/rfc8628_device.py). §3.2's
    # example lifetime is 30 minutes; 10 is enough to walk to another device and
    # keeps the window for guessing a user code short (§5.1). §3.2: interval 5 s.
    device_code_ttl: int = 600
    """Seconds a device code and its user code live (RFC 8628 §3.2 `expires_in`)."""
    device_poll_interval: int = 5
    """Seconds a device waits between two polls (RFC 8628 §3.2 `interval`); each `slow_down` adds 5."""
    # RFC 8628 §5.1: limit user code attempts. A person enters their code once or twice.
    device_code_max_entries: int = 5
    """Times a user code may be entered at /device before its device code is dead (RFC 8628 §5.1)."""
    device_free_attempts_per_address: int = 10
    """Unknown user codes entered at /device from one address before each further attempt must wait."""

    # Refresh tokens (RFC 6749 §6), rotated on every use (RFC 9700 §4.14.2). The
    # lifetime runs from the last rotation, so an unused grant expires.
    refresh_token_ttl: int = 14 * 24 * 3600
    """Seconds a refresh token lives, counted from its last rotation."""
    refresh_token_reuse_grace: int = 0
    """Seconds in which a just-rotated refresh token may be presented once more (0: never)."""
    # RFC 9700 §4.14.2 asks that refresh tokens not live for ever.
    grant_max_lifetime: int = 30 * 24 * 3600
    """Seconds a grant lasts however often it is refreshed; then the user is asked again."""

    # Resource owners' browser sessions and the login form.
    session_ttl: int = 8 * 3600
    """Seconds a browser session lasts."""
    # The sign-in throttle (policy/login_throttle.py; NIST SP 800-63B §5.2.2).
    login_free_attempts: int = 5
    """Failed sign-ins per username from one address before each further attempt must wait."""
    login_free_attempts_per_address: int = 20
    """Failed sign-ins per address, any usernames, before each further attempt must wait."""
    login_free_attempts_per_account: int = 100
    """Failed sign-ins per account, any addresses, before each further attempt must wait."""
    trusted_proxies: tuple[str, ...] = ()
    """Addresses of the reverse proxies in front; only their X-Forwarded-For names the client."""
    password_scrypt_n: int = 2**17
    """The scrypt cost N of users' password hashes, a power of two (policy/passwords.py)."""

    # Expired codes and tokens are kept a while so that a late replay is still
    # recognised, then deleted by each server process and by `reference-as purge`.
    purge_grace: int = 24 * 3600
    """Seconds after expiry that expired codes, tokens and sessions are deleted."""
    purge_interval: int = 3600
    """Seconds between two purges in each server process."""

    # The conformance suite's `auto` approval driver. Refused unless both the host
    # served and the issuer are loopback, and announced with a warning at start.
    auto_approve_user: str = ""
    """TEST ONLY: approve every authorization request (and every user code opened at /device) as this
    user, no sign-in, no consent. Empty: off."""

    # Clients that arrive unannounced (RFC 7591, Client ID Metadata Documents).
    registration: str = ""
    """Who may register a client at /oauth2/register (RFC 7591): `open` (anyone), `token` (an initial
    access token of `reference-as registration-token create`), `off`. Empty: open on a loopback issuer,
    token otherwise."""
    registrable_scopes: tuple[str, ...] = ()
    """Scopes a client that registers itself (or is named by a metadata document) may be allowed.
    Empty: the lower half of the server's levels, never the highest (with the default levels,
    api:read and api:write), and OpenID Connect's scopes."""
    registrations_per_hour: int = 20
    """Registrations accepted from one address per hour; more are answered 429 (0: no limit)."""
    unused_client_ttl: int = 30 * 24 * 3600
    """Seconds after which a client that registered itself, or came by its metadata document, and was
    given no token since is deleted by the purge."""
    metadata_documents: bool = True
    """Accept an https URL as client_id and read the client's metadata from it (OAuth Client ID Metadata
    Document)."""

    # Outbound fetches (reference_as/outbound.py): what the server reads from URLs others give it.
    outbound_allow_loopback_http: bool = False
    """Also fetch http URLs on loopback addresses (tests and local development; https otherwise)."""
    outbound_allow_private_addresses: bool = False
    """Also fetch from special-use addresses (RFC 6890: private, link-local, loopback; the SSRF caution
    of the Client ID Metadata Document draft). Loopback is allowed anyway when `host` is loopback."""
    outbound_timeout: int = 5
    """Seconds an outbound fetch may take in all, connecting and reading."""
    outbound_max_bytes: int = 5 * 1024
    """The largest document an outbound fetch reads, in bytes."""
    outbound_cache_seconds: int = 3600
    """The longest a fetched document is reused, whatever its Cache-Control says."""
    outbound_cache_entries: int = 1000
    """How many fetched documents each server process keeps."""
    outbound_ca_file: str = ""
    """A PEM file of CA certificates trusted for outbound https fetches. Empty: the system's."""

    seed_routes: bool = True
    """Also serve the seed's route style, /index.php?module=OAuth2&action=token, beside /oauth2/token."""
    max_body_bytes: int = 64 * 1024
    """The largest request body read from a client, in bytes; a larger one is refused with 400."""

    # Slow and idle clients (serve.py, rsgi_bridge.py): nobody may hold a connection,
    # or a request, open for long without sending it.
    header_timeout: int = 10
    """Seconds a connection may take to send a whole request head, from when it opened or
    got its last answer: an idle keep-alive connection is closed after it too."""
    # RFC 9110 §15.5.9: 408 Request Timeout, and the connection closed.
    body_timeout: int = 5
    """Seconds a request's body may take to arrive whole after its head; then 408."""
    max_connections: int = 4096
    """Connections served at once, shared by the workers; more wait in the kernel's queue."""

    @property
    def levels(self) -> tuple[str, ...]:
        """The scopes of the API's levels, lowest first (the seed's four by default)."""
        return tuple(self.scope_prefix + level for level in self.scope_levels)

    @property
    def scopes(self) -> tuple[str, ...]:
        """Every scope a client may be allowed: the levels, then OpenID Connect's."""
        return self.levels + oidc_core_scopes.SCOPES

    @property
    def sample_resource(self) -> str:
        """The resource identifier of `/api/me` (RFC 9728 §1.2), its metadata's `resource`."""
        return self.issuer.rstrip("/") + "/api"

    @property
    def resource_audience(self) -> str:
        """The `aud` of a token asked for no resource (RFC 8707 §2)."""
        return self.audience or self.sample_resource

    @property
    def registration_policy(self) -> str:
        if self.registration:
            return self.registration
        return OPEN if urlsplit(self.issuer).hostname in LOOPBACK_HOSTS else TOKEN

    @property
    def registrable(self) -> tuple[str, ...]:
        """The scopes of `registrable_scopes`, or the lower half of the server's levels and
        OpenID Connect's scopes (which name the person, not an API)."""
        levels = self.levels
        return self.registrable_scopes or levels[: max(1, len(levels) // 2)] + oidc_core_scopes.SCOPES


FIELDS = {f.name: f for f in dataclasses.fields(Settings)}


class ConfigError(Exception):
    """A setting has a value that cannot be used; the message names it."""


def _convert(name: str, value, source: str):
    kind = FIELDS[name].type
    try:
        if kind is int:
            return int(value)
        if kind is bool:
            if isinstance(value, bool):
                return value
            if str(value).lower() in ("1", "true", "yes", "on"):
                return True
            if str(value).lower() in ("0", "false", "no", "off"):
                return False
            raise ValueError(value)
        if kind == tuple[str, ...]:
            return tuple(value) if isinstance(value, list) else tuple(str(value).replace(",", " ").split())
        return str(value)
    except (TypeError, ValueError):
        raise ConfigError(f"{source}: {name} = {value!r} is not a valid {getattr(kind, '__name__', kind)}") from None


def load_settings(config_file: str | None = None, environ=None, overrides: dict | None = None) -> Settings:
    """Settings from the TOML file, then the environment, then `overrides` (flags; None values ignored)."""
    environ = os.environ if environ is None else environ
    values: dict = {}
    path = Path(config_file or DEFAULT_CONFIG_FILE)
    if config_file or path.exists():
        try:
            table = tomllib.loads(path.read_text())
        except (OSError, tomllib.TOMLDecodeError) as error:
            raise ConfigError(f"{path}: {error}") from None
        for name, value in table.items():
            if name not in FIELDS:
                raise ConfigError(f"{path}: unknown setting {name!r}")
            values[name] = _convert(name, value, str(path))
    for name in FIELDS:
        env_name = ENV_PREFIX + name.upper()
        if env_name in environ:
            values[name] = _convert(name, environ[env_name], env_name)
    for name, value in (overrides or {}).items():
        if value is not None:
            values[name] = _convert(name, value, "--" + name.replace("_", "-"))
    settings = Settings(**values)
    if not settings.issuer:
        host = f"[{settings.host}]" if ":" in settings.host else settings.host  # IPv6 in a URL: RFC 3986 §3.2.2
        settings = dataclasses.replace(settings, issuer=f"http://{host}:{settings.port}")
    check(settings)
    return settings


MINUTE, DAY = 60, 24 * 3600

# The range of every number. A value outside it is a mistake (a unit confused, a
# digit too many), refused at start rather than served: 10**30 seconds do not fit
# SQLite's 64-bit integers, a negative purge grace would delete live rows.
LIMITS = {
    "port": (1, 65535),
    "workers": (1, 64),
    "store_pool_size": (1, 100),
    "store_statement_timeout_ms": (100, 600_000),
    # RFC 6819 §5.1.5.3: access tokens short-lived; a retired key also stays published this long.
    "access_token_ttl": (1, DAY),
    "id_token_ttl": (1, DAY),
    "jwks_max_age": (0, DAY),
    # RFC 9449 §11.1: "a relatively brief period"; more than ten minutes defeats the point.
    "dpop_iat_window": (1, 10 * MINUTE),
    # RFC 6749 §4.1.2: "a maximum authorization code lifetime of 10 minutes is RECOMMENDED".
    "code_ttl": (1, 10 * MINUTE),
    # RFC 9126 §2.2: a request_uri lives "typically between 5 and 600 seconds".
    "par_ttl": (5, 10 * MINUTE),
    # RFC 7523 §3: a client assertion is short-lived; its jti is kept this long at most.
    "client_assertion_max_lifetime": (10, 10 * MINUTE),
    "refresh_token_ttl": (1, 366 * DAY),
    "refresh_token_reuse_grace": (0, MINUTE),
    "grant_max_lifetime": (MINUTE, 5 * 366 * DAY),
    "session_ttl": (MINUTE, 30 * DAY),
    "login_free_attempts": (1, 1000),
    "login_free_attempts_per_address": (1, 1000),
    "login_free_attempts_per_account": (1, 1000),
    "password_scrypt_n": (2, 2**20),  # 2**20 already takes 1 GiB of memory per check (r = 8)
    "purge_grace": (0, 366 * DAY),
    "purge_interval": (1, DAY),
    "max_body_bytes": (1024, 16 * 2**20),
    "unused_client_ttl": (MINUTE, 5 * 366 * DAY),
    "outbound_timeout": (1, MINUTE),
    "outbound_max_bytes": (1024, 2**20),
    "outbound_cache_seconds": (0, DAY),
    "outbound_cache_entries": (0, 100_000),
    "registrations_per_hour": (0, 1_000_000),  # 0: no limit
    # RFC 8628 §3.2: the device code's lifetime and the polling interval.
    "device_code_ttl": (10, DAY),
    "device_poll_interval": (1, MINUTE),
    "device_code_max_entries": (1, 100),
    "device_free_attempts_per_address": (1, 1000),
    "header_timeout": (1, 60),  # Granian takes 1 to 60 s
    "body_timeout": (1, 10 * MINUTE),
    "max_connections": (16, 1_000_000),
}


def check(settings: Settings) -> None:
    for name, (low, high) in LIMITS.items():
        if not low <= getattr(settings, name) <= high:
            raise ConfigError(f"{name} = {getattr(settings, name)} is out of range: it must be from {low} to {high}")
    n = settings.password_scrypt_n
    if n & (n - 1):
        raise ConfigError("password_scrypt_n must be a power of two")
    _check_address(settings)
    issuer = urlsplit(settings.issuer)
    # RFC 8414 §2: "a URL that uses the https scheme and has no query or fragment components".
    if issuer.scheme not in ("https", "http") or not issuer.hostname or issuer.query or issuer.fragment:
        raise ConfigError(f"issuer {settings.issuer!r} must be an absolute https URL without query or fragment")
    if issuer.scheme == "http" and issuer.hostname not in LOOPBACK_HOSTS:
        raise ConfigError(f"issuer {settings.issuer!r}: http is allowed only on loopback (RFC 8414 §2 asks for https)")
    if settings.signing_alg not in ALGORITHMS:
        raise ConfigError(f"signing_alg {settings.signing_alg!r}: choose {', '.join(ALGORITHMS)}")
    if not settings.scope_levels:
        raise ConfigError("scope_levels must name at least one scope")
    if settings.registration not in ("", OPEN, TOKEN, OFF):
        raise ConfigError(f"registration {settings.registration!r}: choose {OPEN}, {TOKEN} or {OFF}")
    for uri in settings.resources:
        try:
            check_uri(uri)
        except InvalidTarget as error:
            raise ConfigError(f"resources: {error}") from None
    for scope in settings.registrable_scopes:
        if scope not in settings.scopes:
            raise ConfigError(f"registrable_scopes: {scope!r} is not one of {', '.join(settings.scopes)}")
    if settings.auto_approve_user and not (
        ipaddress.ip_address(settings.host).is_loopback and urlsplit(settings.issuer).hostname in LOOPBACK_HOSTS
    ):
        raise ConfigError(
            "auto_approve_user approves every authorization request without sign-in (a test switch): "
            "it is refused unless both host and issuer are loopback"
        )


def _check_address(settings: Settings) -> None:
    """`host` is an address to listen on (the server binds addresses, not names). Beyond
    loopback, clients reach the server through a TLS reverse proxy (RFC 6749 §3.1 and
    §3.2 require TLS at both endpoints), so the issuer must be that proxy's https URL."""
    try:
        address = ipaddress.ip_address(settings.host)
    except ValueError:
        raise ConfigError(f"host {settings.host!r} must be an IP address, e.g. 127.0.0.1 or 0.0.0.0") from None
    if not address.is_loopback and not settings.issuer.startswith("https://"):
        raise ConfigError(
            f"host {settings.host} is not loopback: set issuer to the https URL of the TLS proxy in front "
            "(http is served on loopback only)"
        )
