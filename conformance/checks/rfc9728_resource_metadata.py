"""RFC 9728, OAuth 2.0 Protected Resource Metadata, of the target's `[resource]`.
https://www.rfc-editor.org/rfc/rfc9728

Covers the document (§2: `resource`, `authorization_servers`,
`scopes_supported`), where it lives and how it is served (§3, §3.2), that it
names the resource its URL was formed from (§3.3), and the 401 challenge
that points to it (§5.1). The document is found as a client would
(`conformance/resources.py`): from the resource's 401, else at the
well-known URL of the resources the authorization server lists. Without a
`[resource]`, a gap of the run; a resource that publishes no metadata is
skipped as not advertised.

Levels: `resource` is REQUIRED and an https URL without a fragment (http is
accepted on loopback, the development case, as in rfc8414_metadata.py);
"Protected resources supporting metadata MUST make a JSON document ...
available at a URL formed by inserting a well-known URI string" (§3); a
success "MUST use the 200 OK HTTP status code and return a JSON object using
the application/json content type" (§3.2); `resource` "MUST be identical" to
the identifier the URL was formed from (§3.3); scopes_supported is
RECOMMENDED; a 401 "MAY" carry resource_metadata (§5.1: MAY, checked since
the resource has metadata to point to; the MCP authorization spec is
stricter). Leaves out signed metadata (§2.2) and the client's side of §3.3
(metadata reached through a challenge names the URL that was requested:
a rule for the client that uses it).
"""

from urllib.parse import urlsplit

import pytest

from conformance import resources
from conformance.checks.rfc8414_metadata import secure_or_loopback
from conformance.expect import describe, json_object
from conformance.marks import check
from conformance.outcomes import Unverifiable, fail, not_applicable


@pytest.fixture
def protected(resource, http, server) -> resources.ProtectedResource:
    return resources.discover(resource.url, http, server)


@pytest.fixture
def resource_metadata(protected) -> dict:
    """The document's members; the checks of its members cannot run without a JSON object."""
    if json_object(protected.metadata_response) is None:
        raise Unverifiable(f"{protected.metadata_url} answered {describe(protected.metadata_response)}")
    return protected.metadata


# RFC9728-3.2 MUST: 200, application/json, a JSON object.
@check("rfc9728-3-metadata-is-a-json-object", "RFC9728-3")
def check_json(protected):
    """The resource's metadata answers 200 with a JSON object as application/json."""
    response = protected.metadata_response
    if "application/json" not in response.headers.get("Content-Type", ""):
        fail(f"Content-Type is {response.headers.get('Content-Type')!r}, not application/json")
    if json_object(response) is None:
        fail("the body is not a JSON object")


# RFC9728-2: resource REQUIRED, an https URL without a fragment.
@check("rfc9728-2-resource-is-https-without-fragment", "RFC9728-2")
def check_resource_field(resource_metadata):
    """The metadata's resource is an https URL (http only on loopback) without a fragment."""
    value = resource_metadata.get("resource")
    if not isinstance(value, str) or not urlsplit(value).netloc:
        fail(f"resource is {value!r}, not an absolute URL")
    if not secure_or_loopback(value):
        fail(f"resource {value!r} does not use https")
    if "#" in value:
        fail(f"resource {value!r} has a fragment")


# RFC9728-3 MUST: the document is at the well-known URL of its resource identifier.
@check("rfc9728-3-metadata-served-at-well-known-url", "RFC9728-3")
def check_well_known(resource_metadata, http):
    """The metadata is served at the well-known URL formed from its resource identifier."""
    value = resource_metadata.get("resource")
    if not isinstance(value, str):
        fail("the metadata has no resource")
    url = resources.metadata_url_for(value)
    response = http.get(url)
    body = json_object(response)
    if response.status_code != 200 or body is None:
        fail(f"{url}, the well-known URL of {value}, answered {describe(response)}")
    if body.get("resource") != value:
        fail(f"{url} names the resource {body.get('resource')!r}, not {value!r}")


# RFC9728-3.3 MUST: resource identical to the identifier the metadata URL was formed from.
@check("rfc9728-3.3-resource-matches-metadata-url", "RFC9728-3.3")
def check_resource_matches(protected, resource_metadata):
    """The resource named is exactly the one the metadata URL was formed from."""
    expected = resources.resource_from_metadata_url(protected.metadata_url)
    if expected is None:
        not_applicable(f"{protected.metadata_url} is not at the well-known path")
    value = resource_metadata.get("resource")
    if value not in (expected, expected + "/"):
        fail(f"resource is {value!r}; the metadata URL {protected.metadata_url} belongs to {expected!r}")


# RFC9728-2: authorization_servers, a JSON array of issuer identifiers (URLs).
@check("rfc9728-2-authorization-servers-are-issuers", "RFC9728-2")
def check_authorization_servers(resource_metadata):
    """authorization_servers, when given, is a JSON array of https issuer URLs."""
    servers = resource_metadata.get("authorization_servers")
    if servers is None:
        not_applicable("no authorization_servers")
    if not isinstance(servers, list) or not all(isinstance(s, str) and urlsplit(s).netloc for s in servers):
        fail(f"authorization_servers is {servers!r}, not a JSON array of issuer URLs")
    insecure = [s for s in servers if not secure_or_loopback(s)]
    if insecure:
        fail(f"authorization_servers names {insecure[0]!r}, which does not use https")


# RFC9728-2 RECOMMENDED: scopes_supported.
@check("rfc9728-2-scopes-supported-listed", "RFC9728-2", level="SHOULD")
def check_scopes(resource_metadata):
    """scopes_supported lists the scopes the resource knows."""
    if not isinstance(resource_metadata.get("scopes_supported"), list):
        fail("scopes_supported is missing (RECOMMENDED)")


# RFC9728-5.1 MAY: resource_metadata in the WWW-Authenticate of a 401.
@check("rfc9728-5.1-challenge-names-resource-metadata", "RFC9728-5.1")
def check_challenge(protected, http):
    """The resource's 401 names its metadata URL (resource_metadata), which serves the metadata."""
    challenge = protected.challenge
    if challenge.status_code != 401:
        fail(f"the resource asked without a token answered {describe(challenge)}, not 401")
    url = resources.challenge_metadata_url(challenge)
    if url is None:
        fail(f"the 401 challenge {challenge.headers.get('WWW-Authenticate')!r} has no resource_metadata")
    response = http.get(url)
    if response.status_code != 200 or not isinstance((json_object(response) or {}).get("resource"), str):
        fail(f"resource_metadata {url} answered {describe(response)}, not the resource's metadata")
