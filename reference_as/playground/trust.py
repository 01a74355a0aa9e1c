"""What the playground trusts: the host names it answers to, the server its
secret belongs to, and where it may send an access token.

The playground keeps a client secret and tokens, and runs in the user's
browser beside every other web page the user opens. Three rules keep a page
from borrowing them:

- **Its own host names only.** It answers at 127.0.0.1, localhost and [::1]
  on its own port (RFC 8252 §8.3: loopback). A page on evil.example whose
  DNS name is rebound to 127.0.0.1 reaches the same socket under another
  Host, and is refused there (`host_allowed`).
- **A secret belongs to one server.** The saved secret is sent only to the
  server it was saved for: changing the metadata URL needs the secret typed
  again, and when the metadata at the same URL starts naming another issuer
  or other endpoints for the secret and tokens (`server_named`), the secret
  and the tokens are dropped before anything is sent.
- **An access token goes only where it belongs.** A bearer token works for
  whoever holds it (RFC 6750 §5.2), so it is sent only to a protected
  resource on the issuer's own origin (the server's own resource, such as
  /api/me), one the server's metadata lists in `protected_resources` (RFC 9728
  §4), or one on loopback, the learner's own resource server on this machine
  (`resource_refusal`). Anything else would hand a live token, and its answer,
  to a host the server never named. This keeps the playground useful for what
  it is for (the reference server's /api/me, a resource the server lists, the
  resource server being developed locally) and closes the rest.
"""

from urllib.parse import urlsplit

LOOPBACK_NAMES = ("127.0.0.1", "localhost", "[::1]")
# What a client secret or token is sent to, besides the resource: the server they belong to.
SERVER_FIELDS = ("issuer", "token_endpoint", "revocation_endpoint", "introspection_endpoint")


def host_allowed(host: str | None, port: int) -> bool:
    """The request's Host header is one of the playground's own loopback names and its port."""
    return (host or "").lower() in {f"{name}:{port}" for name in LOOPBACK_NAMES}


def server_named(metadata: dict) -> dict:
    """The parts of RFC 8414 metadata that say which server the secret and the tokens go to."""
    return {field: metadata.get(field) for field in SERVER_FIELDS}


def _origin(url: str) -> tuple[str, str, int | None] | None:
    parts = urlsplit(url)
    try:
        port = parts.port or {"http": 80, "https": 443}.get(parts.scheme)
    except ValueError:  # a port out of range is nobody's origin
        return None
    return parts.scheme, (parts.hostname or ""), port


def _is_loopback(url: str) -> bool:
    parts = urlsplit(url)
    return parts.scheme in ("http", "https") and parts.hostname in ("127.0.0.1", "localhost", "::1")


def resource_refusal(url: str, metadata: dict) -> str | None:
    """None if an access token may be sent to `url`; otherwise why not, in a sentence."""
    issuer = metadata.get("issuer")
    if isinstance(issuer, str) and _origin(url) is not None and _origin(url) == _origin(issuer):
        return None
    listed = metadata.get("protected_resources")
    if isinstance(listed, list) and any(
        isinstance(resource, str) and (url == resource or url.startswith(resource.rstrip("/") + "/"))
        for resource in listed
    ):
        return None
    if _is_loopback(url):
        return None
    return (
        f"Not sent: {url} is not on the issuer's origin, not among the protected_resources of the server's "
        "metadata (RFC 9728 §4) and not on loopback; a bearer token sent there could be used by that host "
        "(RFC 6750 §5.2). Use a resource the server names, or one on this machine."
    )
