"""The scopes a client asks for (RFC 6749 §3.3; seed 004).

RFC 6749 §3.3: the server may refuse scopes beyond the client's registration, so a
client should ask only for what it registered. Seed 004: "the plugin allows only one
scope per request and the requested scope needs to match the client configuration",
judged where the server is set so (`one_scope_per_request`).
"""

from ..model import NOT_APPLICABLE, SHOULD, Check, each, skipped


def within(evidence):
    return each(
        evidence.authorizations,
        lambda e: not e["scope_outside_registration"],
        "authorization requests",
        "scopes beyond the client's registration",
    )


def one_scope(evidence):
    if not evidence.settings.one_scope_per_request:
        return skipped(NOT_APPLICABLE, "this server accepts several scopes per request (one_scope_per_request off)")
    return each(evidence.authorizations, lambda e: len(e["scope"]) <= 1, "authorization requests", "several scopes")


CHECKS = (
    # RFC6749-3.3 SHOULD (our reading: the server MAY refuse): scopes within the registration.
    Check("RFC6749-3.3-registered-scopes", "RFC 6749 §3.3", SHOULD, "scopes within the registration", within),
    # SEED004 one scope per request, when the server is set so.
    Check("SEED004-one-scope", "seed 004 (one scope per request)", SHOULD, "one scope per request", one_scope),
)
