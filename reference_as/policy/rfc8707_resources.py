"""Resource Indicators for OAuth 2.0 (RFC 8707 §2): which resource a token is for.

A client names the protected resource it will use a token at with `resource`,
at the authorization endpoint and at the token endpoint, once or several
times; the token's audience (`aud`, RFC 9068 §3) is what it named.
- RFC8707-2 MUST: the value is an absolute URI (RFC 3986 §4.3) and has no
  fragment; SHOULD NOT carry a query (accepted: it may be what tells one
  tenant from another).
- RFC8707-2 `invalid_target`: the resource is malformed, or unknown to the
  server: this server issues tokens only for resources it was told about.
- RFC8707-2.2: a token request (code or refresh) may name fewer resources
  than the grant has, never others: "the requested resource MUST be one of
  those the resource owner authorized".
- A request that names none gets the server's default audience (what every
  token carried before resource indicators).
Each resource accepts certain scopes; a scope that no requested resource
accepts is refused (`invalid_scope`) rather than put in a token nobody honours.
OpenID Connect's scopes are not for a resource: they ask the authorization
server itself for an ID Token, UserInfo claims or a refresh token (OIDC Core
§5.4, §11), so no resource needs to accept them.
"""

from urllib.parse import urlsplit

from .oidc_core_scopes import SCOPES as OPENID_CONNECT_SCOPES


class InvalidTarget(ValueError):
    """RFC 8707 §2 `invalid_target`; the message says why."""


def check_uri(uri: str) -> None:
    """RFC8707-2 MUST: an absolute URI without a fragment."""
    try:
        parts = urlsplit(uri)
    except ValueError:
        raise InvalidTarget(f"The resource {uri!r} is not a URI.") from None
    if not parts.scheme or not (parts.netloc or parts.path) or uri != uri.strip() or " " in uri:
        raise InvalidTarget(f"The resource {uri!r} is not an absolute URI (RFC 8707 §2).")
    if "#" in uri:
        raise InvalidTarget(f"The resource {uri!r} has a fragment, which RFC 8707 §2 forbids.")


def requested(values: list[str] | tuple[str, ...]) -> tuple[str, ...]:
    """The `resource` parameters of a request, checked, in order, each once."""
    for uri in values:
        check_uri(uri)
    return tuple(dict.fromkeys(values))


def check_known(resources: tuple[str, ...], known: dict[str, tuple[str, ...]]) -> None:
    """RFC8707-2 invalid_target: every requested resource is one the server knows."""
    for uri in resources:
        if uri not in known:
            raise InvalidTarget(f"The resource {uri!r} is not one this server issues tokens for.")


def narrowed(requested_now: tuple[str, ...], granted: tuple[str, ...], default: str) -> tuple[str, ...]:
    """RFC8707-2.2: what a token request may have: the granted resources, or fewer of
    them (a grant of none has the default audience, which may be named)."""
    allowed = granted or (default,)
    for uri in requested_now:
        if uri not in allowed:
            raise InvalidTarget(f"The resource {uri!r} was not part of what the user authorized.")
    return requested_now or granted


def unaccepted_scope(
    scopes: tuple[str, ...], resources: tuple[str, ...], known: dict[str, tuple[str, ...]]
) -> str | None:
    """A scope that none of `resources` accepts (OpenID Connect's aside), or None."""
    accepted = {scope for uri in resources for scope in known.get(uri, ())}
    return next((scope for scope in scopes if scope not in accepted and scope not in OPENID_CONNECT_SCOPES), None)


def audience(resources: tuple[str, ...]) -> str | list[str]:
    """RFC 9068 §3 / RFC 7519 §4.1.3: one resource as a string, several as an array."""
    return resources[0] if len(resources) == 1 else list(resources)
