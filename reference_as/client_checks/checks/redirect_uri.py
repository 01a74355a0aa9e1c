"""The redirect URI the client sends (RFC 9700 §4.1.3, RFC 6749 §3.1.2.3).

The server compares redirect URIs exactly (RFC 9700 §4.1.3), so a client MUST send
one of its registered URIs as registered, character for character (seed 000: "You
must copy this URI exactly"); it may leave it out only when it registered exactly
one (RFC 6749 §3.1.2.3).
"""

from ..model import MUST, Check, each


def exact(evidence):
    def ok(e):
        if e["redirect_uri"] is None:
            return e["registered_redirect_uris"] == 1
        return e["redirect_uri_registered"]

    return each(evidence.authorizations, ok, "authorization requests", "a redirect URI not registered exactly")


CHECKS = (
    # RFC9700-4.1.3 MUST: the redirect URI is one registered, exactly.
    Check("RFC9700-4.1.3-exact-redirect-uri", "RFC 9700 §4.1.3", MUST, "the exact registered redirect URI", exact),
)
