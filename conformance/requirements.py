"""The requirement registry: one entry per requirement the suite checks.

A requirement id names an RFC and a section, `RFC6749-5.2`: the same id the
reference server writes in the comment above the code that meets it and the
spec tests put in their `requirement` marker, so one grep finds all three.
Where one section holds several rules, the entry states them together and each
check says which one it proves (and at which level).

Levels follow the document cited:
- MUST / MUST NOT / REQUIRED / SHALL        -> MUST   (a failure fails the run)
- SHOULD / SHOULD NOT / RECOMMENDED         -> SHOULD (a failure is a warning)
- MAY / OPTIONAL                            -> MAY    (checked only when advertised)
Where an RFC puts a MUST on the *client* and says nothing of the server (the
client MUST use POST at the token endpoint, for example), the check that the
server refuses the violation is a SHOULD: refusing is what a careful server
does, accepting breaks no rule written for servers. Where a later document
tightens an earlier one (RFC 9700 over RFC 6749), the entry cites the later
document, and the check's level is that document's.
"""

from dataclasses import dataclass

MUST, SHOULD, MAY = "MUST", "SHOULD", "MAY"
LEVELS = (MUST, SHOULD, MAY)

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
    "RFC9207": "Authorization Server Issuer Identification",
    "RFC9700": "Best Current Practice for OAuth 2.0 Security",
    "SEED": "What the seed documents promise",
}


@dataclass(frozen=True)
class Requirement:
    id: str  # "RFC6749-5.2"
    level: str  # the strongest keyword of the rule
    rule: str  # in our own words

    @property
    def rfc(self) -> str:
        return self.id.split("-", 1)[0]

    @property
    def section(self) -> str:
        return self.id.split("-", 1)[1]

    @property
    def title(self) -> str:
        return RFC_TITLES[self.rfc]

    @property
    def url(self) -> str | None:
        if self.rfc == "SEED":
            return None
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
        "RFC6749-2.3",
        MUST,
        "A client uses one authentication method per request; a request with two is invalid_request (§5.2).",
    ),
    (
        "RFC6749-2.3.1",
        MUST,
        "The server supports HTTP Basic for clients with a secret, the id and secret "
        "form-urlencoded first; secrets in the body are allowed, in the request URI never.",
    ),
    (
        "RFC6749-3.1",
        MUST,
        "The authorization endpoint supports GET, ignores unknown parameters, refuses "
        "repeated ones, has no fragment and is reached over TLS.",
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
        "The token endpoint takes POST, over TLS, with no fragment in its URI; it "
        "ignores unknown parameters, refuses repeated ones, and treats an empty one as absent.",
    ),
    ("RFC6749-3.2.1", MUST, "Confidential clients authenticate at the token endpoint."),
    (
        "RFC6749-3.3",
        MUST,
        "A scope the server does not grant is refused (invalid_scope) or left out, and "
        "then the response names the scope granted.",
    ),
    (
        "RFC6749-4.1.1",
        MUST,
        "The authorization request carries response_type=code; anything else is an error sent back to the client.",
    ),
    (
        "RFC6749-4.1.2",
        MUST,
        "The authorization response carries a code and the exact state; the code is "
        "single use (reuse SHOULD revoke its tokens), bound to client and redirect URI, and short-lived "
        "(10 minutes at most is RECOMMENDED).",
    ),
    (
        "RFC6749-4.1.2.1",
        MUST,
        "Authorization errors go back to the client's redirect URI with a registered "
        "error code and the state, except for an invalid client or redirect URI: never redirected.",
    ),
    (
        "RFC6749-4.1.3",
        MUST,
        "A code is redeemed only by the client it was issued to, with the same "
        "redirect_uri as the authorization request, after the client authenticates (if it can).",
    ),
    ("RFC6749-4.4", MUST, "The client credentials grant is for confidential clients only."),
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
        "A token error is JSON with a registered error code, status 400 (401 with a "
        "matching WWW-Authenticate for invalid_client over HTTP auth), and ASCII text only.",
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
    # -- JOSE ----------------------------------------------------------------------------------
    ("RFC7517-4", MUST, "Every JWK has kty; 'use' and 'key_ops' SHOULD NOT both appear."),
    ("RFC7517-4.5", SHOULD, "Keys in one JWK Set have distinct kid values."),
    ("RFC7517-5", MUST, "A JWK Set is a JSON object with a 'keys' array of JWKs."),
    ("RFC7518-3.3", MUST, "RSA signing keys are 2048 bits or larger."),
    ("RFC7519-4.1.7", MUST, "A jti is assigned so that two tokens share it with negligible probability."),
    ("RFC8725-3.1", MUST, "A JWT is verified with the algorithm its key is meant for; 'none' is never accepted."),
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
        "The introspection endpoint takes POST, requires authorization, and searches every "
        "token type whatever the hint.",
    ),
    (
        "RFC7662-2.2",
        MUST,
        "The answer is JSON with a boolean 'active'; an invalid token is {\"active\": false} "
        "and SHOULD say nothing more.",
    ),
    ("RFC7662-2.3", MUST, "A caller whose client credentials are invalid is answered 401 (RFC 6749 §5.2)."),
    # -- RFC 8252, native apps ------------------------------------------------------------------------
    ("RFC8252-7.3", MUST, "For loopback IP redirect URIs, any port is allowed at request time."),
    # -- RFC 8414, metadata ---------------------------------------------------------------------------
    (
        "RFC8414-2",
        MUST,
        "The metadata names an https issuer without query or fragment, the endpoints the "
        "grants need, response_types_supported, and https URLs; scopes_supported is RECOMMENDED.",
    ),
    ("RFC8414-3", MUST, "The metadata is at the well-known path inserted into the issuer URL."),
    ("RFC8414-3.2", MUST, "The metadata response is 200 with a JSON object."),
    ("RFC8414-3.3", MUST, "The issuer in the metadata is identical to the issuer the URL was built from."),
    # -- RFC 9068, JWT access tokens -------------------------------------------------------------------
    ("RFC9068-2.1", MUST, "A JWT access token has typ at+jwt and is signed (never 'none')."),
    (
        "RFC9068-2.2",
        MUST,
        "A JWT access token carries iss, exp, aud, sub, client_id, iat and jti; with no "
        "resource owner, sub SHOULD name the client.",
    ),
    ("RFC9068-2.2.3", SHOULD, "A token issued for a requested scope carries it in a 'scope' claim."),
    ("RFC9068-4", MUST, "The token verifies with a key from the issuer's jwks_uri, chosen by kid."),
    # -- RFC 9207, iss in the authorization response ------------------------------------------------------
    ("RFC9207-2", MUST, "When advertised, every authorization response carries iss, equal to the issuer."),
    ("RFC9207-3", MUST, "authorization_response_iss_parameter_supported, when given, is a boolean."),
    # -- RFC 9700, security BCP -----------------------------------------------------------------------------
    (
        "RFC9700-2.1.1",
        MUST,
        "The server supports PKCE, says so in its metadata (RECOMMENDED), and SHOULD require it from public clients.",
    ),
    ("RFC9700-2.1.2", SHOULD, "The implicit grant (response_type=token) is not offered."),
    ("RFC9700-2.4", MUST, "The resource owner password credentials grant is not used."),
    ("RFC9700-4.1.3", MUST, "Redirect URIs are compared by exact string matching (loopback ports excepted)."),
    ("RFC9700-4.8.2", MUST, "A code_verifier is accepted only if the authorization request had a challenge."),
    (
        "RFC9700-4.14.2",
        MUST,
        "Public clients' refresh tokens are rotated (or sender-constrained); a spent "
        "one presented again SHOULD revoke the grant's active tokens.",
    ),
    (
        "RFC9700-4.16",
        MUST,
        "Pages of the authorization server cannot be framed (X-Frame-Options, CSP frame-ancestors SHOULD).",
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
)


def get(requirement_id: str) -> Requirement:
    try:
        return REQUIREMENTS[requirement_id]
    except KeyError:
        raise KeyError(f"unknown requirement id {requirement_id!r}: add it to conformance/requirements.py") from None
