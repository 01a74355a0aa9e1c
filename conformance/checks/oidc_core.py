"""OpenID Connect Core 1.0, the OpenID Provider's part in the authorization code flow.
https://openid.net/specs/openid-connect-core-1_0.html

Covers the ID Token (§2: iss, sub, aud, exp, iat, nonce echoed), the token
response (§3.1.3.3), the ID Token's signature against the JWK Set and its
at_hash (§3.1.3.6), prompt=none (§3.1.2.6: login_required, consent_required,
without a page), UserInfo (§5.3: sub equal to the ID Token's, a Bearer
challenge without a token) and offline_access (§11: consent always obtained;
a refresh token MAY follow). Skipped unless scopes_supported lists `openid`.
Leaves out the implicit and hybrid flows (RFC 9700 §2.1.2), encrypted ID
Tokens, request objects, claims requests, and what only a relying party can
judge (session management, logout).
"""

import base64
import hashlib
import secrets
import time

import jwt
import pytest

from conformance import expect, fixes, steps
from conformance.jwts import claims_of, header_of, signing_key
from conformance.marks import check
from conformance.outcomes import fail, not_applicable, not_carried_out, not_configured
from conformance.requirements import MAY

OIDC = ("oidc",)
OPENID = "openid"
# OIDC-3.1.2.6: the errors prompt=none may end in ("typically login_required, interaction_required").
SILENT_ERRORS = ("login_required", "consent_required", "interaction_required", "account_selection_required")


@pytest.fixture
def oidc_client(server, code_client):
    server.need_scope(OPENID)
    return code_client


@pytest.fixture
def signed_in(oidc_client, driver):
    """An OpenID Connect sign-in (scope openid, a nonce): (token response body, nonce, client)."""
    nonce = secrets.token_urlsafe(16)
    tokens = steps.obtain_tokens(oidc_client, driver, scope=OPENID, nonce=nonce)
    return tokens.raw, nonce, oidc_client


@pytest.fixture
def id_token(signed_in) -> dict:
    """The ID Token's claims (unverified: the signature is its own check)."""
    body, _, _ = signed_in
    claims = claims_of(body.get("id_token") or "")
    if claims is None:
        fail(f"the token response of an openid request has no ID Token (id_token is {body.get('id_token')!r})")
    return claims


def _no_user_agent(driver) -> None:
    """prompt=none is judged where the server does not sign users in on its own."""
    if driver.name == "auto":
        not_configured(
            "the auto driver's server signs every request in: no request lacks a session", fixes.form_driver()
        )


# OIDC-3.1.3.3: "id_token: ID Token value associated with the authenticated session" in the token response.
@check("oidc-3.1.3.3-token-response-has-id-token", "OIDC-3.1.3.3", profiles=OIDC)
def check_id_token_present(signed_in):
    """The token response of an openid request holds an ID Token (a JWT)."""
    body, _, _ = signed_in
    if header_of(body.get("id_token") or "") is None:
        fail(f"id_token is {body.get('id_token')!r}, not a JWT")


# OIDC-2 REQUIRED: iss, "exactly" the issuer.
@check("oidc-2-id-token-iss-is-the-issuer", "OIDC-2", profiles=OIDC)
def check_iss(id_token, server):
    """The ID Token's iss is the issuer."""
    if id_token.get("iss") != server.issuer:
        fail(f"iss is {id_token.get('iss')!r}, the issuer is {server.issuer!r}")


# OIDC-2 REQUIRED: sub, "locally unique ... MUST NOT exceed 255 ASCII characters".
@check("oidc-2-id-token-sub-is-a-short-string", "OIDC-2", profiles=OIDC)
def check_sub(id_token):
    """The ID Token's sub is a string of 1 to 255 ASCII characters."""
    sub = id_token.get("sub")
    if not isinstance(sub, str) or not sub or len(sub) > 255 or not sub.isascii():
        fail(f"sub is {sub!r}, not a string of 1 to 255 ASCII characters")


# OIDC-2 REQUIRED: aud "MUST contain the OAuth 2.0 client_id of the Relying Party".
@check("oidc-2-id-token-aud-holds-the-client-id", "OIDC-2", profiles=OIDC)
def check_aud(id_token, signed_in):
    """The ID Token's aud is, or holds, the client's client_id."""
    client_id = signed_in[2].config.client_id
    aud = id_token.get("aud")
    if aud != client_id and not (isinstance(aud, list) and client_id in aud):
        fail(f"aud is {aud!r}, without the client_id {client_id!r}")


# OIDC-2 REQUIRED: exp (after which the ID Token MUST NOT be accepted) and iat, numbers of seconds.
@check("oidc-2-id-token-exp-and-iat-are-times", "OIDC-2", profiles=OIDC)
def check_times(id_token):
    """The ID Token's exp is in the future and its iat is about now."""
    now = time.time()
    exp, iat = id_token.get("exp"), id_token.get("iat")
    if not isinstance(exp, int | float) or exp <= now:
        fail(f"exp is {exp!r}: not a time in the future")
    if not isinstance(iat, int | float) or abs(iat - now) > 300:
        fail(f"iat is {iat!r}, the time is {now:.0f}")


# OIDC-2: "If present in the Authentication Request, Authorization Servers MUST include a nonce Claim
# in the ID Token with the Claim Value being the nonce value sent in the Authentication Request."
@check("oidc-2-nonce-is-echoed", "OIDC-2", profiles=OIDC)
def check_nonce(id_token, signed_in):
    """The ID Token's nonce is the one the authentication request sent."""
    if id_token.get("nonce") != signed_in[1]:
        fail(f"nonce is {id_token.get('nonce')!r}, not the request's")


# OIDC-3.1.3.6 / 3.1.3.7: signed (JWS) with a key of the JWK Set, "alg" not none (none only if asked).
@check("oidc-3.1.3.6-id-token-signature-verifies", "OIDC-3.1.3.6", profiles=OIDC)
def check_signature(signed_in, id_token, jwks):
    """The ID Token's signature verifies with a key of the published JWK Set."""
    token = signed_in[0]["id_token"]  # there: the id_token fixture failed the check otherwise
    header = header_of(token) or {}
    if header.get("alg", "none") == "none":
        fail("the ID Token is not signed (alg none)")
    key = signing_key(header, jwks)
    if key is None:
        fail(f"no key of the JWK Set matches the ID Token's kid {header.get('kid')!r}")
    try:
        jwt.decode(token, jwt.PyJWK(key).key, algorithms=[header["alg"]], options={"verify_aud": False})
    except jwt.PyJWTError as error:
        fail(f"the ID Token does not verify with the published key: {error}")


def at_hash(access_token: str, alg: str) -> str:
    """OIDC-3.1.3.6: the left half of the hash (the alg's own size) of the access token, base64url."""
    size = {"256": hashlib.sha256, "384": hashlib.sha384, "512": hashlib.sha512}[alg[-3:]]
    digest = size(access_token.encode("ascii")).digest()
    return base64.urlsafe_b64encode(digest[: len(digest) // 2]).rstrip(b"=").decode()


# OIDC-3.1.3.6: at_hash OPTIONAL in the code flow; when given, the access token's hash.
@check("oidc-3.1.3.6-at-hash-matches-the-access-token", "OIDC-3.1.3.6", profiles=OIDC)
def check_at_hash(signed_in, id_token):
    """The ID Token's at_hash, when given, is the left half of the access token's hash."""
    if "at_hash" not in id_token:
        not_applicable("the ID Token has no at_hash (OPTIONAL in the code flow)")
    alg = (header_of(signed_in[0]["id_token"]) or {}).get("alg", "")
    if alg[-3:] not in ("256", "384", "512"):
        not_applicable(f"alg {alg!r} names no hash size")
    if id_token["at_hash"] != at_hash(signed_in[0]["access_token"], alg):
        fail("at_hash is not the hash of the access token issued with it")


# OIDC-3.1.2.1 prompt=none: "The Authorization Server MUST NOT display any authentication or consent user
# interface pages. An error is returned if an End-User is not already authenticated" (§3.1.2.6's codes).
@check("oidc-3.1.2.6-prompt-none-without-session-is-an-error", "OIDC-3.1.2.6", profiles=OIDC)
def check_prompt_none_signed_out(oidc_client, driver):
    """prompt=none from a user agent with no session: an error to the client (login_required …), no page."""
    _no_user_agent(driver)
    request, landing = steps.authorize(oidc_client, driver, fresh=True, scope=OPENID, prompt="none")
    params = steps.returned(landing, request, "login_required")
    if landing.pages:
        fail(f"a page was shown for prompt=none ({landing.pages[0].url.split('?')[0]})")
    if params.get("error") not in SILENT_ERRORS:
        fail(f"prompt=none with nobody signed in came back with {params.get('error') or 'a code'}")


# OIDC-3.1.2.1 prompt=none: an error if "the Client does not have pre-configured consent".
@check("oidc-3.1.2.6-prompt-none-without-consent-is-an-error", "OIDC-3.1.2.6", profiles=OIDC)
def check_prompt_none_no_consent(oidc_client, driver):
    """prompt=none right after the signed-in user refused the client the same request: consent_required."""
    _no_user_agent(driver)
    if not driver.can_deny:
        not_configured(f"the {driver.name} approval driver cannot deny", fixes.deny())
    steps.obtain_code(oidc_client, driver, fresh=True)  # signed in (a plain OAuth request, allowed)
    _, denied = steps.authorize(oidc_client, driver, decision="deny", scope=OPENID, prompt="consent")
    if denied.stuck or not denied.decided:
        not_carried_out(
            denied.stuck or f"no consent page to deny on (the user agent {denied.describe()})", fixes.form_fields()
        )
    request, landing = steps.authorize(oidc_client, driver, scope=OPENID, prompt="none")
    params = steps.returned(landing, request, "consent_required")
    if params.get("error") not in ("consent_required", "interaction_required"):
        fail(f"prompt=none for a client the user denied came back with {params.get('error') or 'a code'}")


@pytest.fixture
def userinfo(server):
    server.need_scope(OPENID)
    return server.need_endpoint("userinfo")


# OIDC-5.3.2: "The sub (subject) Claim MUST always be returned in the UserInfo Response", and the client
# MUST find it equal to the ID Token's (else the response is not about that user).
@check("oidc-5.3-userinfo-sub-is-the-id-tokens", "OIDC-5.3", profiles=OIDC)
def check_userinfo_sub(userinfo, signed_in, id_token):
    """UserInfo, with the sign-in's access token, answers JSON whose sub is the ID Token's."""
    body, _, client = signed_in
    response = client.session.get(userinfo, headers={"Authorization": f"Bearer {body['access_token']}"})
    answer = expect.json_object(response)
    if response.status_code != 200 or answer is None:
        fail(f"UserInfo answered {expect.describe(response)}")
    if answer.get("sub") != id_token.get("sub"):
        fail(f"UserInfo's sub is {answer.get('sub')!r}, the ID Token's {id_token.get('sub')!r}")


# OIDC-5.3.3: errors as RFC 6750 §3: no token, 401 with a Bearer challenge.
@check("oidc-5.3-userinfo-without-token-is-401-bearer", "OIDC-5.3", profiles=OIDC)
def check_userinfo_no_token(userinfo, http):
    """UserInfo without an access token is 401 with WWW-Authenticate: Bearer."""
    response = http.get(userinfo)
    challenge = response.headers.get("WWW-Authenticate", "")
    if response.status_code != 401 or not challenge.lower().startswith("bearer"):
        fail(f"expected 401 with a Bearer challenge, got {expect.describe(response)}, WWW-Authenticate {challenge!r}")


def _offline(server, oidc_client, driver):
    """A sign-in asking for offline_access with prompt=consent (§11), the user allowing."""
    server.need_scope("offline_access")
    if "refresh_token" not in oidc_client.config.grant_types:
        not_configured("the client may not use refresh tokens", fixes.grant(oidc_client.config, "refresh_token"))
    request, landing = steps.authorize(
        oidc_client, driver, scope=f"{OPENID} offline_access", prompt="consent", nonce=secrets.token_urlsafe(8)
    )
    return request, landing


# OIDC-11: "The OP MUST always obtain consent to returning a Refresh Token that enables offline access".
@check("oidc-11-offline-access-consent-is-asked", "OIDC-11", profiles=OIDC)
def check_offline_consent(server, oidc_client, driver):
    """A request for offline_access shows the user a consent page (the driver decides on it)."""
    if driver.name == "auto":
        not_configured("the auto driver sees no consent page", fixes.form_driver())
    request, landing = _offline(server, oidc_client, driver)
    params = steps.returned(landing, request)
    if "code" in params and not landing.decided:
        fail("a code for offline_access was issued without a consent page")


# OIDC-11: the scope "requests that an OAuth 2.0 Refresh Token be issued"; no keyword makes the OP grant it.
@check("oidc-11-offline-access-gets-a-refresh-token", "OIDC-11", level=MAY, profiles=OIDC)
def check_offline_refresh(server, oidc_client, driver):
    """offline_access, consented, gets a refresh token."""
    request, landing = _offline(server, oidc_client, driver)
    params = steps.returned(landing, request)
    if "code" not in params:
        not_applicable(f"the request was answered {params.get('error')!r}")
    body = expect.token(steps.redeem(oidc_client, params["code"], request))
    if not body.get("refresh_token"):
        fail("no refresh token for a consented offline_access")
