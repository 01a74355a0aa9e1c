"""The results of a run: one per check, what they add up to, and the verdict.

Outcomes:
- pass
- fail:   a MUST not met (the run fails)
- warn:   a SHOULD or MAY not met (reported, the run does not fail)
- advice: an ADVICE check not met (a rule for clients, or no keyword: for the operator)
- skip:   the check did not run, with the reason and its kind (`outcomes.py`):
          *not claimed* by the server (out of scope), or a *gap* of the run (with the fix)
- error:  the check could not be carried out (the run fails: nothing was proved)

Coverage, per level: of the checks in scope (every check selected, less those
the server does not claim), how many ran. The verdict and the exit status:
- FAIL (1): a MUST failed, or a check could not be carried out;
- INCOMPLETE (3): nothing failed, but a MUST in scope did not run (a gap of the run);
- PASS (0): every MUST in scope ran and passed.
"""

import json
import platform
import time
from dataclasses import dataclass, field

from oauth_client.http import Exchange

from .marks import Check
from .outcomes import GAP, NOT_CLAIMED
from .requirements import ADVICE, CHECK_LEVELS, MUST, RFC_TITLES

PASS, FAIL, WARN, ADVISED, SKIP, ERROR = "pass", "fail", "warn", "advice", "skip", "error"
OUTCOMES = (PASS, FAIL, WARN, ADVISED, SKIP, ERROR)
RAN = (PASS, FAIL, WARN, ADVISED)
VERDICT_PASS, VERDICT_FAIL, VERDICT_INCOMPLETE = "PASS", "FAIL", "INCOMPLETE"
EXIT_STATUS = {VERDICT_PASS: 0, VERDICT_FAIL: 1, VERDICT_INCOMPLETE: 3}


@dataclass
class Result:
    check: Check
    outcome: str
    message: str = ""
    duration: float = 0.0
    exchanges: list[Exchange] = field(default_factory=list)
    skip_kind: str | None = None  # NOT_CLAIMED or GAP, for a skip
    fix: str | None = None  # for a gap: the target line that would let the check run

    @property
    def is_gap(self) -> bool:
        return self.outcome == SKIP and self.skip_kind == GAP

    def as_dict(self, masker) -> dict:
        shown = self.outcome in (FAIL, WARN, ADVISED, ERROR)
        return {
            **self.check.as_dict(),
            "outcome": self.outcome,
            "message": masker.text(self.message),
            "skip": self.skip_kind,
            "fix": self.fix,
            "duration": round(self.duration, 3),
            "exchanges": [exchange.as_dict(masker) for exchange in self.exchanges] if shown else [],
        }


def failed_outcome(level: str) -> str:
    return {MUST: FAIL, ADVICE: ADVISED}.get(level, WARN)


def section_key(rfc: str, section: str) -> tuple:
    order = list(RFC_TITLES).index(rfc) if rfc in RFC_TITLES else len(RFC_TITLES)
    parts = tuple((0, int(p), "") if p.isdigit() else (1, 0, p) for p in section.split("."))
    return order, parts


class Results:
    def __init__(self):
        self.started = time.time()
        self.finished: float | None = None
        self._by_node: dict[str, Result] = {}
        self.notes: list[str] = []  # what the run assumed (e.g. grant types the metadata omits)

    def record(self, node_id: str, result: Result) -> None:
        self._by_node[node_id] = result

    def get(self, node_id: str) -> Result | None:
        return self._by_node.get(node_id)

    def note(self, text: str) -> None:
        if text not in self.notes:
            self.notes.append(text)

    @property
    def all(self) -> list[Result]:
        return list(self._by_node.values())

    def count(self, outcome: str, level: str | None = None) -> int:
        return sum(1 for r in self.all if r.outcome == outcome and (level is None or r.check.level == level))

    def gaps(self, level: str | None = None) -> list[Result]:
        return [r for r in self.all if r.is_gap and (level is None or r.check.level == level)]

    def coverage(self) -> dict[str, dict[str, int]]:
        """Per level: checks in scope (not skipped as not claimed), how many ran, how many are gaps."""
        table = {}
        for level in CHECK_LEVELS:
            at_level = [r for r in self.all if r.check.level == level]
            in_scope = [r for r in at_level if not (r.outcome == SKIP and r.skip_kind == NOT_CLAIMED)]
            table[level] = {
                "in_scope": len(in_scope),
                "ran": sum(r.outcome in RAN for r in in_scope),
                "gaps": sum(r.is_gap for r in in_scope),
                "not_claimed": len(at_level) - len(in_scope),
            }
        return table

    @property
    def verdict(self) -> str:
        if self.count(FAIL) or self.count(ERROR):
            return VERDICT_FAIL
        return VERDICT_INCOMPLETE if self.gaps(MUST) else VERDICT_PASS

    @property
    def exit_code(self) -> int:
        return EXIT_STATUS[self.verdict]

    def fixes(self) -> list[tuple[str, list[Result]]]:
        """Each target line that would close gaps, with the gaps it closes (MUST gaps first)."""
        by_fix: dict[str, list[Result]] = {}
        for result in self.gaps():
            by_fix.setdefault(result.fix or "", []).append(result)
        return sorted(by_fix.items(), key=lambda item: (-sum(r.check.level == MUST for r in item[1]), item[0]))

    def by_section(self) -> list[tuple[str, str, list[Result]]]:
        groups: dict[tuple[str, str], list[Result]] = {}
        for result in self.all:
            r = result.check.requirement
            groups.setdefault((r.rfc, r.section), []).append(result)
        keys = sorted(groups, key=lambda k: section_key(*k))
        return [(rfc, section, groups[(rfc, section)]) for rfc, section in keys]

    def summary(self) -> dict:
        return {
            "checks": len(self.all),
            **{outcome: self.count(outcome) for outcome in OUTCOMES},
            "by_level": {
                level: {outcome: self.count(outcome, level) for outcome in OUTCOMES} for level in CHECK_LEVELS
            },
            "coverage": self.coverage(),
            "gaps": [{"fix": fix, "checks": [r.check.id for r in results]} for fix, results in self.fixes()],
            "verdict": self.verdict,
            "exit_code": self.exit_code,
        }

    def as_dict(self, target, masker) -> dict:
        return {
            "tool": "oauth-conformance",
            "target": {
                "file": target.path,
                "metadata_url": target.server.metadata_url,
                "issuer": target.server.issuer,
                "approval_driver": target.approval.driver,
            },
            "started": self.started,
            "duration": round((self.finished or time.time()) - self.started, 3),
            "python": platform.python_version(),
            "notes": list(self.notes),
            "summary": self.summary(),
            "checks": [result.as_dict(masker) for result in self.all],
        }

    def write_json(self, path: str, target, masker) -> None:
        with open(path, "w", encoding="utf-8") as out:
            json.dump(self.as_dict(target, masker), out, indent=2)
            out.write("\n")
