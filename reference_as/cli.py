"""The `reference-as` command: serve, and administer clients and keys.

Every command that prints data takes `--json` so scripts (and the conformance
suite) can read it. Settings come from `reference-as.toml`, then
`REFERENCE_AS_*` environment variables, then the flags given here.
"""

import argparse
import dataclasses
import importlib.metadata
import json
import logging
import sys

from . import app as app_module
from . import serve
from .client_checks.scenarios import DEFAULT, SCENARIOS
from .client_checks.service import CheckRefused, ClientChecks
from .clients import ClientNotFound, ClientService, InvalidClientSettings, describe
from .clock import SystemClock, readable
from .config import ConfigError, Settings, load_settings
from .keys import Keyring
from .policy.rfc6749_clients import CLIENT_TYPES, DEVICE_CODE, GRANT_TYPES
from .policy.rfc7662_introspection import PERMISSIONS
from .purge import purge
from .registration_tokens import RegistrationTokens
from .registration_tokens import describe as describe_registration_token
from .resources import InvalidResource, Resources
from .secret_box import SecretKeyError
from .serve import ServeError
from .settings_doc import flag_help
from .store import MemoryStore, StoreError, open_store
from .store.records import CONFIDENTIAL, PUBLIC
from .trace import Tracer
from .users import PROFILE_FIELDS, UserError, UserService
from .users import describe as describe_user

DEMO_REDIRECT_URI = "http://127.0.0.1:8001/callback"
# `clients create` without --grant: the one grant each type is most often made for.
DEFAULT_GRANTS = {CONFIDENTIAL: ("client_credentials",), PUBLIC: ("authorization_code",)}


class Context:
    """What a command needs, built from the settings."""

    def __init__(self, args):
        self.args = args
        self.settings = load_settings(
            args.config,
            overrides={name: getattr(args, name, None) for name in ("store", "issuer", "host", "port", "workers")},
        )
        self.store = open_store(self.settings.store)
        if isinstance(self.store, MemoryStore) and args.command != "serve":
            raise ConfigError(
                "memory:// exists only inside `reference-as serve`, which makes the demo clients and users; "
                "change it there, at /admin/ (or use an sqlite:/// store)"
            )
        self.clock = SystemClock()
        self.clients = ClientService(self.store, self.settings, self.clock)
        self.users = UserService(self.store, self.settings, self.clock)
        self.resources = Resources(self.store, self.settings, self.clock)
        self.registration_tokens = RegistrationTokens(self.store, self.clock)

    def keyring(self) -> Keyring:
        """The signing keys, under a master key checked to open them (SecretKeyError if not)."""
        keyring = Keyring(self.store, app_module.secret_box(self.settings, self.store), self.clock, self.settings)
        keyring.check_master_key()
        return keyring

    def emit(self, data, text: str) -> None:
        print(json.dumps(data, indent=2) if self.args.json else text)


def _date(timestamp: int | None) -> str:
    return readable(timestamp) if timestamp else "-"


def _client_text(client: dict, secret: str | None = None) -> str:
    lines = [
        f"client_id:     {client['client_id']}",
        f"name:          {client['name']}",
        f"type:          {client['type']}",
        f"status:        {client['status']}",
        f"origin:        {client['origin_text']}",
        f"grant types:   {' '.join(client['grant_types'])}",
        f"scopes:        {' '.join(client['scopes'])} (default: {' '.join(client['default_scopes'])})",
        f"redirect URIs: {' '.join(client['redirect_uris']) or '-'}",
        f"post-logout:   {' '.join(client['post_logout_redirect_uris']) or '-'}",
        f"permissions:   {' '.join(client['permissions']) or '-'}",
    ]
    if secret:
        lines.append(f"client_secret: {secret}")
        lines.append("               (shown this once: only its hash is kept)")
    elif client["client_secret"]:
        lines.append(f"client_secret: {client['client_secret']} (masked)")
    return "\n".join(lines)


def _with_secret(client, secret: str | None) -> dict:
    data = describe(client)
    if secret:
        data["client_secret"] = secret
    return data


# -- serve ------------------------------------------------------------------------------


def cmd_serve(ctx: Context) -> None:
    settings = _seeded_memory(ctx) if isinstance(ctx.store, MemoryStore) else ctx.settings
    if settings.auto_approve_user:
        print(
            f"reference-as: WARNING auto_approve_user={settings.auto_approve_user!r}: every authorization request is "
            "approved as that user without sign-in or consent (a test switch; never on a server others use)",
            file=sys.stderr,
            flush=True,
        )
    wsgi_app = app_module.make_app(settings, ctx.store, ctx.clock, tracer=Tracer() if ctx.args.trace else None)
    serve.run(wsgi_app, ctx.store, settings, ctx.clock, access_log=ctx.args.access_log, runs_long=wsgi_app.runs_long)


def _seeded_memory(ctx: Context) -> Settings:
    """memory:// lives in the serving process alone: no other command (another process)
    can fill it, and a second worker would have a memory of its own. So it is served by
    one worker, filled with the demo clients and users, whose credentials are printed."""
    print(
        "reference-as: memory:// keeps everything in this one process until it exits, where no other command "
        "can reach it: one worker, and the demo clients and users made now",
        flush=True,
    )
    cmd_demo(ctx)
    sys.stdout.flush()  # before the workers are forked, which would copy what is buffered
    return dataclasses.replace(ctx.settings, workers=1)


# -- clients ----------------------------------------------------------------------------


def cmd_clients_create(ctx: Context) -> None:
    a = ctx.args
    client, secret = ctx.clients.create(
        name=a.name,
        client_type=a.type,
        grant_types=tuple(a.grant or DEFAULT_GRANTS[a.type]),
        # Least privilege: without --scope, only the lowest scope.
        scopes=tuple(a.scope or ctx.settings.scopes[:1]),
        redirect_uris=tuple(a.redirect_uri or ()),
        client_id=a.client_id,
        permissions=tuple(a.permission or ()),
        default_scopes=tuple(a.default_scope or ()),
        post_logout_redirect_uris=tuple(a.post_logout_redirect_uri or ()),
    )
    ctx.emit(_with_secret(client, secret), _client_text(describe(client), secret))


def cmd_clients_list(ctx: Context) -> None:
    clients = [describe(c) for c in ctx.clients.list()]
    rows = [
        f"{c['client_id']:<24} {c['status']:<7} {c['type']:<13} {c['origin_text']:<18} {c['name']}" for c in clients
    ]
    ctx.emit(clients, "\n".join([f"{'CLIENT_ID':<24} {'STATUS':<7} {'TYPE':<13} {'ORIGIN':<18} NAME", *rows]))


def cmd_clients_show(ctx: Context) -> None:
    client = describe(ctx.clients.get(ctx.args.client_id))
    ctx.emit(client, _client_text(client))


def cmd_clients_edit(ctx: Context) -> None:
    a = ctx.args
    client = ctx.clients.edit(
        a.client_id,
        name=a.name,
        grant_types=tuple(a.grant) if a.grant else None,
        scopes=tuple(a.scope) if a.scope else None,
        redirect_uris=tuple(a.redirect_uri) if a.redirect_uri else None,
        permissions=tuple(a.permission) if a.permission else None,
        default_scopes=tuple(a.default_scope) if a.default_scope else None,
        post_logout_redirect_uris=tuple(a.post_logout_redirect_uri) if a.post_logout_redirect_uri else None,
    )
    ctx.emit(describe(client), _client_text(describe(client)))


def _status_change(action):
    def command(ctx: Context) -> None:
        client = describe(getattr(ctx.clients, action)(ctx.args.client_id))
        ctx.emit(client, f"{client['client_id']}: {client['status']}")

    return command


def cmd_clients_delete(ctx: Context) -> None:
    ctx.clients.delete(ctx.args.client_id)
    ctx.emit({"client_id": ctx.args.client_id, "deleted": True}, f"{ctx.args.client_id}: deleted, its tokens revoked")


def cmd_clients_rotate_secret(ctx: Context) -> None:
    client, secret = ctx.clients.rotate_secret(ctx.args.client_id)
    ctx.emit(
        _with_secret(client, secret),
        f"client_id:     {client.client_id}\nclient_secret: {secret}\n"
        "               (shown this once; the old secret no longer works)",
    )


# -- client checks (DESIGN.md "Client checks") -----------------------------------------


def cmd_clients_check(ctx: Context) -> None:
    checks = ClientChecks(ctx.store, ctx.settings, ctx.clock)
    client_id = ctx.args.client_id
    if ctx.args.stop:
        check = checks.stop(client_id)
        text = f"{client_id}: check stopped; `reference-as clients report {client_id}` grades what was seen"
    else:
        check = checks.start(client_id, ctx.args.scenario)
        text = (
            f"{client_id}: under check (scenario {check.scenario}) from now on; use the client, then "
            f"`reference-as clients report {client_id}`"
        )
    ctx.emit(dataclasses.asdict(check), text)


def cmd_clients_report(ctx: Context) -> int:
    """The report; exit 1 when a MUST failed, 3 when a MUST has no evidence yet, 0 otherwise."""
    report = ClientChecks(ctx.store, ctx.settings, ctx.clock).report(ctx.args.client_id)
    if ctx.args.json == "-":
        print(json.dumps(report.as_dict(), indent=2))
    else:
        print(report.text())
        if ctx.args.json:
            report.write_json(ctx.args.json)
    if ctx.args.junit:
        report.write_junit(ctx.args.junit)
    if ctx.args.html:
        report.write_html(ctx.args.html)
    return report.exit_code


# -- users ------------------------------------------------------------------------------


def _password_input(args) -> str | None:
    """--password-stdin reads one line; otherwise None, and a password is generated.
    (Never a flag with the password itself: it would show in `ps` and shell history.)"""
    return sys.stdin.readline().rstrip("\n") if args.password_stdin else None


def _profile_flags(args) -> dict:
    """The profile claims given on the command line (None: not given)."""
    return {name: getattr(args, name) for name in PROFILE_FIELDS}


def _user_text(user: dict) -> str:
    claims = [f"  {name}: {value}" for name, value in user["profile"].items() if value not in ("", None, False)]
    return "\n".join([f"user {user['username']} (sub {user['user_id']})", *claims])


def cmd_users_create(ctx: Context) -> None:
    user, password = ctx.users.create(
        ctx.args.username, _password_input(ctx.args), is_admin=ctx.args.admin, profile=_profile_flags(ctx.args)
    )
    shown = {**describe_user(user), "password": None if ctx.args.password_stdin else password}
    text = f"user {user.username} created" + (
        "" if ctx.args.password_stdin else f"\npassword: {password}  (shown this once)"
    )
    ctx.emit(shown, text)


def cmd_users_list(ctx: Context) -> None:
    users = [describe_user(u) for u in ctx.users.list()]
    rows = [f"{u['username']:<24} {'admin' if u['is_admin'] else '-':<6} {_date(u['created_at'])}" for u in users]
    ctx.emit(users, "\n".join([f"{'USERNAME':<24} {'ROLE':<6} CREATED", *rows]))


def cmd_users_edit(ctx: Context) -> None:
    user = describe_user(ctx.users.edit(ctx.args.username, _profile_flags(ctx.args)))
    ctx.emit(user, _user_text(user))


def cmd_users_delete(ctx: Context) -> None:
    ctx.users.delete(ctx.args.username)
    ctx.emit({"username": ctx.args.username, "deleted": True}, f"{ctx.args.username}: deleted, its tokens revoked")


def cmd_users_set_password(ctx: Context) -> None:
    password = ctx.users.set_password(ctx.args.username, _password_input(ctx.args))
    shown = None if ctx.args.password_stdin else password
    text = "password changed; the user's sessions ended and every grant was revoked" + (
        "" if ctx.args.password_stdin else f"\npassword: {password}  (shown this once)"
    )
    ctx.emit({"username": ctx.args.username, "password": shown}, text)


# -- keys -------------------------------------------------------------------------------


def _key_rows(keyring) -> list[dict]:
    return [
        {
            "kid": key.kid,
            "alg": key.alg,
            "state": state,  # pending, active, published or retired: policy/key_rotation.py
            "created_at": key.created_at,  # published from
            "signs_from": key.signs_from,
            "signs_until": signs_until,  # None: no newer key yet
            "withdrawn_at": key.withdrawn_at,
        }
        for key, state, signs_until in keyring.states()
    ]


def _keys_table(rows: list[dict]) -> str:
    lines = [f"{'KID':<45} {'ALG':<6} {'STATE':<10} {'CREATED':<23} {'SIGNS FROM':<23} SIGNS UNTIL"]
    for r in rows:
        times = f"{_date(r['created_at']):<23} {_date(r['signs_from']):<23} {_date(r['signs_until'])}"
        lines.append(f"{r['kid']:<45} {r['alg']:<6} {r['state']:<10} {times}")
    return "\n".join(lines)


def cmd_keys_list(ctx: Context) -> None:
    rows = _key_rows(ctx.keyring())
    ctx.emit(rows, _keys_table(rows))


def cmd_keys_rotate(ctx: Context) -> None:
    keyring, settings = ctx.keyring(), ctx.settings
    key = keyring.rotate(immediately=ctx.args.now)
    rows = _key_rows(keyring)
    if ctx.args.now:
        note = (
            f"new key {key.kid} signs now; every other key is withdrawn from the JWKS now. Their tokens are refused "
            f"here at once (clients must get new ones), and by verifiers once their copy of the JWKS expires (at most "
            f"{settings.jwks_max_age} s); until then a verifier that does not fetch the JWKS again on an unknown kid "
            "refuses the new key's tokens."
        )
    elif key.signs_from == key.created_at:
        note = f"new key {key.kid} signs now (the first key)"
    else:
        note = (
            f"new key {key.kid} is published now and signs from {readable(key.signs_from)} (in "
            f"{key.signs_from - key.created_at} s: every copy of the JWKS cached before now has expired by then); "
            f"the current key signs until then and stays published {settings.access_token_ttl} s more"
        )
    ctx.emit(rows, note + "\n" + _keys_table(rows))


# -- resources (RFC 8707) and initial access tokens (RFC 7591 §3) ------------------------


def _resource_rows(ctx: Context) -> list[dict]:
    registered = {r.uri for r in ctx.store.list_resources()}
    return [
        {"uri": uri, "scopes": list(scopes), "registered": uri in registered}
        for uri, scopes in ctx.resources.known().items()
    ]


def _resources_table(rows: list[dict]) -> str:
    lines = [f"{'RESOURCE':<48} {'FROM':<13} SCOPES"]
    for r in rows:
        lines.append(f"{r['uri']:<48} {'registered' if r['registered'] else 'settings':<13} {' '.join(r['scopes'])}")
    return "\n".join(lines)


def cmd_resources_add(ctx: Context) -> None:
    resource = ctx.resources.add(ctx.args.uri, tuple(ctx.args.scope or ()))
    ctx.emit(
        {"uri": resource.uri, "scopes": list(resource.scopes), "registered": True},
        f"{resource.uri}: tokens may be asked for it, with {' '.join(resource.scopes)}",
    )


def cmd_resources_list(ctx: Context) -> None:
    rows = _resource_rows(ctx)
    ctx.emit(rows, _resources_table(rows))


def cmd_resources_delete(ctx: Context) -> None:
    ctx.resources.delete(ctx.args.uri)
    ctx.emit({"uri": ctx.args.uri, "deleted": True}, f"{ctx.args.uri}: deleted; its tokens are no longer introspected")


def cmd_registration_token_create(ctx: Context) -> None:
    token, value = ctx.registration_tokens.create(ctx.args.expires_in)
    ctx.emit(
        {**describe_registration_token(token), "token": value},
        f"initial access token: {value}\n"
        f"               (shown this once; valid until {_date(token.expires_at)}, for any number of registrations)\n"
        f"register with: curl -H 'Authorization: Bearer {value}' -H 'Content-Type: application/json' "
        f'-d \'{{"redirect_uris": ["https://app.example/cb"]}}\' {ctx.settings.issuer.rstrip("/")}/oauth2/register',
    )


def cmd_registration_token_list(ctx: Context) -> None:
    rows = [describe_registration_token(t) for t in ctx.registration_tokens.list()]
    lines = [f"{'ID':<14} {'TOKEN':<7} {'CREATED':<23} EXPIRES"]
    lines += [f"{r['id']:<14} {r['token']:<7} {_date(r['created_at']):<23} {_date(r['expires_at'])}" for r in rows]
    ctx.emit(rows, "\n".join(lines))


def cmd_registration_token_revoke(ctx: Context) -> None:
    ctx.registration_tokens.revoke(ctx.args.id)
    ctx.emit({"id": ctx.args.id, "revoked": True}, f"{ctx.args.id}: revoked")


# -- purge ------------------------------------------------------------------------------


def cmd_purge(ctx: Context) -> None:
    counts = purge(ctx.store, ctx.settings, ctx.clock)
    ctx.emit(counts, "deleted: " + ", ".join(f"{n} {kind.replace('_', ' ')}" for kind, n in counts.items()))


# -- demo -------------------------------------------------------------------------------

DEMO_CLIENTS = (
    ("demo-confidential", "Demo confidential client", CONFIDENTIAL, GRANT_TYPES),
    ("demo-public", "Demo public client", PUBLIC, ("authorization_code", "refresh_token", DEVICE_CODE)),
)


DEMO_USER = "demo"  # a resource owner, not an administrator
DEMO_ADMIN = "admin"  # may open /admin/


def cmd_demo(ctx: Context) -> None:
    results, lines = [], ["Demo clients and user:"]
    for client_id, name, client_type, grants in DEMO_CLIENTS:
        if ctx.store.get_client(client_id):
            results.append({"client_id": client_id, "created": False})
            lines.append(
                f"  {client_id}: exists already (a secret is shown only when made; rotate-secret makes a new one)"
            )
            continue
        client, secret = ctx.clients.create(
            client_id=client_id,
            name=name,
            client_type=client_type,
            grant_types=grants,
            scopes=ctx.settings.scopes,
            redirect_uris=(DEMO_REDIRECT_URI,),
        )
        results.append({**_with_secret(client, secret), "created": True})
        lines.append(
            f"  {client_id}: " + (f"client_secret {secret}  (shown this once)" if secret else "public, no secret")
        )
        if secret:
            token_url = ctx.settings.issuer.rstrip("/") + "/oauth2/token"
            lines.append(f"  try: curl -u {client_id}:{secret} -d grant_type=client_credentials {token_url}")
    for username, is_admin, where in ((DEMO_USER, False, "/login"), (DEMO_ADMIN, True, "/admin/")):
        if ctx.store.get_user_by_name(username):
            results.append({"username": username, "created": False})
            lines.append(
                f"  user {username}: exists already (`reference-as users set-password {username}` makes a new password)"
            )
            continue
        user, password = ctx.users.create(username, is_admin=is_admin)
        results.append({**describe_user(user), "password": password, "created": True})
        lines.append(f"  user {username}: password {password}  (shown this once; sign in at {where})")
    ctx.emit(results, "\n".join(lines))


# -- playground -------------------------------------------------------------------------


def cmd_playground(args) -> int:
    """Needs no server settings or store: the playground is a client with its own store file."""
    from pathlib import Path

    from .playground import serve as playground
    from .playground.store import StoreError
    from .playground.walkthrough import DEFAULT_METADATA_URL

    try:
        playground.run(args.port, args.metadata_url or DEFAULT_METADATA_URL, Path(args.store_file))
    except (StoreError, SecretKeyError, ServeError) as error:
        print(f"reference-as playground: {error}", file=sys.stderr)
        return 2
    return 0


# -- argument parsing -------------------------------------------------------------------


def _common(json_flag: bool = True) -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--config", help="settings file (default: ./reference-as.toml if present)")
    common.add_argument("--store", help=flag_help("store"))
    common.add_argument("--issuer", help=flag_help("issuer"))
    if json_flag:
        common.add_argument("--json", action="store_true", help="print JSON")
    return common


def _client_fields(parser: argparse.ArgumentParser, creating: bool) -> None:
    """The flags `clients create` and `clients edit` share; what edit is not given stays as it is."""

    def default(text: str) -> str:
        return f" (default: {text if creating else 'unchanged'})"

    grants = "; ".join(f"{kind}: {' '.join(grants)}" for kind, grants in DEFAULT_GRANTS.items())
    parser.add_argument("--name", help="a name people recognise" + default("the client_id"))
    parser.add_argument(
        "--grant", action="append", choices=GRANT_TYPES, help="allowed grant type, repeat for several" + default(grants)
    )
    parser.add_argument(
        "--scope", action="append", help="allowed scope, repeat for several" + default("the lowest scope only")
    )
    parser.add_argument(
        "--default-scope",
        action="append",
        help="scope a request naming none gets (RFC 6749 §3.3), repeat for several"
        + default("the lowest allowed scope"),
    )
    parser.add_argument("--redirect-uri", action="append", help="redirect URI, repeat for several" + default("none"))
    parser.add_argument(
        "--post-logout-redirect-uri",
        action="append",
        help="where /oauth2/logout may send the user back (OpenID Connect RP-Initiated Logout), repeat for several"
        + default("none"),
    )
    parser.add_argument(
        "--permission",
        action="append",
        choices=PERMISSIONS,
        help="introspect: may introspect every client's tokens" + default("none"),
    )


def _profile_fields(parser: argparse.ArgumentParser, creating: bool) -> None:
    """OpenID Connect Core §5.1 claims, released by the scopes profile and email (§5.4)."""
    unset = " (default: " + ("not set)" if creating else "unchanged)")
    for name in PROFILE_FIELDS:
        flag = "--" + name.replace("_", "-")
        if name == "email_verified":
            parser.add_argument(
                flag, action=argparse.BooleanOptionalAction, help="the email address was verified" + unset
            )
        else:
            parser.add_argument(flag, help=f"the {name} claim (OpenID Connect Core §5.1)" + unset)


def parser() -> argparse.ArgumentParser:
    common = _common()
    top = argparse.ArgumentParser(prog="reference-as", description=__doc__.splitlines()[0])
    # The installed package's version, from its metadata (pyproject.toml is the one copy of the number).
    top.add_argument("--version", action="version", version="%(prog)s " + importlib.metadata.version("reference-as"))
    commands = top.add_subparsers(dest="command", required=True)

    serve = commands.add_parser("serve", parents=[common], help="serve the authorization server")
    serve.add_argument("--host", help=flag_help("host"))
    serve.add_argument("--port", type=int, help=flag_help("port"))
    serve.add_argument("--workers", type=int, help=flag_help("workers"))
    serve.add_argument("--access-log", action="store_true", help="log each request (path only, never the query)")
    serve.add_argument("--trace", action="store_true", help="print each exchange with the RFC section behind it")
    serve.set_defaults(handler=cmd_serve)

    clients = commands.add_parser("clients", help="administer OAuth clients").add_subparsers(
        dest="action", required=True
    )
    create = clients.add_parser("create", parents=[common], help="create a client; prints its secret once")
    _client_fields(create, creating=True)
    create.set_defaults(handler=cmd_clients_create, name=None)
    create.add_argument(
        "--type", choices=CLIENT_TYPES, default=CONFIDENTIAL, help="public: no secret, PKCE (default: %(default)s)"
    )
    create.add_argument("--client-id", help="choose the client_id (default: random)")
    clients.add_parser("list", parents=[common], help="list clients").set_defaults(handler=cmd_clients_list)
    check = clients.add_parser("check", parents=[common], help="put a client under check: record and grade it")
    check.add_argument("client_id")
    check.add_argument("--scenario", choices=SCENARIOS, default=DEFAULT, help="the traps (default: %(default)s)")
    check.add_argument("--stop", action="store_true", help="end the check under way (its evidence is kept)")
    check.set_defaults(handler=cmd_clients_check)
    report = clients.add_parser(
        "report", parents=[_common(json_flag=False)], help="grade a client under check; exit 1 if a MUST failed"
    )
    report.add_argument("client_id")
    report.add_argument("--json", nargs="?", const="-", metavar="FILE", help="write JSON to FILE (alone: print it)")
    report.add_argument("--junit", metavar="FILE", help="write JUnit XML (for CI)")
    report.add_argument("--html", metavar="FILE", help="write the report as one HTML page")
    report.set_defaults(handler=cmd_clients_report)
    for action, handler, text in (
        ("show", cmd_clients_show, "show one client (secret masked)"),
        ("edit", cmd_clients_edit, "change name, grants, scopes or redirect URIs"),
        ("pause", _status_change("pause"), "refuse the client tokens until resumed"),
        ("resume", _status_change("resume"), "undo pause"),
        ("delete", cmd_clients_delete, "delete the client and revoke its tokens"),
        ("rotate-secret", cmd_clients_rotate_secret, "new secret, printed once; the old one stops working"),
    ):
        sub = clients.add_parser(action, parents=[common], help=text)
        sub.add_argument("client_id")
        if action == "edit":
            _client_fields(sub, creating=False)
        sub.set_defaults(handler=handler)

    users = commands.add_parser("users", help="resource owners").add_subparsers(dest="action", required=True)
    for action, handler, text in (
        ("create", cmd_users_create, "create a user; prints a generated password once"),
        ("edit", cmd_users_edit, "change the profile claims (OpenID Connect) of a user"),
        ("delete", cmd_users_delete, "delete a user and revoke their tokens"),
        ("set-password", cmd_users_set_password, "set a new password (generated unless --password-stdin)"),
    ):
        sub = users.add_parser(action, parents=[common], help=text)
        sub.add_argument("username")
        if action in ("create", "set-password"):
            sub.add_argument("--password-stdin", action="store_true", help="read the password from standard input")
        if action == "create":
            sub.add_argument("--admin", action="store_true", help="give the admin role")
        if action in ("create", "edit"):
            _profile_fields(sub, creating=action == "create")
        sub.set_defaults(handler=handler)
    users.add_parser("list", parents=[common], help="list users").set_defaults(handler=cmd_users_list)

    keys = commands.add_parser("keys", help="signing keys").add_subparsers(dest="action", required=True)
    keys.add_parser("list", parents=[common], help="list signing keys").set_defaults(handler=cmd_keys_list)
    rotate = keys.add_parser(
        "rotate", parents=[common], help="publish a new signing key, which signs one JWKS cache lifetime later"
    )
    rotate.add_argument(
        "--now", action="store_true", help="a compromised key: sign with the new key at once, withdraw every other"
    )
    rotate.set_defaults(handler=cmd_keys_rotate)

    resources = commands.add_parser("resources", help="protected resources tokens may be asked for (RFC 8707)")
    resources = resources.add_subparsers(dest="action", required=True)
    add = resources.add_parser("add", parents=[common], help="register a resource URI")
    add.add_argument("uri", help="the resource's identifier, an absolute URI without fragment")
    add.add_argument("--scope", action="append", help="a scope it accepts, repeat for several (default: every scope)")
    add.set_defaults(handler=cmd_resources_add)
    resources.add_parser("list", parents=[common], help="list resources").set_defaults(handler=cmd_resources_list)
    delete = resources.add_parser("delete", parents=[common], help="delete a registered resource")
    delete.add_argument("uri")
    delete.set_defaults(handler=cmd_resources_delete)

    tokens = commands.add_parser("registration-token", help="initial access tokens for registration (RFC 7591 §3)")
    tokens = tokens.add_subparsers(dest="action", required=True)
    create_token = tokens.add_parser("create", parents=[common], help="make one; prints it once")
    create_token.add_argument(
        "--expires-in", type=int, default=24 * 3600, help="seconds it stays valid (default: %(default)s)"
    )
    create_token.set_defaults(handler=cmd_registration_token_create)
    tokens.add_parser("list", parents=[common], help="list them (masked)").set_defaults(
        handler=cmd_registration_token_list
    )
    revoke_token = tokens.add_parser("revoke", parents=[common], help="revoke one by its id")
    revoke_token.add_argument("id")
    revoke_token.set_defaults(handler=cmd_registration_token_revoke)

    commands.add_parser("purge", parents=[common], help="delete expired codes, tokens and sessions").set_defaults(
        handler=cmd_purge
    )
    commands.add_parser("demo", parents=[common], help="create the demo clients if absent").set_defaults(
        handler=cmd_demo
    )

    playground = commands.add_parser("playground", help="serve an OAuth client that shows each step of each flow")
    playground.add_argument("--port", type=int, default=8001, help="loopback port (default: %(default)s)")
    playground.add_argument(
        "--metadata-url", help="the server's RFC 8414 metadata (default: the reference server on 127.0.0.1:8000)"
    )
    playground.add_argument(
        "--store-file", default="./var/playground.json", help="settings, sealed tokens (default: %(default)s)"
    )
    playground.set_defaults(handler=cmd_playground)
    return top


def _log_to_stderr() -> None:
    """The server's own log (the purge's counts, unexpected errors), INFO and up, on
    standard error beside Granian's lines; its workers inherit it."""
    handler = logging.StreamHandler()  # standard error as it is now (a test's capture, say)
    handler.setFormatter(logging.Formatter("[%(levelname)s] %(name)s: %(message)s"))
    logger = logging.getLogger("reference_as")
    logger.handlers = [handler]
    logger.setLevel(logging.INFO)


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    _log_to_stderr()
    if args.command == "playground":
        return cmd_playground(args)
    if args.command == "clients" and args.action == "create" and not args.name:
        args.name = args.client_id or "unnamed client"
    try:
        return args.handler(Context(args)) or 0
    except (
        ConfigError,
        InvalidClientSettings,
        ClientNotFound,
        SecretKeyError,
        StoreError,
        UserError,
        ServeError,
        InvalidResource,
        ValueError,
        CheckRefused,
    ) as error:
        print(f"reference-as: {error}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
