"""Sending the access token to a resource (RFC 6750 §2).

- RFC 6750 §2: the `Authorization: Bearer` header (§2.1) is the method resource
  servers must support; the body (§2.2) and above all the query (§2.3: it "SHOULD
  NOT be used"; tokens in URLs leak into logs and Referer headers, §5.3) are not.
  Judged as a SHOULD: the header only.
- RFC 6750 §2: "Clients MUST NOT use more than one method to transmit the token in
  each request."
"""

from ..model import MUST, SHOULD, Check, each


def _calls(evidence):
    return [e for e in evidence.kind("resource") if e["token_in"]]


def header_only(evidence):
    return each(
        _calls(evidence), lambda e: e["token_in"] == ["header"], "resource requests", "the token not in the header"
    )


def one_method(evidence):
    return each(_calls(evidence), lambda e: len(e["token_in"]) == 1, "resource requests", "the token sent twice")


CHECKS = (
    # RFC6750-2 SHOULD: the Authorization header, never the URI query.
    Check("RFC6750-2-header", "RFC 6750 §2, §2.3", SHOULD, "the token in the Authorization header only", header_only),
    # RFC6750-2 MUST NOT: more than one method in one request.
    Check("RFC6750-2-one-method", "RFC 6750 §2", MUST, "one way of sending the token", one_method),
)
