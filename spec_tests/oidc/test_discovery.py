"""OpenID Connect Discovery 1.0 §3-4: the provider metadata, one document with RFC 8414's."""

import pytest


@pytest.mark.requirement("OIDC-DISCOVERY-4")
def test_openid_configuration_is_the_authorization_server_metadata(web):
    oidc = web.get("/.well-known/openid-configuration")
    oauth = web.get("/.well-known/oauth-authorization-server")
    assert oidc.status_int == 200 and oidc.content_type == "application/json"
    assert oidc.json == oauth.json


@pytest.mark.requirement("OIDC-DISCOVERY-3")
def test_every_required_field_is_there_and_the_issuer_is_ours(web, settings):
    document = web.get("/.well-known/openid-configuration").json
    assert document["issuer"] == settings.issuer  # Discovery §4.3: identical
    base = settings.issuer
    for field, path in (
        ("authorization_endpoint", "/oauth2/authorize"),
        ("token_endpoint", "/oauth2/token"),
        ("userinfo_endpoint", "/oauth2/userinfo"),
        ("jwks_uri", "/oauth2/jwks"),
        ("end_session_endpoint", "/oauth2/logout"),
    ):
        assert document[field] == base + path
    assert document["response_types_supported"] == ["code"]
    assert document["subject_types_supported"] == ["public"]
    assert "RS256" in document["id_token_signing_alg_values_supported"]
    assert {"openid", "profile", "email", "offline_access"} <= set(document["scopes_supported"])
    assert {"sub", "name", "email", "email_verified"} <= set(document["claims_supported"])
    assert document["request_uri_parameter_supported"] is False  # its default would be true


def test_every_advertised_endpoint_answers(web):
    document = web.get("/.well-known/openid-configuration").json
    assert web.get(document["jwks_uri"].removeprefix(document["issuer"])).json["keys"]
    assert web.get(document["userinfo_endpoint"].removeprefix(document["issuer"]), expect_errors=True).status_int == 401
    assert web.get(document["end_session_endpoint"].removeprefix(document["issuer"])).status_int == 200
