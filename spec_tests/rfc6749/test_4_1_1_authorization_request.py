"""RFC 6749 §3.1, §4.1.1, §4.1.2, §4.1.2.1: the authorization request, through the pages."""

from urllib.parse import parse_qsl, urlencode, urlsplit

import pytest

from spec_tests.helpers import redirect_params

ISSUER = "http://127.0.0.1:8000"


def assert_error_page(response):
    """RFC6749-4.1.2.1 MUST NOT redirect: an HTML page, no Location header."""
    assert response.status_int == 400
    assert "Location" not in response.headers
    assert response.content_type == "text/html"


@pytest.fixture
def signed_in(flow):
    flow.login()
    return flow


@pytest.mark.requirement("RFC6749-4.1.2.1")
def test_an_unknown_client_id_gets_an_error_page_not_a_redirect(signed_in, web_client):
    assert_error_page(signed_in.authorize(web_client, client_id="nobody"))


@pytest.mark.requirement("RFC6749-4.1.2.1")
def test_a_missing_client_id_gets_an_error_page(signed_in, web_client):
    assert_error_page(signed_in.authorize(web_client, client_id=None))


@pytest.mark.requirement("RFC6749-3.1.2.4")
def test_a_missing_redirect_uri_gets_an_error_page(signed_in, web_client):
    assert_error_page(signed_in.authorize(web_client, redirect_uri=None))


OPEN_REDIRECTS = [
    "https://evil.example/cb",  # other host
    "https://app.example:8443/cb",  # other port
    "https://app.example/cb/extra",  # added path
    "https://app.example/cb/../cb",  # dot segments
    "https://app.example/other/../cb",
    "https://evil.example@app.example/cb",  # userinfo
    "https://app.example@evil.example/cb",
    "https://app.example/cb#fragment",  # fragment
    "https://app.example/cb?extra=1",  # query added
    "https://APP.example/cb",  # case changes
    "HTTPS://app.example/cb",
    "https://app.example/CB",
    "https://app.example/cb/",  # trailing slash
    "https://app.example/cb%2F",
    "http://app.example/cb",  # scheme
    "//evil.example/cb",
    "https://app.example.evil.example/cb",
    "http://localhost:8001/callback",  # loopback by name is not a loopback IP
    "http://127.0.0.1:8001/callback/x",
]


@pytest.mark.requirement("RFC6749-3.1.2.4")
@pytest.mark.requirement("RFC6749-3.1.2.3")  # compared with the registered URI as strings, exactly
@pytest.mark.requirement("RFC9700-4.1.3")
@pytest.mark.parametrize("redirect_uri", OPEN_REDIRECTS)
def test_every_redirect_uri_that_is_not_registered_exactly_gets_the_error_page(signed_in, web_client, redirect_uri):
    assert_error_page(signed_in.authorize(web_client, redirect_uri=redirect_uri))


@pytest.mark.requirement("RFC6749-3.1.2.4")
def test_the_error_page_is_shown_before_sign_in_too(flow, web_client):
    assert_error_page(flow.authorize(web_client, redirect_uri="https://evil.example/cb"))


def test_a_repeated_parameter_gets_the_error_page(signed_in, web_client):
    query = urlencode(signed_in.params(web_client)) + "&client_id=" + web_client.client_id
    assert_error_page(signed_in.web.get("/oauth2/authorize?" + query, expect_errors=True))


@pytest.mark.requirement("RFC6749-4.1.2.1")
@pytest.mark.requirement("RFC6749-4.1.1")  # response_type is required and is "code"
@pytest.mark.parametrize(
    "overrides, error",
    [
        ({"response_type": None}, "invalid_request"),
        ({"response_type": "token"}, "unsupported_response_type"),
        ({"response_type": "code token"}, "unsupported_response_type"),
        ({"scope": "api:superuser"}, "invalid_scope"),
        ({"scope": "unknown"}, "invalid_scope"),
    ],
)
def test_other_errors_are_redirected_with_state_and_iss(signed_in, web_client, overrides, error):
    reply = redirect_params(signed_in.authorize(web_client, **overrides))
    assert reply["error"] == error
    assert reply["error_description"]
    assert reply["state"] == "xyz-state"
    assert reply["iss"] == ISSUER
    assert "code" not in reply


@pytest.mark.requirement("RFC6749-4.1.2.1")
def test_a_client_not_allowed_the_code_grant_is_redirected_unauthorized_client(signed_in, clients):
    client, _ = clients.create(
        name="x", client_type="confidential", grant_types=("client_credentials",), scopes=("api:read",),
        redirect_uris=("https://svc.example/cb",),
    )  # fmt: skip
    assert redirect_params(signed_in.authorize(client))["error"] == "unauthorized_client"


def test_a_paused_client_is_redirected_unauthorized_client(signed_in, web_client, clients):
    clients.pause(web_client.client_id)
    assert redirect_params(signed_in.authorize(web_client))["error"] == "unauthorized_client"


@pytest.mark.requirement("RFC6749-4.1.2.1")
def test_an_error_redirect_keeps_the_redirect_uris_own_query(signed_in, clients):
    client, _ = clients.create(
        name="q", client_type="confidential", grant_types=("authorization_code",), scopes=("api:read",),
        redirect_uris=("https://app.example/cb?tenant=7",),
    )  # fmt: skip
    response = signed_in.authorize(client, scope="unknown")
    query = dict(parse_qsl(urlsplit(response.location).query))
    assert response.location.startswith("https://app.example/cb?") and query["tenant"] == "7"


def test_not_signed_in_goes_to_the_login_page_and_back(flow, web_client):
    response = flow.authorize(web_client)
    assert response.status_int == 303
    target = dict(parse_qsl(urlsplit(response.location).query))["next"]
    assert target.startswith("/oauth2/authorize?")
    form = flow.web.get(response.location).forms[0]
    form["username"], form["password"] = flow.user.username, flow.password
    back = form.submit()
    assert back.status_int == 303 and back.location.endswith(target)
    assert "Allow" in flow.web.get(back.location).text


def test_the_consent_page_names_the_client_and_each_scope_in_plain_words(signed_in, web_client):
    page = signed_in.authorize(web_client, scope="api:read api:write")
    assert page.status_int == 200
    assert "Photo app" in page.text and web_client.client_id in page.text
    assert "Read your data" in page.text and "Create and change your data" in page.text
    form = page.forms[0]
    assert form["csrf_token"].value and form.method.upper() == "POST"


@pytest.mark.requirement("RFC9700-4.16")
def test_the_consent_page_cannot_be_framed(signed_in, web_client):
    page = signed_in.authorize(web_client)
    assert page.headers["X-Frame-Options"] == "DENY"
    assert "frame-ancestors 'none'" in page.headers["Content-Security-Policy"]
    assert page.headers["Cache-Control"] == "no-store"


@pytest.mark.requirement("RFC6749-4.1.2.1")
def test_deny_gives_access_denied_with_state_and_iss(signed_in, web_client):
    reply = redirect_params(signed_in.consent(signed_in.authorize(web_client), decision="deny"))
    assert (reply["error"], reply["state"], reply["iss"]) == ("access_denied", "xyz-state", ISSUER)


@pytest.mark.requirement("RFC6749-4.1.2")
def test_allow_redirects_with_code_unchanged_state_and_iss(signed_in, web_client):
    response = signed_in.consent(signed_in.authorize(web_client, state="a b/c?d=é"))
    reply = redirect_params(response)
    assert response.location.startswith("https://app.example/cb?")
    assert reply["state"] == "a b/c?d=é" and reply["iss"] == ISSUER
    assert len(reply["code"]) >= 43


@pytest.mark.requirement("RFC6749-10.12")
@pytest.mark.parametrize("csrf", [None, "forged"])
def test_a_consent_post_without_the_right_csrf_token_changes_nothing(signed_in, web_client, csrf, store):
    form = signed_in.authorize(web_client).forms[0]
    fields = {
        name: found[0].value
        for name, found in form.fields.items()
        if name not in ("decision", "remember", "csrf_token")
    }
    if csrf:
        fields["csrf_token"] = csrf
    response = signed_in.web.post("/oauth2/authorize", {**fields, "decision": "allow"}, expect_errors=True)
    assert response.status_int == 403
    assert "Location" not in response.headers


def test_a_remembered_consent_is_not_asked_again_until_revoked(signed_in, web_client):
    first = signed_in.consent(signed_in.authorize(web_client), remember=True)
    assert "code" in redirect_params(first)
    assert "code" in redirect_params(signed_in.authorize(web_client))  # straight back, no page
    account = signed_in.web.get("/account")
    assert "Photo app" in account.text
    account.forms[0].submit()  # Revoke
    assert signed_in.authorize(web_client).status_int == 200  # the consent page again


def test_a_remembered_consent_covers_fewer_scopes_but_not_more(signed_in, web_client):
    signed_in.consent(signed_in.authorize(web_client, scope="api:read"), remember=True)
    assert signed_in.authorize(web_client, scope="api:read api:write").status_int == 200


@pytest.mark.requirement("RFC6749-3.1")
def test_the_authorization_request_may_be_posted(signed_in, web_client):
    response = signed_in.web.post("/oauth2/authorize", signed_in.params(web_client))
    assert response.status_int == 200 and "Allow" in response.text


def test_the_seed_route_style_reaches_the_authorization_endpoint(signed_in, web_client):
    query = urlencode(signed_in.params(web_client))
    response = signed_in.web.get("/index.php?module=OAuth2&action=authorize&" + query)
    assert response.status_int == 200 and "Allow" in response.text
