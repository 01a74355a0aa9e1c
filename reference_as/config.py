"""Settings: every knob the server has, its default, and the rule behind it.

Read in three layers, each overriding the one before:
  1. `reference-as.toml` in the working directory (or `--config FILE`),
  2. environment variables `REFERENCE_AS_<FIELD>` (upper case),
  3. command-line flags.
With nothing set, the server runs: first start needs no configuration.
"""

import dataclasses
import os
import tomllib
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from .jose.algorithms import ALGORITHMS
from .policy.rfc6749_clients import LOOPBACK_HOSTS

ENV_PREFIX = "REFERENCE_AS_"
DEFAULT_CONFIG_FILE = "reference-as.toml"


@dataclass(frozen=True)
class Settings:
    # Where the server answers. RFC 8414 §2: the issuer is an https URL with no
    # query or fragment; http is accepted for loopback development only.
    # Empty means http://<host>:<port>, the address served.
    issuer: str = ""
    host: str = "127.0.0.1"
    port: int = 8000
    workers: int = 2

    # Storage (see reference_as/store): memory:// or sqlite:///path.
    store: str = "sqlite:///./var/reference_as.sqlite3"
    # The 0600 file holding the master key that seals private keys at rest,
    # used when REFERENCE_AS_SECRET_KEY is not set (see reference_as/secret_box.py).
    secret_key_file: str = "./var/secret.key"

    # RFC 9068 access tokens. `audience` empty means "<issuer>/api", the sample
    # protected resource served beside the authorization server.
    access_token_ttl: int = 3600
    audience: str = ""
    # RFC 7518 §3.1: RS256 is the algorithm every JWT library supports.
    signing_alg: str = "RS256"

    # RFC 6749 §3.3: the scopes the server knows. The seed's four levels under a prefix.
    scope_prefix: str = "api:"
    scope_levels: tuple[str, ...] = ("read", "write", "admin", "superuser")
    # The seed's rule: "only one scope per request, and it must match the client
    # configuration". Off by default: RFC 6749 §3.3 allows a list.
    one_scope_per_request: bool = False

    # Authorization codes (RFC 6749 §4.1.2: "a maximum authorization code lifetime
    # of 10 minutes is RECOMMENDED"; a minute is plenty for a redirect).
    code_ttl: int = 60
    # PKCE (RFC 7636). RFC 9700 §2.1.1: required for public clients (always, here)
    # and recommended for confidential ones (default on); S256 only unless plain is allowed.
    pkce_required_for_confidential: bool = True
    pkce_allow_plain: bool = False

    # Refresh tokens (RFC 6749 §6), rotated on every use (RFC 9700 §4.14.2). The
    # lifetime runs from the last rotation, so an unused grant expires.
    refresh_token_ttl: int = 14 * 24 * 3600
    # Seconds in which a just-rotated refresh token may be presented once more (0: never).
    refresh_token_reuse_grace: int = 0

    # Resource owners' browser sessions and the login form.
    session_ttl: int = 8 * 3600
    login_free_attempts: int = 5
    # scrypt cost N for users' passwords (see policy/passwords.py); a power of two.
    password_scrypt_n: int = 2**17

    # Expired codes and tokens are deleted this long after they expire (kept a while
    # so that a late replay is still recognised), by a task every `purge_interval`
    # seconds in each server process and by `reference-as purge`.
    purge_grace: int = 24 * 3600
    purge_interval: int = 3600

    # TEST ONLY. When set to a username, every authorization request is approved
    # as that user with no login and no consent page: the conformance suite's
    # `auto` approval driver. Never set it on a server anyone else can reach.
    auto_approve_user: str = ""

    # The seed's route style, /index.php?module=OAuth2&action=token, beside /oauth2/token.
    seed_routes: bool = True
    # Largest request body read from a client, in bytes; larger is refused with 400.
    max_body_bytes: int = 64 * 1024

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
    def scopes(self) -> tuple[str, ...]:
        return tuple(self.scope_prefix + level for level in self.scope_levels)

    @property
    def resource_audience(self) -> str:
        return self.audience or self.issuer.rstrip("/") + "/api"


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
        settings = dataclasses.replace(settings, issuer=f"http://{settings.host}:{settings.port}")
    check(settings)
    return settings


def check(settings: Settings) -> None:
    issuer = urlsplit(settings.issuer)
    # RFC 8414 §2: "a URL that uses the https scheme and has no query or fragment components".
    if issuer.scheme not in ("https", "http") or not issuer.hostname or issuer.query or issuer.fragment:
        raise ConfigError(f"issuer {settings.issuer!r} must be an absolute https URL without query or fragment")
    if issuer.scheme == "http" and issuer.hostname not in LOOPBACK_HOSTS:
        raise ConfigError(f"issuer {settings.issuer!r}: http is allowed only on loopback (RFC 8414 §2 asks for https)")
    if settings.signing_alg not in ALGORITHMS:
        raise ConfigError(f"signing_alg {settings.signing_alg!r}: choose {', '.join(ALGORITHMS)}")
    for name in (
        "access_token_ttl",
        "workers",
        "max_body_bytes",
        "code_ttl",
        "refresh_token_ttl",
        "session_ttl",
        "purge_interval",
        "header_timeout",
        "body_timeout",
        "max_connections",
    ):
        if getattr(settings, name) <= 0:
            raise ConfigError(f"{name} must be positive")
    n = settings.password_scrypt_n
    if n < 2 or n & (n - 1):
        raise ConfigError("password_scrypt_n must be a power of two")
    if not settings.scope_levels:
        raise ConfigError("scope_levels must name at least one scope")
