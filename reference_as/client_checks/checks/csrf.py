"""Cross-site request forgery at the redirect URI (RFC 9700 §4.7, RFC 6749 §10.12).

RFC 9700 §4.7.1: clients MUST prevent CSRF; PKCE (S256) does it, and so does a
one-time CSRF token in `state` bound to the user agent. RFC 6749 §10.12: that
binding value MUST be non-guessable. Its bar here is RFC 6749 §10.10's for
credentials, 2^-128: a `state` that carries fewer than 128 bits by its length and
alphabet (`oauth_client.entropy`) is guessable. A state bound to one request is
never seen in two. State is judged on requests that rely on it, those without PKCE:
with PKCE, state may carry application data (RFC 9700 §4.7.1).
"""

from ..model import MUST, NOT_APPLICABLE, Check, each, met, skipped, unmet

BITS = 128  # RFC 6749 §10.10: guessing at most 2^-128


def _without_pkce(evidence):
    return [e for e in evidence.authorizations if e["pkce_method"] != "S256"]


def prevented(evidence):
    return each(
        evidence.authorizations,
        lambda e: e["pkce_method"] == "S256" or e["state_hash"],
        "authorization requests",
        "neither PKCE (S256) nor state",
    )


def unguessable(evidence):
    requests = [e for e in _without_pkce(evidence) if e["state_hash"]]
    if not requests and evidence.authorizations:
        return skipped(NOT_APPLICABLE, "no request relies on state: PKCE prevents CSRF")
    return each(
        requests, lambda e: e["state_bits"] >= BITS, "requests relying on state", f"a state of fewer than {BITS} bits"
    )


def once(evidence):
    requests = [e for e in _without_pkce(evidence) if e["state_hash"]]
    if not requests:
        return unguessable(evidence)  # the same reason for no verdict
    seen: dict[str, int] = {}
    reused = []
    for e in requests:
        if e["state_hash"] in seen:
            reused.append(e)
        seen.setdefault(e["state_hash"], e.seq)
    if reused:
        return unmet(f"{len(reused)} of {len(requests)} requests reused a state sent before", reused)
    return met(f"each of {len(requests)} states was sent once", requests)


CHECKS = (
    # RFC9700-4.7.1 MUST: CSRF prevented, by PKCE or a one-time state.
    Check("RFC9700-4.7.1-csrf", "RFC 9700 §4.7.1", MUST, "PKCE or state against CSRF", prevented),
    # RFC6749-10.12 MUST: the CSRF binding value is non-guessable.
    Check("RFC6749-10.12-state-unguessable", "RFC 6749 §10.12, §10.10", MUST, "state is unguessable", unguessable),
    # RFC6749-10.12 MUST: the binding value is bound to one request: never reused.
    Check("RFC6749-10.12-state-once", "RFC 6749 §10.12", MUST, "state is never reused", once),
)
