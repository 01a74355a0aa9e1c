"""RFC 9700, Best Current Practice for OAuth 2.0 Security: what a server's
metadata shows of it (the grants it offers, PKCE advertised).
https://www.rfc-editor.org/rfc/rfc9700

The behaviours RFC 9700 asks for live beside the RFC they tighten: exact
redirect URI matching in rfc9700_redirect_uri.py, PKCE downgrade in
rfc7636_pkce.py, refresh token rotation in rfc6749_refresh.py, framing in
rfc6749_authorization_endpoint.py.
"""

from conformance.marks import check
from conformance.outcomes import fail, not_applicable


# RFC9700-2.1.1: support for PKCE is detectable; code_challenge_methods_supported is RECOMMENDED.
@check("rfc9700-2.1.1-pkce-support-published", "RFC9700-2.1.1", level="SHOULD")
def check_pkce_published(server, metadata):
    """With the authorization code grant offered, code_challenge_methods_supported is published."""
    if "authorization_code" not in server.grant_types:
        not_applicable("the authorization code grant is not offered")
    if not metadata.get("code_challenge_methods_supported"):
        fail("code_challenge_methods_supported is missing: clients cannot see PKCE support")


# RFC9700-2.1.2: "clients SHOULD NOT use the implicit grant" (and every response type that issues an
# access token from the authorization endpoint): a rule for clients, so offering it is advice. OpenID
# Connect servers list "implicit" in grant_types_supported for `id_token` alone, which issues no
# access token: that is not advised against.
@check("rfc9700-2.1.2-implicit-grant-not-offered", "RFC9700-2.1.2", level="ADVICE")
def check_no_implicit(server, metadata):
    """No response type that issues an access token from the authorization endpoint (token) is offered."""
    offered = [t for t in server.response_types if "token" in t.split()]
    if offered:
        fail(f"response types issuing access tokens from the authorization endpoint are offered: {offered}")
    if "implicit" in server.grant_types and "response_types_supported" not in metadata:
        fail(
            "grant_types_supported offers implicit, and no response_types_supported says it is not response_type=token"
        )


# RFC9700-2.4: "The resource owner password credentials grant MUST NOT be used": the sentence names no
# party, and a server that offers the grant is where it is used.
@check("rfc9700-2.4-password-grant-not-offered", "RFC9700-2.4")
def check_no_password(server, metadata):
    """The resource owner password credentials grant is not offered."""
    if "password" in server.grant_types:
        fail("grant_types_supported offers password")
