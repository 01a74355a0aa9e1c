"""Clients named by the URL of their metadata document (Client ID Metadata Document draft).

At the authorization endpoint a `client_id` that is an https URL is resolved
here before anything else looks at it: its document is fetched (`outbound.py`:
https, no redirects, small, quick, no special-use targets, cached within
bounds), read by `policy/client_id_metadata_document.py`, and the client is
saved by the client service like any other (origin `metadata_document`), so
that codes, grants, tokens, the admin pages, pausing and deleting work the
same for it. The row is written only when the document says something new.
A document that cannot be fetched or used aborts the request (§ Metadata
Discovery Errors: the authorization server SHOULD abort), and is not kept.
"""

import json

from .clients import ClientService
from .config import Settings
from .outbound import Fetcher, FetchFailed
from .policy import client_id_metadata_document as cimd
from .policy.rfc6749_clients import GRANT_TYPES, InvalidClientSettings
from .policy.rfc7591_registration import InvalidMetadata
from .store.records import Client


class UnusableDocument(Exception):
    """The client's document could not be fetched or used; the message says why."""


class MetadataDocuments:
    def __init__(self, clients: ClientService, fetcher: Fetcher, settings: Settings):
        self.clients = clients
        self.fetcher = fetcher
        self.settings = settings

    def applies_to(self, client_id: str | None) -> bool:
        return bool(client_id) and self.settings.metadata_documents and cimd.is_document_url(client_id)

    def resolve(self, url: str) -> Client:
        """The client of the document at `url`, saved and up to date."""
        try:
            cimd.check_url(url, self.settings.outbound_allow_loopback_http)
            registration = self.fetcher.get(url, lambda document: self._read(url, document))
            client = self.clients.store.get_client(url)
            if client is not None and client.metadata == json.dumps(registration.metadata):
                return client
            return self.clients.adopt(url, registration)
        except (FetchFailed, InvalidMetadata, InvalidClientSettings) as error:
            raise UnusableDocument(f"The application's metadata document ({url}) cannot be used: {error}") from None

    def _read(self, url: str, document: dict):
        registration = cimd.read_document(url, document, self.settings.registrable, GRANT_TYPES)
        # Saved by the same rules as every client before the document may be cached.
        self.clients.check(registration)
        return registration
