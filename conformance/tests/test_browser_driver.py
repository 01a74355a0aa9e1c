"""The `browser` approval driver (headless Chromium through selenium) against the reference
server's real sign-in and consent pages: a few checks of the authorization endpoint, through
the real pages, for allow, deny, and an error page the browser stays on; and the device flow's
verification page.

Needs Debian's chromium and chromedriver (`make install`); selenium is given both paths (the
driver looks them up on PATH), so its own driver manager never runs and nothing is downloaded."""

import shutil

import pytest

from .conftest import problems, run_suite
from .servers import write_target

CHECKS = (
    "rfc6749-4.1.2-code-and-state-returned",
    "rfc6749-4.1.3-code-exchange-issues-tokens",
    "rfc6749-4.1.2.1-denial-is-access-denied",
    "rfc6749-4.1.2.1-mismatched-redirect-not-followed",
    "rfc6749-3.1.2.4-invalid-redirect-shown-to-user",
    "rfc9700-4.1.3-redirect-path-suffix-not-followed",
    # the device flow's verification page: sign in, type the user code, allow or deny
    "rfc8628-3.5-approved-poll-gets-tokens",
    "rfc8628-3.5-denied-poll-is-access-denied",
)


@pytest.fixture
def no_selenium_manager(monkeypatch):
    from selenium.webdriver.common.selenium_manager import SeleniumManager

    def refuse(*args, **kwargs):
        raise AssertionError("selenium's driver manager must not run: the driver is given chromium's paths")

    monkeypatch.setattr(SeleniumManager, "binary_paths", refuse)


def test_browser_driver_signs_in_consents_and_denies(reference, workdir, no_selenium_manager):
    missing = [name for name in ("chromium", "chromedriver") if not shutil.which(name)]
    if missing:
        pytest.fail(f"{' and '.join(missing)} missing: `make install` installs Debian's chromium and chromium-driver")
    target = write_target(
        workdir.path / "browser.toml",
        reference.url,
        workdir.clients,
        driver="browser",
        password=workdir.user_password,
        resource=False,
    )
    code, results, _ = run_suite(target, *[arg for check_id in CHECKS for arg in ("--check", check_id)])
    assert not problems(results), "\n".join(problems(results))
    not_passed = {
        c: results.get(c, {}).get("message", "not run") for c in CHECKS if results.get(c, {}).get("outcome") != "pass"
    }
    assert not not_passed
    assert code == 0
