"""Access token scope (RFC 6749 §3.3).

The scope is a space-delimited list of case-sensitive strings. If the client
leaves it out, the server "MUST either process the request using a pre-defined
default value or fail the request indicating an invalid scope": our default is
each client's `default_scopes`, the lowest of its scopes unless an
administrator chose others (least privilege: a request that names nothing
gets little, never everything the client may ask for). The seed's stricter
rule (one scope per request, matching the client's configuration) is a setting.
"""

from .oidc_core_scopes import PLAIN_WORDS


def parse(scope: str | None) -> tuple[str, ...]:
    return tuple(scope.split(" ")) if scope else ()


def default_scopes(defaults: tuple[str, ...], one_scope_per_request: bool) -> tuple[str, ...]:
    """RFC6749-3.3: the pre-defined default when the request names no scope.
    Under the one-scope rule a client whose default has several scopes must choose one."""
    if one_scope_per_request and len(defaults) != 1:
        return ()
    return defaults


def problem(requested: tuple[str, ...], allowed: tuple[str, ...], one_scope_per_request: bool) -> str | None:
    """Why the requested scope cannot be granted, or None if it can.

    RFC6749-3.3: the server may refuse scopes the client is not allowed; we
    refuse the whole request (`invalid_scope`) rather than silently narrow it,
    so the client learns of its mistake.
    """
    if not requested:
        return "No scope was requested and the client has no single default scope; name one."
    if any(not scope for scope in requested):
        return "The scope parameter is malformed: scopes are separated by single spaces."
    if one_scope_per_request and len(requested) > 1:
        return "This server grants one scope per request."
    not_allowed = [scope for scope in requested if scope not in allowed]
    if not_allowed:
        return f"The client is not allowed the scope {not_allowed[0]!r}."
    return None


# What each of the seed's levels lets a client do, in the words the consent page uses.
LEVEL_WORDS = {
    "read": "Read your data",
    "write": "Create and change your data",
    "admin": "Administer your settings",
    "superuser": "Act with full superuser rights",
}


def plain_words(scope: str, prefix: str) -> str:
    """A scope as the consent page, /account and /admin/ name it (RFC 6749 §10.2 and §3.3:
    the user must know what they grant); OpenID Connect's scopes in their own words."""
    if scope in PLAIN_WORDS:
        return PLAIN_WORDS[scope]
    if scope.startswith(prefix) and scope.removeprefix(prefix) in LEVEL_WORDS:
        return LEVEL_WORDS[scope.removeprefix(prefix)]
    return scope


def described(scopes, prefix: str) -> list[tuple[str, str]]:
    """Each scope with its plain words, for a page."""
    return [(scope, plain_words(scope, prefix)) for scope in scopes]
