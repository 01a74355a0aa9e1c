"""Matching a redirect URI against the registered ones.

- RFC6749-3.1.2.3 / RFC9700-4.1.3 MUST: compare as exact strings. No
  normalisation, no prefix or pattern matching: a trailing slash, a change of
  case, an added query or path, or `..` is a different URI.
- RFC8252-7.3 MUST: for loopback IP redirect URIs (`http://127.0.0.1` and
  `http://[::1]`) of native apps the port may differ from the registered one,
  since a native app picks a free port when it starts; everything else must
  still be equal. Native apps are public clients (RFC 8252 §8.4), so the
  allowance is for public clients only: a confidential (web) client's loopback
  URI is matched exactly, port included (RFC 9700 §2.1: "except for port
  numbers in localhost redirection URIs of native apps").
  `localhost` is not given this allowance (RFC 8252 §8.3 calls it NOT RECOMMENDED).
"""

from urllib.parse import urlsplit

LOOPBACK_IPS = ("127.0.0.1", "[::1]")


def _without_port(uri: str) -> tuple | None:
    """(scheme, host, path, query, fragment) of a loopback IP redirect URI; None for any other URI."""
    try:
        parts = urlsplit(uri)
    except ValueError:
        return None
    if parts.netloc.startswith("["):
        host, _, port = parts.netloc.partition("]")
        host += "]"
        port = port.removeprefix(":")
    else:
        host, _, port = parts.netloc.partition(":")
    if parts.scheme != "http" or host not in LOOPBACK_IPS or not (port == "" or port.isdigit()):
        return None
    return (parts.scheme, host, parts.path, parts.query, parts.fragment)


def registered(requested: str, registered_uris: tuple[str, ...], native: bool = True) -> bool:
    """Is `requested` a registered redirect URI? `native`: the client may be a native app (a public
    client), whose loopback IP redirect URI may name any port."""
    if requested in registered_uris:
        return True
    if not native:
        return False
    loopback = _without_port(requested)
    return loopback is not None and any(_without_port(uri) == loopback for uri in registered_uris)
