"""RFC 8707, Resource Indicators for OAuth 2.0.
https://www.rfc-editor.org/rfc/rfc8707

Covers §2: a token asked for one resource is audience-restricted to it
(`aud`, in the JWT or in introspection), by client credentials and by the
code flow (`resource` in the authorization and the token request); a
`resource` that is not an absolute URI without a fragment is malformed and
gets no token; an unknown one is refused with `invalid_target`. Which
resource to ask for: the target's `[server] resources`, the metadata's
`protected_resources` (RFC 9728 §4), or the RFC 9728 metadata of the
target's `[resource]` (`conformance/resources.py`); without any, skipped as
not advertised (RFC 8414 has no field that says a server honours `resource`).

Levels: "The authorization server SHOULD audience-restrict issued access
tokens to the resource(s) indicated" (SHOULD; the server "may" also map the
value to a more general audience, so the check looks for the value among the
audiences). The value "MUST NOT include a fragment" and MUST be absolute: a
request breaking that is malformed (RFC 6749 §5.2 invalid_request), so a
token for it fails (MUST), refused as invalid_target or invalid_request. For
a resource the server "does not consider acceptable" RFC 8707 says it
"should" (lower case, no keyword) answer invalid_target: ADVICE.
"""

from urllib.parse import urlsplit

import pytest

from conformance import resources, steps
from conformance.expect import describe, error, json_object, no_token
from conformance.marks import check
from conformance.outcomes import fail

UNKNOWN = "https://conformance-never-registered.invalid/api"


@pytest.fixture
def resource_id(target, server, http) -> str:
    return resources.identifiers(target, server, http)[0]


@pytest.fixture
def cc_client(server, confidential):
    return steps.ready_for(server, confidential, "client_credentials")


def cc_request(client, **extra):
    return client.token_request(steps.cc_params(client, **extra))


def _aud_names(server, client, token: str, resource: str) -> None:
    audience = resources.audience(server, client, token)
    if resource not in audience:
        fail(f"asked for a token for {resource}, got one for {audience}")


# RFC8707-2 SHOULD: the token is audience-restricted to the resource requested.
@check("rfc8707-2-client-credentials-aud-is-the-resource", "RFC8707-2", level="SHOULD")
def check_cc_audience(server, cc_client, resource_id):
    """A client credentials token asked with resource=R has R in its audience."""
    body = json_object(cc_request(cc_client, resource=resource_id)) or {}
    if "access_token" not in body:
        fail(f"no token for the resource {resource_id}: error={body.get('error')!r}")
    _aud_names(server, cc_client, body["access_token"], resource_id)


@check("rfc8707-2-code-flow-aud-is-the-resource", "RFC8707-2", level="SHOULD")
def check_code_audience(server, code_client, driver, resource_id):
    """resource=R in the authorization and the token request: the access token has R in its audience."""
    code, request = steps.obtain_code(code_client, driver, resource=resource_id)
    body = json_object(steps.redeem(code_client, code, request, resource=resource_id)) or {}
    if "access_token" not in body:
        fail(f"no token for the resource {resource_id}: error={body.get('error')!r}")
    _aud_names(server, code_client, body["access_token"], resource_id)


# RFC8707-2 MUST NOT: a fragment; MUST: an absolute URI. Such a request is malformed.
@check(
    "rfc8707-2-malformed-resource-refused-{variant}",
    "RFC8707-2",
    level="MUST",
    variants={"fragment": lambda uri: uri + "#fragment", "relative": lambda uri: urlsplit(uri).path or "/"},
)
def check_malformed(cc_client, resource_id, variant):
    """A resource with a fragment, or a relative one, gets no token ({variant})."""
    value = variant(resource_id)
    response = cc_request(cc_client, resource=value)
    no_token(response, f"resource={value} is not an absolute URI without a fragment")
    error(response, ("invalid_target", "invalid_request"))


@check("rfc8707-2-unknown-resource-is-invalid-target", "RFC8707-2", level="ADVICE")
def check_unknown(cc_client, resource_id):
    """A resource the server does not know is refused with invalid_target."""
    response = cc_request(cc_client, resource=UNKNOWN)
    if response.status_code == 200:
        fail(f"a token was issued for the unknown resource {UNKNOWN}: {describe(response)}")
    error(response, "invalid_target")
