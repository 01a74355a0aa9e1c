"""RFC 9449 §4.3: the token endpoint checks a DPoP proof before anything is issued.

Every bad proof is answered 400 `invalid_dpop_proof` (RFC 9449 §5), never a 5xx, and
leaves nothing behind: no proof in the replay cache, no token."""

import base64
import json
import time

import pytest

from spec_tests.helpers import basic, token_request
from spec_tests.rfc9449.proofs import TOKEN_URL, Prover, dpop_token, stored_proofs


@pytest.mark.requirement("RFC9449-4.3")
@pytest.mark.parametrize(
    ("alg", "library"),
    [("ES256", "joserfc"), ("RS256", "joserfc"), ("EdDSA", "joserfc"), ("ES256", "pyjwt"), ("RS256", "own")],
)
def test_a_valid_proof_of_each_algorithm_and_library_is_accepted(web, confidential, alg, library):
    prover = Prover(alg, library)
    response = dpop_token(web, *confidential, prover)
    assert response.status_int == 200, response.text
    assert response.json["token_type"] == "DPoP"


def _b64(data: dict) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()


def _unsigned(prover: Prover, alg: str) -> str:
    """A proof with `alg` none (or a MAC), signed with nothing or with a made-up secret."""
    header = {"typ": "dpop+jwt", "alg": alg, "jwk": prover.public_jwk}
    claims = {"jti": "x1", "htm": "POST", "htu": TOKEN_URL, "iat": int(time.time())}
    return _b64(header) + "." + _b64(claims) + "." + ("" if alg == "none" else "c2lnbmF0dXJl")


def _private_jwk(prover: Prover) -> str:
    return prover.proof(header={"jwk": prover.key.as_dict(private=True)})


def _hs256(prover: Prover) -> str:
    import jwt

    header = {"typ": "dpop+jwt", "jwk": prover.public_jwk}
    claims = {"jti": "x2", "htm": "POST", "htu": TOKEN_URL, "iat": int(time.time())}
    return jwt.encode(claims, "a shared secret of thirty-two bytes!", algorithm="HS256", headers=header)


def _other_key(prover: Prover) -> str:
    """Signed by one key, naming another in its header."""
    return prover.proof(header={"jwk": Prover().public_jwk})


def _small_rsa(prover: Prover) -> str:
    """Signed by an RSA key of 1024 bits (RFC 7518 §3.3: 2048 or more)."""
    from cryptography.hazmat.primitives.asymmetric import rsa
    from joserfc.jwk import RSAKey

    small = Prover("RS256", "own")
    small.key = RSAKey.import_key(rsa.generate_private_key(public_exponent=65537, key_size=1024))
    small.public_jwk = small.key.as_dict(private=False)
    return small.proof()


def _off_curve(prover: Prover) -> str:
    jwk = dict(prover.public_jwk, y=prover.public_jwk["x"])
    return prover.proof(header={"jwk": jwk}, library="own")


BAD_PROOFS = {
    "not a JWT": lambda p: "this is not a JWT",
    "two parts": lambda p: p.proof().rsplit(".", 1)[0],
    "bad base64": lambda p: "!!!." + p.proof().split(".", 1)[1],
    "typ JWT": lambda p: p.proof(header={"typ": "JWT"}),
    "no typ": lambda p: p.proof(header={"typ": None}),
    "alg none": lambda p: _unsigned(p, "none"),
    "alg HS256": _hs256,
    "alg HS256 unsigned": lambda p: _unsigned(p, "HS256"),
    "private key in jwk": _private_jwk,
    "no jwk": lambda p: p.proof(header={"jwk": None}),
    "jwk of another type": lambda p: p.proof(header={"jwk": Prover("RS256").public_jwk}),
    "jwk not the signer": _other_key,
    "jwk a string": lambda p: p.proof(header={"jwk": "key"}, library="own"),
    "wrong htm": lambda p: p.proof(htm="GET"),
    "no htm": lambda p: p.proof(claims={"htm": None}),
    "htu other scheme": lambda p: p.proof(htu=TOKEN_URL.replace("http://", "https://")),
    "htu other host": lambda p: p.proof(htu=TOKEN_URL.replace("127.0.0.1", "127.0.0.2")),
    "htu other port": lambda p: p.proof(htu=TOKEN_URL.replace(":8000", ":8001")),
    "htu other path": lambda p: p.proof(htu=TOKEN_URL + "/x"),
    "htu not a string": lambda p: p.proof(claims={"htu": 5}),
    "htu unparsable": lambda p: p.proof(htu="http://[::1"),
    "too old": lambda p: p.proof(now=time.time() - 3600),
    "from the future": lambda p: p.proof(now=time.time() + 3600),
    "iat a string": lambda p: p.proof(claims={"iat": "now"}),
    "iat true": lambda p: p.proof(claims={"iat": True}),
    "no jti": lambda p: p.proof(claims={"jti": None}),
    "huge jti": lambda p: p.proof(claims={"jti": "j" * 300}),
    "huge header": lambda p: p.proof(header={"pad": "x" * 5000}, library="own"),
    "deeply nested header": lambda p: p.proof(header={"pad": json.loads("[" * 40 + "]" * 40)}, library="own"),
    "two proofs": lambda p: p.proof() + ", " + p.proof(),
    "RSA key too small": _small_rsa,
    "EC point off the curve": _off_curve,
    "not ASCII": lambda p: "é" + p.proof(),
    "htm not a string": lambda p: p.proof(claims={"htm": ["POST"]}),
    "jti a number": lambda p: p.proof(claims={"jti": 7}),
    "iat huge": lambda p: p.proof(claims={"iat": 1e308}),
}


@pytest.mark.requirement("RFC9449-4.3")
@pytest.mark.parametrize("case", sorted(BAD_PROOFS))
def test_a_bad_proof_is_invalid_dpop_proof_and_nothing_is_stored(web, store, confidential, prover, case):
    client, secret = confidential
    headers = {**basic(client.client_id, secret), "DPoP": BAD_PROOFS[case](prover)}
    response = token_request(web, {"grant_type": "client_credentials"}, headers)
    assert (response.status_int, response.json["error"]) == (400, "invalid_dpop_proof"), response.text
    assert response.json["error_description"]
    assert response.headers["Cache-Control"] == "no-store"
    assert "access_token" not in response.json
    assert stored_proofs(store) == 0


@pytest.mark.requirement("RFC9449-4.3")
@pytest.mark.parametrize(
    "htu",
    [
        TOKEN_URL + "?query=1",
        TOKEN_URL + "#fragment",
        "HTTP://127.0.0.1:8000/oauth2/token",
        "http://127.0.0.1:8000/oauth2/./token",
        "http://127.0.0.1:8000/%6Fauth2/token",
    ],
)
def test_htu_is_compared_without_query_and_fragment_after_normalisation(web, confidential, prover, htu):
    client, secret = confidential
    headers = {**basic(client.client_id, secret), "DPoP": prover.proof(htu=htu)}
    response = token_request(web, {"grant_type": "client_credentials"}, headers)
    assert response.status_int == 200, response.text


@pytest.mark.requirement("RFC9449-4.3")
def test_iat_within_the_window_on_either_side_is_accepted(web, confidential, prover, settings):
    client, secret = confidential
    for shift in (-settings.dpop_iat_window + 5, settings.dpop_iat_window - 5):
        headers = {**basic(client.client_id, secret), "DPoP": prover.proof(now=time.time() + shift)}
        assert token_request(web, {"grant_type": "client_credentials"}, headers).status_int == 200


@pytest.mark.requirement("RFC9449-11.1")
def test_a_proof_is_accepted_once(web, store, confidential, prover):
    client, secret = confidential
    headers = {**basic(client.client_id, secret), "DPoP": prover.proof()}
    assert token_request(web, {"grant_type": "client_credentials"}, headers).status_int == 200
    replay = token_request(web, {"grant_type": "client_credentials"}, headers)
    assert (replay.status_int, replay.json["error"]) == (400, "invalid_dpop_proof")
    assert stored_proofs(store) == 1


@pytest.mark.requirement("RFC9449-5.1")
def test_metadata_advertises_the_proof_algorithms(web, prover):
    document = web.get("/.well-known/oauth-authorization-server").json
    algorithms = document["dpop_signing_alg_values_supported"]
    assert algorithms and "none" not in algorithms and not any(alg.startswith("HS") for alg in algorithms)
    assert {"ES256", "RS256"} <= set(algorithms)
