"""Every check can fail: against the reference server behind a proxy that breaks
one requirement (`faults.py`), the checks of that requirement fail (MUST),
warn (SHOULD / MAY) or advise (ADVICE). Without a fault, the same proxy passes
everything it can exercise.
"""

import pytest

from conformance.checks import load_all
from conformance.marks import CHECKS
from conformance.results import failed_outcome

from .conftest import problems
from .faults import Context, Resigner, _basic_alias, catalogue
from .proxy import Fault

_PLACEHOLDER = Context(
    "http://127.0.0.1:1",
    {
        role: {"client_id": role, "client_secret": "x", "redirect_uri": "x"}
        for role in ("confidential", "second", "public")
    },
    Resigner(),
)
FAULTS = catalogue(_PLACEHOLDER)
# Checks no proxy fault can reach, and why (each still passes against the reference server).
NOT_BROKEN = {
    "rfc6749-3.2-token-endpoint-uses-tls": "the proxy would need a non-loopback http URL",
    "rfc6749-3.1-authorization-endpoint-uses-tls": "the proxy would need a non-loopback http URL",
    "rfc6749-3.2-token-endpoint-has-no-fragment": "shown by rfc8414-2-urls-absolute-without-fragment's fault",
    "rfc6749-3.1-authorization-endpoint-has-no-fragment": "as above",
    "rfc6749-4.1.2-code-expires-within-10-minutes": "test_reference_server: the wait shorter than the lifetime",
}


# With the auto driver nobody can deny nor be shown a page, and every request is signed in: those
# checks are gaps of the run.
DRIVER_GAPS = {
    "auto": {
        "rfc6749-4.1.2.1-denial-is-access-denied",
        "rfc9700-4.16-pages-refuse-framing",
        "rfc8628-3.5-denied-poll-is-access-denied",
        "oidc-3.1.2.6-prompt-none-without-session-is-an-error",
        "oidc-3.1.2.6-prompt-none-without-consent-is-an-error",
        "oidc-11-offline-access-consent-is-asked",
    },
    "form": set(),
}


@pytest.mark.parametrize("driver", ["auto", "form"])
def test_proxy_without_fault_passes(bench, driver):
    """The proxy alone changes nothing: the fail cases below are the faults' doing. What the run
    could not exercise is a gap, and the verdict says so (INCOMPLETE, exit status 3)."""
    code, results, _ = bench.run(None, "--profile", "all", "-k", "not lifetime", driver=driver)
    assert not problems(results), "\n".join(problems(results))
    must_gaps = {c["id"] for c in results.values() if c["skip"] == "gap" and c["level"] == "MUST"}
    assert must_gaps == DRIVER_GAPS[driver]
    assert code == (3 if must_gaps else 0)


@pytest.mark.parametrize("name", [fault.name for fault in FAULTS])
def test_check_fails_against_a_server_breaking_its_requirement(bench, name):
    fault = bench.faults[name]
    code, results, _ = bench.run(fault)
    wrong = {}
    for check_id in fault.breaks:
        result = results.get(check_id, {"outcome": "not run", "message": "", "level": "?"})
        expected = failed_outcome(result["level"])
        if result["outcome"] != expected:
            wrong[check_id] = f"expected {expected}, got {result['outcome']}: {result['message']}"
    assert not wrong, wrong
    assert code == (1 if any(results[c]["outcome"] == "fail" for c in fault.breaks) else 0)


def test_basic_credentials_decoded_as_the_rfc_says_pass(bench):
    """The control of `basic-not-form-decoded`: the same alias, decoded, gets its token."""
    check_id = "rfc6749-2.3.1-basic-credentials-are-form-urlencoded"
    context = Context(bench.thread.url, bench.workdir.clients, Resigner())
    fault = Fault(
        "basic-form-decoded",
        (check_id,),
        request=_basic_alias(context, "demo confidential", decode=True),
        state={"client_id": "demo confidential"},
    )
    _, results, _ = bench.run(fault)
    assert results[check_id]["outcome"] == "pass", results[check_id]["message"]


def test_every_check_has_a_fail_case():
    load_all()
    broken = {check_id for fault in FAULTS for check_id in fault.breaks}
    unknown = broken - set(CHECKS)
    assert not unknown, f"faults name checks that do not exist: {sorted(unknown)}"
    missing = sorted(set(CHECKS) - broken - set(NOT_BROKEN))
    assert not missing, f"checks without a fail case: {missing}"
