"""RFC 9728 for the sample resource `/api/me`: its metadata at the well-known URL
its identifier gives (§3.1), what the document holds (§2, §3.3), and the
`resource_metadata` of every challenge (§5.1)."""

from urllib.parse import urlsplit

import pytest

from reference_as.policy.rfc9728_resource_metadata import metadata_path, metadata_url
from reference_as.resources import Resources
from spec_tests.helpers import call_api, issue, revoke


def challenge_parameters(header: str) -> dict:
    scheme, _, rest = header.partition(" ")
    assert scheme == "Bearer"
    params = {}
    for part in rest.split(", "):
        name, _, value = part.partition("=")
        params[name] = value.strip('"')
    return params


@pytest.mark.requirement("RFC9728-3.1")
@pytest.mark.parametrize(
    "resource, path",
    [
        ("https://rs.example/api", "/.well-known/oauth-protected-resource/api"),
        ("https://rs.example/", "/.well-known/oauth-protected-resource"),
        ("https://rs.example", "/.well-known/oauth-protected-resource"),
        ("https://rs.example/tenant/mcp", "/.well-known/oauth-protected-resource/tenant/mcp"),
    ],
)
def test_the_metadata_url_puts_the_well_known_part_between_host_and_path(resource, path):
    assert metadata_path(resource) == path
    assert metadata_url(resource) == "https://rs.example" + path


@pytest.mark.requirement("RFC9728-3.3")
def test_the_sample_resource_publishes_its_metadata(web, settings):
    resource = settings.sample_resource
    response = web.get(urlsplit(metadata_url(resource)).path)
    assert response.status_int == 200 and response.content_type == "application/json"
    document = response.json
    assert document["resource"] == resource  # RFC9728-3.3 MUST: the identifier the URL came from
    assert document["authorization_servers"] == [settings.issuer]
    assert document["scopes_supported"] == list(settings.scopes)
    assert document["bearer_methods_supported"] == ["header"]
    assert document["resource_name"]


@pytest.mark.requirement("RFC9728-5.1")
@pytest.mark.parametrize("case", ["no token", "not a token", "expired", "revoked", "another resource"])
def test_every_401_of_the_resource_names_its_metadata(web, settings, store, confidential, clock, case):
    client, secret = confidential
    token = None if case == "no token" else "abc.def.ghi" if case == "not a token" else issue(web, client, secret)
    if case == "expired":
        clock.advance(settings.access_token_ttl + 1)
    elif case == "revoked":
        revoke(web, client, secret, token)
    elif case == "another resource":
        Resources(store, settings, clock).add("https://mcp.example/mcp", ())
        token = issue(web, client, secret, resource="https://mcp.example/mcp")
    response = web.get("/api/me", expect_errors=True) if token is None else call_api(web, token)
    assert response.status_int == 401
    params = challenge_parameters(response.headers["WWW-Authenticate"])
    assert params["resource_metadata"] == metadata_url(settings.sample_resource)
    assert web.get(urlsplit(params["resource_metadata"]).path).json["resource"] == settings.sample_resource


def test_the_authorization_server_metadata_lists_the_sample_resource(web, settings):
    listed = web.get("/.well-known/oauth-authorization-server").json["protected_resources"]
    assert settings.sample_resource in listed
