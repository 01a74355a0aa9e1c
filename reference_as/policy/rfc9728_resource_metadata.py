"""OAuth 2.0 Protected Resource Metadata (RFC 9728), for the sample resource `/api/me`.

- RFC9728-3.1: the metadata of the resource `https://host/path` is at
  `https://host/.well-known/oauth-protected-resource/path` (the well-known
  part goes between the host and the path; a terminating slash after the
  host is dropped).
- RFC9728-2: the document has `resource` (REQUIRED, and RFC9728-3.3 MUST: the
  identifier the metadata URL was made from), `authorization_servers`,
  `scopes_supported`, `bearer_methods_supported`, `resource_name`.
- RFC9728-5.1: a 401 from the resource carries
  `WWW-Authenticate: Bearer resource_metadata="<metadata URL>"`, so a client
  that knows nothing but the resource's URL finds its authorization server.
"""

from urllib.parse import urlsplit

WELL_KNOWN = "/.well-known/oauth-protected-resource"


def metadata_path(resource: str) -> str:
    """RFC9728-3.1: the well-known path of `resource`'s metadata."""
    return WELL_KNOWN + urlsplit(resource).path.rstrip("/")


def metadata_url(resource: str) -> str:
    parts = urlsplit(resource)
    return f"{parts.scheme}://{parts.netloc}{metadata_path(resource)}"


def document(resource: str, issuer: str, scopes: tuple[str, ...], name: str) -> dict:
    """RFC9728-2: what a client needs to ask for a token for `resource`."""
    return {
        "resource": resource,
        "authorization_servers": [issuer],
        "scopes_supported": list(scopes),
        # RFC 6750 §2.1 only: tokens in a form body or the URL are not accepted.
        "bearer_methods_supported": ["header"],
        "resource_name": name,
    }
