"""Who may introspect which token (RFC 7662 §2.1, §4).

RFC 7662 leaves the policy to the server but asks that it exist: "the
authorization server MUST determine whether the protected resource is allowed
to know about the token" and, if not, answer as if the token were inactive
(§2.2), which leaks nothing. Ours, in full:

- Only confidential clients may call the endpoint (RFC7662-2.1 MUST require
  authorization; a public client cannot authenticate).
- A client sees its own tokens.
- A client holding the `introspect` permission (a resource server) sees all.
"""

INTROSPECT = "introspect"
PERMISSIONS = (INTROSPECT,)


def may_see(caller_client_id: str, caller_permissions: tuple[str, ...], token_client_id: str) -> bool:
    return caller_client_id == token_client_id or INTROSPECT in caller_permissions
