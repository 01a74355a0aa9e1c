"""RFC 7523 §3 and OpenID Connect Core §9: what the assertion must say. Each refusal is
`invalid_client` (RFC 7523 §3.1) with a description, 401, and records nothing: the
`jti` of a refused assertion can still be used."""

import base64
import hashlib
import hmac
import json
import secrets

import jwt
import pytest

from spec_tests.helpers import token_request
from spec_tests.rfc7523.conftest import Signer, assertion_body, token_endpoint


def send(web, assertion: str):
    return token_request(web, {"grant_type": "client_credentials", **assertion_body(assertion)})


def refused(response) -> bool:
    return (
        response.status_int == 401
        and response.json["error"] == "invalid_client"
        and bool(response.json["error_description"])
        and response.headers["Cache-Control"] == "no-store"
    )


@pytest.mark.requirement("RFC7523-3")
@pytest.mark.parametrize("aud", ["issuer", "token endpoint", "list with issuer"])
def test_the_audience_is_the_issuer_or_the_token_endpoint(web, jwt_client, signer, settings, aud):
    value = {
        "issuer": settings.issuer,
        "token endpoint": token_endpoint(settings),
        "list with issuer": ["https://other.example", settings.issuer],
    }[aud]
    assert send(web, signer.assertion(jwt_client.client_id, value)).status_int == 200


@pytest.mark.requirement("RFC7523-3")
@pytest.mark.parametrize(
    "claims",
    [
        {"aud": "https://other.example/token"},
        {"aud": None},
        {"exp": None},
        {"exp": "soon"},
        {"iss": "someone-else"},
        {"sub": "someone-else"},
        {"sub": None},
        {"jti": None},
        {"lifetime": -5},
        {"lifetime": 3600},
        {"iat": 4102444800},
        {"nbf": 4102444800},
    ],
    ids=lambda claims: ",".join(f"{k}={v}" for k, v in claims.items()),
)
def test_an_assertion_breaking_a_rule_is_invalid_client_and_records_nothing(
    web, store, clock, jwt_client, signer, settings, claims
):
    jti = secrets.token_urlsafe(8)
    claims = {"jti": jti, **claims}
    aud = claims.pop("aud") if "aud" in claims else token_endpoint(settings)
    response = send(web, signer.assertion(jwt_client.client_id, aud, **claims))
    assert refused(response), response.text
    assert store.use_assertion_jti(jwt_client.client_id, jti, clock.now() + 60, clock.now())  # never recorded


@pytest.mark.requirement("OIDC-9")
def test_an_assertion_is_accepted_once(web, jwt_client, signer, settings):
    assertion = signer.assertion(jwt_client.client_id, token_endpoint(settings))
    assert send(web, assertion).status_int == 200
    assert refused(send(web, assertion))


@pytest.mark.requirement("OIDC-9")
def test_a_jti_may_come_again_once_the_assertion_that_used_it_expired(web, jwt_client, signer, settings, store, clock):
    jti = "reused-jti"
    first = signer.assertion(jwt_client.client_id, token_endpoint(settings), jti=jti, lifetime=30)
    assert send(web, first).status_int == 200
    assert refused(send(web, signer.assertion(jwt_client.client_id, token_endpoint(settings), jti=jti)))
    # The store's memory of it ends with the assertion's life: not before, not much after.
    now = clock.now()
    assert not store.use_assertion_jti(jwt_client.client_id, jti, now + 60, now + 29)
    assert store.use_assertion_jti(jwt_client.client_id, jti, now + 120, now + 31)


@pytest.mark.requirement("RFC7523-3")
def test_an_unknown_kid_is_invalid_client(web, jwt_client, signer, settings):
    assertion = signer.assertion(jwt_client.client_id, token_endpoint(settings), headers={"kid": "not-registered"})
    assert refused(send(web, assertion))


@pytest.mark.requirement("RFC7523-3")
def test_a_signature_by_another_key_is_invalid_client(web, jwt_client, signer, settings):
    impostor = Signer("ES256", kid=signer.kid)
    assert refused(send(web, impostor.assertion(jwt_client.client_id, token_endpoint(settings))))


@pytest.mark.requirement("RFC7523-3")
def test_alg_none_and_a_mac_over_the_public_key_are_invalid_client(web, jwt_client, signer, settings):
    claims = {"iss": jwt_client.client_id, "sub": jwt_client.client_id, "aud": settings.issuer, "jti": "n1"}
    claims["exp"] = 4102444800
    unsigned = jwt.encode(claims, None, algorithm="none", headers={"kid": signer.kid})
    assert refused(send(web, unsigned))
    # The RS256/ES256-to-HS256 confusion (RFC 8725 §2.1): the public key's JSON as the HMAC key.
    # (Made by hand: PyJWT itself refuses to use a JWK as an HMAC secret.)
    header, payload = ({"alg": "HS256", "kid": signer.kid}, {**claims, "jti": "n2"})
    signing_input = ".".join(_b64(json.dumps(part).encode()) for part in (header, payload))
    mac = hmac.new(json.dumps(signer.jwk).encode(), signing_input.encode(), hashlib.sha256).digest()
    assert refused(send(web, signing_input + "." + _b64(mac)))


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


@pytest.mark.parametrize(
    "assertion",
    ["not-a-jwt", "a.b.c", "e30.e30.", "x" * 20000, "W10.W10.AA"],
    ids=["text", "abc", "empty-objects", "huge", "arrays"],
)
def test_an_assertion_that_is_not_a_jwt_is_invalid_client_never_5xx(web, assertion):
    assert refused(send(web, assertion))
