"""RFC 9207: the authorization server's issuer identifier in the authorization response."""

import pytest

from spec_tests.helpers import redirect_params


@pytest.mark.requirement("RFC9207-2")
def test_a_successful_authorization_response_carries_iss(flow, web_client, settings):
    flow.login()
    reply = redirect_params(flow.consent(flow.authorize(web_client)))
    assert reply["iss"] == settings.issuer and reply["code"]


@pytest.mark.requirement("RFC9207-2")
def test_an_error_response_carries_iss(flow, web_client, settings):
    flow.login()
    assert redirect_params(flow.authorize(web_client, scope="nope"))["iss"] == settings.issuer


@pytest.mark.requirement("RFC9207-2.4")
def test_the_iss_value_equals_the_metadata_issuer(flow, web_client, web):
    flow.login()
    reply = redirect_params(flow.consent(flow.authorize(web_client)))
    assert reply["iss"] == web.get("/.well-known/oauth-authorization-server").json["issuer"]
