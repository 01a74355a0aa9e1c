"""RFC 8414, OAuth 2.0 Authorization Server Metadata.
https://www.rfc-editor.org/rfc/rfc8414

Covers: where the document lives (§3), its response (§3.2), the issuer it
names (§2, §3.3), the fields the grants need and their shape (§2), and the
JWK Set it points to. Leaves out: signed metadata (§2.1), registration
(`registration_endpoint`), which this suite does not exercise.

Every endpoint must be https; `http` is accepted on loopback addresses only,
the development case (RFC 8252 §8.3 accepts loopback http for the same reason).
"""

from urllib.parse import urlsplit

from conformance.expect import describe, json_object
from conformance.marks import check
from conformance.outcomes import fail, not_advertised, not_applicable

WELL_KNOWN = "/.well-known/oauth-authorization-server"
OIDC_WELL_KNOWN = "/.well-known/openid-configuration"
LOOPBACK = ("127.0.0.1", "localhost", "::1")
URL_FIELDS = (
    "issuer",
    "authorization_endpoint",
    "token_endpoint",
    "jwks_uri",
    "registration_endpoint",
    "revocation_endpoint",
    "introspection_endpoint",
    "service_documentation",
    "op_policy_uri",
    "op_tos_uri",
)
LIST_FIELDS = (
    "scopes_supported",
    "response_types_supported",
    "response_modes_supported",
    "grant_types_supported",
    "token_endpoint_auth_methods_supported",
    "token_endpoint_auth_signing_alg_values_supported",
    "ui_locales_supported",
    "revocation_endpoint_auth_methods_supported",
    "revocation_endpoint_auth_signing_alg_values_supported",
    "introspection_endpoint_auth_methods_supported",
    "introspection_endpoint_auth_signing_alg_values_supported",
    "code_challenge_methods_supported",
)
JWT_AUTH_METHODS = ("private_key_jwt", "client_secret_jwt")


def secure_or_loopback(url: str) -> bool:
    parts = urlsplit(url)
    return parts.scheme == "https" or (parts.scheme == "http" and parts.hostname in LOOPBACK)


def issuer_from_metadata_url(url: str) -> str | None:
    """RFC 8414 §3: the well-known segment is inserted between host and path;
    OpenID Connect Discovery appends its own to the issuer instead."""
    parts = urlsplit(url)
    origin = f"{parts.scheme}://{parts.netloc}"
    if parts.path.startswith(WELL_KNOWN):
        return origin + parts.path[len(WELL_KNOWN) :]
    if parts.path.endswith(OIDC_WELL_KNOWN):
        return origin + parts.path[: -len(OIDC_WELL_KNOWN)]
    return None


def metadata_url_for(issuer: str) -> str:
    parts = urlsplit(issuer)
    path = parts.path.rstrip("/") if parts.path != "/" else ""
    return f"{parts.scheme}://{parts.netloc}{WELL_KNOWN}{path}"


# RFC8414-3.2 MUST: 200 OK with a JSON object.
@check("rfc8414-3.2-metadata-is-a-json-object", "RFC8414-3.2")
def check_metadata_response(target, http):
    """The metadata URL answers 200 with application/json holding one JSON object."""
    if not target.server.metadata_url:
        not_advertised("the target names no metadata_url: no RFC 8414 metadata to check")
    response = http.get(target.server.metadata_url)
    if response.status_code != 200:
        fail(f"the metadata URL answered {describe(response)}")
    if "application/json" not in response.headers.get("Content-Type", ""):
        fail(f"Content-Type is {response.headers.get('Content-Type')!r}, not application/json")
    if json_object(response) is None:
        fail("the body is not a JSON object")


# RFC8414-3.3 MUST: the issuer returned is identical to the one the metadata URL was formed from.
@check("rfc8414-3.3-issuer-matches-metadata-url", "RFC8414-3.3")
def check_issuer_matches_url(target, metadata):
    """The issuer in the document is exactly the issuer its URL was built from."""
    expected = issuer_from_metadata_url(target.server.metadata_url)
    if expected is None:
        not_applicable("the metadata URL is not at a well-known path")
    issuer = metadata.get("issuer")
    # RFC 8414 §3: a terminating "/" of the issuer is dropped when the URL is formed.
    if issuer not in (expected, expected + "/"):
        fail(f"issuer is {issuer!r}; the metadata URL {target.server.metadata_url} belongs to {expected!r}")


# RFC8414-3: the document is at "a well-known URI string" inserted into the issuer; "by default" it is
# /.well-known/oauth-authorization-server, which therefore no keyword requires (OpenID servers use theirs).
@check("rfc8414-3-served-at-rfc8414-well-known-path", "RFC8414-3", level="ADVICE")
def check_rfc8414_path(target, metadata, http):
    """The metadata is also at the RFC 8414 path derived from the issuer (not only OpenID's)."""
    issuer = metadata.get("issuer")
    if not isinstance(issuer, str):
        fail("the metadata has no issuer")
    url = metadata_url_for(issuer)
    response = http.get(url)
    body = json_object(response)
    if response.status_code != 200 or body is None:
        fail(f"{url} answered {describe(response)}")
    if body.get("issuer") != issuer:
        fail(f"{url} names the issuer {body.get('issuer')!r}, not {issuer!r}")


# RFC8414-2 REQUIRED: issuer, an https URL with no query or fragment.
@check("rfc8414-2-issuer-is-https", "RFC8414-2")
def check_issuer_https(metadata):
    """The issuer is an https URL (http only on loopback, for development)."""
    issuer = metadata.get("issuer")
    if not isinstance(issuer, str) or not issuer:
        fail("the metadata has no issuer")
    if not secure_or_loopback(issuer):
        fail(f"issuer {issuer!r} does not use https")


@check("rfc8414-2-issuer-has-no-query-or-fragment", "RFC8414-2")
def check_issuer_plain(metadata):
    """The issuer has no query and no fragment component."""
    issuer = metadata.get("issuer") or ""
    parts = urlsplit(issuer)
    if parts.query or parts.fragment or "?" in issuer or "#" in issuer:
        fail(f"issuer {issuer!r} has a query or a fragment")


def _grants(metadata) -> list:
    grants = metadata.get("grant_types_supported", ["authorization_code", "implicit"])
    return grants if isinstance(grants, list) else []


# RFC8414-2 REQUIRED unless no grant type uses the authorization endpoint.
@check("rfc8414-2-authorization-endpoint-present", "RFC8414-2")
def check_authorization_endpoint(metadata):
    """authorization_endpoint is given when a grant that needs it is offered."""
    if not {"authorization_code", "implicit"} & set(_grants(metadata)):
        not_applicable("no grant offered uses the authorization endpoint")
    if not isinstance(metadata.get("authorization_endpoint"), str):
        fail("authorization_endpoint is missing, yet grant_types_supported needs it")


# RFC8414-2 REQUIRED unless only the implicit grant is supported.
@check("rfc8414-2-token-endpoint-present", "RFC8414-2")
def check_token_endpoint(metadata):
    """token_endpoint is given unless only the implicit grant is offered."""
    if set(_grants(metadata)) <= {"implicit"}:
        not_applicable("only the implicit grant is offered")
    if not isinstance(metadata.get("token_endpoint"), str):
        fail("token_endpoint is missing")


# RFC8414-2 REQUIRED: response_types_supported.
@check("rfc8414-2-response-types-supported-present", "RFC8414-2")
def check_response_types(metadata):
    """response_types_supported is present and not empty."""
    value = metadata.get("response_types_supported")
    if not isinstance(value, list) or not value:
        fail(f"response_types_supported is {value!r}, not a non-empty list")


# RFC8414-2: every endpoint is a URL; RFC6749-3.1 and 3.2: absolute, no fragment.
@check("rfc8414-2-urls-absolute-without-fragment", "RFC8414-2")
def check_urls_absolute(metadata):
    """Every endpoint and URL field is an absolute URL without a fragment."""
    for name in URL_FIELDS:
        value = metadata.get(name)
        if value is None:
            continue
        parts = urlsplit(value) if isinstance(value, str) else None
        if parts is None or not parts.scheme or not parts.netloc:
            fail(f"{name} is {value!r}, not an absolute URL")
        if parts.fragment or "#" in value:
            fail(f"{name} {value!r} has a fragment")


@check("rfc8414-2-endpoints-use-https", "RFC8414-2")
def check_endpoints_https(metadata):
    """jwks_uri and every endpoint use https (http only on loopback)."""
    for name in URL_FIELDS:
        value = metadata.get(name)
        if isinstance(value, str) and name.endswith(("endpoint", "jwks_uri")) and not secure_or_loopback(value):
            fail(f"{name} {value!r} does not use https")


@check("rfc8414-2-supported-fields-are-string-lists", "RFC8414-2")
def check_list_fields(metadata):
    """Every *_supported field given is a JSON array of strings."""
    for name in LIST_FIELDS:
        value = metadata.get(name)
        if value is not None and not (isinstance(value, list) and all(isinstance(v, str) for v in value)):
            fail(f"{name} is {value!r}, not a JSON array of strings")


# RFC8414-2 RECOMMENDED: scopes_supported.
@check("rfc8414-2-scopes-supported-listed", "RFC8414-2", level="SHOULD")
def check_scopes_supported(metadata):
    """scopes_supported lists the scopes the server knows."""
    if not isinstance(metadata.get("scopes_supported"), list):
        fail("scopes_supported is missing (RECOMMENDED)")


# RFC8414-2 MUST NOT: "none" among the *_auth_signing_alg_values_supported.
@check("rfc8414-2-auth-signing-algs-exclude-none", "RFC8414-2")
def check_signing_algs_no_none(metadata):
    """No *_auth_signing_alg_values_supported lists the algorithm 'none'."""
    fields = [name for name in LIST_FIELDS if name.endswith("signing_alg_values_supported") and name in metadata]
    if not fields:
        not_applicable("no *_auth_signing_alg_values_supported field")
    for name in fields:
        if "none" in (metadata.get(name) or []):
            fail(f"{name} lists 'none'")


# RFC8414-2 MUST: the signing algorithms are listed when a JWT client authentication method is.
@check("rfc8414-2-jwt-auth-methods-list-signing-algs", "RFC8414-2")
def check_jwt_auth_algs(metadata):
    """With private_key_jwt or client_secret_jwt offered, the signing algorithms are listed."""
    for prefix in ("token_endpoint", "revocation_endpoint", "introspection_endpoint"):
        methods = metadata.get(f"{prefix}_auth_methods_supported") or []
        if set(JWT_AUTH_METHODS) & set(methods) and not metadata.get(f"{prefix}_auth_signing_alg_values_supported"):
            fail(
                f"{prefix}_auth_methods_supported offers JWT authentication without "
                f"{prefix}_auth_signing_alg_values_supported"
            )
    if not any(
        set(JWT_AUTH_METHODS) & set(metadata.get(f"{p}_auth_methods_supported") or [])
        for p in ("token_endpoint", "revocation_endpoint", "introspection_endpoint")
    ):
        not_applicable("no JWT client authentication method is offered")


# RFC8414-2: jwks_uri names the JWK Set holding the server's signing keys.
@check("rfc8414-2-jwks-uri-serves-a-jwk-set", "RFC8414-2")
def check_jwks_uri(metadata, http):
    """jwks_uri answers 200 with a JWK Set (a JSON object with a 'keys' array)."""
    url = metadata.get("jwks_uri")
    if not url:
        not_applicable("no jwks_uri")
    response = http.get(url)
    body = json_object(response)
    if response.status_code != 200 or body is None or not isinstance(body.get("keys"), list):
        fail(f"jwks_uri {url} answered {describe(response)}, not a JWK Set")


# RFC 9207 §3: authorization_response_iss_parameter_supported is a boolean.
@check("rfc9207-3-iss-parameter-field-is-boolean", "RFC9207-3")
def check_iss_field(metadata):
    """authorization_response_iss_parameter_supported, when given, is a JSON boolean."""
    if "authorization_response_iss_parameter_supported" not in metadata:
        not_applicable("authorization_response_iss_parameter_supported is not given")
    if not isinstance(metadata["authorization_response_iss_parameter_supported"], bool):
        fail("authorization_response_iss_parameter_supported is not a boolean")
