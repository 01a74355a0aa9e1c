"""The requirement registry: one entry per requirement the suite checks.

A requirement id names an RFC and a section, `RFC6749-5.2`: the same id the
reference server writes in the comment above the code that meets it and the
spec tests put in their `requirement` marker, so one grep finds all three.
Where one section holds several rules, the entry states them together and each
check says which one it proves (and at which level).

A check's level is the keyword of the sentence it cites (`LEVELS.md` lists
the sentence of every check whose level was reviewed):
- MUST / MUST NOT / REQUIRED / SHALL        -> MUST   (a failure fails the run)
- SHOULD / SHOULD NOT / RECOMMENDED         -> SHOULD (a failure is a warning)
- MAY / OPTIONAL                            -> MAY    (checked only when advertised)
A sentence that defines the protocol in the indicative ("the authorization
server responds with HTTP status code 200") is read as MUST: an endpoint that
answers otherwise is not the endpoint the RFC defines. A rule the RFC puts on
the *client* (use POST, keep credentials out of the URL, do not use the
implicit grant), or a sentence with no keyword at all, binds no server: such a
check is ADVICE (reported apart, never a failure or a warning) or is not made.
Where a later document raises a level (RFC 9700, or the OAuth 2.1 draft, over
RFC 6749), the entry cites that document, and the check's level is its.
"""

from dataclasses import dataclass

MUST, SHOULD, MAY, ADVICE = "MUST", "SHOULD", "MAY", "ADVICE"
LEVELS = (MUST, SHOULD, MAY)  # the levels of requirements; a check may also be ADVICE
CHECK_LEVELS = (*LEVELS, ADVICE)

RFC_TITLES = {
    "RFC6749": "The OAuth 2.0 Authorization Framework",
    "RFC6750": "Bearer Token Usage",
    "RFC7009": "Token Revocation",
    "RFC7517": "JSON Web Key (JWK)",
    "RFC7518": "JSON Web Algorithms (JWA)",
    "RFC7519": "JSON Web Token (JWT)",
    "RFC7636": "Proof Key for Code Exchange (PKCE)",
    "RFC7662": "Token Introspection",
    "RFC8252": "OAuth 2.0 for Native Apps",
    "RFC8414": "Authorization Server Metadata",
    "RFC8725": "JSON Web Token Best Current Practices",
    "RFC9068": "JWT Profile for OAuth 2.0 Access Tokens",
    "RFC9110": "HTTP Semantics",
    "RFC9207": "Authorization Server Issuer Identification",
    "RFC9700": "Best Current Practice for OAuth 2.0 Security",
    "OAUTH21": "The OAuth 2.1 Authorization Framework (draft-ietf-oauth-v2-1)",
    "SEED": "What the seed documents promise",
    # -- issue 21: registration, resource indicators, protected resource metadata, MCP --
    "RFC7591": "Dynamic Client Registration Protocol",
    "RFC7592": "Dynamic Client Registration Management Protocol",
    "RFC8707": "Resource Indicators for OAuth 2.0",
    "RFC9728": "OAuth 2.0 Protected Resource Metadata",
    "MCP": "Model Context Protocol, Authorization",
    "CIMD": "OAuth Client ID Metadata Document (draft-ietf-oauth-client-id-metadata-document)",
    # -- the device flow and OpenID Connect (issues 23, 25) --
    "RFC8628": "Device Authorization Grant",
    "OIDC": "OpenID Connect Core 1.0",
    "OIDC-DISCOVERY": "OpenID Connect Discovery 1.0",
    # -- issue 24: pushed authorization requests, DPoP --
    "RFC9126": "Pushed Authorization Requests",
    "RFC9449": "Demonstrating Proof of Possession (DPoP)",
    "RFC7523": "JWT Profile for Client Authentication and Authorization Grants",
}
# Documents outside the RFC series, and where their sections are (xml2rfc anchors).
SPEC_URLS = {
    "OIDC": "https://openid.net/specs/openid-connect-core-1_0.html",
    "OIDC-DISCOVERY": "https://openid.net/specs/openid-connect-discovery-1_0.html",
}
OAUTH21_URL = "https://datatracker.ietf.org/doc/html/draft-ietf-oauth-v2-1"
MCP_URL = "https://modelcontextprotocol.io/specification/draft/basic/authorization"
CIMD_URL = "https://datatracker.ietf.org/doc/html/draft-ietf-oauth-client-id-metadata-document"


def document_name(rfc: str) -> str:
    """'RFC6749' -> 'RFC 6749'; 'OAUTH21' -> 'OAuth 2.1'; 'SEED' stays."""
    if rfc == "OAUTH21":
        return "OAuth 2.1"
    if rfc in SPEC_URLS:
        return RFC_TITLES[rfc].removesuffix(" 1.0")
    if rfc in ("MCP", "CIMD"):
        return rfc
    return rfc.replace("RFC", "RFC ")


def split_id(requirement_id: str) -> tuple[str, str]:
    """'RFC6749-5.2' -> ('RFC6749', '5.2'); 'OIDC-DISCOVERY-3' -> ('OIDC-DISCOVERY', '3')."""
    for document in SPEC_URLS:
        if requirement_id.startswith(document + "-") and requirement_id[len(document) + 1 :][:1].isdigit():
            return document, requirement_id[len(document) + 1 :]
    document, _, section = requirement_id.partition("-")
    return document, section


@dataclass(frozen=True)
class Requirement:
    id: str  # "RFC6749-5.2"
    level: str  # the strongest keyword of the rule
    rule: str  # in our own words

    @property
    def rfc(self) -> str:
        return split_id(self.id)[0]

    @property
    def section(self) -> str:
        return split_id(self.id)[1]

    @property
    def title(self) -> str:
        return RFC_TITLES[self.rfc]

    @property
    def url(self) -> str | None:
        if self.rfc == "SEED":
            return None
        if self.rfc == "OAUTH21":
            return f"{OAUTH21_URL}#section-{self.section}"
        if self.rfc in SPEC_URLS:
            return f"{SPEC_URLS[self.rfc]}#rfc.section.{self.section}"
        if self.rfc in ("MCP", "CIMD"):
            return f"{MCP_URL if self.rfc == 'MCP' else CIMD_URL}#{self.section.lower()}"
        number = self.rfc.removeprefix("RFC")
        anchor = f"#appendix-{self.section}" if self.section.isalpha() else f"#section-{self.section}"
        return f"https://www.rfc-editor.org/rfc/rfc{number}{anchor}"


def _table(*rows: tuple[str, str, str]) -> dict[str, Requirement]:
    table = {}
    for id_, level, rule in rows:
        assert level in LEVELS and id_ not in table, id_
        table[id_] = Requirement(id_, level, rule)
    return table


REQUIREMENTS = _table(
    # -- RFC 6749, the framework ---------------------------------------------------------
    (
        "RFC6749-2.3.1",
        MUST,
        "The server supports HTTP Basic for clients issued a password, the id and secret "
        "form-urlencoded before the Basic encoding (a percent-encoded character is that character); "
        "it MAY accept secrets in the body; the client MUST NOT put them in the request URI.",
    ),
    (
        "RFC6749-3.1",
        MUST,
        "The authorization endpoint is reached over TLS, has no fragment, and ignores unknown parameters.",
    ),
    (
        "RFC6749-3.1.2",
        MUST,
        "A redirect URI's own query component is kept when the response parameters are added; it has no fragment.",
    ),
    ("RFC6749-3.1.2.4", MUST, "An invalid redirect URI is reported to the user; the user agent is never sent to it."),
    (
        "RFC6749-3.2",
        MUST,
        "The token endpoint is reached over TLS and has no fragment in its URI; it "
        "ignores unknown parameters and treats an empty one as absent.",
    ),
    (
        "RFC6749-3.3",
        MUST,
        "A scope the server does not grant may be refused (invalid_scope) or left out; when the scope "
        "issued differs from the one requested, the response names the scope granted.",
    ),
    (
        "RFC6749-4.1.2",
        MUST,
        "The authorization response carries a code and the exact state; the code is "
        "single use (reuse SHOULD revoke its tokens), also under concurrency, bound to client and "
        "redirect URI, and short-lived (10 minutes at most is RECOMMENDED).",
    ),
    (
        "RFC6749-4.1.2.1",
        MUST,
        "Authorization errors (a denial, a missing or unknown response_type, a repeated parameter) go "
        "back to the client's redirect URI with a registered error code and the state, except for an "
        "invalid client or redirect URI: never redirected.",
    ),
    (
        "RFC6749-4.1.3",
        MUST,
        "A code is redeemed only by the client it was issued to, with the same "
        "redirect_uri as the authorization request, after the client authenticates (if it can).",
    ),
    (
        "RFC6749-4.4.2",
        MUST,
        "The server authenticates the client of a client credentials request: without its secret, "
        "or as a public client, it gets no token.",
    ),
    (
        "RFC6749-4.4.3",
        MUST,
        "A client credentials request is answered with an access token (§5.1); a refresh token SHOULD NOT be included.",
    ),
    (
        "RFC6749-5.1",
        MUST,
        "A token response is JSON with access_token and token_type, "
        "Cache-Control: no-store and Pragma: no-cache; expires_in is RECOMMENDED; scope when it differs.",
    ),
    (
        "RFC6749-5.2",
        MUST,
        "A token error is JSON with a registered error code, status 400 (401 with a matching "
        "WWW-Authenticate for invalid_client over HTTP auth), and ASCII text only; a repeated parameter, "
        "two authentication methods or an otherwise malformed request is invalid_request, never a 5xx.",
    ),
    (
        "RFC6749-6",
        MUST,
        "A refresh token works only for its client, after it authenticates, and never "
        "for a scope wider than granted; omitted scope means the original one.",
    ),
    (
        "RFC6749-10.10",
        MUST,
        "Tokens, codes and other credentials can be guessed with probability 2^-128 at most (2^-160 SHOULD).",
    ),
    # -- RFC 6750, bearer tokens ------------------------------------------------------------
    ("RFC6750-2.1", MUST, "A resource server accepts the access token in the Authorization: Bearer header."),
    (
        "RFC6750-3",
        MUST,
        "A request without a valid token is answered 401 with a WWW-Authenticate: Bearer "
        "challenge, which carries no error code when the request had no credentials at all (SHOULD NOT).",
    ),
    ("RFC6750-3.1", MUST, "invalid_token is 401; insufficient_scope SHOULD be 403."),
    # -- RFC 7009, revocation ---------------------------------------------------------------
    ("RFC7009-2", MUST, "Refresh tokens can be revoked; access tokens SHOULD be."),
    (
        "RFC7009-2.1",
        MUST,
        "Revocation authenticates the client, revokes only that client's tokens, searches "
        "every token type whatever the hint; revoking a refresh token SHOULD revoke its access tokens.",
    ),
    ("RFC7009-2.2", MUST, "Revocation answers 200 for a revoked token and for an invalid one alike."),
    (
        "RFC7009-2.2.1",
        MUST,
        "Revocation errors are presented as RFC 6749 §5.2 defines: a malformed request or failed client "
        "authentication is a client error (400, 401), never a 5xx.",
    ),
    # -- JOSE ----------------------------------------------------------------------------------
    (
        "RFC7517-4",
        MUST,
        "Every JWK has kty and the members of its key type; 'use' and 'key_ops' SHOULD NOT both appear.",
    ),
    ("RFC7517-4.5", SHOULD, "Keys in one JWK Set have distinct kid values."),
    ("RFC7517-5", MUST, "A JWK Set is a JSON object with a 'keys' array of JWKs."),
    ("RFC7518-3.3", MUST, "RSA signing keys are 2048 bits or larger."),
    ("RFC7519-4.1.7", MUST, "A jti is assigned so that two tokens share it with negligible probability."),
    (
        "RFC8725-3.1",
        MUST,
        "Each key is used with exactly one algorithm, checked when the signature is verified.",
    ),
    # -- RFC 7636, PKCE ---------------------------------------------------------------------------
    ("RFC7636-4.2", MUST, "Servers supporting PKCE implement S256."),
    ("RFC7636-4.4.1", MUST, "A transformation the server does not support is invalid_request."),
    (
        "RFC7636-4.6",
        MUST,
        "The server checks the code_verifier against the challenge; a mismatch or a "
        "missing verifier is refused (invalid_grant).",
    ),
    # -- RFC 7662, introspection --------------------------------------------------------------------
    (
        "RFC7662-2.1",
        MUST,
        "The introspection endpoint requires some form of authorization, and searches every token "
        "type whatever the hint.",
    ),
    (
        "RFC7662-2.2",
        MUST,
        "The answer is JSON with a boolean 'active'; an invalid token is {\"active\": false} "
        "and SHOULD say nothing more.",
    ),
    (
        "RFC7662-2.3",
        MUST,
        "A caller whose client credentials are invalid is answered 401 (RFC 6749 §5.2); errors are "
        "client errors, never a 5xx.",
    ),
    # -- RFC 8252, native apps ------------------------------------------------------------------------
    ("RFC8252-7.3", MUST, "For loopback IP redirect URIs of native apps, any port is allowed at request time."),
    # -- RFC 8414, metadata ---------------------------------------------------------------------------
    (
        "RFC8414-2",
        MUST,
        "The metadata names an https issuer without query or fragment, the endpoints the "
        "grants need, response_types_supported, an https jwks_uri of public keys; scopes_supported is RECOMMENDED.",
    ),
    (
        "RFC8414-3",
        MUST,
        "The metadata is at a well-known path inserted into the issuer URL; by default "
        "/.well-known/oauth-authorization-server.",
    ),
    ("RFC8414-3.2", MUST, "The metadata response is 200 with a JSON object."),
    ("RFC8414-3.3", MUST, "The issuer in the metadata is identical to the issuer the URL was built from."),
    # -- RFC 9068, JWT access tokens -------------------------------------------------------------------
    ("RFC9068-2.1", MUST, "A JWT access token has typ at+jwt and is signed (never 'none'); asymmetric is RECOMMENDED."),
    (
        "RFC9068-2.2",
        MUST,
        "A JWT access token carries iss, exp, aud, sub, client_id, iat and jti; with no "
        "resource owner, sub SHOULD name the client.",
    ),
    ("RFC9068-2.2.3", SHOULD, "A token issued for a requested scope carries it in a 'scope' claim."),
    (
        "RFC9068-4",
        MUST,
        "A JWT access token verifies with the authorization server's keys (SHOULD be published at "
        "jwks_uri); one altered, or with alg 'none', is refused.",
    ),
    # -- RFC 9110, HTTP authentication -------------------------------------------------------------------
    (
        "RFC9110-11.1",
        MUST,
        "The authentication scheme is a case-insensitive token: basic and BASIC are Basic, bearer is Bearer "
        "(RFC 7617 §2, RFC 6750 §2.1).",
    ),
    # -- RFC 9207, iss in the authorization response ------------------------------------------------------
    ("RFC9207-2", MUST, "When advertised, every authorization response carries iss, equal to the issuer."),
    ("RFC9207-3", MUST, "authorization_response_iss_parameter_supported, when given, is a boolean."),
    # -- RFC 9700, security BCP -----------------------------------------------------------------------------
    (
        "RFC9700-2.1.1",
        MUST,
        "The server supports PKCE and says so: publishing code_challenge_methods_supported is RECOMMENDED.",
    ),
    ("RFC9700-2.1.2", SHOULD, "Clients do not use the implicit grant (response_type=token)."),
    ("RFC9700-2.4", MUST, "The resource owner password credentials grant is not used."),
    (
        "RFC9700-4.1.3",
        MUST,
        "Redirect URIs are compared by exact string matching, the port of native apps' loopback URIs excepted.",
    ),
    ("RFC9700-4.8.2", MUST, "A code_verifier is accepted only if the authorization request had a challenge."),
    (
        "RFC9700-4.14.2",
        MUST,
        "Public clients' refresh tokens are sender-constrained or rotated; with rotation a spent one is "
        "refused, its reuse revokes the active one, and of simultaneous uses one wins at most.",
    ),
    (
        "RFC9700-4.16",
        MUST,
        "Pages of the authorization server cannot be framed (X-Frame-Options, CSP frame-ancestors SHOULD).",
    ),
    # -- the OAuth 2.1 draft, where it raises a level -----------------------------------------------------------
    (
        "OAUTH21-4.1.1",
        MUST,
        "Authorization servers enforce PKCE (code_challenge and code_verifier), except for confidential "
        "clients with an OpenID Connect nonce (§7.5.1).",
    ),
    # -- issue 21: registration (RFC 7591, 7592), resource indicators (RFC 8707), protected resource
    # metadata (RFC 9728), and the MCP authorization spec's requirements of an authorization server --
    (
        "RFC7591-2",
        MUST,
        "The server ignores client metadata it does not understand (unknown members do not fail a registration).",
    ),
    ("RFC7591-3", MUST, "The registration endpoint accepts an HTTP POST of the client metadata as a JSON object."),
    (
        "RFC7591-3.2.1",
        MUST,
        "A registration succeeds with 201 and a JSON object: a client_id, all the metadata registered, the "
        "secret of a confidential client with client_secret_expires_at (REQUIRED when a secret is issued).",
    ),
    (
        "RFC7591-3.2.2",
        MUST,
        "A refused registration is HTTP 400 with a JSON object whose error is invalid_redirect_uri for a bad "
        "redirect URI, invalid_client_metadata for a bad metadata value.",
    ),
    (
        "RFC7592-2",
        MUST,
        "The client configuration endpoint needs the registration access token: without it, or with an "
        "invalid one, the answer is an RFC 6750 error (401 invalid_token).",
    ),
    ("RFC7592-2.1", MUST, "A read (GET) answers 200 with the client information, client_id as registered."),
    ("RFC7592-2.2", MUST, "An update (PUT) replaces the registration and answers 200 with the metadata as updated."),
    (
        "RFC7592-2.3",
        MUST,
        "A delete answers 204; the client_id, the registration access token and the client's grants are "
        "then invalid (SHOULD for the grants and tokens).",
    ),
    (
        "RFC7592-3",
        MUST,
        "A registration response with management carries registration_client_uri and registration_access_token.",
    ),
    (
        "RFC8707-2",
        SHOULD,
        "The server audience-restricts the access token to the resource requested (aud); a resource it does "
        "not accept or cannot parse should be refused with invalid_target (lower-case: no keyword).",
    ),
    (
        "RFC9728-2",
        MUST,
        "The protected resource metadata has resource (REQUIRED, an https URL without fragment, http on "
        "loopback); authorization_servers a list of issuers; scopes_supported RECOMMENDED.",
    ),
    (
        "RFC9728-3",
        MUST,
        "The metadata is served at the well-known URL inserted into the resource identifier, 200 with a "
        "JSON object of type application/json (§3.2).",
    ),
    ("RFC9728-3.3", MUST, "The resource in the metadata is identical to the identifier its URL was formed from."),
    (
        "RFC9728-5.1",
        MAY,
        "A 401 from the protected resource names its metadata URL in WWW-Authenticate (resource_metadata).",
    ),
    (
        "CIMD-Client-Metadata-Document",
        MUST,
        "A server supporting client ID metadata documents fetches the document at the client_id URL and "
        "uses it only if its client_id is that URL (simple string comparison); a valid one makes a client.",
    ),
    (
        "CIMD-Redirect-URL-Registration",
        MUST,
        "The redirect URIs of such a client are those its document lists; no other is redirected to.",
    ),
    (
        "MCP-Authorization-Server-Discovery",
        MUST,
        "The authorization server offers RFC 8414 metadata or OpenID Connect Discovery, at the well-known "
        "paths derived from its issuer; its protected resources' metadata names at least one authorization "
        "server (authorization_servers).",
    ),
    (
        "MCP-Authorization-Code-Protection",
        MUST,
        "code_challenge_methods_supported lists S256: without it an MCP client refuses to proceed.",
    ),
    (
        "MCP-Access-Token-Privilege-Restriction",
        MUST,
        "The MCP server (the protected resource) accepts only tokens issued for it as their audience "
        "(RFC 8707): a token for another resource is refused (401 invalid_token, RFC 6750 §3.1).",
    ),
    (
        "MCP-Client-Registration-Approaches",
        SHOULD,
        "The server offers a registration path for clients it has never seen: Client ID Metadata Documents "
        "(client_id_metadata_document_supported) or RFC 7591 (registration_endpoint).",
    ),
    # -- the seed documents -----------------------------------------------------------------------------------
    ("SEED-GRANTS", MUST, "Authorization code with PKCE, client credentials and refresh token are offered."),
    ("SEED-SCOPES", MUST, "The four scope levels read, write, admin, superuser exist under one prefix."),
    ("SEED-RSA-JWT", MUST, "Access tokens are JWTs signed with an RSA key."),
    (
        "SEED-ROUTES",
        MUST,
        "/index.php?module=OAuth2&action=token and action=authorize are the token and authorization endpoints.",
    ),
    ("SEED-ONE-SCOPE", MUST, "When the server is configured for it: one scope per request, one the client is allowed."),
    # -- RFC 8628, the device authorization grant -------------------------------------------------------------
    (
        "RFC8628-3.1",
        MUST,
        "The device authorization request is a POST with the client authenticated as at the token endpoint "
        "(RFC 6749 §3.2.1); errors are those of RFC 6749 §5.2 (invalid_client is 401).",
    ),
    (
        "RFC8628-3.2",
        MUST,
        "The device authorization response is 200 JSON with device_code, user_code, verification_uri and "
        "expires_in (REQUIRED); interval and verification_uri_complete are OPTIONAL.",
    ),
    (
        "RFC8628-3.5",
        MUST,
        "A poll is answered authorization_pending while the user has not decided, slow_down (the interval "
        "then 5 s longer for all later polls), access_denied after a denial, expired_token after expiry, and "
        "the tokens of RFC 6749 §5.1 once approved; other errors as RFC 6749 §5.2.",
    ),
    (
        "RFC8628-5.1",
        SHOULD,
        "The user code has enough entropy that, with rate limiting, brute force is infeasible.",
    ),
    # -- OpenID Connect Core 1.0 and Discovery 1.0 --------------------------------------------------------------
    (
        "OIDC-2",
        MUST,
        "The ID Token is a signed JWT with iss (the issuer), sub (at most 255 ASCII characters), aud (holding "
        "the client_id), exp (in the future) and iat; nonce, when the request had one, is its value.",
    ),
    (
        "OIDC-3.1.2.6",
        MUST,
        "With prompt=none the server shows no page: a user not signed in, or consent not given, is an error "
        "(login_required, consent_required, interaction_required) sent to the redirect URI.",
    ),
    (
        "OIDC-3.1.3.3",
        MUST,
        "The token response of an OpenID Connect request holds an id_token besides the access token.",
    ),
    (
        "OIDC-3.1.3.6",
        MUST,
        "The ID Token is signed with a key of the server's JWK Set (alg not none unless asked); at_hash, "
        "when present, is the left half of the access token's hash.",
    ),
    (
        "OIDC-5.3",
        MUST,
        "UserInfo answers an access token of an openid request with JSON holding sub, the ID Token's sub; a "
        "request without a valid token is refused with a Bearer challenge (RFC 6750 §3).",
    ),
    (
        "OIDC-11",
        MUST,
        "offline_access requests a refresh token; the OP MUST always obtain the user's consent to it "
        "(a consent page, with prompt=consent), and MAY issue refresh tokens in other contexts.",
    ),
    (
        "OIDC-DISCOVERY-3",
        MUST,
        "The provider metadata holds issuer, authorization_endpoint, jwks_uri, response_types_supported, "
        "subject_types_supported and id_token_signing_alg_values_supported (with RS256); token_endpoint "
        "unless only implicit; userinfo_endpoint and scopes_supported (with openid) RECOMMENDED.",
    ),
    (
        "OIDC-DISCOVERY-4",
        MUST,
        "The configuration is at /.well-known/openid-configuration under the issuer, 200 JSON, and its "
        "issuer is identical to the one the URL was built from.",
    ),
    # -- issue 24: RFC 9126, pushed authorization requests --------------------------------------------------
    (
        "RFC9126-2.1",
        MUST,
        "The pushed request is a POST of the authorization parameters with the client authenticated as at "
        "the token endpoint; request_uri MUST NOT be among them.",
    ),
    (
        "RFC9126-2.2",
        MUST,
        "A verified request is answered 201 with JSON request_uri and expires_in (a positive integer); the "
        "request_uri MUST be bound to the client that posted it.",
    ),
    (
        "RFC9126-2.3",
        MUST,
        "Errors are JSON as at the token endpoint (RFC 6749 §5.2): invalid_request for a bad request, "
        "invalid_client (401 over Basic) for failed client authentication.",
    ),
    (
        "RFC9126-4",
        MUST,
        "The authorization endpoint takes client_id and request_uri; the request_uri is single use and, "
        "bound to its client (§2.2), opens nothing for another client_id.",
    ),
    (
        "RFC9126-5",
        MUST,
        "pushed_authorization_request_endpoint is the URL of the endpoint where a client posts an "
        "authorization request: an absolute URL, without fragment (RFC 8414 §2's rule for every endpoint).",
    ),
    # -- issue 24: RFC 9449, DPoP at the authorization server ----------------------------------------------
    (
        "RFC9449-4.3",
        MUST,
        "A proof is refused unless it is one JWT with typ dpop+jwt, an asymmetric alg (not none, no MAC), a "
        "public jwk (no private part) that verifies the signature, htm the method, htu the URI, an "
        "acceptable iat, and a jti not seen before; the token endpoint answers invalid_dpop_proof (§5).",
    ),
    (
        "RFC9449-5",
        MUST,
        "A token issued with a valid proof is bound to its key and the response's token_type is DPoP.",
    ),
    (
        "RFC9449-5.1",
        MUST,
        "dpop_signing_alg_values_supported is a JSON array of the JWS alg values accepted in proofs.",
    ),
    (
        "RFC9449-6.1",
        MUST,
        "A DPoP-bound JWT access token carries cnf with jkt, the RFC 7638 SHA-256 thumbprint of the proof's key.",
    ),
    # -- issue 24: RFC 7523, JWT client authentication (private_key_jwt) ------------------------------------
    (
        "RFC7523-3",
        MUST,
        "A client assertion is refused unless sub is the client_id, aud identifies the server (the token "
        "endpoint URL may be used), and exp is present and not passed; the server MAY keep used jti values "
        "to refuse a replayed assertion.",
    ),
    (
        "RFC7523-3.2",
        MUST,
        "A client assertion that is not valid is answered with the invalid_client error code (RFC 6749 §5.2).",
    ),
    (
        "OIDC-9",
        MUST,
        "private_key_jwt: the assertion's iss and sub are the client_id, aud the token endpoint, jti and exp REQUIRED.",
    ),
)


def get(requirement_id: str) -> Requirement:
    try:
        return REQUIREMENTS[requirement_id]
    except KeyError:
        raise KeyError(f"unknown requirement id {requirement_id!r}: add it to conformance/requirements.py") from None
