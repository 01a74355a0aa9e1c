"""How the client authenticates at the token endpoint (RFC 6749 §2.3, §2.3.1).

- RFC 6749 §2.3: a confidential client authenticates by the method it registered
  (its `token_endpoint_auth_method` if it registered one, RFC 7591 §2; else a secret,
  in HTTP Basic or the body); a public client sends its client_id alone.
- RFC 6749 §2.3: the client MUST NOT use more than one authentication method in a request.
- RFC 6749 §2.3.1: the credentials "MUST NOT be included in the request URI".
- RFC 6749 §2.3.1: the secret in the body is NOT RECOMMENDED (HTTP Basic is the norm).
"""

import json

from ..model import MUST, NOT_APPLICABLE, SHOULD, Check, each, skipped

SECRET_METHODS = ("client_secret_basic", "client_secret_post")


def registered_methods(client) -> tuple[str, ...]:
    if not client.is_confidential:
        return ("none",)
    registered = json.loads(client.metadata or "{}").get("token_endpoint_auth_method")
    return (registered,) if registered else SECRET_METHODS


def _tokens(evidence):
    return evidence.kind("token")


def registered(evidence):
    allowed = registered_methods(evidence.client)
    return each(
        _tokens(evidence),
        lambda e: len(e["auth_methods"]) == 1 and e["auth_methods"][0] in allowed,
        "token requests",
        f"not authenticated by the registered method ({' or '.join(allowed)})",
    )


def one_method(evidence):
    return each(_tokens(evidence), lambda e: len(e["auth_methods"]) <= 1, "token requests", "two methods at once")


def not_in_query(evidence):
    return each(
        _tokens(evidence), lambda e: not e["credentials_in_query"], "token requests", "credentials in the request URI"
    )


def basic_preferred(evidence):
    if not evidence.client.is_confidential:
        return skipped(NOT_APPLICABLE, "a public client has no secret")
    return each(
        _tokens(evidence),
        lambda e: "client_secret_post" not in e["auth_methods"],
        "token requests",
        "the secret in the body (NOT RECOMMENDED)",
    )


CHECKS = (
    # RFC6749-2.3 MUST: the client authenticates as it registered.
    Check("RFC6749-2.3-registered-method", "RFC 6749 §2.3", MUST, "the registered authentication method", registered),
    # RFC6749-2.3 MUST NOT: more than one authentication method in one request.
    Check("RFC6749-2.3-one-method", "RFC 6749 §2.3", MUST, "one authentication method per request", one_method),
    # RFC6749-2.3.1 MUST NOT: credentials in the request URI.
    Check("RFC6749-2.3.1-not-in-query", "RFC 6749 §2.3.1", MUST, "no credentials in the query", not_in_query),
    # RFC6749-2.3.1 NOT RECOMMENDED: the secret in the request body.
    Check("RFC6749-2.3.1-basic", "RFC 6749 §2.3.1", SHOULD, "HTTP Basic rather than the body", basic_preferred),
)
