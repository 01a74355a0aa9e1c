"""The whole suite against the real reference server, its own sign-in and consent
pages filled in by the form driver: every check passes or is skipped with a
reason; none fails, warns, advises or errs, and no MUST is left out (PASS).
Run through the real command line, with every report written."""

import datetime
import json
import os
import re
import shutil
import xml.etree.ElementTree as ElementTree
from pathlib import Path

import pytest

from conformance.approval import chromium_options

from .conftest import problems, reference_target_file, run_suite

# Checks that must have run (not been skipped) against the reference server: if
# one of them is skipped, a fixture or the target file is wrong, not the server.
MUST_RUN = (
    "rfc8414-3.3-issuer-matches-metadata-url",
    "rfc7517-4-keys-parse-as-public-keys",
    "rfc6749-2.3.1-basic-authentication-accepted",
    "rfc6749-5.2-two-authentication-methods-invalid-request",
    "rfc6749-5.2-repeated-grant-type-is-invalid-request",
    "rfc6749-2.3.1-percent-encoded-basic-credentials-accepted",
    "rfc9110-11.1-basic-scheme-case-insensitive-at-introspection",
    "rfc9110-11.1-bearer-scheme-case-insensitive",
    "rfc6749-3.3-narrower-client-credentials-scope-named-when-different",
    "rfc6749-3.3-narrower-refresh-scope-named-when-different",
    "rfc6749-5.2-malformed-basic-credentials-refused",
    "rfc7662-2.3-oversized-body-is-a-client-error",
    "rfc6749-4.1.2.1-malformed-request-is-not-a-server-error",
    "rfc6749-4.1.2.1-denial-is-access-denied",
    "rfc9700-4.16-pages-refuse-framing",
    "rfc6749-5.1-pragma-no-cache",
    "rfc6749-5.2-basic-failure-is-401-with-basic-challenge",
    "rfc6749-5.2-grant-not-allowed-is-unauthorized-client",
    "rfc9068-4-signature-verifies",
    "rfc6749-4.1.2.1-mismatched-redirect-not-followed",
    "rfc9700-4.1.3-redirect-userinfo-not-followed",
    "rfc9700-4.1.3-redirect-other-port-not-followed",
    "rfc6749-3.1.2-redirect-uri-query-retained",
    "rfc6749-4.1.3-code-bound-to-client",
    "rfc6749-4.1.2-parallel-redemptions-have-one-winner",
    "rfc9700-4.14.2-parallel-refresh-has-one-winner",
    "rfc6749-4.1.2-code-expires-within-10-minutes",
    "rfc7636-4.6-wrong-verifier-is-invalid-grant",
    "rfc9700-4.8.2-verifier-without-challenge-refused",
    "rfc9700-4.14.2-reuse-revokes-the-active-refresh-token",
    "rfc7009-2.1-other-clients-token-not-revoked",
    "rfc7662-2.2-active-token-is-active",
    "rfc6750-3.1-insufficient-scope-is-403",
    "rfc8725-3.1-hmac-with-public-key-refused",
    "rfc6749-10.10-codes-have-128-bits",
    "seed-routes-authorize-alias",
    # the device flow (RFC 8628) and OpenID Connect
    "rfc8628-3.5-slow-down-is-honoured",
    "rfc8628-3.5-approved-poll-gets-tokens",
    "rfc8628-3.5-denied-poll-is-access-denied",
    "rfc8628-3.5-expired-poll-is-expired-token",
    "rfc6749-10.10-device-codes-have-128-bits",
    "oidc-3.1.3.6-id-token-signature-verifies",
    "oidc-3.1.3.6-at-hash-matches-the-access-token",
    "oidc-3.1.2.6-prompt-none-without-session-is-an-error",
    "oidc-3.1.2.6-prompt-none-without-consent-is-an-error",
    "oidc-5.3-userinfo-sub-is-the-id-tokens",
    "oidc-11-offline-access-consent-is-asked",
    "oidc-11-offline-access-gets-a-refresh-token",
    "oidc-discovery-4-issuer-is-the-prefix",
    # -- issue 24: PAR, DPoP, private_key_jwt
    "rfc9126-4-request-uri-is-single-use",
    "rfc9126-2.2-request-uri-is-bound-to-its-client",
    "rfc9449-6.1-jwt-access-token-has-cnf-jkt",
    "rfc9449-4.3-replayed-proof-is-invalid-dpop-proof",
    "rfc7523-3-valid-assertion-gets-a-token",
    "rfc7523-3-replayed-assertion-is-refused",
)


@pytest.fixture(scope="module")
def full_run(reference_target, workdir):
    reports = workdir.path
    code, results, output = run_suite(
        reference_target,
        "--profile",
        "all",
        "--junit",
        str(reports / "junit.xml"),
        "--html",
        str(reports / "report.html"),
        subprocess_run=True,
    )
    return code, results, output


def test_no_check_fails_warns_or_errs_and_no_must_is_left_out(full_run):
    code, results, output = full_run
    assert not problems(results), "\n".join(problems(results)) + "\n" + output
    gaps = [c["id"] for c in results.values() if c["skip"] == "gap" and c["level"] == "MUST"]
    assert not gaps, gaps
    assert code == 0, output


def test_the_core_checks_ran(full_run):
    _, results, _ = full_run
    skipped = [check_id for check_id in MUST_RUN if results[check_id]["outcome"] != "pass"]
    assert not skipped, {check_id: results[check_id]["message"] for check_id in skipped}
    assert sum(c["outcome"] == "pass" for c in results.values()) >= 150


def test_the_summary_is_grouped_by_section(full_run):
    _, _, output = full_run
    assert "RFC 6749  The OAuth 2.0 Authorization Framework" in output
    assert "§5.2" in output and "MUST:" in output and output.rstrip().endswith("PASS")
    assert "Coverage (ran / in scope): MUST " in output


def test_reports_mask_every_secret(full_run, workdir):
    secrets = [c["client_secret"] for c in workdir.clients.values() if c.get("client_secret")]
    for name in ("junit.xml", "report.html"):
        text = (workdir.path / name).read_text()
        assert not [s for s in secrets if s in text], name


def test_junit_has_one_testcase_per_check(full_run, workdir):
    _, results, _ = full_run
    suite = ElementTree.parse(workdir.path / "junit.xml").getroot()
    cases = suite.findall(".//testcase")
    assert len(cases) == len(results)
    assert not suite.findall(".//failure") and not suite.findall(".//error")
    testsuite = suite if suite.tag == "testsuite" else suite.find("testsuite")
    properties = {p.get("name"): p.get("value") for p in testsuite.find("properties")}
    must = sum(c["level"] == "MUST" and c["outcome"] == "pass" for c in results.values())
    assert properties["verdict"] == "PASS" and properties["coverage.MUST"] == f"{must}/{must} ran"


def test_html_report_is_one_self_contained_page(full_run, workdir):
    page = (workdir.path / "report.html").read_text()
    assert page.startswith("<!doctype html>") and "Sections × results" in page
    assert "<h2>Coverage</h2>" in page and "class='verdict pass'>PASS<" in page
    assert "<script" not in page and "src=" not in page and "stylesheet" not in page


def test_html_report_says_when_the_run_started_in_utc(full_run, workdir):
    page = (workdir.path / "report.html").read_text()
    shown = re.search(r"(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d) UTC", page)
    assert shown, "the report states its start time in UTC"
    started = datetime.datetime.strptime(shown[1], "%Y-%m-%d %H:%M:%S").replace(tzinfo=datetime.UTC)
    assert datetime.timedelta(0) <= datetime.datetime.now(datetime.UTC) - started < datetime.timedelta(hours=1)


def test_html_report_opens_in_chromium(full_run, workdir, tmp_path):
    """The report, opened in headless Chromium: the matrix of sections × results is there, and a
    screenshot of the top of the page (the summary and the matrix) is taken. With
    REFERENCE_AS_SCREENSHOTS=docs/img it is also written there (the README's picture)."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service
    from selenium.webdriver.common.by import By

    chromium, chromedriver = shutil.which("chromium"), shutil.which("chromedriver")
    if not (chromium and chromedriver):
        pytest.fail("chromium and chromedriver missing: `make install` installs Debian's chromium and chromium-driver")
    options = chromium_options(chromium, str(tmp_path / "profile"), "--hide-scrollbars")
    browser = webdriver.Chrome(options=options, service=Service(chromedriver))
    try:
        browser.get((workdir.path / "report.html").as_uri())
        matrix = browser.find_element(By.CSS_SELECTOR, "table.matrix")
        rows = matrix.find_elements(By.TAG_NAME, "tr")
        assert rows[0].text.split()[-6:] == ["pass", "fail", "warn", "advice", "skip", "error"]
        assert len(rows) > 30 and "RFC 6749" in matrix.text

        def viewport(height: int) -> None:
            metrics = {"width": 1100, "height": height, "deviceScaleFactor": 1, "mobile": False}
            browser.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", metrics)

        viewport(900)  # the width first: the matrix's height depends on it
        viewport(browser.execute_script("return Math.ceil(arguments[0].getBoundingClientRect().bottom) + 24", matrix))
        shot = tmp_path / "conformance-report.png"
        assert browser.save_screenshot(str(shot))
    finally:
        browser.quit()
    if folder := os.environ.get("REFERENCE_AS_SCREENSHOTS"):
        destination = Path(__file__).resolve().parents[2] / folder
        destination.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(shot, destination / shot.name)


def test_slow_check_warns_when_codes_outlive_the_wait(reference, workdir):
    """The slow check can fail: waiting less than the code lifetime, the code still works."""
    target = reference_target_file(workdir.path / "short-wait.toml", reference, workdir, top="code_lifetime_wait = 1")
    code, results, _ = run_suite(target, "--check", "rfc6749-4.1.2-code-expires-within-10-minutes")
    assert results["rfc6749-4.1.2-code-expires-within-10-minutes"]["outcome"] == "warn"
    assert code == 0  # a SHOULD: a warning does not fail the run


def test_json_report_lists_each_check_with_its_requirement(full_run, workdir):
    _, results, _ = full_run
    check = results["rfc6749-5.1-pragma-no-cache"]
    assert (check["requirement"], check["rfc"], check["section"], check["level"]) == (
        "RFC6749-5.1",
        "RFC6749",
        "5.1",
        "MUST",
    )
    assert json.dumps(results)  # serialisable as it stands
