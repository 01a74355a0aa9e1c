"""RFC 8414: authorization server metadata."""

import pytest

from reference_as.config import ConfigError, load_settings

WELL_KNOWN = "/.well-known/oauth-authorization-server"


@pytest.mark.requirement("RFC8414-3.2")
def test_metadata_is_served_as_json_at_the_well_known_path(web):
    response = web.get(WELL_KNOWN)
    assert response.status_int == 200
    assert response.content_type == "application/json"


@pytest.mark.requirement("RFC8414-3.3")
def test_the_issuer_is_the_configured_one(web, settings):
    assert web.get(WELL_KNOWN).json["issuer"] == settings.issuer


@pytest.mark.requirement("RFC8414-2")
def test_every_field_that_applies_is_present(web, settings):
    document = web.get(WELL_KNOWN).json
    assert document["authorization_endpoint"] == settings.issuer + "/oauth2/authorize"
    assert document["token_endpoint"] == settings.issuer + "/oauth2/token"
    assert document["jwks_uri"] == settings.issuer + "/oauth2/jwks"
    assert document["scopes_supported"] == list(settings.scopes)
    assert document["response_types_supported"] == ["code"]
    assert document["grant_types_supported"] == [
        "authorization_code", "client_credentials", "refresh_token", "urn:ietf:params:oauth:grant-type:device_code",
    ]  # fmt: skip
    assert document["token_endpoint_auth_methods_supported"] == [
        "client_secret_basic", "client_secret_post", "private_key_jwt",
    ]  # fmt: skip
    assert document["code_challenge_methods_supported"] == ["S256"]


@pytest.mark.requirement("RFC9207-3")
def test_the_iss_parameter_is_advertised(web):
    assert web.get(WELL_KNOWN).json["authorization_response_iss_parameter_supported"] is True


@pytest.mark.requirement("RFC8414-2")
def test_the_advertised_endpoints_answer(web, settings):
    document = web.get(WELL_KNOWN).json
    assert web.get(document["jwks_uri"].removeprefix(settings.issuer)).json["keys"]
    token_path = document["token_endpoint"].removeprefix(settings.issuer)
    assert web.post(token_path, {"grant_type": "client_credentials"}, expect_errors=True).status_int == 401


@pytest.mark.requirement("RFC8414-2")
@pytest.mark.parametrize(
    "issuer",
    ["http://auth.example.com", "https://auth.example.com/?x=1", "https://auth.example.com/#f", "ftp://x", "/relative"],
)
def test_an_issuer_that_is_not_https_or_loopback_http_is_refused_at_start(issuer):
    with pytest.raises(ConfigError):
        load_settings(environ={}, overrides={"issuer": issuer})


def test_the_default_issuer_follows_the_served_address():
    assert load_settings(environ={}, overrides={"port": 9123}).issuer == "http://127.0.0.1:9123"
