"""The report of a client check: each check's outcome with the events that showed it,
and the verdict, as text, JSON, JUnit XML and a self-contained HTML page, in the conformance suite's terms
(`conformance/results.py`: pass, fail, warn, skip; PASS, FAIL, INCOMPLETE; exit 0, 1, 3).

- FAIL (exit 1): a MUST failed;
- INCOMPLETE (exit 3): nothing failed, but a MUST has no evidence yet;
- PASS (exit 0): every MUST that applies passed.
"""

import json
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from importlib import resources

from ..clock import readable
from ..pages import SERVER_TEMPLATES
from .checks import CHECKS
from .evidence import Evidence
from .model import FAIL, MUST, NO_EVIDENCE, PASS, SKIP, WARN, Check, Finding

VERDICT_PASS, VERDICT_FAIL, VERDICT_INCOMPLETE = "PASS", "FAIL", "INCOMPLETE"
EXIT_STATUS = {VERDICT_PASS: 0, VERDICT_FAIL: 1, VERDICT_INCOMPLETE: 3}
MARKS = {PASS: "PASS", FAIL: "FAIL", WARN: "WARN", SKIP: "SKIP"}


@dataclass(frozen=True)
class Graded:
    check: Check
    finding: Finding

    @property
    def outcome(self) -> str:
        return self.check.outcome(self.finding)

    def as_dict(self) -> dict:
        c, f = self.check, self.finding
        return {
            "id": c.id,
            "source": c.source,
            "level": c.level,
            "title": c.title,
            "outcome": self.outcome,
            "skip": f.skip,
            "message": f.message,
            "events": list(f.events),
        }


@dataclass(frozen=True)
class Report:
    evidence: Evidence
    results: tuple[Graded, ...]
    made_at: int

    @classmethod
    def grade(cls, evidence: Evidence, now: int) -> "Report":
        return cls(evidence, tuple(Graded(check, check.judge(evidence)) for check in CHECKS), now)

    def count(self, outcome: str) -> int:
        return sum(1 for r in self.results if r.outcome == outcome)

    @property
    def verdict(self) -> str:
        if self.count(FAIL):
            return VERDICT_FAIL
        waiting = [r for r in self.results if r.check.level == MUST and r.finding.skip == NO_EVIDENCE]
        return VERDICT_INCOMPLETE if waiting else VERDICT_PASS

    @property
    def exit_code(self) -> int:
        return EXIT_STATUS[self.verdict]

    def outcomes(self) -> dict[str, str]:
        """check id -> outcome: what the tests compare."""
        return {r.check.id: r.outcome for r in self.results}

    def as_dict(self) -> dict:
        check = self.evidence.check
        return {
            "tool": "reference-as client checks",
            "client_id": check.client_id,
            "scenario": check.scenario,
            "started": check.started_at,
            "ended": check.ended_at,
            "made": self.made_at,
            "summary": {
                "checks": len(self.results),
                **{outcome: self.count(outcome) for outcome in MARKS},
                "verdict": self.verdict,
                "exit_code": self.exit_code,
            },
            "checks": [r.as_dict() for r in self.results],
            "events": [{"seq": e.seq, "at": e.at, "kind": e.kind, **e.details} for e in self.evidence.events],
        }

    def text(self) -> str:
        check = self.evidence.check
        state = "under way" if check.under_way else "ended"
        lines = [
            f"Client {check.client_id}: scenario {check.scenario}, {state}, {len(self.evidence.events)} requests seen",
        ]
        for r in self.results:
            why = f"[{r.finding.skip}] " if r.finding.skip else ""
            seen = f" (#{', #'.join(map(str, r.finding.events))})" if r.finding.events else ""
            lines.append(f"  {MARKS[r.outcome]:<5} {r.check.level:<6} {r.check.id}: {r.check.title}")
            lines.append(f"        {r.check.source}: {why}{r.finding.message}{seen}")
        lines.append(
            f"{self.verdict}: {self.count(PASS)} passed, {self.count(FAIL)} failed, {self.count(WARN)} warned, "
            f"{self.count(SKIP)} skipped"
        )
        return "\n".join(lines)

    def write_json(self, path: str) -> None:
        with open(path, "w", encoding="utf-8") as out:
            json.dump(self.as_dict(), out, indent=2)
            out.write("\n")

    def write_html(self, path: str) -> None:
        """One self-contained page (its style inline), as the admin check page shows the report."""
        check = self.evidence.check
        html = SERVER_TEMPLATES.get_template("check_report.html").render(
            report=self.as_dict(),
            style=(resources.files("reference_as") / "static" / "style.css").read_text(),
            started=readable(check.started_at),
            ended=readable(check.ended_at) if check.ended_at else None,
            made=readable(self.made_at),
        )
        with open(path, "w", encoding="utf-8") as out:
            out.write(html)

    def write_junit(self, path: str) -> None:
        """JUnit XML (xunit2, as the suite's `--junit`): a failure per MUST failed, a
        skip per check without a verdict; a SHOULD not met passes with its message."""
        suite = ET.Element(
            "testsuite",
            name="reference-as-client-checks",
            tests=str(len(self.results)),
            failures=str(self.count(FAIL)),
            skipped=str(self.count(SKIP)),
            errors="0",
        )
        properties = ET.SubElement(suite, "properties")
        for name, value in (("client_id", self.evidence.check.client_id), ("verdict", self.verdict)):
            ET.SubElement(properties, "property", name=name, value=value)
        for r in self.results:
            case = ET.SubElement(suite, "testcase", classname=r.check.source, name=r.check.id)
            if r.outcome == FAIL:
                ET.SubElement(case, "failure", message=r.finding.message)
            elif r.outcome == SKIP:
                ET.SubElement(case, "skipped", message=f"{r.finding.skip}: {r.finding.message}")
            elif r.outcome == WARN:
                ET.SubElement(case, "system-out").text = f"SHOULD not met: {r.finding.message}"
        root = ET.Element("testsuites")
        root.append(suite)
        ET.ElementTree(root).write(path, encoding="utf-8", xml_declaration=True)
