"""The suite against an independent server: oidc-provider (node, OpenID Certified), installed
from npm by `make install` into conformance/peers/oidc_provider/node_modules, started on a free
loopback port, with its own sign-in and consent pages filled in by the `form` driver.

No false failures: every check that fails or warns against it is listed, with the RFC's reasoning,
in conformance/peers/oidc_provider/FINDINGS.md, and every check listed there does fail or warn.
No check errs (could not be carried out)."""

import re

import pytest

from conformance.peers.oidc_provider import HERE, OidcProvider, PeerUnavailable, install, pinned_version

from .conftest import run_suite

FINDINGS = HERE / "FINDINGS.md"
ROW = re.compile(r"^\| `(?P<id>[a-z0-9.-]+)` \| (?P<outcome>fail|warn|advice) \| (?P<target>opaque|jwt|both) \|", re.M)
TARGETS = ("opaque", "jwt")

# Checks that must pass against oidc-provider: the authorization code flow through its own pages
# (sign-in, consent, denial), PKCE, refresh rotation, revocation and introspection, JWT access tokens,
# the device flow (deviceFlow) and OpenID Connect.
# If one of them is skipped, the peer's configuration or the driver is wrong, not the server.
MUST_PASS = {
    "opaque": (
        "rfc6749-4.1.2-code-and-state-returned",
        "rfc6749-4.1.2.1-denial-is-access-denied",
        "rfc6749-3.1.2-redirect-uri-query-retained",
        "rfc8252-7.3-loopback-redirect-any-port",
        "rfc9207-2-iss-in-authorization-response",
        "rfc9700-4.1.3-redirect-path-suffix-not-followed",
        "rfc6749-4.1.3-code-bound-to-client",
        "rfc6749-4.1.2-parallel-redemptions-have-one-winner",
        "rfc6749-2.3.1-basic-credentials-are-form-urlencoded",
        "rfc6749-5.2-basic-failure-is-401-with-basic-challenge",
        "rfc7636-4.6-wrong-verifier-is-invalid-grant",
        "rfc9700-4.8.2-verifier-without-challenge-refused",
        "oauth21-4.1.1-public-client-without-pkce-refused",
        "rfc6749-3.3-narrower-refresh-scope-named-when-different",
        "rfc6749-2.3.1-percent-encoded-basic-credentials-accepted",
        "rfc9110-11.1-basic-scheme-case-insensitive-at-introspection",
        "rfc9700-4.14.2-parallel-refresh-has-one-winner",
        "rfc9700-4.1.3-redirect-other-port-not-followed",
        "rfc9700-4.14.2-reuse-revokes-the-active-refresh-token",
        "rfc7009-2-revoked-refresh-token-refused",
        "rfc7009-2-revoked-access-token-inactive",
        "rfc7662-2.2-active-token-is-active",
        "rfc6749-10.10-codes-have-128-bits",
        "rfc6749-10.10-opaque-access-tokens-have-160-bits",
        # the device flow through its own pages, and OpenID Connect
        "rfc8628-3.5-approved-poll-gets-tokens",
        "rfc8628-3.5-denied-poll-is-access-denied",
        "rfc8628-3.5-pending-poll-is-authorization-pending",
        "oidc-2-nonce-is-echoed",
        "oidc-3.1.3.6-id-token-signature-verifies",
        "oidc-3.1.2.6-prompt-none-without-session-is-an-error",
        "oidc-3.1.2.6-prompt-none-without-consent-is-an-error",
        "oidc-5.3-userinfo-sub-is-the-id-tokens",
        "oidc-11-offline-access-consent-is-asked",
        "oidc-discovery-4-issuer-is-the-prefix",
        # -- issue 24: pushedAuthorizationRequests, dPoP, and the private_key_jwt client
        "rfc9126-4-request-uri-gets-a-code",
        "rfc9126-4-request-uri-is-single-use",
        "rfc9449-5-token-type-is-dpop",
        "rfc9449-4.3-wrong-htu-proof-is-invalid-dpop-proof",
        "rfc7523-3-valid-assertion-gets-a-token",
        "rfc7523-3.2-wrong-aud-is-invalid-client",
    ),
    "jwt": (
        "rfc9068-2.1-typ-is-at-jwt",
        "rfc9068-4-signature-verifies",
        "rfc9068-2.2-client-id-is-the-client",
        "rfc7519-4.1.7-jti-is-unique",
        "rfc9449-6.1-jwt-access-token-has-cnf-jkt",
    ),
}


def listed_findings() -> dict[tuple[str, str], str]:
    """(check id, target) -> outcome, from the table of FINDINGS.md."""
    found = {}
    for row in ROW.finditer(FINDINGS.read_text(encoding="utf-8")):
        for target in TARGETS if row["target"] == "both" else (row["target"],):
            found[(row["id"], target)] = row["outcome"]
    return found


@pytest.fixture(scope="module")
def peer(tmp_path_factory):
    try:
        install()
    except PeerUnavailable as error:
        pytest.fail(f"oidc-provider {pinned_version()} is not installed ({error}); `make install` installs it")
    folder = tmp_path_factory.mktemp("oidc-provider")
    server = OidcProvider(folder / "server.log")
    try:
        yield server, folder
    finally:
        server.stop()


@pytest.fixture(scope="module")
def runs(peer):
    """Both target files, the default profile; the opaque one through the real command line."""
    server, folder = peer
    paths = dict(zip(TARGETS, server.write_targets(folder), strict=True))
    return {
        "opaque": run_suite(paths["opaque"], "--html", str(folder / "report.html"), subprocess_run=True),
        "jwt": run_suite(paths["jwt"]),
    }


def test_the_findings_table_is_read():
    findings = listed_findings()
    assert len(findings) >= 10 and {target for _, target in findings} == set(TARGETS)


def test_every_failure_is_a_listed_finding_and_every_finding_fails(runs):
    actual = {
        (check_id, target): result["outcome"]
        for target, (_, results, _) in runs.items()
        for check_id, result in results.items()
        if result["outcome"] in ("fail", "warn", "advice")
    }
    listed = listed_findings()
    unexplained = {
        f"{check_id} ({target})": f"{outcome}: {runs[target][1][check_id]['message']}"
        for (check_id, target), outcome in actual.items()
        if listed.get((check_id, target)) != outcome
    }
    stale = {
        f"{check_id} ({target})": f"listed as {outcome}, got {runs[target][1].get(check_id, {}).get('outcome')}"
        for (check_id, target), outcome in listed.items()
        if actual.get((check_id, target)) != outcome
    }
    assert not unexplained, f"failures not in {FINDINGS.name} (a deviation to write down, or a check to fix)"
    assert not stale, f"findings in {FINDINGS.name} that no longer fail"


def test_no_check_errs(runs):
    errors = {
        f"{check_id} ({target})": result["message"]
        for target, (_, results, _) in runs.items()
        for check_id, result in results.items()
        if result["outcome"] == "error"
    }
    assert not errors


@pytest.mark.parametrize("target", TARGETS)
def test_the_core_checks_pass(runs, target):
    _, results, output = runs[target]
    assert results, output
    not_passed = {
        c: results.get(c, {}).get("message", "not run")
        for c in MUST_PASS[target]
        if results.get(c, {}).get("outcome") != "pass"
    }
    assert not not_passed


def test_exit_status_follows_the_must_failures(runs):
    for code, results, output in runs.values():
        assert code == (1 if any(r["outcome"] == "fail" for r in results.values()) else 0), output


BROWSER_CHECKS = (
    "rfc6749-4.1.2-code-and-state-returned",
    "rfc6749-4.1.2.1-denial-is-access-denied",
    "rfc6749-3.1.2.4-invalid-redirect-shown-to-user",
    "rfc8628-3.5-approved-poll-gets-tokens",
    "rfc8628-3.5-denied-poll-is-access-denied",
)


def test_the_browser_driver_fills_in_oidc_providers_pages(peer):
    """The same pages in headless Chromium: the consent form without a named button, the Cancel link,
    the device flow's user code and confirmation pages."""
    server, folder = peer
    target = folder / "oidc-provider-browser.toml"
    target.write_text(server.target().replace('driver = "form"', 'driver = "browser"'))
    code, results, _ = run_suite(target, *[arg for check_id in BROWSER_CHECKS for arg in ("--check", check_id)])
    not_passed = {
        c: results.get(c, {}).get("message", "not run")
        for c in BROWSER_CHECKS
        if results.get(c, {}).get("outcome") != "pass"
    }
    assert not not_passed
    assert code == 0
