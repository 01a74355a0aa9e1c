"""RFC 9068, JWT Profile for OAuth 2.0 Access Tokens (with RFC 7519 and RFC 8725).
https://www.rfc-editor.org/rfc/rfc9068

Covers the header (§2.1: typ, alg, kid), the claims (§2.2: iss, exp, aud, sub,
client_id, iat, jti; §2.2.3: scope), the signature against the issuer's JWK
Set (§4), verified with PyJWT, an implementation independent of the server,
and the forged tokens that must be refused (§4, RFC 8725 §3.1: altered claims,
`alg: none`, algorithm confusion). Those are judged by the protected resource
of the target file or, without one, by the introspection endpoint (RFC 7662
§2.2: a token the server did not issue is not active). Skipped as a whole
when access tokens are not JWTs: RFC 9068 is a profile a server may choose,
not a duty. Leaves out encrypted tokens (JWE) and the identity claims of
§2.2.2, which are optional.
"""

import base64
import hashlib
import hmac
import json
import time

import jwt
import pytest
from cryptography.hazmat.primitives import serialization

from conformance import fixes, steps
from conformance.jwts import claims_of, jwt_parts, signing_key
from conformance.marks import check
from conformance.outcomes import Unverifiable, fail, not_applicable, not_configured
from oauth_client.client import OAuthClientError

SKEW = 120  # seconds of clock difference tolerated between the server and us
AT_JWT = ("at+jwt", "application/at+jwt")


# -- the header (§2.1) -----------------------------------------------------------------------------------


@check("rfc9068-2.1-typ-is-at-jwt", "RFC9068-2.1")
def check_typ(cc_tokens):
    """The header's typ is at+jwt."""
    header, _ = jwt_parts(cc_tokens.access_token)
    if str(header.get("typ", "")).lower() not in AT_JWT:
        fail(f"typ is {header.get('typ')!r}, not at+jwt")


@check("rfc9068-2.1-token-is-signed", "RFC9068-2.1")
def check_signed(cc_tokens):
    """The token is signed: alg is not 'none' and the signature is not empty."""
    header, _ = jwt_parts(cc_tokens.access_token)
    if str(header.get("alg", "none")).lower() == "none" or not cc_tokens.access_token.rsplit(".", 1)[1]:
        fail(f"the token is unsigned (alg {header.get('alg')!r})")


# RFC9068-2.1 RECOMMENDED: asymmetric cryptography.
@check("rfc9068-2.1-alg-is-asymmetric", "RFC9068-2.1", level="SHOULD")
def check_asymmetric(cc_tokens):
    """The token is signed with a public-key algorithm a resource server can verify (not HS*)."""
    header, _ = jwt_parts(cc_tokens.access_token)
    if str(header.get("alg", "")).upper().startswith("HS"):
        fail(f"alg {header['alg']} is a shared-secret MAC: resource servers would need the secret")


# No keyword: RFC 9068 names no kid rule (RFC 7515 makes kid OPTIONAL); it lets keys rotate.
@check("rfc9068-4-header-names-kid", "RFC9068-4", level="ADVICE")
def check_kid(cc_tokens):
    """The header names the signing key (kid), so that keys can be rotated."""
    header, _ = jwt_parts(cc_tokens.access_token)
    if not header.get("kid"):
        fail("the header has no kid")


# -- the signature (§4) --------------------------------------------------------------------------------


# RFC9068-4 SHOULD: the authorization server advertises its signing keys via jwks_uri.
@check("rfc9068-4-signing-key-is-published", "RFC9068-4", level="SHOULD")
def check_key_published(cc_tokens, jwks):
    """The key that signed the token is in the issuer's JWK Set."""
    header, _ = jwt_parts(cc_tokens.access_token)
    if signing_key(header, jwks) is None:
        fail(f"no key in the JWK Set matches kid {header.get('kid')!r}")


@check("rfc9068-4-signature-verifies", "RFC9068-4")
def check_signature(cc_tokens, jwks):
    """The signature verifies with the published key (PyJWT), with the header's alg."""
    header, _ = jwt_parts(cc_tokens.access_token)
    key = signing_key(header, jwks)
    if key is None:
        not_applicable(f"the signing key (kid {header.get('kid')!r}) is not published: nothing to verify with")
    try:
        jwt.decode(
            cc_tokens.access_token,
            jwt.PyJWK(key).key,
            algorithms=[header.get("alg")],
            options={"verify_aud": False, "verify_exp": False, "verify_iat": False, "verify_nbf": False},
        )
    except jwt.InvalidSignatureError:
        fail("the signature does not verify with the published key")
    except jwt.PyJWTError as error:
        fail(f"the token does not verify: {error}")


# RFC8725-3.1: the algorithm is the one the key is for.
@check("rfc8725-3.1-alg-is-the-keys-alg", "RFC8725-3.1")
def check_alg_of_key(cc_tokens, jwks):
    """The header's alg is the algorithm the published key names (when it names one)."""
    header, _ = jwt_parts(cc_tokens.access_token)
    key = signing_key(header, jwks)
    if key is None or "alg" not in key:
        not_applicable("the signing key names no alg")
    if key["alg"] != header.get("alg"):
        fail(f"the token says alg {header.get('alg')}, its key is for {key['alg']}")


# -- the claims (§2.2) -----------------------------------------------------------------------------------


@check("rfc9068-2.2-iss-is-the-issuer", "RFC9068-2.2")
def check_iss(cc_tokens, server):
    """iss is the issuer of the metadata."""
    _, claims = jwt_parts(cc_tokens.access_token)
    if claims.get("iss") != server.issuer:
        fail(f"iss is {claims.get('iss')!r}, the issuer is {server.issuer!r}")


@check("rfc9068-2.2-exp-is-in-the-future", "RFC9068-2.2")
def check_exp(cc_tokens):
    """exp is a number, after now."""
    _, claims = jwt_parts(cc_tokens.access_token)
    exp = claims.get("exp")
    if not isinstance(exp, int | float) or isinstance(exp, bool):
        fail(f"exp is {exp!r}, not a NumericDate")
    if exp <= time.time() - SKEW:
        fail(f"exp {exp} is already past for a token issued just now")


@check("rfc9068-2.2-iat-is-now", "RFC9068-2.2")
def check_iat(cc_tokens):
    """iat is a number, not in the future, and before exp."""
    _, claims = jwt_parts(cc_tokens.access_token)
    iat, exp = claims.get("iat"), claims.get("exp")
    if not isinstance(iat, int | float) or isinstance(iat, bool):
        fail(f"iat is {iat!r}, not a NumericDate")
    if iat > time.time() + SKEW:
        fail(f"iat {iat} is in the future")
    if isinstance(exp, int | float) and exp <= iat:
        fail(f"exp {exp} is not after iat {iat}")


@check("rfc9068-2.2-aud-present", "RFC9068-2.2")
def check_aud(cc_tokens):
    """aud names at least one audience."""
    _, claims = jwt_parts(cc_tokens.access_token)
    aud = claims.get("aud")
    if not (isinstance(aud, str) and aud) and not (
        isinstance(aud, list) and aud and all(isinstance(a, str) for a in aud)
    ):
        fail(f"aud is {aud!r}")


@check("rfc9068-2.2-sub-present", "RFC9068-2.2")
def check_sub(cc_tokens):
    """sub is a non-empty string."""
    _, claims = jwt_parts(cc_tokens.access_token)
    if not isinstance(claims.get("sub"), str) or not claims["sub"]:
        fail(f"sub is {claims.get('sub')!r}")


@check("rfc9068-2.2-client-id-is-the-client", "RFC9068-2.2")
def check_client_id(cc_tokens, target):
    """client_id is the client the token was issued to."""
    _, claims = jwt_parts(cc_tokens.access_token)
    expected = target.clients["confidential"].client_id
    if claims.get("client_id") != expected:
        fail(f"client_id is {claims.get('client_id')!r}, the token was issued to {expected!r}")


@check("rfc9068-2.2-jti-present", "RFC9068-2.2")
def check_jti(cc_tokens):
    """jti is a non-empty string."""
    _, claims = jwt_parts(cc_tokens.access_token)
    if not isinstance(claims.get("jti"), str) or not claims["jti"]:
        fail(f"jti is {claims.get('jti')!r}")


@check("rfc9068-2.2-sub-names-the-client-without-a-user", "RFC9068-2.2", level="SHOULD")
def check_sub_is_client(cc_tokens, target):
    """For client credentials (no resource owner), sub identifies the client."""
    _, claims = jwt_parts(cc_tokens.access_token)
    if claims.get("sub") != target.clients["confidential"].client_id:
        fail(f"sub is {claims.get('sub')!r}, not the client_id")


@check("rfc9068-2.2.3-scope-claim-present", "RFC9068-2.2.3")
def check_scope_claim(cc_tokens, target):
    """A token issued for a requested scope carries a scope claim."""
    if not target.clients["confidential"].scope:
        not_applicable("no scope was requested")
    _, claims = jwt_parts(cc_tokens.access_token)
    if "scope" not in claims:
        fail("no scope claim, though a scope was requested")


# RFC 8693 §4.2 (cited by RFC 9068 §2.2.3): scope is one space-separated string.
@check("rfc9068-2.2.3-scope-claim-is-a-string", "RFC9068-2.2.3", level="MUST")
def check_scope_string(cc_tokens):
    """The scope claim, when present, is a space-separated string (not an array)."""
    _, claims = jwt_parts(cc_tokens.access_token)
    if "scope" not in claims:
        not_applicable("no scope claim")
    if not isinstance(claims["scope"], str):
        fail(f"scope is {claims['scope']!r}, not a string")


@check("rfc7519-4.1.7-jti-is-unique", "RFC7519-4.1.7")
def check_jti_unique(cc_tokens, server, clients):
    """Two tokens issued one after the other carry different jti values."""
    _, first = jwt_parts(cc_tokens.access_token)
    client = clients("confidential")
    second = claims_of(client.client_credentials().access_token) or {}
    if first.get("jti") is None:
        not_applicable("no jti")
    if first.get("jti") == second.get("jti"):
        fail(f"two tokens share the jti {first.get('jti')!r}")


# -- forged tokens: refused by the resource, or inactive at introspection (§4, RFC 8725 §3.1) -----------


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


@pytest.fixture
def genuine(target, server, clients, request) -> str:
    """A fresh JWT access token of the server (for the resource's scope when there is a resource)."""
    scope = target.resource.scope if target.resource else None
    try:
        token = steps.access_token(server, target, clients, request, scope)
    except OAuthClientError as error:
        raise Unverifiable(f"no access token to forge from: {error}") from None
    jwt_parts(token)  # not a JWT: nothing to forge
    return token


@pytest.fixture
def accepted(target, server, clients, http, genuine):
    """accepted(token) -> is the token taken as valid? Asked of the protected resource, else of the
    introspection endpoint (as the confidential client). The genuine token must be accepted first."""
    if target.resource is not None:

        def judge(token: str) -> bool:
            return http.get(target.resource.url, headers={"Authorization": f"Bearer {token}"}).status_code < 400

    elif server.endpoints.introspection and "confidential" in target.clients:
        client = clients("confidential")

        def judge(token: str) -> bool:
            state = steps.token_state(server, client, token, None)
            if state is None:
                not_applicable("introspection does not answer for JWT access tokens (unsupported_token_type)")
            return state

    else:
        not_configured("no [resource] and no introspection endpoint to judge a forged token", fixes.resource())
    if not judge(genuine):
        not_applicable("the genuine token is not accepted either, so a forgery's refusal cannot be seen")
    return judge


def _assert_refused(accepted, forged: str, what: str):
    if accepted(forged):
        fail(f"{what} was accepted as a valid access token")


# RFC9068-4 MUST: the signature is validated.
@check("rfc9068-4-altered-claims-refused", "RFC9068-4", profiles=("jwt-access-token", "bearer"))
def check_altered(genuine, accepted):
    """A token whose claims were altered (signature kept) is refused."""
    _, claims = jwt_parts(genuine)
    head, _, signature = genuine.split(".")
    altered = {**claims, "sub": "conformance-someone-else", "scope": claims.get("scope", "") + " admin"}
    _assert_refused(accepted, f"{head}.{b64(json.dumps(altered).encode())}.{signature}", "a token with altered claims")


# RFC9068-4 MUST: "reject any JWT in which the value of alg is none".
@check("rfc9068-4-alg-none-refused", "RFC9068-4", profiles=("jwt-access-token", "bearer"))
def check_alg_none(genuine, accepted):
    """The same claims with alg 'none' and no signature are refused."""
    header, claims = jwt_parts(genuine)
    forged = f"{b64(json.dumps({**header, 'alg': 'none'}).encode())}.{b64(json.dumps(claims).encode())}."
    _assert_refused(accepted, forged, "an unsigned token (alg none)")


# RFC8725-3.1 MUST: each key is used with one algorithm: an HMAC keyed with the public key is refused.
@check("rfc8725-3.1-hmac-with-public-key-refused", "RFC8725-3.1", profiles=("jwt-access-token", "bearer"))
def check_alg_confusion(genuine, accepted, jwks):
    """The same claims signed HS256 with the server's public key as the secret are refused."""
    header, claims = jwt_parts(genuine)
    key = signing_key(header, jwks)
    if key is None or key.get("kty") not in ("RSA", "EC", "OKP"):
        not_applicable("the signing key is not a published public key")
    pem = jwt.PyJWK(key).key.public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    signing_input = f"{b64(json.dumps({**header, 'alg': 'HS256'}).encode())}.{b64(json.dumps(claims).encode())}"
    signature = b64(hmac.new(pem, signing_input.encode(), hashlib.sha256).digest())
    _assert_refused(accepted, f"{signing_input}.{signature}", "a token signed HS256 with the public key")
