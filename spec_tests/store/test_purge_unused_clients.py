"""The purge deletes clients that arrived unannounced (RFC 7591, metadata documents)
and were given no token for `unused_client_ttl`, and says which (both stores)."""

import logging

from reference_as.policy.rfc6749_clients import GRANT_TYPES
from reference_as.policy.rfc7591_registration import read
from reference_as.purge import purge
from spec_tests.registration import PUBLIC_APP

DOCUMENT_URL = "https://calendar.example/client.json"


def test_unused_unannounced_clients_are_deleted_and_named_in_the_log(store, settings, clock, clients, caplog):
    registration = read(PUBLIC_APP, settings.registrable, GRANT_TYPES)
    old, _, _ = clients.register(registration)
    used, _, _ = clients.register(registration)
    document = clients.adopt(
        DOCUMENT_URL, read({**PUBLIC_APP, "client_id": DOCUMENT_URL}, settings.registrable, GRANT_TYPES)
    )
    admin_made, _ = clients.create(
        name="Kept", client_type="confidential", grant_types=("client_credentials",), scopes=("api:read",)
    )
    clock.advance(settings.unused_client_ttl - 10)
    store.touch_client(used.client_id, clock.now(), every=0)  # given a token lately
    recent, _, _ = clients.register(registration)
    clock.advance(20)

    with caplog.at_level(logging.INFO, logger="reference_as.purge"):
        counts = purge(store, settings, clock)

    assert counts["unused_clients"] == 2
    remaining = {c.client_id for c in store.list_clients()}
    assert remaining == {used.client_id, recent.client_id, admin_made.client_id}
    logged = caplog.text
    assert old.client_id in logged and DOCUMENT_URL in logged and used.client_id not in logged
    assert document.client_id not in remaining
