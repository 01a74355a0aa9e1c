"""OAuth Client ID Metadata Document (draft-ietf-oauth-client-id-metadata-document): what it asks
of an authorization server that says `client_id_metadata_document_supported: true`.
https://datatracker.ietf.org/doc/html/draft-ietf-oauth-client-id-metadata-document

A client whose client_id is the URL of a JSON document describing it, served by the suite at the
target's `[server] client_id_documents_at` (`conformance/documents.py`). Covers: a valid document
makes a working public client (the code flow with PKCE, to the token); a document whose
`client_id` is not its own URL is refused (the draft: the server MUST compare them, simple string
comparison); a redirect URI the document does not list is never redirected to (redirect URIs come
from the document only; RFC 6749 §4.1.2.1). Skipped without the metadata's
`client_id_metadata_document_supported`; without `client_id_documents_at`, a gap of the run.
Leaves out the fetch limits (size, time, redirects, private addresses: the server's defences,
which a black-box suite on this machine cannot tell apart from a refusal) and caching.
"""

import pytest

from conformance import steps
from conformance.checks.rfc9700_redirect_uri import sent_to_bad_uri
from conformance.documents import DocumentHost
from conformance.expect import token
from conformance.fixes import REDIRECT_URI
from conformance.marks import check
from conformance.outcomes import fail, not_advertised, not_configured, target_line
from oauth_client.client import OAuthClient
from oauth_client.config import ClientConfig

ELSEWHERE = "http://127.0.0.1:8001/not-in-the-document"


@pytest.fixture(scope="module")
def documents(target, server):
    if (server.metadata or {}).get("client_id_metadata_document_supported") is not True:
        not_advertised("client_id_metadata_document_supported")
    if not target.server.client_id_documents_at:
        not_configured(
            "nowhere to serve client ID metadata documents from",
            target_line("server", client_id_documents_at="<a URL this machine serves and the server can fetch>"),
        )
    host = DocumentHost(target.server.client_id_documents_at)
    yield host
    host.close()


def document(url: str, **changes) -> dict:
    return {
        "client_id": url,
        "client_name": "oauth-conformance (client ID metadata document)",
        "redirect_uris": [REDIRECT_URI],
        "grant_types": ["authorization_code"],
        "response_types": ["code"],
        "token_endpoint_auth_method": "none",
        **changes,
    }


def document_client(documents, server, http, masker, name: str, **changes) -> OAuthClient:
    """A public client whose client_id is the URL of the document published as `name`."""
    url = documents.url_of(name)
    documents.publish(name, document(url, **changes))
    config = ClientConfig("public", url, None, "none", REDIRECT_URI, None, ("authorization_code",), "native")
    return OAuthClient(config, server.endpoints, http, on_token=masker.add)


@check("cimd-client-metadata-document-client-works", "CIMD-Client-Metadata-Document")
def check_works(documents, server, http, masker, driver):
    """A client known only by its document's URL runs the code flow with PKCE up to the token."""
    client = steps.ready_for(server, document_client(documents, server, http, masker, "client"), "authorization_code")
    request, landing = steps.authorize(client, driver)
    code = steps.returned(landing, request, "a code").get("code")
    if not code:
        fail(f"the client of a valid document got no code: error={landing.params.get('error')!r}")
    token(steps.redeem(client, code, request))


@check("cimd-client-metadata-document-client-id-mismatch-refused", "CIMD-Client-Metadata-Document")
def check_mismatch(documents, server, http, masker, driver):
    """A document claiming the client_id of another client's document gets no code and no redirect."""
    other = document_client(documents, server, http, masker, "client")  # the client it pretends to be
    client = document_client(documents, server, http, masker, "mismatch", client_id=other.config.client_id)
    request, landing = steps.authorize(client, driver)
    if landing.arrived_at(request.redirect_uri) or "code" in landing.params:
        fail("the server took a document whose client_id is not its URL: it redirected to the client")


@check("cimd-redirect-url-registration-unlisted-redirect-refused", "CIMD-Redirect-URL-Registration")
def check_unlisted_redirect(documents, server, http, masker, driver):
    """A redirect URI the document does not list is never redirected to."""
    client = document_client(documents, server, http, masker, "client")
    _, landing = steps.authorize(client, driver, redirect_uri=ELSEWHERE, watch=ELSEWHERE)
    reason = sent_to_bad_uri(landing, ELSEWHERE)
    if reason:
        fail(reason)
