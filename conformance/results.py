"""The results of a run: one per check, and what they add up to.

Outcomes:
- pass
- fail:  a MUST not met (the run fails)
- warn:  a SHOULD or MAY not met (reported, the run does not fail)
- skip:  the check does not apply (not advertised, not configured), with the reason
- error: the check could not be carried out (the run fails: nothing was proved)
"""

import json
import platform
import time
from dataclasses import dataclass, field

from .http import Exchange
from .marks import Check
from .requirements import MUST, RFC_TITLES

PASS, FAIL, WARN, SKIP, ERROR = "pass", "fail", "warn", "skip", "error"
OUTCOMES = (PASS, FAIL, WARN, SKIP, ERROR)


@dataclass
class Result:
    check: Check
    outcome: str
    message: str = ""
    duration: float = 0.0
    exchanges: list[Exchange] = field(default_factory=list)

    def as_dict(self, masker) -> dict:
        shown = self.outcome in (FAIL, WARN, ERROR)
        return {
            **self.check.as_dict(),
            "outcome": self.outcome,
            "message": masker.text(self.message),
            "duration": round(self.duration, 3),
            "exchanges": [exchange.as_dict(masker) for exchange in self.exchanges] if shown else [],
        }


def failed_outcome(level: str) -> str:
    return FAIL if level == MUST else WARN


def section_key(rfc: str, section: str) -> tuple:
    order = list(RFC_TITLES).index(rfc) if rfc in RFC_TITLES else len(RFC_TITLES)
    parts = tuple((0, int(p), "") if p.isdigit() else (1, 0, p) for p in section.split("."))
    return order, parts


class Results:
    def __init__(self):
        self.started = time.time()
        self.finished: float | None = None
        self._by_node: dict[str, Result] = {}

    def record(self, node_id: str, result: Result) -> None:
        self._by_node[node_id] = result

    def get(self, node_id: str) -> Result | None:
        return self._by_node.get(node_id)

    @property
    def all(self) -> list[Result]:
        return list(self._by_node.values())

    def count(self, outcome: str, level: str | None = None) -> int:
        return sum(1 for r in self.all if r.outcome == outcome and (level is None or r.check.level == level))

    @property
    def exit_code(self) -> int:
        """0 when every MUST passed (or was skipped), 1 otherwise."""
        return 1 if self.count(FAIL) or self.count(ERROR) else 0

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
                level: {outcome: self.count(outcome, level) for outcome in OUTCOMES}
                for level in ("MUST", "SHOULD", "MAY")
            },
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
            "summary": self.summary(),
            "checks": [result.as_dict(masker) for result in self.all],
        }

    def write_json(self, path: str, target, masker) -> None:
        with open(path, "w", encoding="utf-8") as out:
            json.dump(self.as_dict(target, masker), out, indent=2)
            out.write("\n")
