"""The admin pages for clients that arrived unannounced (RFC 7591, metadata
documents) and for RFC 8707 resources: each client's origin is shown, any can
be paused or deleted, resources are listed, added and deleted."""

import json

from reference_as.admin.pages import client_path
from reference_as.clients import ORIGINS
from reference_as.policy.rfc6749_clients import GRANT_TYPES
from reference_as.policy.rfc7591_registration import read
from reference_as.store.records import METADATA_DOCUMENT, RFC7591
from spec_tests.admin.test_admin_pages import form_to
from spec_tests.registration import PUBLIC_APP, register

DOCUMENT_URL = "https://calendar.example/oauth/client.json"


def adopt(clients, settings):
    """A metadata document's client, as the authorization endpoint would make it."""
    document = {**PUBLIC_APP, "client_id": DOCUMENT_URL}
    return clients.adopt(DOCUMENT_URL, read(document, settings.registrable, GRANT_TYPES))


def test_the_client_list_shows_how_each_client_came_to_be(signed_in_admin, clients, settings, confidential):
    registered = register(signed_in_admin, PUBLIC_APP).json["client_id"]
    adopt(clients, settings)
    page = signed_in_admin.get("/admin/")
    for origin, client_id in (("admin", confidential[0].client_id), (RFC7591, registered), (METADATA_DOCUMENT, None)):
        assert f"origin-{origin}" in page.text and ORIGINS[origin] in page.text
        assert client_id is None or client_id in page.text
    assert DOCUMENT_URL in page.text


def test_a_document_client_is_paused_and_deleted_from_its_page_address(signed_in_admin, clients, settings, store):
    adopt(clients, settings)
    path = client_path(DOCUMENT_URL)
    assert "/" not in path.removeprefix("/admin/clients/")  # one path segment, whatever the URL holds
    assert DOCUMENT_URL in signed_in_admin.get(path).text
    form_to(signed_in_admin.get("/admin/"), path + "/pause").submit()
    assert store.get_client(DOCUMENT_URL).status == "paused"
    assert signed_in_admin.get(path + "/edit", expect_errors=True).status_int == 400  # its document decides
    form_to(signed_in_admin.get(path + "/delete"), path + "/delete").submit()
    assert store.get_client(DOCUMENT_URL) is None


def test_a_self_registered_client_is_paused_and_deleted_like_any(signed_in_admin, store):
    client_id = register(signed_in_admin, PUBLIC_APP).json["client_id"]
    form_to(signed_in_admin.get("/admin/"), f"/admin/clients/{client_id}/pause").submit()
    assert store.get_client(client_id).status == "paused"
    form_to(signed_in_admin.get(f"/admin/clients/{client_id}/delete"), f"/admin/clients/{client_id}/delete").submit()
    assert store.get_client(client_id) is None


def test_a_page_address_that_decodes_to_nothing_is_404(signed_in_admin):
    assert signed_in_admin.get("/admin/clients/!%%%", expect_errors=True).status_int == 404


def test_resources_are_listed_added_and_deleted(signed_in_admin, store, settings):
    page = signed_in_admin.get("/admin/resources")
    assert settings.sample_resource in page.text
    form = form_to(page, "/admin/resources")
    form["uri"] = "https://mcp.example/mcp"
    for field in form.fields["scopes"]:
        field.checked = field._value == "api:read"
    assert form.submit().status_int == 303
    assert [(r.uri, r.scopes) for r in store.list_resources()] == [("https://mcp.example/mcp", ("api:read",))]
    form_to(signed_in_admin.get("/admin/resources"), "/admin/resources/delete").submit()
    assert store.list_resources() == []


def test_a_resource_the_rules_refuse_is_shown_with_the_reason(signed_in_admin, store):
    form = form_to(signed_in_admin.get("/admin/resources"), "/admin/resources")
    form["uri"] = "https://mcp.example/mcp#fragment"
    page = form.submit(expect_errors=True)
    assert page.status_int == 400 and "fragment" in page.text and store.list_resources() == []


def test_metadata_kept_for_a_registered_client_is_json(signed_in_admin, store):
    client_id = register(signed_in_admin, PUBLIC_APP).json["client_id"]
    assert json.loads(store.get_client(client_id).metadata)["client_name"] == PUBLIC_APP["client_name"]
