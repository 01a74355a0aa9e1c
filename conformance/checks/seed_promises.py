"""The seed documents' promises (profile `seed`, not run by default): an
authorization server plugin that offers authorization code with PKCE, client
credentials and refresh token; four scope levels under one prefix; RSA-signed
JWT access tokens; the routes `/index.php?module=OAuth2&action=...`; and, when
so configured, one scope per request. Enabled by the `[seed]` table of the
target file where a promise needs configuration.
"""

from urllib.parse import urlsplit

from conformance import expect, fixes, steps
from conformance.jwts import header_of
from conformance.marks import check
from conformance.outcomes import fail, not_applicable, not_configured

LEVELS = ("read", "write", "admin", "superuser")


@check("seed-grants-all-three-offered", "SEED-GRANTS")
def check_grants(server):
    """Authorization code, client credentials and refresh token are all offered, and PKCE S256."""
    missing = [g for g in ("authorization_code", "client_credentials", "refresh_token") if g not in server.grant_types]
    if missing:
        fail(f"grant_types_supported lacks {', '.join(missing)}")
    if "S256" not in server.pkce_methods:
        fail("PKCE S256 is not advertised")


@check("seed-scopes-four-levels-under-one-prefix", "SEED-SCOPES")
def check_scopes(target, metadata):
    """scopes_supported holds <prefix>read, write, admin and superuser."""
    prefix = target.seed.scope_prefix
    if prefix is None:
        not_configured("no [seed] scope_prefix", fixes.seed(scope_prefix="<the prefix of the four scopes>"))
    missing = [prefix + level for level in LEVELS if prefix + level not in (metadata.get("scopes_supported") or [])]
    if missing:
        fail(f"scopes_supported lacks {', '.join(missing)}")


@check("seed-rsa-jwt-access-tokens", "SEED-RSA-JWT")
def check_rsa_jwt(cc_tokens):
    """Access tokens are JWTs signed with an RSA algorithm (RS* or PS*)."""
    header = header_of(cc_tokens.access_token)
    if header is None:
        fail("the access token is not a JWT")
    if not str(header.get("alg", "")).startswith(("RS", "PS")):
        fail(f"the access token is signed {header.get('alg')}, not with RSA")


def _seed_url(server, action: str) -> str:
    parts = urlsplit(server.issuer or server.endpoints.token)
    return f"{parts.scheme}://{parts.netloc}{parts.path.rstrip('/')}/index.php?module=OAuth2&action={action}"


@check("seed-routes-token-alias", "SEED-ROUTES")
def check_token_route(server, target, confidential):
    """/index.php?module=OAuth2&action=token answers a client credentials request with a token."""
    if not target.seed.routes:
        not_applicable("[seed] routes is not true: the server does not serve the seed's routes")
    steps.ready_for(server, confidential, "client_credentials")
    expect.token(confidential.token_request(steps.cc_params(confidential), url=_seed_url(server, "token")))


@check("seed-routes-authorize-alias", "SEED-ROUTES")
def check_authorize_route(server, target, code_client, driver):
    """/index.php?module=OAuth2&action=authorize runs the authorization code flow to a code."""
    if not target.seed.routes:
        not_applicable("[seed] routes is not true: the server does not serve the seed's routes")
    request = code_client.authorization_request()
    query = request.url.split("?", 1)[1]
    landing = driver.run(_seed_url(server, "authorize") + "&" + query, request.redirect_uri)
    if "code" not in landing.params:
        fail(f"the seed route gave no code: the user agent {landing.describe()}")


@check("seed-one-scope-two-scopes-refused", "SEED-ONE-SCOPE")
def check_one_scope(server, target, confidential, metadata):
    """With one scope per request configured, asking for two is invalid_scope."""
    if not target.seed.one_scope_per_request:
        not_applicable("[seed] one_scope_per_request is not true: the server is not configured for it")
    steps.ready_for(server, confidential, "client_credentials")
    two = " ".join((metadata.get("scopes_supported") or ["a", "b"])[:2])
    expect.error(confidential.token_request(steps.cc_params(confidential, scope=two)), "invalid_scope")
