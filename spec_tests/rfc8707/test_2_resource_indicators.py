"""RFC 8707 §2: a client names the resource its token is for, at the authorization
and the token endpoint; the token's `aud` is what it named, and nothing else."""

import jwt
import pytest

from reference_as.resources import Resources
from spec_tests.helpers import basic, call_api, introspect, redirect_params, refresh, token_request

MCP = "https://mcp.example/mcp"
DOCS = "https://docs.example/api"  # accepts api:read only


@pytest.fixture
def resources(store, settings, clock):
    registry = Resources(store, settings, clock)
    registry.add(MCP, ("api:read", "api:write"))
    registry.add(DOCS, ("api:read",))
    return registry


def audience(token_response) -> str | list[str]:
    return jwt.decode(token_response.json["access_token"], options={"verify_signature": False})["aud"]


def code_grant(flow, client, secret, authorized, **token_params):
    """The code flow for the resources `authorized`; `token_params` go in the token request."""
    code = flow.code(client, resource=authorized)
    return flow.exchange(client, code, secret, **token_params)


@pytest.mark.requirement("RFC8707-2")
def test_a_token_asked_for_a_resource_has_it_as_its_audience(flow, web_client, web_secret, resources):
    response = code_grant(flow, web_client, web_secret, MCP)
    assert response.status_int == 200 and audience(response) == MCP


@pytest.mark.requirement("RFC8707-2")
def test_a_token_asked_for_two_resources_has_both(flow, web_client, web_secret, resources):
    assert audience(code_grant(flow, web_client, web_secret, [MCP, DOCS])) == [MCP, DOCS]


def test_a_request_naming_no_resource_gets_the_default_audience(flow, web_client, web_secret, resources, settings):
    assert audience(code_grant(flow, web_client, web_secret, None)) == settings.resource_audience


@pytest.mark.requirement("RFC8707-2")
@pytest.mark.parametrize(
    "resource",
    ["https://unknown.example/api", MCP + "#fragment", "relative/path", "https://mcp.example/mcp extra"],
)
def test_an_unknown_or_malformed_resource_is_invalid_target_redirected(flow, web_client, resources, resource):
    flow.login()
    params = redirect_params(flow.authorize(web_client, resource=resource))
    assert params["error"] == "invalid_target" and params["state"] == "xyz-state"


def test_a_scope_the_resource_does_not_accept_is_invalid_scope(flow, web_client, resources):
    flow.login()
    params = redirect_params(flow.authorize(web_client, resource=DOCS, scope="api:write"))
    assert params["error"] == "invalid_scope"


def test_the_consent_page_names_the_resources(flow, web_client, resources):
    flow.login()
    page = flow.authorize(web_client, resource=[MCP, DOCS])
    assert page.status_int == 200 and MCP in page.text and DOCS in page.text


@pytest.mark.requirement("RFC8707-2.2")
def test_the_code_may_be_redeemed_for_fewer_resources_never_others(flow, web_client, web_secret, resources):
    narrowed = code_grant(flow, web_client, web_secret, [MCP, DOCS], resource=DOCS)
    assert narrowed.status_int == 200 and audience(narrowed) == DOCS
    widened = code_grant(flow, web_client, web_secret, MCP, resource=DOCS)
    assert widened.status_int == 400 and widened.json["error"] == "invalid_target"


@pytest.mark.requirement("RFC8707-2.2")
def test_a_refresh_may_narrow_the_resources_never_widen_them(flow, web, web_client, web_secret, resources, store):
    first = code_grant(flow, web_client, web_secret, [MCP, DOCS]).json
    narrowed = refresh(web, web_client, first["refresh_token"], web_secret, resource=MCP)
    assert narrowed.status_int == 200 and audience(narrowed) == MCP
    # The grant keeps what the user approved: the next refresh may have both again.
    again = refresh(web, web_client, narrowed.json["refresh_token"], web_secret)
    assert audience(again) == [MCP, DOCS]
    widened = refresh(web, web_client, again.json["refresh_token"], web_secret, resource="https://other.example/")
    assert widened.status_int == 400 and widened.json["error"] == "invalid_target"


def test_the_grant_record_keeps_its_resources(flow, web_client, web_secret, resources, store):
    from reference_as.policy import secrets

    tokens = code_grant(flow, web_client, web_secret, [MCP, DOCS]).json
    _, grant = store.get_refresh_token(secrets.hash_secret(tokens["refresh_token"]))
    assert grant.resources == (MCP, DOCS)


@pytest.mark.requirement("RFC8707-2")
def test_client_credentials_take_a_resource_too(web, confidential, resources):
    client, secret = confidential
    params = {"grant_type": "client_credentials", "resource": MCP}
    assert audience(token_request(web, params, basic(client.client_id, secret))) == MCP
    unknown = token_request(web, {**params, "resource": "https://x.example/"}, basic(client.client_id, secret))
    assert unknown.status_int == 400 and unknown.json["error"] == "invalid_target"


def test_a_token_for_another_resource_is_refused_by_api_me_and_active_at_introspection(web, confidential, resources):
    client, secret = confidential
    params = {"grant_type": "client_credentials", "resource": MCP}
    token = token_request(web, params, basic(client.client_id, secret)).json["access_token"]
    assert call_api(web, token).status_int == 401  # /api/me is not its audience
    assert introspect(web, client, secret, token).json["aud"] == MCP  # the resource server's question is answered


def test_a_registered_resource_can_be_deleted_and_its_tokens_stop_introspecting(web, confidential, resources):
    client, secret = confidential
    params = {"grant_type": "client_credentials", "resource": DOCS}
    token = token_request(web, params, basic(client.client_id, secret)).json["access_token"]
    resources.delete(DOCS)
    assert introspect(web, client, secret, token).json == {"active": False}


def test_the_metadata_lists_the_resources(web, resources, settings):
    listed = web.get("/.well-known/oauth-authorization-server").json["protected_resources"]
    assert {settings.sample_resource, MCP, DOCS} <= set(listed)


@pytest.mark.parametrize("uri", ["relative", "https://x.example/#f", ""])
def test_a_resource_must_be_an_absolute_uri_without_fragment_to_be_registered(resources, uri):
    from reference_as.resources import InvalidResource

    with pytest.raises(InvalidResource):
        resources.add(uri, ())
