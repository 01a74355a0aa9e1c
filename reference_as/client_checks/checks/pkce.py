"""PKCE (RFC 7636) as RFC 9700 §2.1.1 asks clients to use it.

RFC 9700 §2.1.1: public clients MUST use PKCE; for confidential clients it is
RECOMMENDED; clients SHOULD use a challenge method that does not expose the
verifier, which today is S256 alone (`plain` sends the verifier itself).
"""

from ..model import MUST, NOT_APPLICABLE, SHOULD, Check, each, skipped


def _pkce_used(evidence):
    return each(evidence.authorizations, lambda e: e["pkce_method"] is not None, "authorization requests", "no PKCE")


def public_pkce(evidence):
    if evidence.client.is_confidential:
        return skipped(NOT_APPLICABLE, "a confidential client: see RFC9700-2.1.1-pkce-confidential")
    return _pkce_used(evidence)


def confidential_pkce(evidence):
    if not evidence.client.is_confidential:
        return skipped(NOT_APPLICABLE, "a public client: see RFC9700-2.1.1-pkce-public")
    return _pkce_used(evidence)


def s256(evidence):
    with_pkce = [e for e in evidence.authorizations if e["pkce_method"] is not None]
    if evidence.authorizations and not with_pkce:
        return skipped(NOT_APPLICABLE, "no request used PKCE (see the two checks before)")
    return each(with_pkce, lambda e: e["pkce_method"] == "S256", "requests with PKCE", "not S256")


CHECKS = (
    # RFC9700-2.1.1 MUST: a public client uses PKCE in every authorization request.
    Check("RFC9700-2.1.1-pkce-public", "RFC 9700 §2.1.1", MUST, "a public client uses PKCE", public_pkce),
    # RFC9700-2.1.1 RECOMMENDED: so does a confidential client.
    Check(
        "RFC9700-2.1.1-pkce-confidential",
        "RFC 9700 §2.1.1",
        SHOULD,
        "a confidential client uses PKCE",
        confidential_pkce,
    ),
    # RFC9700-2.1.1 SHOULD: the challenge method does not expose the verifier (S256).
    Check("RFC9700-2.1.1-s256", "RFC 9700 §2.1.1", SHOULD, "PKCE with S256, never plain", s256),
)
