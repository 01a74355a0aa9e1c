"""The playground's authorization code walk-through in Chromium, against a live reference server.

Two processes, as a learner runs them: `reference-as serve` (the `live_server`
fixture) and `reference-as playground` on its own loopback port. The browser
fills the connection page, clicks Authorize, signs in and consents on the
server's pages, and comes back to the playground's callback; the step view
then shows each exchange with its RFC section. The tampered state and the
denied consent end on the playground's error pages, with nothing stored.

With REFERENCE_AS_SCREENSHOTS=<dir> set, the walk-through saves the step view
as <dir>/playground-steps.png (the README's screenshot: docs/img).
"""

import os
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import WebDriverWait

from spec_tests.browser.conftest import WAIT

# The RFC sections the step view names for the authorization code flow, step by step.
WALK_THROUGH_SECTIONS = {
    "metadata": ("RFC 8414 §3",),
    "authorization request": ("RFC 6749 §4.1.1", "RFC 7636 §4.3"),
    "authorization response": ("RFC 6749 §4.1.2", "RFC 9207 §2"),
    "code exchange": ("RFC 6749 §4.1.3", "RFC 7636 §4.5"),
    "keys, signature checked": ("RFC 7517 §5", "RFC 9068 §4"),
}
CLIENT = (
    "--name Playground --client-id playground-demo --grant authorization_code --grant refresh_token --scope api:read"
)


@pytest.fixture
def registered(live_server, live_playground):
    """A user and a confidential client whose redirect URI is the playground's callback."""
    _, password = live_server.create_user()
    client = live_server.cli("clients", "create", *CLIENT.split(), "--redirect-uri", live_playground.redirect_uri)
    return {"client_id": client["client_id"], "secret": client["client_secret"], "password": password}


def wait_at(driver, base_url: str, path: str) -> None:
    origin = urlsplit(base_url).netloc
    WebDriverWait(driver, WAIT).until(
        lambda d: urlsplit(d.current_url).netloc == origin and urlsplit(d.current_url).path == path,
        f"not at {base_url}{path}; at {driver.current_url}",
    )


def console_problems(driver) -> list[str]:
    return [entry["message"] for entry in driver.get_log("browser") if "/favicon.ico" not in entry["message"]]


def connect(driver, playground, registered) -> None:
    driver.get(playground.url + "/")
    redirect_uri = driver.find_element(By.ID, "redirect_uri")
    assert redirect_uri.get_attribute("value") == playground.redirect_uri
    assert redirect_uri.get_attribute("readonly") is not None
    driver.find_element(By.ID, "client_id").send_keys(registered["client_id"])
    driver.find_element(By.ID, "client_secret").send_keys(registered["secret"])
    driver.find_element(By.CSS_SELECTOR, "form[action='/connection'] button[type='submit']").click()
    WebDriverWait(driver, WAIT).until(EC.presence_of_element_located((By.ID, "connected")))
    assert "encrypted at rest with AES-256-GCM" in driver.find_element(By.ID, "at-rest").text
    assert driver.find_element(By.ID, "not-authorized").text == "Not authorized"


def authorize_until_consent(driver, server, playground, password: str) -> None:
    """Authorize on the playground; sign in on the server; stop at its consent page."""
    driver.find_element(By.ID, "authorize-button").click()
    wait_at(driver, server.url, "/login")
    driver.find_element(By.NAME, "username").send_keys("alice")
    driver.find_element(By.NAME, "password").send_keys(password)
    driver.find_element(By.CSS_SELECTOR, "form[action='/login'] button[type='submit']").click()
    wait_at(driver, server.url, "/oauth2/authorize")
    WebDriverWait(driver, WAIT).until(EC.presence_of_element_located((By.CSS_SELECTOR, "button[value='allow']")))


def decide(driver, playground, value: str) -> None:
    driver.find_element(By.CSS_SELECTOR, f"button[name='decision'][value='{value}']").click()
    WebDriverWait(driver, WAIT).until(lambda d: urlsplit(d.current_url).netloc == urlsplit(playground.url).netloc)
    WebDriverWait(driver, WAIT).until(EC.presence_of_element_located((By.TAG_NAME, "h1")))


def press(driver, button_id: str) -> str:
    """Press a button under the tokens; the page comes back with one more run: its text."""
    runs = len(driver.find_elements(By.CSS_SELECTOR, "section.run"))
    driver.find_element(By.ID, button_id).click()
    WebDriverWait(driver, WAIT).until(lambda d: len(d.find_elements(By.CSS_SELECTOR, "section.run")) == runs + 1)
    return driver.find_elements(By.CSS_SELECTOR, "section.run")[-1].text


def save_screenshot(driver) -> None:
    """The step view of the walk-through, for the README (REFERENCE_AS_SCREENSHOTS=docs/img)."""
    folder = os.environ.get("REFERENCE_AS_SCREENSHOTS")
    if not folder:
        return
    Path(folder).mkdir(parents=True, exist_ok=True)
    driver.set_window_size(1280, 1250)
    steps = driver.find_elements(By.CSS_SELECTOR, "section.run article.step")
    driver.execute_script("arguments[0].scrollIntoView({block: 'start'})", steps[2])  # the callback, then the token
    driver.save_screenshot(str(Path(folder) / "playground-steps.png"))
    driver.set_window_size(1024, 900)


@pytest.mark.requirement("RFC6749-4.1.2")
@pytest.mark.requirement("RFC6749-10.12")
def test_the_authorization_code_walk_through_in_chromium_shows_each_step_with_its_rfc_section(
    browser, live_server, live_playground, registered
):
    connect(browser, live_playground, registered)
    authorize_until_consent(browser, live_server, live_playground, registered["password"])
    decide(browser, live_playground, "allow")

    wait_at(browser, live_playground.url, "/")
    assert browser.find_element(By.ID, "authorized").text == "Authorized"
    authorized = browser.find_element(By.ID, "authorized").value_of_css_property("background-color")
    assert authorized == "rgba(220, 243, 227, 1)"  # the green label
    steps = browser.find_element(By.ID, "steps").text
    for step, sections in WALK_THROUGH_SECTIONS.items():
        assert all(section in steps for section in sections), step
    assert "Signature: verified with the JWKS key its kid names" in steps
    assert '"typ": "at+jwt"' in steps
    stored = live_playground.stored()["tokens"]
    for value in (registered["secret"], stored["access_token"], stored["refresh_token"]):
        assert value not in browser.page_source  # masked: the last four characters only
    assert "…" + stored["access_token"][-4:] in steps
    save_screenshot(browser)

    # Each button runs one more step, shown the same way.
    assert "RFC 6750 §2.1" in press(browser, "resource-button")
    refreshed = press(browser, "refresh-button")
    assert "RFC 6749 §6" in refreshed and "RFC 9700 §4.14.2" in refreshed
    introspected = press(browser, "introspect-button")
    assert "RFC 7662 §2.1" in introspected and "active: true" in introspected
    revoked = press(browser, "revoke-button")
    assert "RFC 7009 §2.1" in revoked and "Revoked" in revoked
    assert console_problems(browser) == []


@pytest.mark.requirement("RFC6749-10.12")
def test_a_tampered_state_ends_on_invalid_oauth_state_and_nothing_is_stored(
    browser, live_server, live_playground, registered
):
    """The state is changed on the consent page, so the server redirects back with a real code
    and a state the playground never sent."""
    connect(browser, live_playground, registered)
    authorize_until_consent(browser, live_server, live_playground, registered["password"])
    browser.execute_script("document.querySelector(\"input[name='state']\").value = 'tampered';")
    decide(browser, live_playground, "allow")

    wait_at(browser, live_playground.url, "/callback")
    assert browser.find_element(By.TAG_NAME, "h1").text == "Invalid OAuth state"
    assert "Nothing was stored" in browser.find_element(By.CSS_SELECTOR, "[role='alert']").text
    assert "tokens" not in live_playground.stored()
    browser.get(live_playground.url + "/")
    assert browser.find_element(By.ID, "not-authorized").text == "Not authorized"


@pytest.mark.requirement("RFC6749-4.1.2.1")
def test_a_denied_consent_ends_on_oauth2_authorization_failed_with_the_servers_error(
    browser, live_server, live_playground, registered
):
    connect(browser, live_playground, registered)
    authorize_until_consent(browser, live_server, live_playground, registered["password"])
    decide(browser, live_playground, "deny")

    wait_at(browser, live_playground.url, "/callback")
    assert browser.find_element(By.TAG_NAME, "h1").text == "OAuth2 authorization failed"
    page = browser.find_element(By.TAG_NAME, "main").text
    assert "access_denied" in page and "The user denied the request." in page
    assert "RFC 6749 §4.1.2.1" in page  # the step that brought the error back
    assert "tokens" not in live_playground.stored()
    browser.get(live_playground.url + "/")
    assert browser.find_element(By.ID, "not-authorized").text == "Not authorized"
