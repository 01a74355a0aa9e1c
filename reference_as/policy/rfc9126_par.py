"""Pushed authorization requests (RFC 9126): the rules, without I/O.

- RFC9126-2.1 MUST NOT: a pushed request carries no `request_uri` of its own.
- RFC9126-2.2 MUST: the `request_uri` has a part a cryptographically strong random
  generator made (256 bits here), under the `urn:ietf:params:oauth:request_uri:`
  prefix §2.2 suggests; it is bound to the client that pushed it (the store keeps
  its hash and the client_id), lives `par_ttl` seconds (`expires_in`), and is
  single use (RFC 9126 §2.2, §7.3): spent by the authorization response it leads to.
- RFC9126-4: at the authorization endpoint, `client_id` and `request_uri` stand for
  the pushed parameters. Our rule for anything else sent beside them: a parameter
  that repeats a pushed one unchanged is accepted (some clients repeat
  `response_type` and `scope`), one that differs or adds to the pushed request is
  `invalid_request`: the pushed request is the request, untouched by the browser.
- RFC9126-6: `require_pushed_authorization_requests`, for the server or one client:
  an authorization request without a pushed `request_uri` is `invalid_request`.
This server does not read request objects (RFC 9101): `request` is refused too.
"""

import secrets as random

PREFIX = "urn:ietf:params:oauth:request_uri:"
REQUEST_URI = "request_uri"
REQUEST = "request"  # RFC 9101 request objects, not supported
# What the authorization endpoint reads beside the pushed parameters.
REFERENCE = ("client_id", REQUEST_URI)


def new_request_uri() -> str:
    """RFC9126-2.2: the prefix and 256 random bits."""
    return PREFIX + random.token_urlsafe(32)


def refused_in_push(params: dict) -> str | None:
    """RFC9126-2.1: why a pushed body cannot be accepted, or None."""
    if REQUEST_URI in params:
        return "A pushed authorization request cannot itself carry a request_uri (RFC 9126 §2.1)."
    if REQUEST in params:
        return "Request objects (the request parameter) are not supported; push the parameters themselves."
    return None


def conflict(sent: list[tuple[str, str]], pushed: tuple[tuple[str, str], ...]) -> str | None:
    """RFC9126-4: the first parameter sent beside `client_id` and `request_uri` that
    the pushed request does not have with that very value, named in a sentence; None if none."""
    names = [name for name, _ in sent]
    for name in REFERENCE:
        if names.count(name) > 1:  # RFC6749-3.1: parameters are not repeated
            return f"The parameter {name} is repeated."
    pushed_values: dict[str, set[str]] = {}
    for name, value in pushed:
        pushed_values.setdefault(name, set()).add(value)
    for name, value in sent:
        if name not in REFERENCE and value not in pushed_values.get(name, ()):
            return f"The parameter {name} differs from the pushed request; send client_id and request_uri only."
    return None
