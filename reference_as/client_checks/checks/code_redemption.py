"""Redeeming the authorization code (RFC 6749 §4.1.2, §4.1.3; RFC 7636 §4.5).

- RFC 6749 §4.1.2: "The client MUST NOT use the authorization code more than once."
- RFC 6749 §4.1.2: the code is short-lived (10 minutes at most RECOMMENDED; this
  server's `code_ttl`): the client should redeem it at once, within that lifetime.
- RFC 6749 §4.1.3: a redirect_uri sent in the authorization request MUST be sent
  again, identical, in the token request.
- RFC 7636 §4.5: a code asked for with a challenge is redeemed with its code_verifier.
"""

from ..model import MUST, NOT_APPLICABLE, SHOULD, Check, each, skipped


def once(evidence):
    return each(
        evidence.code_redemptions,
        lambda e: not e["code_spent_before"],
        "code redemptions",
        "a code redeemed before was presented again",
    )


def promptly(evidence):
    ttl = evidence.settings.code_ttl
    known = [e for e in evidence.code_redemptions if e["code_known"]]
    return each(known, lambda e: e["code_age"] <= ttl, f"codes redeemed within {ttl} s", "redeemed late")


def same_redirect_uri(evidence):
    known = [e for e in evidence.code_redemptions if e["code_known"]]
    return each(known, lambda e: e["redirect_uri_same"], "code redemptions", "redirect_uri missing or different")


def verifier(evidence):
    with_challenge = [e for e in evidence.code_redemptions if e["challenge_sent"]]
    if evidence.code_redemptions and not with_challenge:
        return skipped(NOT_APPLICABLE, "no code redeemed was asked for with a PKCE challenge")
    return each(with_challenge, lambda e: e["verifier_sent"], "redemptions of PKCE codes", "no code_verifier")


CHECKS = (
    # RFC6749-4.1.2 MUST NOT: a code used more than once.
    Check("RFC6749-4.1.2-code-once", "RFC 6749 §4.1.2", MUST, "each code redeemed once", once),
    # RFC6749-4.1.2 (short lifetime): the code redeemed within it.
    Check("RFC6749-4.1.2-code-promptly", "RFC 6749 §4.1.2", SHOULD, "each code redeemed promptly", promptly),
    # RFC6749-4.1.3 MUST: the same redirect_uri as in the authorization request.
    Check(
        "RFC6749-4.1.3-same-redirect-uri",
        "RFC 6749 §4.1.3",
        MUST,
        "the same redirect_uri at redemption",
        same_redirect_uri,
    ),
    # RFC7636-4.5 MUST: the code_verifier with a code asked for with a challenge.
    Check("RFC7636-4.5-code-verifier", "RFC 7636 §4.5", MUST, "the code_verifier at redemption", verifier),
)
