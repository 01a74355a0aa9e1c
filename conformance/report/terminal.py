"""The terminal summary: results grouped by RFC and section, counted per level,
then every failure, warning and error with its message (secrets masked)."""

from collections import Counter

from ..requirements import RFC_TITLES
from ..results import ERROR, FAIL, PASS, SKIP, WARN, Results

WORDS = {PASS: "passed", FAIL: "failed", WARN: "warned", SKIP: "skipped", ERROR: "error"}
MARKUP = {FAIL: {"red": True, "bold": True}, ERROR: {"red": True}, WARN: {"yellow": True}, PASS: {"green": True}}


def _counts(results) -> str:
    parts = []
    for level in ("MUST", "SHOULD", "MAY"):
        at_level = [r for r in results if r.check.level == level and r.outcome != SKIP]
        if at_level:
            counted = Counter(r.outcome for r in at_level)
            parts.append(
                f"{level} " + ", ".join(f"{counted[o]} {WORDS[o]}" for o in (PASS, FAIL, WARN, ERROR) if counted[o])
            )
    skipped = sum(1 for r in results if r.outcome == SKIP)
    if skipped:
        parts.append(f"{skipped} skipped")
    return " · ".join(parts)


def _worst(results) -> str:
    for outcome in (FAIL, ERROR, WARN, PASS):
        if any(r.outcome == outcome for r in results):
            return outcome
    return SKIP


def write(reporter, results: Results, masker) -> None:
    line = reporter.write_line
    reporter.write_sep("=", "OAuth 2.0 conformance")
    current_rfc = None
    for rfc, section, group in results.by_section():
        if rfc != current_rfc:
            current_rfc = rfc
            line(f"{rfc.replace('RFC', 'RFC ')}  {RFC_TITLES.get(rfc, '')}", bold=True)
        label = f"§{section}" if rfc != "SEED" else section
        line(f"  {label:<12} {_counts(group)}", **MARKUP.get(_worst(group), {}))

    for outcome, heading in (
        (FAIL, "Failed (MUST)"),
        (WARN, "Warnings (SHOULD / MAY)"),
        (ERROR, "Errors (the check could not be carried out)"),
    ):
        shown = [r for r in results.all if r.outcome == outcome]
        if shown:
            line("")
            line(heading + ":", **MARKUP[outcome])
            for result in shown:
                r = result.check.requirement
                line(f"  {result.check.id}  ({r.rfc} §{r.section}, {result.check.level})", **MARKUP[outcome])
                for text in masker.text(result.message).splitlines()[:6]:
                    line(f"      {text}")

    skipped = [r for r in results.all if r.outcome == SKIP]
    if skipped:
        reasons = Counter(r.message.split(":")[0] for r in skipped)
        line("")
        line(f"Skipped: {len(skipped)} (" + ", ".join(f"{n} {why}" for why, n in reasons.most_common()) + ")")

    total = len(results.all)
    must = [r for r in results.all if r.check.level == "MUST" and r.outcome != SKIP]
    verdict = "FAIL" if results.exit_code else "PASS"
    summary = ", ".join(f"{results.count(o)} {WORDS[o]}" for o in (PASS, FAIL, WARN, SKIP, ERROR) if results.count(o))
    line("")
    line(
        f"{total} checks: {summary}. MUST: {sum(r.outcome == PASS for r in must)}/{len(must)} passed. {verdict}",
        bold=True,
        red=bool(results.exit_code),
        green=not results.exit_code,
    )
