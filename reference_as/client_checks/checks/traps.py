"""The traps' verdicts (`../traps.py` springs them, `../scenarios.py` says when).

- RFC 9207 §2.4: a client that receives an `iss` other than its server's issuer
  "MUST reject the authorization response and MUST NOT proceed with the
  authorization grant": the trapped code is never redeemed.
- RFC 6749 §10.12 (seed 000: "Invalid OAuth state"): a response whose state is not
  the one sent is refused: its code is never redeemed.
A trap is survived when the code stayed unredeemed and the client went on (a later
authorization request); until then there is no verdict.
- seed 000: "If a request fails with a 401 (Unauthorized) error, the plugin will
  attempt to refresh the token and retry the request once" (RFC 6750 §3.1 lets a
  client that gets `invalid_token` ask for a new token and retry): after the one 401
  of the `401` trap, a refresh, then one call again.
"""

from ..model import MUST, NO_EVIDENCE, NOT_IN_SCENARIO, SHOULD, Check, met, skipped, unmet
from ..scenarios import ISS, REFUSED_ONCE, STATE, TRAPS


def _not_sprung_here(evidence, trap: str):
    if trap in TRAPS[evidence.check.scenario]:
        return None
    scenarios = ", ".join(name for name, traps in TRAPS.items() if trap in traps)
    return skipped(NOT_IN_SCENARIO, f"the {trap} trap is sprung in the scenarios {scenarios}")


def survived(trap: str):
    def judge(evidence):
        if outside := _not_sprung_here(evidence, trap):
            return outside
        trapped = [e for e in evidence.authorizations if e["trap"] == trap]
        if not trapped:
            return skipped(NO_EVIDENCE, "not sprung yet: it waits for an authorization response with a code")
        codes = {e["code_hash"] for e in trapped}
        redeemed = [e for e in evidence.code_redemptions if e["code_hash"] in codes]
        if redeemed:
            return unmet(f"the code of the trapped response #{trapped[0].seq} was redeemed", trapped + redeemed)
        later = [e for e in evidence.authorizations if e.seq > trapped[0].seq]
        if not later:
            return skipped(NO_EVIDENCE, f"sprung at #{trapped[0].seq}, its code not redeemed: start one more sign-in")
        return met(f"the code of the trapped response #{trapped[0].seq} was never redeemed", trapped + later[:1])

    return judge


def retried_once(evidence):
    if outside := _not_sprung_here(evidence, REFUSED_ONCE):
        return outside
    trapped = [e for e in evidence.kind("resource") if e["trap"] == REFUSED_ONCE]
    if not trapped:
        return skipped(NO_EVIDENCE, "not sprung yet: it waits for a resource call with a valid token")
    after = [e for e in evidence.events if e.seq > trapped[0].seq]
    calls = [e for e in after if e.kind == "resource"]
    refreshes = [e for e in after if e.kind == "token" and e["grant_type"] == "refresh_token"]
    if not calls:
        return skipped(NO_EVIDENCE, f"refused at #{trapped[0].seq}: the client has not called the resource again")
    if not refreshes or refreshes[0].seq > calls[0].seq:
        return unmet(
            f"after the 401 at #{trapped[0].seq} the client called again without refreshing", [*trapped, calls[0]]
        )
    return met(
        f"after the 401 at #{trapped[0].seq}: a refresh, then one call again", [trapped[0], refreshes[0], calls[0]]
    )


CHECKS = (
    # RFC9207-2.4 MUST NOT: proceed with a response naming another issuer (mix-up).
    Check("RFC9207-2.4-iss-mix-up", "RFC 9207 §2.4", MUST, "a response from another issuer is rejected", survived(ISS)),
    # RFC6749-10.12 MUST (seed 000 "Invalid OAuth state"): a response with another state is refused.
    Check(
        "RFC6749-10.12-state-checked",
        "RFC 6749 §10.12; seed 000 (CSRF Protection)",
        MUST,
        "a response with another state is refused",
        survived(STATE),
    ),
    # SEED000 (RFC 6750 §3.1 MAY): after a 401 invalid_token, refresh and retry once.
    Check(
        "SEED000-retry-once-after-401",
        "seed 000 (Automatic Token Refresh); RFC 6750 §3.1",
        SHOULD,
        "after a 401, one refresh and one retry",
        retried_once,
    ),
)
