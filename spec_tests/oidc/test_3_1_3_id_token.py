"""OpenID Connect Core 1.0 §2, §3.1.3.3, §3.1.3.6-3.1.3.7: the token response and its ID Token."""

import base64
import dataclasses
import hashlib

import jwt
import pytest
from webtest import TestApp

from reference_as.app import make_app
from reference_as.clients import ClientService
from reference_as.config import Settings
from spec_tests.conftest import ISSUER
from spec_tests.helpers import Flow, call_api, redirect_params

from .conftest import authorize, id_token_claims, left_half_sha256, signed_in_code


@pytest.fixture
def response(flow, rp, rp_secret, clock):
    flow.login()
    signed_in_at = clock.now()
    clock.advance(5)
    code = signed_in_code(flow, rp, nonce="n-0S6_WzA2Mj", scope="openid profile")
    return flow.exchange(rp, code, rp_secret), signed_in_at


@pytest.mark.requirement("OIDC-3.1.3.3")
def test_the_token_response_carries_an_id_token_and_is_not_cached(response):
    answer, _ = response
    assert answer.status_int == 200 and answer.json["id_token"]
    assert answer.headers["Cache-Control"] == "no-store"


@pytest.mark.requirement("OIDC-2")
@pytest.mark.requirement("OIDC-3.1.3.7")
def test_the_id_token_verifies_with_the_jwks_and_names_issuer_subject_and_client(
    response, web, rp, settings, alice, clock
):
    answer, _ = response
    claims = id_token_claims(web, answer.json["id_token"], rp.client_id, settings)
    assert claims["iss"] == settings.issuer
    assert claims["sub"] == alice[0].user_id
    assert claims["aud"] == rp.client_id
    assert claims["iat"] == clock.now()
    assert claims["exp"] == clock.now() + settings.id_token_ttl


@pytest.mark.requirement("OIDC-3.1.2.1")
def test_the_nonce_of_the_request_is_echoed_unchanged(response, web, rp, settings):
    answer, _ = response
    assert id_token_claims(web, answer.json["id_token"], rp.client_id, settings)["nonce"] == "n-0S6_WzA2Mj"


@pytest.mark.requirement("OIDC-2")
def test_auth_time_is_when_the_user_signed_in_not_when_the_code_was_made(response, web, rp, settings):
    answer, signed_in_at = response
    assert id_token_claims(web, answer.json["id_token"], rp.client_id, settings)["auth_time"] == signed_in_at


@pytest.mark.requirement("OIDC-3.1.3.6")
def test_at_hash_is_the_left_half_of_the_access_tokens_sha256(response, web, rp, settings):
    answer, _ = response
    claims = id_token_claims(web, answer.json["id_token"], rp.client_id, settings)
    assert claims["at_hash"] == left_half_sha256(answer.json["access_token"])


@pytest.mark.requirement("RFC9068-4")
def test_an_id_token_is_not_an_access_token(response, web):
    answer, _ = response
    id_token = answer.json["id_token"]
    assert jwt.get_unverified_header(id_token)["typ"] == "JWT"
    refused = call_api(web, id_token)
    assert refused.status_int == 401 and 'error="invalid_token"' in refused.headers["WWW-Authenticate"]


def test_without_nonce_the_id_token_has_none(flow, rp, rp_secret, web, settings):
    code = signed_in_code(flow, rp)
    claims = id_token_claims(web, flow.exchange(rp, code, rp_secret).json["id_token"], rp.client_id, settings)
    assert "nonce" not in claims


def test_without_openid_there_is_no_id_token(flow, rp, rp_secret):
    answer = flow.exchange(rp, flow.code(rp, scope="api:read"), rp_secret)
    assert answer.status_int == 200 and "id_token" not in answer.json


@pytest.mark.requirement("OIDC-3.1.2.1")
def test_the_nonce_is_bound_to_the_code_through_the_consent_form(flow, rp, rp_secret, web, settings):
    """The consent page's form carries the nonce on, so the code it gives has it."""
    flow.login()
    page = authorize(flow, rp, nonce="through-consent")
    assert page.forms[0]["nonce"].value == "through-consent"
    code = redirect_params(flow.consent(page))["code"]
    claims = id_token_claims(web, flow.exchange(rp, code, rp_secret).json["id_token"], rp.client_id, settings)
    assert claims["nonce"] == "through-consent"


@pytest.mark.parametrize("alg", ["ES256", "EdDSA"])
def test_at_hash_follows_the_signing_algorithm(store, clock, box, alice, alg):
    """OIDC-3.1.3.6: the hash of the ID Token's alg: SHA-256 for ES256, SHA-512 for EdDSA."""
    settings = dataclasses.replace(Settings(issuer=ISSUER, password_scrypt_n=2**10), signing_alg=alg)
    web = TestApp(make_app(settings, store, clock, box))
    client, secret = ClientService(store, settings, clock).create(
        name="rp", client_type="confidential", grant_types=("authorization_code",), scopes=("openid",),
        redirect_uris=("https://rp.example/cb",),
    )  # fmt: skip
    flow = Flow(web, *alice)
    answer = flow.exchange(client, flow.code(client, scope="openid"), secret).json
    header = jwt.get_unverified_header(answer["id_token"])
    claims = jwt.decode(answer["id_token"], options={"verify_signature": False})
    digest = (hashlib.sha512 if alg == "EdDSA" else hashlib.sha256)(answer["access_token"].encode()).digest()
    assert header["alg"] == alg
    assert claims["at_hash"] == base64.urlsafe_b64encode(digest[: len(digest) // 2]).rstrip(b"=").decode()
