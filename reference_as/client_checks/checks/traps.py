"""The traps' verdicts (`../traps.py` springs them, `../scenarios.py` says when).

- RFC 9207 §2.4: a client that receives an `iss` other than its server's issuer
  "MUST reject the authorization response and MUST NOT proceed with the
  authorization grant": the trapped code is never redeemed.
- RFC 6749 §10.12 (seed 000: "Invalid OAuth state"): a response whose state is not
  the one sent is refused: its code is never redeemed.
A trap is survived when the code stayed unredeemed and the client went on (a later
authorization request); until then there is no verdict.
The token-life traps' verdicts are in `token_life.py`.
"""

from ..model import MUST, NO_EVIDENCE, NOT_IN_SCENARIO, Check, met, skipped, unmet
from ..scenarios import ISS, STATE, TRAPS


def not_sprung_here(evidence, trap: str):
    if trap in TRAPS[evidence.check.scenario]:
        return None
    scenarios = ", ".join(name for name, traps in TRAPS.items() if trap in traps)
    return skipped(NOT_IN_SCENARIO, f"the {trap} trap is sprung in the scenarios {scenarios}")


def survived(trap: str):
    def judge(evidence):
        if outside := not_sprung_here(evidence, trap):
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
)
