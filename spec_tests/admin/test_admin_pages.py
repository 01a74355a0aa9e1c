"""The administration screens, in-process: access, CSRF, escaping, and each operation
going through the client service."""

import pytest

from spec_tests.helpers import basic, token_request

CC = {"grant_type": "client_credentials"}


@pytest.fixture
def admin(users):
    return users.create("root", "root password 1", is_admin=True)


def sign_in(web, username, password):
    form = web.get("/login").forms[0]
    form["username"], form["password"] = username, password
    assert form.submit().status_int == 303


@pytest.fixture
def signed_in_admin(web, admin):
    sign_in(web, "root", "root password 1")
    return web


def create_client(
    web, name="Billing", type_="confidential", grants=("client_credentials",), scopes=("api:read",), uris=""
):
    form = web.get("/admin/clients/new").forms[0]
    form["name"], form["type"], form["redirect_uris"] = name, type_, uris
    for field in form.fields["grant_types"]:
        field.checked = field._value in grants
    for field in form.fields["scopes"]:
        field.checked = field._value in scopes
    return form.submit(expect_errors=True)


def test_not_signed_in_goes_to_the_login_page_and_back(web, admin):
    response = web.get("/admin/clients/new")
    assert response.status_int == 303 and "next=%2Fadmin%2Fclients%2Fnew" in response.location


def test_a_user_without_the_admin_role_gets_403(web, alice):
    sign_in(web, "alice", alice[1])
    for path in ("/admin/", "/admin/keys", "/admin/clients/new"):
        response = web.get(path, expect_errors=True)
        assert response.status_int == 403 and "Only administrators" in response.text


def test_creating_shows_the_secret_once_and_it_works_at_the_token_endpoint(signed_in_admin, store):
    page = create_client(signed_in_admin)
    client_id, secret = page.html.find(id="client_id")["value"], page.html.find(id="client_secret")["value"]
    assert "will not be shown again" in page.text
    assert token_request(signed_in_admin, CC, basic(client_id, secret)).status_int == 200
    listing = signed_in_admin.get("/admin/")
    assert client_id in listing.text and secret not in listing.text
    edit = signed_in_admin.get(f"/admin/clients/{client_id}/edit")
    assert secret not in edit.text and "…" + secret[-4:] in edit.text


def test_the_pages_say_what_is_wrong_with_a_client(signed_in_admin, store):
    response = create_client(signed_in_admin, type_="public")  # public + client_credentials
    assert response.status_int == 400 and "public client cannot use client_credentials" in response.text
    response = create_client(signed_in_admin, grants=("authorization_code",))  # no redirect URI
    assert response.status_int == 400 and "redirect URIs" in response.text
    assert store.list_clients() == []


def test_pause_resume_edit_rotate_and_delete(signed_in_admin, store):
    page = create_client(signed_in_admin)
    client_id, secret = page.html.find(id="client_id")["value"], page.html.find(id="client_secret")["value"]
    listing = signed_in_admin.get("/admin/")
    listing.forms[0].submit()  # Pause
    assert store.get_client(client_id).status == "paused"
    assert "status-paused" in signed_in_admin.get("/admin/").text
    assert token_request(signed_in_admin, CC, basic(client_id, secret)).status_int == 400
    signed_in_admin.get("/admin/").forms[0].submit()  # Resume
    assert store.get_client(client_id).status == "active"

    edit = signed_in_admin.get(f"/admin/clients/{client_id}/edit").forms[0]
    for field in edit.fields["scopes"]:
        field.checked = field._value in ("api:read", "api:write")
    edit.submit()
    assert store.get_client(client_id).scopes == ("api:read", "api:write")

    confirm = signed_in_admin.get(f"/admin/clients/{client_id}/rotate-secret")
    assert "stops working at once" in confirm.text
    rotated = confirm.forms[0].submit()
    new_secret = rotated.html.find(id="client_secret")["value"]
    assert token_request(signed_in_admin, CC, basic(client_id, secret)).status_int == 401
    assert token_request(signed_in_admin, CC, basic(client_id, new_secret)).status_int == 200

    confirm = signed_in_admin.get(f"/admin/clients/{client_id}/delete")
    assert "Billing" in confirm.text
    confirm.forms[0].submit()
    assert store.get_client(client_id) is None


@pytest.mark.parametrize("csrf", [None, "forged-token"])
def test_a_post_without_the_right_csrf_token_changes_nothing(signed_in_admin, clients, store, csrf):
    client, _ = clients.create(
        name="x", client_type="confidential", grant_types=("client_credentials",), scopes=("api:read",)
    )
    fields = {"unrelated": "1"} if csrf is None else {"csrf_token": csrf}
    for action in ("pause", "delete", "rotate-secret"):
        response = signed_in_admin.post(f"/admin/clients/{client.client_id}/{action}", fields, expect_errors=True)
        assert response.status_int == 403
    response = signed_in_admin.post(
        "/admin/clients/new", {**fields, "name": "y", "type": "confidential"}, expect_errors=True
    )
    assert response.status_int == 403
    assert store.list_clients() == [client]


def test_state_changes_need_a_post(signed_in_admin, clients, store):
    client, _ = clients.create(
        name="x", client_type="confidential", grant_types=("client_credentials",), scopes=("api:read",)
    )
    assert signed_in_admin.get(f"/admin/clients/{client.client_id}/pause", expect_errors=True).status_int == 404
    assert store.get_client(client.client_id).status == "active"


def test_a_script_in_a_client_name_is_shown_escaped(signed_in_admin, clients):
    clients.create(
        name="<script>alert(1)</script>",
        client_type="confidential",
        grant_types=("client_credentials",),
        scopes=("api:read",),
    )
    listing = signed_in_admin.get("/admin/")
    assert "<script>alert(1)</script>" not in listing.text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in listing.text


def test_the_pages_send_the_protective_headers(signed_in_admin):
    headers = signed_in_admin.get("/admin/").headers
    assert (
        "unsafe-inline" not in headers["Content-Security-Policy"]
        and "frame-ancestors 'none'" in headers["Content-Security-Policy"]
    )
    assert (headers["X-Frame-Options"], headers["X-Content-Type-Options"], headers["Referrer-Policy"]) == (
        "DENY",
        "nosniff",
        "no-referrer",
    )


def test_the_keys_page_lists_and_rotates(signed_in_admin, store):
    [before] = store.signing_keys()
    page = signed_in_admin.get("/admin/keys")
    assert before.kid in page.text and "active" in page.text
    page.forms[0].submit()
    new, old = store.signing_keys()
    assert old == before and new.signs_from > new.created_at  # published first, signing later
    listed = signed_in_admin.get("/admin/keys").text
    assert new.kid in listed and "pending" in listed


def test_an_unknown_client_is_404(signed_in_admin):
    assert signed_in_admin.get("/admin/clients/nobody/edit", expect_errors=True).status_int == 404
