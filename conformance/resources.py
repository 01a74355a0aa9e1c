"""Protected resources as the checks see them: the RFC 9728 metadata of the target's
`[resource]`, the RFC 8707 resource identifiers a token can be asked for, and the audience a
token was issued for.

Where the resource's metadata is (RFC 9728): the URL its 401 names (`resource_metadata`, §5.1),
else the well-known URL (§3.1) of each resource identifier the authorization server lists
(`protected_resources`, §4) on the resource's origin, else that of the resource's own URL.
Which resource to ask a token for (RFC 8707): the target's `[server] resources`, else the
metadata's `protected_resources`, else the `resource` of the `[resource]`'s RFC 9728 metadata.
"""

import re
from dataclasses import dataclass
from urllib.parse import urlsplit

import requests

from oauth_client.client import OAuthClient

from .discovery import Server
from .expect import json_object
from .jwts import claims_of
from .outcomes import not_advertised, not_applicable
from .steps import introspect
from .target import Target

WELL_KNOWN = "/.well-known/oauth-protected-resource"
_PARAMETER = re.compile(r'resource_metadata\s*=\s*"([^"]*)"', re.IGNORECASE)


def metadata_url_for(resource: str) -> str:
    """RFC9728-3.1: the well-known string goes between the host and the path (a final "/" dropped)."""
    parts = urlsplit(resource)
    path = parts.path.rstrip("/")
    return f"{parts.scheme}://{parts.netloc}{WELL_KNOWN}{path}" + (f"?{parts.query}" if parts.query else "")


def resource_from_metadata_url(url: str) -> str | None:
    """The resource identifier a metadata URL was formed from (RFC9728-3.1 backwards), or None."""
    parts = urlsplit(url)
    if not parts.path.startswith(WELL_KNOWN):
        return None
    path = parts.path[len(WELL_KNOWN) :]
    return f"{parts.scheme}://{parts.netloc}{path}" + (f"?{parts.query}" if parts.query else "")


def challenge_metadata_url(response: requests.Response) -> str | None:
    """RFC9728-5.1: the resource_metadata parameter of a WWW-Authenticate challenge."""
    found = _PARAMETER.search(response.headers.get("WWW-Authenticate", ""))
    return found[1] if found else None


@dataclass
class ProtectedResource:
    url: str  # the URL the target names
    challenge: requests.Response  # its answer to a request without a token
    metadata_url: str  # where its RFC 9728 metadata was found
    metadata_response: requests.Response

    @property
    def metadata(self) -> dict:
        return json_object(self.metadata_response) or {}


def listed_resources(server: Server | None) -> list[str]:
    """The resource identifiers the authorization server's metadata lists (RFC 9728 §4)."""
    listed = ((server.metadata if server else None) or {}).get("protected_resources")
    return [r for r in listed if isinstance(r, str)] if isinstance(listed, list) else []


def candidates(url: str, challenge: requests.Response, listed: list[str]) -> list[str]:
    """Where the metadata of the resource at `url` may be, in the order a client would look."""
    origin = urlsplit(url)._replace(path="", query="", fragment="").geturl()
    named = challenge_metadata_url(challenge)
    on_origin = [metadata_url_for(r) for r in listed if r.startswith(origin)]
    return list(dict.fromkeys([*([named] if named else []), *on_origin, metadata_url_for(url)]))


def discover(url: str, http: requests.Session, server: Server | None) -> ProtectedResource:
    """The resource at `url` and its RFC 9728 metadata; skipped when it publishes none."""
    challenge = http.get(url)
    for candidate in candidates(url, challenge, listed_resources(server)):
        response = http.get(candidate)
        if response.status_code == 200:
            return ProtectedResource(url, challenge, candidate, response)
    not_advertised(f"{url} publishes no RFC 9728 metadata (none named in its 401, none at the well-known URL)")


def identifiers(target: Target, server: Server, http: requests.Session) -> tuple[str, ...]:
    """The RFC 8707 resource identifiers to ask tokens for; skipped when none is known."""
    if target.server.resources:
        return target.server.resources
    listed = listed_resources(server)
    if listed:
        return tuple(listed)
    if target.resource is not None:
        challenge = http.get(target.resource.url)
        for candidate in candidates(target.resource.url, challenge, listed):
            body = json_object(http.get(candidate)) or {}
            if isinstance(body.get("resource"), str):
                return (body["resource"],)
    not_advertised(
        "no resource identifier is known: the metadata has no protected_resources, no [resource] publishes "
        "RFC 9728 metadata, and the target names no [server] resources"
    )


def audience(server: Server, owner: OAuthClient, token: str) -> list[str]:
    """The audience of an access token: its JWT aud claim, else what introspection says (as its
    confidential client); the check does not apply when neither tells."""
    aud = (claims_of(token) or {}).get("aud")
    if aud is None and server.endpoints.introspection and not owner.config.is_public:
        answer = json_object(introspect(server, owner, token)) or {}
        aud = answer.get("aud") if answer.get("active") is True else None
    if aud is None:
        not_applicable("the token's audience shows neither in a JWT aud claim nor in introspection")
    return [aud] if isinstance(aud, str) else [a for a in aud if isinstance(a, str)]
