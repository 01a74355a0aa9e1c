"""Asking the wrong thing: an unknown client or scenario, a second scenario at once, a
report of a client never checked or deleted while under check, a client that did nothing."""

import pytest

from reference_as.client_checks.model import NO_EVIDENCE
from reference_as.client_checks.report import VERDICT_INCOMPLETE
from reference_as.client_checks.service import CheckRefused
from reference_as.clients import ClientNotFound


def test_unknown_clients_and_scenarios_are_refused(checks, secret):
    with pytest.raises(ClientNotFound):
        checks.start("nobody", "basic")
    with pytest.raises(CheckRefused, match="basic, seed, security, full"):
        checks.start("app", "everything")
    with pytest.raises(ClientNotFound):
        checks.report("nobody")


def test_one_scenario_at_a_time_and_stopping_twice(checks, secret):
    checks.start("app", "basic")
    with pytest.raises(CheckRefused, match="already under check"):
        checks.start("app", "security")
    assert checks.stop("app").ended_at is not None
    with pytest.raises(CheckRefused, match="not under check"):
        checks.stop("app")
    assert checks.start("app", "security").scenario == "security"


def test_a_report_needs_a_check_and_a_client(checks, secret, clients):
    with pytest.raises(CheckRefused, match="never been under check"):
        checks.report("app")
    checks.start("app", "full")
    clients.delete("app")
    with pytest.raises(ClientNotFound):
        checks.report("app")


def test_a_client_that_did_nothing_is_incomplete_not_passed(checks, secret):
    checks.start("app", "basic")
    report = checks.report("app")
    assert report.verdict == VERDICT_INCOMPLETE and report.exit_code == 3
    assert all(r.outcome == "skip" for r in report.results)
    assert "RFC9700-4.7.1-csrf" in {r.check.id for r in report.results if r.finding.skip == NO_EVIDENCE}
