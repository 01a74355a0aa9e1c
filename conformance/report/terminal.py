"""The terminal summary: results grouped by RFC and section, counted per level;
every failure, warning and error with its message (secrets masked); advice
apart; the gaps of the run with the target lines that close them; coverage by
level; the verdict."""

from collections import Counter

from ..requirements import RFC_TITLES, document_name
from ..results import ADVISED, ERROR, FAIL, PASS, SKIP, VERDICT_PASS, WARN, Results

WORDS = {PASS: "passed", FAIL: "failed", WARN: "warned", ADVISED: "advised", SKIP: "skipped", ERROR: "error"}
MARKUP = {
    FAIL: {"red": True, "bold": True},
    ERROR: {"red": True},
    WARN: {"yellow": True},
    ADVISED: {"cyan": True},
    PASS: {"green": True},
}
LEVELS = ("MUST", "SHOULD", "MAY", "ADVICE")


def _counts(results) -> str:
    parts = []
    for level in LEVELS:
        at_level = [r for r in results if r.check.level == level and r.outcome != SKIP]
        if at_level:
            counted = Counter(r.outcome for r in at_level)
            shown = (PASS, FAIL, WARN, ADVISED, ERROR)
            parts.append(f"{level} " + ", ".join(f"{counted[o]} {WORDS[o]}" for o in shown if counted[o]))
    gaps = sum(1 for r in results if r.is_gap)
    skipped = sum(1 for r in results if r.outcome == SKIP) - gaps
    if gaps:
        parts.append(f"{gaps} not run (gap)")
    if skipped:
        parts.append(f"{skipped} not claimed")
    return " · ".join(parts)


def _worst(results) -> str:
    for outcome in (FAIL, ERROR, WARN, ADVISED, PASS):
        if any(r.outcome == outcome for r in results):
            return outcome
    return SKIP


def coverage_line(results: Results) -> str:
    """'MUST 141/145 ran · SHOULD 30/30 · ...': of the checks in scope, how many ran."""
    parts = []
    for level, counts in results.coverage().items():
        if counts["in_scope"]:
            parts.append(f"{level} {counts['ran']}/{counts['in_scope']}")
    return " · ".join(parts)


def verdict_line(results: Results) -> str:
    total = len(results.all)
    summary = ", ".join(
        f"{results.count(o)} {WORDS[o]}" for o in (PASS, FAIL, WARN, ADVISED, SKIP, ERROR) if results.count(o)
    )
    must = results.coverage()["MUST"]
    passed = results.count(PASS, "MUST")
    verdict = results.verdict
    why = ""
    if verdict == "INCOMPLETE":
        why = f" ({must['gaps']} MUST in scope not run: gaps of this run, above)"
    return (
        f"{total} checks: {summary}. MUST: {must['ran']} of {must['in_scope']} in scope ran, "
        f"{passed} passed.{why} {verdict}"
    )


def write(reporter, results: Results, masker) -> None:
    line = reporter.write_line
    reporter.write_sep("=", "OAuth 2.0 conformance")
    current_rfc = None
    for rfc, section, group in results.by_section():
        if rfc != current_rfc:
            current_rfc = rfc
            line(f"{document_name(rfc)}  {RFC_TITLES.get(rfc, '')}", bold=True)
        label = f"§{section}" if rfc != "SEED" else section
        line(f"  {label:<12} {_counts(group)}", **MARKUP.get(_worst(group), {}))

    for outcome, heading in (
        (FAIL, "Failed (MUST)"),
        (WARN, "Warnings (SHOULD / MAY)"),
        (ERROR, "Errors (the check could not be carried out)"),
        (ADVISED, "Advice (a rule the RFC puts on clients, or no keyword: not a failure of the server)"),
    ):
        shown = [r for r in results.all if r.outcome == outcome]
        if shown:
            line("")
            line(heading + ":", **MARKUP[outcome])
            for result in shown:
                r = result.check.requirement
                line(
                    f"  {result.check.id}  ({document_name(r.rfc)} §{r.section}, {result.check.level})",
                    **MARKUP[outcome],
                )
                for text in masker.text(result.message).splitlines()[:6]:
                    line(f"      {text}")

    fixes = results.fixes()
    if fixes:
        line("")
        line("Not run, gaps of this run; each line of the target file below would let them run:", bold=True)
        for fix, gaps in fixes:
            levels = Counter(r.check.level for r in gaps)
            counted = ", ".join(f"{n} {level}" for level, n in levels.items())
            line(f"  {fix}", yellow=True)
            line(f"      {len(gaps)} check(s) ({counted}): {gaps[0].message}")
            for result in gaps[:4]:
                line(f"      - {result.check.id}")
            if len(gaps) > 4:
                line(f"      - ... and {len(gaps) - 4} more")

    not_claimed = [r for r in results.all if r.outcome == SKIP and not r.is_gap]
    if not_claimed:
        reasons = Counter(r.message.split(":")[0] for r in not_claimed)
        line("")
        line(
            f"Not claimed by the server: {len(not_claimed)} ("
            + ", ".join(f"{n} {why}" for why, n in reasons.most_common())
            + "): out of scope, fine"
        )
    for note in results.notes:
        line(f"Note: {note}")

    line("")
    line(f"Coverage (ran / in scope): {coverage_line(results)}")
    passed = results.verdict == VERDICT_PASS
    line(
        verdict_line(results),
        bold=True,
        red=results.verdict == "FAIL",
        yellow=results.verdict == "INCOMPLETE",
        green=passed,
    )
