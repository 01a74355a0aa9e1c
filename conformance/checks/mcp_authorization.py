"""The Model Context Protocol's authorization spec: what it requires of an authorization server
and of the protected resource (the MCP server) for an MCP client to use them.
https://modelcontextprotocol.io/specification/draft/basic/authorization

The profile `mcp` answers "can an MCP client use this authorization server?". It runs the
checks below, which are the MCP spec's own, with the checks of the documents it builds on
(`marks.ALSO_IN_PROFILE`): RFC 8414 metadata, PKCE with S256 (RFC 7636), RFC 7591
registration, RFC 8707 `resource` honoured in `aud`, RFC 9728 metadata of the resource and its
401, `iss` in the authorization response (RFC 9207).

Levels, from the spec's sentences: authorization servers "MUST provide at least one of" RFC 8414
metadata or OpenID Connect Discovery (MUST); an MCP client "MUST refuse to proceed" when
`code_challenge_methods_supported` is absent, and uses S256 (MUST, for the client to go on);
the protected resource metadata "MUST include the authorization_servers field containing at
least one authorization server" (MUST); servers "SHOULD support" Client ID Metadata Documents and
"MAY support" RFC 7591, so a server with neither leaves an MCP client nothing but
pre-registration (SHOULD); MCP servers "MUST validate that access tokens were issued
specifically for them as the intended audience" (MUST: a token for another resource is refused).
"""

from urllib.parse import urlsplit

from conformance import resources, steps
from conformance.checks.rfc8414_metadata import OIDC_WELL_KNOWN, metadata_url_for
from conformance.expect import describe, json_object
from conformance.marks import check
from conformance.outcomes import fail, not_applicable


def _discovery_urls(issuer: str) -> tuple[str, str]:
    """RFC 8414 §3's URL (the well-known part before the path) and OpenID Connect's (after it)."""
    parts = urlsplit(issuer)
    return metadata_url_for(issuer), f"{parts.scheme}://{parts.netloc}{parts.path.rstrip('/')}{OIDC_WELL_KNOWN}"


@check("mcp-authorization-server-discovery-metadata-at-well-known-url", "MCP-Authorization-Server-Discovery")
def check_discovery(metadata, http):
    """The issuer's RFC 8414 or OpenID Connect Discovery URL serves its metadata (an MCP client tries both)."""
    issuer = metadata.get("issuer")
    if not isinstance(issuer, str) or not urlsplit(issuer).netloc:
        fail(f"the metadata names the issuer {issuer!r}: an MCP client cannot derive a discovery URL")
    seen = []
    for url in _discovery_urls(issuer):
        response = http.get(url)
        if response.status_code == 200 and (json_object(response) or {}).get("issuer") == issuer:
            return
        seen.append(f"{url}: {describe(response)}")
    fail("neither discovery URL of the issuer serves its metadata: " + "; ".join(seen))


@check("mcp-authorization-code-protection-s256-advertised", "MCP-Authorization-Code-Protection")
def check_s256(metadata):
    """code_challenge_methods_supported is present and lists S256."""
    methods = metadata.get("code_challenge_methods_supported")
    if not isinstance(methods, list) or "S256" not in methods:
        fail(f"code_challenge_methods_supported is {methods!r}: an MCP client refuses to proceed without S256")


@check("mcp-client-registration-approaches-registration-path-advertised", "MCP-Client-Registration-Approaches")
def check_registration_path(metadata):
    """The metadata offers client ID metadata documents or a registration_endpoint."""
    if metadata.get("client_id_metadata_document_supported") is True or metadata.get("registration_endpoint"):
        return
    fail("neither client_id_metadata_document_supported nor registration_endpoint: only pre-registered clients")


@check(
    "mcp-authorization-server-discovery-resource-names-an-authorization-server",
    "MCP-Authorization-Server-Discovery",
    profiles=("mcp", "resource-metadata"),
)
def check_resource_names_as(resource, http, server):
    """The protected resource's RFC 9728 metadata names at least one authorization server."""
    servers = resources.discover(resource.url, http, server).metadata.get("authorization_servers")
    if not isinstance(servers, list) or not [s for s in servers if isinstance(s, str) and s]:
        fail(f"authorization_servers is {servers!r}: an MCP client cannot find where to get a token")


@check(
    "mcp-access-token-privilege-restriction-other-audience-refused",
    "MCP-Access-Token-Privilege-Restriction",
    profiles=("mcp", "bearer"),
)
def check_other_audience(resource, http, server, target, confidential):
    """The protected resource refuses a valid token of its authorization server issued for another resource."""
    own = resources.discover(resource.url, http, server).metadata.get("resource")
    if not isinstance(own, str):
        not_applicable("the resource's metadata names no resource identifier: its own audience is unknown")
    client = steps.ready_for(server, confidential, "client_credentials")
    others = [r for r in (*target.server.resources, *resources.listed_resources(server)) if r != own]
    body = json_object(client.token_request(steps.cc_params(client, resource=others[0] if others else None))) or {}
    if "access_token" not in body:
        not_applicable(f"no token for another resource was issued (error={body.get('error')!r})")
    if own in resources.audience(server, client, body["access_token"]):
        not_applicable(f"the authorization server knows no resource but {own}: every token is for it")
    response = http.get(resource.url, headers={"Authorization": f"Bearer {body['access_token']}"})
    if response.status_code != 401:
        fail(f"a token for {others[0] if others else 'the default audience'} was answered {describe(response)}")
