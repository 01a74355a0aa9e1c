"""RFC 9449 §5.2 in the admin pages: the client form's "requires DPoP" checkbox sets and
clears `dpop_bound_access_tokens`."""

import pytest

from spec_tests.admin.test_admin_pages import form_to, post_new_client


@pytest.mark.requirement("RFC9449-5.2")
def test_the_client_form_sets_and_clears_requires_dpop(signed_in_admin, store):
    web = signed_in_admin
    form = form_to(web.get("/admin/clients/new"), "/admin/clients/new")
    assert not form.fields["dpop_bound_access_tokens"][0].checked
    post_new_client(web)
    client = store.list_clients()[0]
    assert client.dpop_bound_access_tokens is False
    path = f"/admin/clients/{client.client_id}/edit"
    form = form_to(web.get(path), path)
    form["dpop_bound_access_tokens"].checked = True
    assert form.submit().status_int == 303
    assert store.get_client(client.client_id).dpop_bound_access_tokens is True
    form = form_to(web.get(path), path)
    assert form.fields["dpop_bound_access_tokens"][0].checked
    form["dpop_bound_access_tokens"].checked = False
    form.submit()
    assert store.get_client(client.client_id).dpop_bound_access_tokens is False
