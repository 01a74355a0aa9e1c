"""RFC 7592, OAuth 2.0 Dynamic Client Registration Management Protocol.
https://www.rfc-editor.org/rfc/rfc7592

Covers the client configuration endpoint a registration names
(`registration_client_uri`, with its `registration_access_token`, §3): read
(§2.1), update (§2.2, a full replacement), delete (§2.3), and the 401 for a
request without the token or with another (§2). Skipped when the
registration response names no `registration_client_uri` (the server offers
RFC 7591 without management; RFC 7592 is optional). A new registration
access token in a read or update answer is used from then on (§3 allows
it). Leaves out the 403 for a client not allowed to change itself: the
suite cannot make a client that the server would forbid.
"""

import pytest

from conformance import registration
from conformance.expect import describe, error, json_object
from conformance.marks import check
from conformance.outcomes import fail, not_advertised
from conformance.registration import Registrar

NEVER_ISSUED = "conformance-never-issued-registration-token-0000"


@pytest.fixture
def registrar(server, http, masker):
    registration.endpoint(server)
    made = Registrar(server, http, masker)
    yield made
    made.close()


@pytest.fixture
def registered(registrar) -> dict:
    """A confidential client registered for this check: its client information as last returned."""
    registrar.register(registration.confidential_client())
    return registrar.made[-1]


@pytest.fixture
def managed(registered) -> dict:
    if "registration_client_uri" not in registered:
        not_advertised("the registration response has no registration_client_uri (no RFC 7592 management)")
    return registered


# RFC7592-3: registration_client_uri and registration_access_token are both REQUIRED in the response.
@check("rfc7592-3-management-uri-comes-with-its-token", "RFC7592-3")
def check_fields_together(registered):
    """A registration response naming a registration_client_uri also gives a registration_access_token."""
    uri, token = registered.get("registration_client_uri"), registered.get("registration_access_token")
    if uri is None and token is None:
        not_advertised("the registration response has neither field (no RFC 7592 management)")
    if not isinstance(uri, str) or not uri:
        fail("registration_access_token is given without a registration_client_uri")
    if not isinstance(token, str) or not token:
        fail("registration_client_uri is given without a registration_access_token")


# RFC7592-2.1: "the authorization server responds with an HTTP 200 OK" and the client information.
@check("rfc7592-2.1-read-returns-the-registration", "RFC7592-2.1")
def check_read(registrar, managed):
    """A GET of registration_client_uri with the token answers 200 with the client_id registered."""
    response = registrar.manage("GET", managed)
    body = json_object(response)
    if response.status_code != 200 or body is None:
        fail(f"reading the registration was answered {describe(response)}")
    if body.get("client_id") != managed["client_id"]:
        fail(f"the registration read names client_id {body.get('client_id')!r}, not {managed['client_id']!r}")


# RFC7592-2 MUST: "If the registration access token used to make this request is not valid, the server
# MUST respond with an error as described in [RFC6750]", which for a request without one is a 401.
@check("rfc7592-2-read-without-token-is-401", "RFC7592-2")
def check_no_token(registrar, managed):
    """Reading the registration without the registration access token is refused: 401 with a Bearer challenge."""
    response = registrar.manage("GET", managed, token=None)
    if response.status_code != 401:
        fail(f"reading the registration without a token was answered {describe(response)}, not 401")
    if not response.headers.get("WWW-Authenticate", "").lower().startswith("bearer"):
        fail(f"the 401 challenges with {response.headers.get('WWW-Authenticate')!r}, not Bearer (RFC 6750 §3)")


@check("rfc7592-2-read-with-wrong-token-is-invalid-token", "RFC7592-2")
def check_wrong_token(registrar, managed):
    """Reading the registration with a token the server never issued: 401 error=invalid_token."""
    error(registrar.manage("GET", managed, token=NEVER_ISSUED), "invalid_token", 401)


# RFC7592-2.2: the update replaces the registration; "the authorization server responds with an HTTP
# 200 OK" and the client information as it now is.
@check("rfc7592-2.2-update-replaces-the-registration", "RFC7592-2.2")
def check_update(registrar, managed):
    """A PUT with a new client_name answers 200 with it, and a read afterwards shows it."""
    name = "oauth-conformance renamed"
    response = registrar.manage("PUT", managed, json=registration.update_of(managed, client_name=name))
    body = json_object(response)
    if response.status_code != 200 or body is None:
        fail(f"the update was answered {describe(response)}")
    if body.get("client_name") != name:
        fail(f"the update answered client_name {body.get('client_name')!r}, not {name!r}")
    read = json_object(registrar.manage("GET", managed)) or {}
    if read.get("client_name") != name:
        fail(f"after the update a read shows client_name {read.get('client_name')!r}, not {name!r}")


# RFC7592-2.3: "If a client has been successfully deprovisioned, the authorization server MUST respond
# with an HTTP 204 No Content"; after it, the client does not exist, so a read "MUST" be a 401.
# A server that does not support deletion "MUST respond with HTTP 405 Not Supported".
@check("rfc7592-2.3-delete-ends-the-registration", "RFC7592-2.3")
def check_delete(registrar, managed):
    """A DELETE answers 204, and the registration cannot be read afterwards (401)."""
    response = registrar.manage("DELETE", managed)
    if response.status_code == 405:
        not_advertised("the client configuration endpoint does not support DELETE (405)")
    if response.status_code != 204:
        fail(f"the delete was answered {describe(response)}, not 204")
    after = registrar.manage("GET", managed)
    if after.status_code != 401:
        fail(f"the deleted registration was still read: {describe(after)}")
