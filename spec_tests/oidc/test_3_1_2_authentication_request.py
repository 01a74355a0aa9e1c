"""OpenID Connect Core 1.0 §3.1.2.1-3.1.2.6: the authentication request at the authorization endpoint."""

from urllib.parse import parse_qsl, urlsplit

import pytest

from spec_tests.helpers import redirect_params

from .conftest import authorize, id_token_claims, redirected_error, signed_in_code

ISSUER = "http://127.0.0.1:8000"


def to_login(response) -> dict:
    """The redirect to the sign-in page: its query (next, username)."""
    assert response.status_int == 303 and urlsplit(response.location).path == "/login", response.location
    return dict(parse_qsl(urlsplit(response.location).query))


@pytest.mark.requirement("OIDC-3.1.2.6")
def test_prompt_none_without_a_session_is_login_required_redirected_with_state_and_iss(flow, rp):
    reply = redirect_params(authorize(flow, rp, prompt="none"))
    assert reply["error"] == "login_required"
    assert reply["state"] == "xyz-state" and reply["iss"] == ISSUER
    assert "code" not in reply


@pytest.mark.requirement("OIDC-3.1.2.6")
def test_prompt_none_signed_in_without_consent_is_consent_required(flow, rp):
    flow.login()
    assert redirected_error(authorize(flow, rp, prompt="none")) == "consent_required"


@pytest.mark.requirement("OIDC-3.1.2.1")
def test_prompt_none_with_a_remembered_consent_gives_a_code_without_a_page(flow, rp):
    flow.login()
    flow.consent(authorize(flow, rp), remember=True)
    reply = redirect_params(authorize(flow, rp, prompt="none"))
    assert reply["code"] and reply["state"] == "xyz-state"


@pytest.mark.requirement("OIDC-3.1.2.1")
def test_prompt_consent_asks_although_the_decision_was_remembered(flow, rp):
    flow.login()
    flow.consent(authorize(flow, rp), remember=True)
    page = authorize(flow, rp, prompt="consent")
    assert page.status_int == 200 and page.forms[0].action == "/oauth2/authorize"


@pytest.mark.requirement("OIDC-3.1.2.1")
@pytest.mark.parametrize(
    "overrides",
    [
        {"prompt": "sometimes"},  # not a prompt value
        {"prompt": "none login"},  # none with another value
        {"prompt": "login  consent"},  # not single spaces
        {"max_age": "soon"},
        {"max_age": "-5"},
        {"max_age": "1.5"},
        {"nonce": "n" * 10_000},
    ],
)
def test_malformed_openid_parameters_are_invalid_request_redirected(flow, rp, overrides):
    flow.login()
    reply = redirect_params(authorize(flow, rp, **overrides))
    assert reply["error"] == "invalid_request" and reply["error_description"]
    assert reply["state"] == "xyz-state"


@pytest.mark.requirement("OIDC-3.1.2.6")
@pytest.mark.parametrize(
    "name, error",
    [
        ("request", "request_not_supported"),
        # A request_uri names a pushed request (RFC 9126 §4): spec_tests/rfc9126/test_4_authorization_request.py
        ("registration", "registration_not_supported"),
    ],
)
def test_request_objects_and_registration_are_refused_with_their_own_code(flow, rp, name, error):
    flow.login()
    assert redirected_error(authorize(flow, rp, **{name: "eyJhbGciOiJub25lIn0.e30."})) == error


@pytest.mark.requirement("RFC9700-2.1.2")
@pytest.mark.parametrize("response_type", ["id_token", "code id_token", "id_token token", "code token"])
def test_only_the_code_flow_is_served(flow, rp, response_type):
    flow.login()
    assert redirected_error(authorize(flow, rp, response_type=response_type)) == "unsupported_response_type"


@pytest.mark.requirement("OIDC-3.1.2.3")
def test_prompt_login_sends_a_signed_in_user_to_sign_in_again(flow, rp, clock, web, rp_secret, settings):
    flow.login()
    clock.advance(100)
    back = to_login(authorize(flow, rp, prompt="login consent"))
    # After the fresh sign-in the request goes on without `login` (it is satisfied), keeping the rest.
    query = dict(parse_qsl(urlsplit(back["next"]).query))
    assert query["prompt"] == "consent" and query["state"] == "xyz-state"
    signed_in_at = clock.now()
    flow.login()
    code = redirect_params(flow.consent(web.get(back["next"])))["code"]
    token = flow.exchange(rp, code, rp_secret).json["id_token"]
    assert id_token_claims(web, token, rp.client_id, settings)["auth_time"] == signed_in_at


@pytest.mark.requirement("OIDC-3.1.2.1")
def test_prompt_none_with_prompt_login_style_staleness_is_login_required(flow, rp, clock):
    flow.login()
    flow.consent(authorize(flow, rp), remember=True)
    clock.advance(61)
    assert redirected_error(authorize(flow, rp, prompt="none", max_age="60")) == "login_required"


@pytest.mark.requirement("OIDC-3.1.2.1")
def test_a_sign_in_older_than_max_age_is_asked_again_and_a_fresh_one_is_not(flow, rp, clock):
    flow.login()
    clock.advance(30)
    assert authorize(flow, rp, max_age="60").status_int == 200  # 30 s old: the consent page
    clock.advance(31)
    back = to_login(authorize(flow, rp, max_age="60"))
    assert "max_age" not in dict(parse_qsl(urlsplit(back["next"]).query))


@pytest.mark.requirement("OIDC-3.1.2.1")
def test_login_hint_fills_in_the_username_on_the_sign_in_page(flow, rp, web):
    back = to_login(authorize(flow, rp, login_hint="alice"))
    assert back["username"] == "alice"
    page = web.get("/login?" + urlsplit(authorize(flow, rp, login_hint="alice").location).query)
    assert page.forms[0]["username"].value == "alice"


@pytest.fixture
def id_token(flow, rp, rp_secret, web):
    return flow.exchange(rp, signed_in_code(flow, rp), rp_secret).json["id_token"]


@pytest.mark.requirement("OIDC-3.1.2.1")
def test_an_id_token_hint_of_the_signed_in_user_gives_a_code_even_when_expired(flow, rp, id_token, clock, settings):
    clock.advance(settings.id_token_ttl + 60)
    flow.login()  # the session outlives nothing here: sign in again, as the same user
    flow.consent(authorize(flow, rp), remember=True)
    assert redirect_params(authorize(flow, rp, prompt="none", id_token_hint=id_token))["code"]


@pytest.mark.requirement("OIDC-3.1.2.1")
def test_an_id_token_hint_of_another_user_is_login_required_with_prompt_none(flow, rp, id_token, users, web):
    _, password = users.create("bob", "another long password")
    form = web.get("/login").forms[0]
    form["username"], form["password"] = "bob", password
    form.submit()
    assert redirected_error(authorize(flow, rp, prompt="none", id_token_hint=id_token)) == "login_required"
    # Interactive: to the sign-in page, the hinted user's name filled in.
    assert to_login(authorize(flow, rp, id_token_hint=id_token))["username"] == "alice"


@pytest.mark.requirement("OIDC-3.1.2.1")
@pytest.mark.parametrize("hint", ["not-a-jwt", "e30.e30.", "eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0."])
def test_an_id_token_hint_that_is_not_ours_is_invalid_request(flow, rp, hint):
    flow.login()
    assert redirected_error(authorize(flow, rp, id_token_hint=hint)) == "invalid_request"


@pytest.mark.requirement("OIDC-3.1.2.1")
def test_an_access_token_or_another_clients_id_token_is_no_hint(flow, rp, rp_secret, clients, id_token):
    other, _ = clients.create(
        name="Other", client_type="confidential", grant_types=("authorization_code",), scopes=("openid",),
        redirect_uris=("https://other.example/cb",),
    )  # fmt: skip
    assert redirected_error(authorize(flow, other, id_token_hint=id_token)) == "invalid_request"
    access_token = flow.exchange(rp, signed_in_code(flow, rp), rp_secret).json["access_token"]
    assert redirected_error(authorize(flow, rp, id_token_hint=access_token)) == "invalid_request"


def test_without_openid_the_openid_parameters_are_not_acted_on(flow, web_client):
    """A plain OAuth request keeps its behaviour: prompt=none is not an OIDC request here."""
    flow.login()
    page = flow.authorize(web_client, prompt="none", max_age="zero")
    assert page.status_int == 200  # the consent page, as before
