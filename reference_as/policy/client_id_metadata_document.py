"""OAuth Client ID Metadata Document (draft-ietf-oauth-client-id-metadata-document):
a client whose `client_id` is the https URL of a JSON document describing it.

The server fetches the document (`outbound.py` holds the fetch to the draft's
limits) and reads it here:
- § Client Identifier, MUST: the URL is https, has a path, has no `.` or `..`
  segment, no fragment, no user name or password. (SHOULD NOT: a query;
  accepted.) http on a loopback address only where the server allows it, for
  local development.
- § Client Metadata Document, MUST: its `client_id` equals the URL (simple
  string comparison); no `client_secret` or `client_secret_expires_at`; a
  `token_endpoint_auth_method` that is not a shared secret. This server offers
  `none` (a public client; the method when the document names none) and no
  key-based method yet, so every such client is public.
- The rest is client metadata (RFC 7591 §2), read by the same rules as a
  registration (`rfc7591_registration.read`): redirect URIs come from the
  document only (§ Redirect URL Registration).
"""

from urllib.parse import urlsplit

from .rfc6749_clients import LOOPBACK_HOSTS
from .rfc7591_registration import SECRET_METHODS, InvalidMetadata, Registration, read

PREFIXES = ("https://", "http://")


def is_document_url(client_id: str) -> bool:
    """A client_id that names a metadata document (RFC 7591's and ours never start so)."""
    return client_id.startswith(PREFIXES)


def check_url(url: str, allow_loopback_http: bool) -> None:
    """§ Client Identifier MUSTs; InvalidMetadata says which one failed."""
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - a malformed port raises here
    except ValueError:
        raise InvalidMetadata(f"client_id {url!r} is not a URL") from None
    if parts.scheme != "https" and not (
        allow_loopback_http and parts.scheme == "http" and parts.hostname in LOOPBACK_HOSTS
    ):
        raise InvalidMetadata("a client_id URL must use https")
    if not parts.hostname or parts.username is not None or parts.password is not None:
        raise InvalidMetadata("a client_id URL names a host, without user name or password")
    if parts.path in ("", "/"):
        raise InvalidMetadata("a client_id URL must have a path, such as /client.json")
    if any(segment in (".", "..") for segment in parts.path.split("/")):
        raise InvalidMetadata("a client_id URL must not have . or .. segments")
    if "#" in url:
        raise InvalidMetadata("a client_id URL must not have a fragment")


def read_document(
    url: str, document: dict, registrable: tuple[str, ...], grant_types_supported: tuple[str, ...]
) -> Registration:
    """The client the document describes, or InvalidMetadata."""
    if document.get("client_id") != url:
        raise InvalidMetadata("the document's client_id is not the URL it was fetched from")
    if "client_secret" in document or "client_secret_expires_at" in document:
        raise InvalidMetadata("a metadata document must not carry a client_secret")
    method = document.get("token_endpoint_auth_method", "none")
    if method in SECRET_METHODS or method == "client_secret_jwt":
        raise InvalidMetadata(f"token_endpoint_auth_method {method!r}: a metadata document cannot share a secret")
    if method != "none":
        raise InvalidMetadata(f"token_endpoint_auth_method {method!r}: this server offers none for such clients")
    registration = read({**document, "token_endpoint_auth_method": "none"}, registrable, grant_types_supported)
    if not registration.redirect_uris:
        raise InvalidMetadata("the document names no redirect_uris")
    return registration
