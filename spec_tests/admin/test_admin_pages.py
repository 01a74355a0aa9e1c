"""The administration screens, in-process: access, CSRF, escaping, and each operation
going through the client service."""

import pytest
from webtest import TestApp

from reference_as.shown_once import SHOWN_FOR
from reference_as.store import SQLiteStore
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


def form_to(page, action: str):
    """The page's one form that posts to `action` (every admin page also has the sign-out form)."""
    (form,) = [form for key, form in page.forms.items() if isinstance(key, int) and form.action == action]
    return form


def post_new_client(
    web, name="Billing", type_="confidential", grants=("client_credentials",), scopes=("api:read",), uris=""
):
    """The new-client form, filled in and posted: the answer to the post itself."""
    form = form_to(web.get("/admin/clients/new"), "/admin/clients/new")
    form["name"], form["type"], form["redirect_uris"] = name, type_, uris
    for field in form.fields["grant_types"]:
        field.checked = field._value in grants
    for field in form.fields["scopes"]:
        field.checked = field._value in scopes
    return form.submit(expect_errors=True)


def create_client(web, **fields):
    """Post the new-client form and follow its redirect (if it made one): the page the browser shows."""
    response = post_new_client(web, **fields)
    return response.follow() if response.status_int == 303 else response


def shown_secret(page) -> str | None:
    field = page.html.find(id="client_secret")
    return field["value"] if field else None


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
    form_to(listing, f"/admin/clients/{client_id}/pause").submit()
    assert store.get_client(client_id).status == "paused"
    assert "status-paused" in signed_in_admin.get("/admin/").text
    assert token_request(signed_in_admin, CC, basic(client_id, secret)).status_int == 400
    form_to(signed_in_admin.get("/admin/"), f"/admin/clients/{client_id}/resume").submit()
    assert store.get_client(client_id).status == "active"

    edit = form_to(signed_in_admin.get(f"/admin/clients/{client_id}/edit"), f"/admin/clients/{client_id}/edit")
    for field in edit.fields["scopes"]:
        field.checked = field._value in ("api:read", "api:write")
    edit.submit()
    assert store.get_client(client_id).scopes == ("api:read", "api:write")

    confirm = signed_in_admin.get(f"/admin/clients/{client_id}/rotate-secret")
    assert "stops working at once" in confirm.text
    rotated = form_to(confirm, f"/admin/clients/{client_id}/rotate-secret").submit().follow()
    new_secret = shown_secret(rotated)
    assert token_request(signed_in_admin, CC, basic(client_id, secret)).status_int == 401
    assert token_request(signed_in_admin, CC, basic(client_id, new_secret)).status_int == 200

    confirm = signed_in_admin.get(f"/admin/clients/{client_id}/delete")
    assert "Billing" in confirm.text
    form_to(confirm, f"/admin/clients/{client_id}/delete").submit()
    assert store.get_client(client_id) is None


def test_the_post_that_creates_a_client_redirects_to_its_page_and_a_reload_makes_no_second_one(signed_in_admin, store):
    posted = post_new_client(signed_in_admin)
    client_id = store.list_clients()[0].client_id
    assert posted.status_int == 303 and posted.location.endswith(f"/admin/clients/{client_id}")
    shown = posted.follow()
    secret = shown_secret(shown)
    assert secret and "will not be shown again" in shown.text and secret not in posted.location
    assert token_request(signed_in_admin, CC, basic(client_id, secret)).status_int == 200

    reloaded = signed_in_admin.get(f"/admin/clients/{client_id}")
    assert [c.client_id for c in store.list_clients()] == [client_id]
    assert shown_secret(reloaded) is None and secret not in reloaded.text
    assert "…" + secret[-4:] in reloaded.text  # masked


def test_a_rotated_secret_is_shown_once_after_the_redirect_and_masked_on_reload(signed_in_admin, store):
    client_id = create_client(signed_in_admin).html.find(id="client_id")["value"]
    confirm = signed_in_admin.get(f"/admin/clients/{client_id}/rotate-secret")
    posted = form_to(confirm, f"/admin/clients/{client_id}/rotate-secret").submit()
    assert posted.status_int == 303 and posted.location.endswith(f"/admin/clients/{client_id}")
    secret = shown_secret(posted.follow())
    assert secret and store.get_client(client_id).secret_hint == secret[-4:]
    reloaded = signed_in_admin.get(f"/admin/clients/{client_id}")
    assert shown_secret(reloaded) is None and secret not in reloaded.text
    assert store.get_client(client_id).secret_hint == secret[-4:]  # the reload rotated nothing


def test_a_public_clients_page_says_created_once_and_has_no_secret(signed_in_admin, store):
    shown = create_client(
        signed_in_admin, type_="public", grants=("authorization_code",), uris="http://127.0.0.1:8001/callback"
    )
    client_id = shown.html.find(id="client_id")["value"]
    assert shown.html.h1.text == "Client created: Billing" and shown_secret(shown) is None
    assert signed_in_admin.get(f"/admin/clients/{client_id}").html.h1.text == "Billing"


def test_another_session_of_the_same_admin_never_sees_the_secret(signed_in_admin, app, store):
    other = TestApp(app)
    sign_in(other, "root", "root password 1")
    posted = post_new_client(signed_in_admin)
    client_page = posted.location
    assert shown_secret(other.get(client_page)) is None  # the other session's slot is empty
    assert shown_secret(posted.follow())  # this session's was not touched


def test_the_secret_is_sealed_in_the_database_between_the_post_and_the_page(signed_in_admin, store, tmp_path):
    posted = post_new_client(signed_in_admin)
    on_disk = b"".join(path.read_bytes() for path in tmp_path.glob("store.sqlite3*"))
    secret = shown_secret(posted.follow())
    assert secret and secret.encode() not in on_disk
    if isinstance(store, SQLiteStore):
        assert on_disk and store.list_clients()[0].client_id.encode() in on_disk


def test_a_secret_page_opened_long_after_the_post_shows_it_masked(signed_in_admin, clock):
    posted = post_new_client(signed_in_admin)
    clock.advance(SHOWN_FOR + 1)
    assert shown_secret(posted.follow()) is None


def test_every_admin_page_has_a_sign_out_button_that_signs_out(signed_in_admin, clients):
    client, _ = clients.create(
        name="x", client_type="confidential", grant_types=("client_credentials",), scopes=("api:read",)
    )
    pages = ["/admin/", "/admin/clients/new", "/admin/keys", "/admin/keys/rotate"]
    pages += [f"/admin/clients/{client.client_id}{tail}" for tail in ("", "/edit", "/delete", "/rotate-secret")]
    for path in pages:
        sign_out = form_to(signed_in_admin.get(path), "/logout")
        assert sign_out.method.upper() == "POST" and sign_out["csrf_token"], path
    assert sign_out.submit().location.endswith("/login")
    assert "/login?next=" in signed_in_admin.get("/admin/").location


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


def test_the_keys_page_lists_and_rotates_after_a_confirmation(signed_in_admin, store):
    [before] = store.signing_keys()
    page = signed_in_admin.get("/admin/keys")
    assert before.kid in page.text and "active" in page.text
    assert "/admin/keys/rotate" not in [form.action for form in page.forms.values()]  # no button rotates at once
    confirm = page.click(href="/admin/keys/rotate")
    assert store.signing_keys() == [before]  # asking changed nothing
    assert "Rotate the signing key?" in confirm.text and confirm.html.find("a", href="/admin/keys")
    assert form_to(confirm, "/admin/keys/rotate").submit().location.endswith("/admin/keys")
    new, old = store.signing_keys()
    assert old == before and new.signs_from > new.created_at  # published first, signing later
    listed = signed_in_admin.get("/admin/keys").text
    assert new.kid in listed and "pending" in listed


def test_rotating_the_secret_of_a_public_client_is_a_400_page_not_a_500(signed_in_admin, clients, store):
    client, _ = clients.create(
        name="p", client_type="public", grant_types=("authorization_code",), scopes=("api:read",),
        redirect_uris=("http://127.0.0.1:8001/callback",),
    )  # fmt: skip
    confirm = signed_in_admin.get(f"/admin/clients/{client.client_id}/rotate-secret")
    response = form_to(confirm, f"/admin/clients/{client.client_id}/rotate-secret").submit(expect_errors=True)
    assert response.status_int == 400 and response.content_type == "text/html"
    assert store.get_client(client.client_id) == client


def test_an_unknown_client_is_404(signed_in_admin):
    assert signed_in_admin.get("/admin/clients/nobody/edit", expect_errors=True).status_int == 404
