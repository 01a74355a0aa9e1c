"""The target file: which server to check, and the clients to check it with (TOML).

`oauth-conformance init` writes `TEMPLATE` below, every field commented. A bad
file is refused before anything runs, with a message naming the field
(`target.toml: clients.public.redirect_uri: must be an absolute URL`), and the
command exits 2.
"""

import os
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from oauth_client.config import GRANT_TYPES, KNOWN_GRANT_TYPES, ClientConfig

AUTH_METHODS = ("client_secret_basic", "client_secret_post")
DRIVERS = ("none", "auto", "form", "browser", "manual")
CLIENT_ROLES = ("confidential", "second", "public")
# RFC 8252 is for native apps; a browser-based app is a public client too, with exact redirect URIs.
APPLICATION_TYPES = ("native", "browser")
# The values `oauth-conformance init` writes for the user to replace (named as such when refused).
PLACEHOLDER_SECRETS = ("change-me", "change-me-too")
ENDPOINTS = (
    "authorization_endpoint",
    "token_endpoint",
    "jwks_uri",
    "revocation_endpoint",
    "introspection_endpoint",
    "device_authorization_endpoint",
    "userinfo_endpoint",
)


class TargetError(Exception):
    """The target file cannot be used; the message names the file and the field."""


@dataclass(frozen=True)
class ServerConfig:
    metadata_url: str | None = None
    issuer: str | None = None
    # Explicit endpoints: used instead of the metadata's, or without metadata at all.
    endpoints: dict[str, str] = field(default_factory=dict)
    # Without metadata, what the server offers (RFC 8414's grant_types_supported).
    grant_types: tuple[str, ...] | None = None
    timeout: float = 10.0
    # -- issue 21 --
    # RFC 8707 resource identifiers the server issues tokens for, when its metadata lists none
    # (RFC 9728 §4 protected_resources) and no [resource] publishes RFC 9728 metadata.
    resources: tuple[str, ...] = ()
    # RFC 7591 §3: the initial access token, where registration is not open to anyone.
    initial_access_token: str | None = None
    # Where the suite serves OAuth Client ID Metadata Documents during the run: an http(s) URL it can
    # bind on this machine and the server can fetch (its client_id URLs are under it).
    client_id_documents_at: str | None = None

    def __repr__(self) -> str:
        return f"ServerConfig(metadata_url={self.metadata_url!r}, issuer={self.issuer!r})"


@dataclass(frozen=True)
class ResourceConfig:
    url: str
    scope: str | None = None  # the scope the resource needs (for insufficient_scope checks)


@dataclass(frozen=True)
class FormFields:
    username: str = "username"
    password: str = "password"
    decision: str = "decision"
    allow: str = "allow"
    deny: str = "deny"
    # A consent page whose button has no name: the form holding this field ("name=value") allows.
    consent_field: str = ""
    # Denying by a link (a "Cancel" link) whose text or address contains this.
    deny_link: str = ""
    # The device flow's verification page (RFC 8628 §3.3): the field the user code is typed into.
    user_code: str = "user_code"
    # ... and its confirmation page, where it has no decision buttons: the form holding this field
    # ("name=value") is submitted to allow, with `device_deny` ("name=value") added to deny.
    device_allow: str = ""
    device_deny: str = ""


@dataclass(frozen=True)
class ApprovalConfig:
    driver: str = "none"
    username: str | None = None
    password: str | None = None
    form: FormFields = field(default_factory=FormFields)
    # Added to every authorization request the driver opens (a login_hint a test server needs).
    parameters: dict[str, str] = field(default_factory=dict)
    # Added instead when a check needs the user to deny: what makes the server deny (auto driver).
    deny_parameters: dict[str, str] = field(default_factory=dict)
    # Sent by the user agent to the authorization server (auto and form drivers).
    headers: dict[str, str] = field(default_factory=dict)

    def __repr__(self) -> str:
        return f"ApprovalConfig(driver={self.driver!r}, username={self.username!r})"


@dataclass(frozen=True)
class SeedConfig:
    routes: bool = False  # /index.php?module=OAuth2&action=... are served
    scope_prefix: str | None = None  # the four levels live under this prefix
    one_scope_per_request: bool = False


@dataclass(frozen=True)
class PrivateKeyJWTConfig:
    """-- issue 24: a client of the server registered for private_key_jwt (RFC 7523 §2.2, OpenID Connect
    Core §9) with the public half of this key: the suite signs its client assertions."""

    client_id: str
    private_key_file: str  # a PEM private key (RSA or EC P-256), resolved against the target file's folder
    kid: str | None = None  # the key's kid at the server, put in the assertion's header when given
    scope: str | None = None

    def __repr__(self) -> str:
        return f"PrivateKeyJWTConfig(client_id={self.client_id!r})"


@dataclass(frozen=True)
class Target:
    path: str
    server: ServerConfig
    clients: dict[str, ClientConfig]
    resource: ResourceConfig | None = None
    approval: ApprovalConfig = field(default_factory=ApprovalConfig)
    seed: SeedConfig = field(default_factory=SeedConfig)
    code_lifetime_wait: float = 605.0  # the `slow` profile waits this long before redeeming a code
    private_key_jwt: PrivateKeyJWTConfig | None = None  # -- issue 24

    def secrets(self) -> list[str]:
        found = [c.client_secret for c in self.clients.values() if c.client_secret]
        found += [self.server.initial_access_token] if self.server.initial_access_token else []
        return found + ([self.approval.password] if self.approval.password else [])


# -- reading ---------------------------------------------------------------------------------------


class _Table:
    """One TOML table being read: typed getters, and `done()` refuses keys nobody read."""

    def __init__(self, data: dict, name: str, file: str):
        self.data, self.name, self.file = data, name, file
        self.read: set[str] = set()

    def error(self, key: str, problem: str) -> TargetError:
        where = f"{self.name}.{key}" if self.name else key
        return TargetError(f"{self.file}: {where}: {problem}")

    def get(self, key: str, kind, required: bool = False, default=None):
        self.read.add(key)
        if key not in self.data:
            if required:
                raise self.error(key, "is required")
            return default
        value = self.data[key]
        if kind is float and isinstance(value, int) and not isinstance(value, bool):
            value = float(value)
        if not isinstance(value, kind) or (kind is not bool and isinstance(value, bool)):
            raise self.error(key, f"must be a {kind.__name__}, not {type(value).__name__}")
        return value

    def text(self, key: str, required: bool = False) -> str | None:
        value = self.get(key, str, required)
        if value is not None and not value.strip():
            raise self.error(key, "must not be empty")
        return value

    def url(self, key: str, required: bool = False) -> str | None:
        value = self.text(key, required)
        if value is not None:
            parts = urlsplit(value)
            if parts.scheme not in ("http", "https") or not parts.netloc:
                raise self.error(key, f"must be an absolute http(s) URL, not {value!r}")
        return value

    def choice(self, key: str, choices, default: str) -> str:
        value = self.text(key) or default
        if value not in choices:
            raise self.error(key, f"must be one of {', '.join(choices)}, not {value!r}")
        return value

    def strings(self, key: str, allowed=None) -> tuple[str, ...] | None:
        value = self.get(key, list)
        if value is None:
            return None
        if not all(isinstance(item, str) for item in value):
            raise self.error(key, "must be a list of strings")
        unknown = [item for item in value if allowed and item not in allowed]
        if unknown:
            raise self.error(key, f"unknown value {unknown[0]!r} (known: {', '.join(allowed)})")
        return tuple(value)

    def mapping(self, key: str) -> dict[str, str]:
        """An inline table of strings: `parameters = { login_hint = "demo" }`."""
        value = self.get(key, dict)
        if value is None:
            return {}
        if not all(isinstance(item, str) for item in value.values()):
            raise self.error(key, "must be a table of strings")
        return dict(value)

    def secret(self, key: str) -> str | None:
        """`key = "..."` or `key_env = "VARIABLE"` (kept out of the file)."""
        value = self.text(key)
        variable = self.text(key + "_env")
        if value is not None and variable is not None:
            raise self.error(key, f"give {key} or {key}_env, not both")
        if variable is not None:
            value = os.environ.get(variable)
            if not value:
                raise self.error(key + "_env", f"the environment variable {variable} is not set")
        return value

    def table(self, key: str) -> "_Table | None":
        value = self.get(key, dict)
        return None if value is None else _Table(value, f"{self.name}.{key}" if self.name else key, self.file)

    def done(self) -> None:
        unknown = sorted(set(self.data) - self.read)
        if unknown:
            raise self.error(unknown[0], "unknown field (a typo?)")


def _server(table: _Table) -> ServerConfig:
    endpoints = {name: value for name in ENDPOINTS if (value := table.url(name))}
    server = ServerConfig(
        metadata_url=table.url("metadata_url"),
        issuer=table.url("issuer"),
        endpoints=endpoints,
        grant_types=table.strings("grant_types", KNOWN_GRANT_TYPES),
        timeout=table.get("timeout", float, default=10.0),
        resources=table.strings("resources") or (),
        initial_access_token=table.secret("initial_access_token"),
        client_id_documents_at=table.url("client_id_documents_at"),
    )
    table.done()
    if not server.metadata_url and not (server.issuer and "token_endpoint" in endpoints):
        raise table.error("metadata_url", "is required (or give issuer and token_endpoint)")
    if server.timeout <= 0:
        raise table.error("timeout", "must be positive")
    return server


def _client(table: _Table, role: str) -> ClientConfig:
    public = role == "public"
    client_id = table.text("client_id", required=True)
    secret = table.secret("client_secret")
    auth_method = "none" if public else table.choice("auth_method", AUTH_METHODS, "client_secret_basic")
    if public and secret:
        raise table.error("client_secret", "a public client has no secret")
    if not public and not secret:
        raise table.error("client_secret", "is required for a confidential client (or client_secret_env)")
    redirect_uri = table.url("redirect_uri")
    if redirect_uri and urlsplit(redirect_uri).fragment:
        raise table.error("redirect_uri", "must not have a fragment (RFC 6749 §3.1.2)")
    default_grants = ("authorization_code", "refresh_token") if public else GRANT_TYPES
    grant_types = table.strings("grant_types", KNOWN_GRANT_TYPES) or default_grants
    if public and "client_credentials" in grant_types:
        raise table.error("grant_types", "a public client cannot use client_credentials (RFC 6749 §4.4)")
    application_type = None
    if "application_type" in table.data:
        if not public:
            raise table.error("application_type", "is for the public client (native or browser-based app)")
        application_type = table.choice("application_type", APPLICATION_TYPES, "native")
    client = ClientConfig(
        role, client_id, secret, auth_method, redirect_uri, table.text("scope"), grant_types, application_type
    )
    table.done()
    return client


def _approval(table: _Table | None) -> ApprovalConfig:
    if table is None:
        return ApprovalConfig()
    driver = table.choice("driver", DRIVERS, "none")
    form = table.table("form")
    fields = FormFields()
    if form is not None:
        fields = FormFields(**{name: form.text(name) or getattr(fields, name) for name in FormFields.__annotations__})
        form.done()
    approval = ApprovalConfig(
        driver,
        table.text("username"),
        table.secret("password"),
        fields,
        table.mapping("parameters"),
        table.mapping("deny_parameters"),
        table.mapping("headers"),
    )
    table.done()
    if driver in ("form", "browser") and not (approval.username and approval.password):
        raise table.error("username", f"the {driver} driver signs in: give username and password")
    if approval.headers and driver not in ("auto", "form"):
        raise table.error("headers", f"the {driver} driver cannot send headers (auto and form can)")
    return approval


def parse(data: dict, file: str = "target") -> Target:
    top = _Table(data, "", file)
    server_table = top.table("server")
    if server_table is None:
        raise top.error("server", "is required")
    server = _server(server_table)
    clients = {}
    clients_table = top.table("clients")
    if clients_table is not None:
        for role in CLIENT_ROLES:
            client_table = clients_table.table(role)
            if client_table is not None:
                clients[role] = _client(client_table, role)
        clients_table.done()
    resource_table = top.table("resource")
    resource = None
    if resource_table is not None:
        resource = ResourceConfig(resource_table.url("url", required=True), resource_table.text("scope"))
        resource_table.done()
    approval = _approval(top.table("approval"))
    seed = SeedConfig()
    seed_table = top.table("seed")
    if seed_table is not None:
        seed = SeedConfig(
            routes=seed_table.get("routes", bool, default=False),
            scope_prefix=seed_table.get("scope_prefix", str),
            one_scope_per_request=seed_table.get("one_scope_per_request", bool, default=False),
        )
        seed_table.done()
    wait = top.get("code_lifetime_wait", float, default=605.0)
    private_key_jwt = _private_key_jwt(top.table("private_key_jwt"), file)
    top.done()
    return Target(file, server, clients, resource, approval, seed, wait, private_key_jwt)


def _private_key_jwt(table: _Table | None, file: str) -> PrivateKeyJWTConfig | None:
    """-- issue 24: `[private_key_jwt]`, the client whose assertions the RFC 7523 checks sign."""
    if table is None:
        return None
    key_file = Path(file).parent / table.text("private_key_file", required=True)
    if not key_file.is_file():
        raise table.error("private_key_file", f"{key_file} is not a file")
    config = PrivateKeyJWTConfig(
        table.text("client_id", required=True), str(key_file), table.text("kid"), table.text("scope")
    )
    table.done()
    return config


def load(path: str | os.PathLike) -> Target:
    path = Path(path)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as error:
        raise TargetError(f"{path}: cannot be read: {error.strerror or error}") from None
    except tomllib.TOMLDecodeError as error:
        raise TargetError(f"{path}: not valid TOML: {error}") from None
    return parse(data, str(path))


TEMPLATE = """\
# oauth-conformance target file: the server to check and the clients to check it with.
# Run:  oauth-conformance run {name}
# Secrets can stay out of this file: write `client_secret_env = "VARIABLE"` instead of
# `client_secret = "..."` (the same for `password`).

[server]
# RFC 8414 metadata; everything else is found from it.
metadata_url = "http://127.0.0.1:8000/.well-known/oauth-authorization-server"
# Without metadata, give the issuer and the endpoints (any of them also overrides the metadata):
# issuer = "https://as.example.com"
# authorization_endpoint = "https://as.example.com/authorize"
# token_endpoint = "https://as.example.com/token"
# jwks_uri = "https://as.example.com/jwks"
# revocation_endpoint = "https://as.example.com/revoke"
# introspection_endpoint = "https://as.example.com/introspect"
# device_authorization_endpoint = "https://as.example.com/device_authorization"   # RFC 8628
# userinfo_endpoint = "https://as.example.com/userinfo"                           # OpenID Connect
# grant_types = ["authorization_code", "client_credentials", "refresh_token"]
# timeout = 10                       # seconds per request
# resources = ["https://api.example.com"]    # RFC 8707 resources it issues tokens for (else from its metadata)
# initial_access_token_env = "CONFORMANCE_IAT"   # RFC 7591 §3, where registration needs one
# client_id_documents_at = "http://127.0.0.1:8002"  # the suite serves client ID metadata documents here

# A protected resource that accepts the server's access tokens (RFC 6750 checks). Optional.
# [resource]
# url = "http://127.0.0.1:8000/api/me"
# scope = "api:read"                 # the scope it needs

# The clients, registered on the server beforehand. A check that needs a client
# you leave out is skipped ("not configured").
[clients.confidential]
client_id = "conformance-confidential"
client_secret = "change-me"
auth_method = "client_secret_basic"  # or client_secret_post
redirect_uri = "http://127.0.0.1:8001/callback"   # exactly as registered
scope = "api:read api:write"         # what to ask for (two scopes, so that a narrower one can be asked)
# grant_types = ["authorization_code", "client_credentials", "refresh_token"]   # what it may use

# A second confidential client, for the cross-client checks (a code or a refresh
# token of one client must not work for another).
# [clients.second]
# client_id = "conformance-second"
# client_secret = "change-me-too"
# redirect_uri = "http://127.0.0.1:8001/callback"
# scope = "api:read"
# grant_types = ["authorization_code", "refresh_token"]

# A public client (no secret: PKCE and its client_id).
# [clients.public]
# client_id = "conformance-public"
# redirect_uri = "http://127.0.0.1:8001/callback"
# scope = "api:read"
# application_type = "native"        # or "browser": RFC 8252 (any loopback port) is for native apps only

# A client registered for private_key_jwt (RFC 7523) with the public half of this key: the suite
# signs its client assertions (the path is relative to this file). Without it, those checks are a gap.
# [private_key_jwt]
# client_id = "conformance-jwt"
# private_key_file = "conformance-jwt.pem"   # PEM, RSA or EC P-256
# kid = "..."                                # when the server registered the key under a kid
# scope = "api:read"

# Who does the user's part of the authorization code flow:
#   auto     the server approves by itself (reference-as: REFERENCE_AS_AUTO_APPROVE_USER=<user>)
#   form     sign in and consent by posting the server's HTML forms (field names below)
#   browser  headless Chromium, for login pages that need JavaScript (needs selenium)
#   manual   prints the URL and reads back the URL you were redirected to
#   none     no user: authorization code checks are skipped
[approval]
driver = "none"
# username = "demo"
# password_env = "CONFORMANCE_PASSWORD"
# parameters = {{ login_hint = "conformance" }}      # added to every authorization request
# deny_parameters = {{ login_hint = "deny" }}        # auto: what makes the server deny (the denial check)
# headers = {{ "X-Test-User" = "conformance" }}      # auto, form: sent to the authorization server
# [approval.form]
# username = "username"
# password = "password"
# decision = "decision"              # the consent form's button name
# allow = "allow"                    # ... and its values
# deny = "deny"
# consent_field = "prompt=consent"   # or: the consent form is the one with this field; submitting it allows
# deny_link = "Cancel"               # or: deny by following the link whose text or address contains this
# user_code = "user_code"            # the device flow's verification page: the field the user code goes in
# device_allow = "confirm=yes"       # ... its confirmation form without decision buttons: submitted to allow
# device_deny = "abort=yes"          # ... and with this field added, to deny

# The behaviours the seed documents promise (profile `seed`). Optional.
# [seed]
# routes = true                      # /index.php?module=OAuth2&action=token|authorize
# scope_prefix = "api:"
# one_scope_per_request = false

# The `slow` profile redeems a code after this many seconds (RFC 6749 §4.1.2: 10 minutes at most).
# code_lifetime_wait = 605
"""
