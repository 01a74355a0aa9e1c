"""A check and its verdict.

Each check has an id (the requirement it grades, as `RFC6749-4.1.2-code-once`), its
source (an RFC section or seed 000's promise), its level (the keyword of the sentence:
MUST or SHOULD) and a judge: a function of the evidence that answers with a `Finding`.

Outcomes, as the conformance suite names them:
- pass: the evidence shows the requirement met;
- fail: a MUST not met; warn: a SHOULD not met;
- skip, with its kind: `no evidence` (the client has not yet done what shows it),
  `not in scenario` (the trap that tests it is not sprung in this scenario),
  `not applicable` (the rule does not bind this client or these requests),
  `not observable` (the server cannot see it: never passed).
A finding names the events (by number) that showed it.
"""

from collections.abc import Callable
from dataclasses import dataclass

MUST, SHOULD = "MUST", "SHOULD"
PASS, FAIL, WARN, SKIP = "pass", "fail", "warn", "skip"
NO_EVIDENCE, NOT_IN_SCENARIO, NOT_APPLICABLE, NOT_OBSERVABLE = (
    "no evidence",
    "not in scenario",
    "not applicable",
    "not observable",
)


@dataclass(frozen=True)
class Finding:
    met: bool | None  # None: no verdict (see `skip`)
    message: str
    events: tuple[int, ...] = ()
    skip: str | None = None


def met(message: str, events=()) -> Finding:
    return Finding(True, message, tuple(e.seq for e in events))


def unmet(message: str, events=()) -> Finding:
    return Finding(False, message, tuple(e.seq for e in events))


def skipped(kind: str, message: str) -> Finding:
    return Finding(None, message, skip=kind)


def each(events, ok: Callable, what: str, bad: str) -> Finding:
    """The usual verdict over a list of events: unmet, naming the events that are not `ok`;
    met when every one is; no evidence when there are none."""
    if not events:
        return skipped(NO_EVIDENCE, f"no {what} yet")
    failing = [e for e in events if not ok(e)]
    if failing:
        return unmet(f"{len(failing)} of {len(events)} {what}: {bad}", failing)
    return met(f"all {len(events)} {what}", events)


@dataclass(frozen=True)
class Check:
    id: str
    source: str  # "RFC 9700 §2.1.1", "seed 000 (CSRF Protection)"
    level: str
    title: str
    judge: Callable  # (Evidence) -> Finding

    def outcome(self, finding: Finding) -> str:
        if finding.met is None:
            return SKIP
        if finding.met:
            return PASS
        return FAIL if self.level == MUST else WARN
