"""OpenID Connect Discovery 1.0: the OpenID Provider's configuration document.
https://openid.net/specs/openid-connect-discovery-1_0.html

Covers where the document is and what it answers (§4: the issuer followed by
/.well-known/openid-configuration, 200 JSON, the issuer identical), and the
fields every OpenID Provider gives (§3), the JWK Set included. Skipped unless
the metadata's scopes_supported lists `openid`. Leaves out WebFinger issuer
discovery (§2) and the dynamic-registration fields.
"""

import pytest

from conformance.expect import describe, json_object
from conformance.marks import check
from conformance.outcomes import fail

OIDC = ("oidc",)
WELL_KNOWN = "/.well-known/openid-configuration"
REQUIRED = (
    "issuer",
    "authorization_endpoint",
    "jwks_uri",
    "response_types_supported",
    "subject_types_supported",
    "id_token_signing_alg_values_supported",
)


@pytest.fixture
def configuration(server, http) -> dict:
    """The document at the issuer's OpenID configuration URL (OIDC-DISCOVERY-4)."""
    server.need_scope("openid")
    url = server.issuer.rstrip("/") + WELL_KNOWN
    response = http.get(url)
    body = json_object(response)
    if response.status_code != 200 or body is None:
        fail(f"{url} answered {describe(response)}, not a JSON object")
    return body


# OIDC-DISCOVERY-4.3: "The issuer value returned MUST be identical to the Issuer URL that was used as the
# prefix to /.well-known/openid-configuration".
@check("oidc-discovery-4-issuer-is-the-prefix", "OIDC-DISCOVERY-4", profiles=OIDC)
def check_issuer(configuration, server):
    """The configuration at the issuer's /.well-known/openid-configuration names that issuer exactly."""
    if configuration.get("issuer") != server.issuer:
        fail(f"issuer is {configuration.get('issuer')!r}, the URL was built from {server.issuer!r}")


# OIDC-DISCOVERY-3 REQUIRED fields; token_endpoint "unless only the Implicit Flow is used".
@check("oidc-discovery-3-required-fields-present", "OIDC-DISCOVERY-3", profiles=OIDC)
def check_required(configuration):
    """issuer, authorization_endpoint, token_endpoint, jwks_uri and the REQUIRED *_supported lists are given."""
    missing = [name for name in (*REQUIRED, "token_endpoint") if not configuration.get(name)]
    if missing:
        fail(f"missing: {', '.join(missing)}")
    for name in REQUIRED[3:]:
        if not isinstance(configuration[name], list):
            fail(f"{name} is {configuration[name]!r}, not a JSON array")


# OIDC-DISCOVERY-3: id_token_signing_alg_values_supported: "The value RS256 MUST be included."
@check("oidc-discovery-3-rs256-offered-for-id-tokens", "OIDC-DISCOVERY-3", profiles=OIDC)
def check_rs256(configuration):
    """id_token_signing_alg_values_supported includes RS256."""
    if "RS256" not in (configuration.get("id_token_signing_alg_values_supported") or []):
        fail(f"id_token_signing_alg_values_supported is {configuration.get('id_token_signing_alg_values_supported')!r}")


# OIDC-DISCOVERY-3: jwks_uri REQUIRED, the provider's JWK Set document.
@check("oidc-discovery-3-jwks-uri-serves-a-jwk-set", "OIDC-DISCOVERY-3", profiles=OIDC)
def check_jwks(configuration, http):
    """jwks_uri answers 200 with a JWK Set."""
    if not configuration.get("jwks_uri"):
        fail("jwks_uri is missing")
    response = http.get(configuration["jwks_uri"])
    body = json_object(response)
    if response.status_code != 200 or body is None or not isinstance(body.get("keys"), list):
        fail(f"jwks_uri answered {describe(response)}, not a JWK Set")


# OIDC-DISCOVERY-3: userinfo_endpoint RECOMMENDED.
@check("oidc-discovery-3-userinfo-endpoint-listed", "OIDC-DISCOVERY-3", level="SHOULD", profiles=OIDC)
def check_userinfo(configuration):
    """userinfo_endpoint is given (RECOMMENDED)."""
    if not configuration.get("userinfo_endpoint"):
        fail("userinfo_endpoint is missing (RECOMMENDED)")
