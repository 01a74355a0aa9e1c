"""RFC 7636 (PKCE) and RFC 9700 §2.1.1 and §4.8 (its use and its downgrade)."""

import dataclasses
import hashlib

import pytest
from webtest import TestApp

from reference_as.app import make_app
from spec_tests.helpers import Flow, redirect_params


@pytest.mark.requirement("RFC7636-4.6")
def test_the_right_s256_verifier_gets_tokens(flow, web_client, web_secret):
    assert flow.exchange(web_client, flow.code(web_client), web_secret).status_int == 200


@pytest.mark.requirement("RFC7636-4.6")
def test_a_wrong_verifier_is_invalid_grant(flow, web_client, web_secret):
    response = flow.exchange(web_client, flow.code(web_client), web_secret, code_verifier="w" * 64)
    assert (response.status_int, response.json["error"]) == (400, "invalid_grant")


@pytest.mark.requirement("RFC7636-4.5")
def test_a_missing_verifier_is_refused(flow, web_client, web_secret):
    response = flow.exchange(web_client, flow.code(web_client), web_secret, code_verifier=None)
    assert response.status_int == 400 and response.json["error"] == "invalid_request"


@pytest.mark.requirement("RFC7636-4.1")
@pytest.mark.parametrize("verifier", ["short", "x" * 129, "a" * 42 + "!", "é" * 50, "a" * 43 + " "])
def test_a_verifier_of_the_wrong_length_or_alphabet_is_invalid_request(flow, web_client, web_secret, verifier):
    response = flow.exchange(web_client, flow.code(web_client), web_secret, code_verifier=verifier)
    assert (response.status_int, response.json["error"]) == (400, "invalid_request")


@pytest.mark.requirement("RFC7636-4.4.1")
def test_a_public_client_must_send_a_challenge(flow, public_client):
    flow.login()
    reply = redirect_params(flow.authorize(public_client, code_challenge=None, code_challenge_method=None))
    assert reply["error"] == "invalid_request" and reply["iss"]


@pytest.mark.requirement("RFC9700-2.1.1")
def test_a_confidential_client_must_send_a_challenge_by_default(flow, web_client):
    flow.login()
    reply = redirect_params(flow.authorize(web_client, code_challenge=None, code_challenge_method=None))
    assert reply["error"] == "invalid_request"


@pytest.mark.requirement("RFC9700-2.1.1")
def test_plain_is_refused_unless_allowed(flow, web_client):
    flow.login()
    reply = redirect_params(flow.authorize(web_client, code_challenge="p" * 43, code_challenge_method="plain"))
    assert reply["error"] == "invalid_request" and reply["state"] == "xyz-state"


@pytest.mark.requirement("RFC7636-4.3")
def test_a_challenge_without_a_method_is_plain_and_refused_too(flow, web_client):
    flow.login()
    reply = redirect_params(flow.authorize(web_client, code_challenge_method=None))
    assert reply["error"] == "invalid_request"


@pytest.mark.requirement("RFC7636-4.2")
@pytest.mark.parametrize("challenge", ["short", "c" * 129, "c" * 42 + "="])
def test_a_malformed_challenge_is_invalid_request(flow, web_client, challenge):
    flow.login()
    assert redirect_params(flow.authorize(web_client, code_challenge=challenge))["error"] == "invalid_request"


def test_unknown_methods_are_refused(flow, web_client):
    flow.login()
    assert redirect_params(flow.authorize(web_client, code_challenge_method="S512"))["error"] == "invalid_request"


def _app_with(settings, store, clock, box, alice, **changes):
    settings = dataclasses.replace(settings, **changes)
    return Flow(TestApp(make_app(settings, store, clock, box)), *alice), settings


@pytest.mark.requirement("RFC7636-4.2")
def test_plain_works_when_allowed_and_is_then_advertised(settings, store, clock, box, alice, web_client, web_secret):
    flow, _ = _app_with(settings, store, clock, box, alice, pkce_allow_plain=True)
    verifier = "v" * 50
    code = flow.code(web_client, code_challenge=verifier, code_challenge_method="plain")
    assert flow.exchange(web_client, code, web_secret, code_verifier=verifier).status_int == 200
    metadata = flow.web.get("/.well-known/oauth-authorization-server").json
    assert metadata["code_challenge_methods_supported"] == ["S256", "plain"]


def test_a_confidential_client_may_skip_pkce_when_the_setting_relaxes_it(
    settings, store, clock, box, alice, web_client, web_secret
):
    flow, _ = _app_with(settings, store, clock, box, alice, pkce_required_for_confidential=False)
    code = flow.code(web_client, code_challenge=None, code_challenge_method=None)
    assert flow.exchange(web_client, code, web_secret, code_verifier=None).status_int == 200


def test_the_relaxed_setting_never_relaxes_public_clients(settings, store, clock, box, alice, public_client):
    flow, _ = _app_with(settings, store, clock, box, alice, pkce_required_for_confidential=False)
    flow.login()
    assert (
        redirect_params(flow.authorize(public_client, code_challenge=None, code_challenge_method=None))["error"]
        == "invalid_request"
    )


@pytest.mark.requirement("RFC9700-4.8.2")
def test_a_verifier_for_a_code_issued_without_challenge_is_refused(
    settings, store, clock, box, alice, web_client, web_secret
):
    flow, _ = _app_with(settings, store, clock, box, alice, pkce_required_for_confidential=False)
    code = flow.code(web_client, code_challenge=None, code_challenge_method=None)
    response = flow.exchange(web_client, code, web_secret)  # sends a verifier
    assert (response.status_int, response.json["error"]) == (400, "invalid_grant")


def test_s256_is_the_rfc_7636_appendix_b_example():
    from reference_as.policy import rfc7636_pkce

    verifier = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"
    assert rfc7636_pkce.s256(verifier) == "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
    assert hashlib.sha256(verifier.encode()).hexdigest()  # ASCII in, as the RFC says
