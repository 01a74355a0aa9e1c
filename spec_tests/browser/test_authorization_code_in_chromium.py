"""The authorization code flow as a person goes through it, in Chromium.

The browser opens the authorization URL a confidential client built (PKCE S256,
a random `state`), is sent to the sign-in page, signs in, reads the consent page
(the client's name, the scope in plain words), clicks Allow or Deny, and is
redirected to the client's loopback redirect URI, where a small server records
the query. The client then redeems the code at the token endpoint with
`requests`, as a client's back end would.

What a real browser adds to the `requests` tests in spec_tests/serve: the pages'
headers (CSP, X-Frame-Options, Referrer-Policy, no-store), the session cookie's
attributes (HttpOnly, SameSite=Lax) and the 303 redirects after each form post
are all applied by Chromium itself, and the forms are submitted by clicking.
"""

import secrets
from urllib.parse import urlencode, urlsplit

import pytest
import requests
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import WebDriverWait

from spec_tests.serve.forms import pkce_pair

from .conftest import WAIT

CLIENT_NAME = "Browser test app"


# -- setup through the CLI ------------------------------------------------------------------


def create_client(server, redirect_uri: str) -> dict:
    client = server.cli(
        "clients", "create", "--name", CLIENT_NAME,
        "--grant", "authorization_code", "--grant", "refresh_token",
        "--redirect-uri", redirect_uri,
    )  # fmt: skip
    assert client["client_secret"], client  # confidential, the default
    assert client["redirect_uris"] == [redirect_uri]
    return client


# -- the browser's part ---------------------------------------------------------------------


def wait_for_path(driver, base_url: str, path: str) -> None:
    """Until the browser shows `path` on `base_url`'s origin, at most WAIT seconds."""
    origin = urlsplit(base_url).netloc

    def arrived(d):
        now = urlsplit(d.current_url)
        return now.netloc == origin and now.path == path

    WebDriverWait(driver, WAIT).until(arrived, f"not at {base_url} {path}; at {driver.current_url}")


def console_problems(driver) -> list[str]:
    """What Chromium logged to the console since the last call (e.g. a Content
    Security Policy violation, a failed script or style sheet), less the
    /favicon.ico requests browsers make on their own (neither server has one)."""
    return [e["message"] for e in driver.get_log("browser") if "/favicon.ico" not in e["message"]]


def sign_in_to_consent(driver, server, url: str, username: str, password: str, screenshot) -> None:
    """Open the authorization URL, sign in on the login page, and stop at the consent page."""
    driver.get(url)
    wait_for_path(driver, server.url, "/login")
    wait = WebDriverWait(driver, WAIT)
    wait.until(EC.presence_of_element_located((By.NAME, "username"))).send_keys(username)
    driver.find_element(By.NAME, "password").send_keys(password)
    driver.find_element(By.CSS_SELECTOR, "form[action='/login'] button[type='submit']").click()

    # Back at the authorization endpoint, signed in: the consent page.
    wait_for_path(driver, server.url, "/oauth2/authorize")
    wait.until(EC.presence_of_element_located((By.CSS_SELECTOR, "button[name='decision'][value='allow']")))
    driver.save_screenshot(str(screenshot))
    text = driver.find_element(By.TAG_NAME, "main").text
    assert CLIENT_NAME in driver.title, driver.title
    assert f"Allow {CLIENT_NAME} to access your account?" in text, text
    assert "Read your data" in text, text  # the scope in plain words (RFC 6749 §10.2)
    assert "api:read" in text, text
    assert f"Signed in as {username}" in driver.find_element(By.TAG_NAME, "header").text
    # The page's style sheet loaded: its own CSP (style-src 'self') lets it in.
    assert driver.execute_script("return document.styleSheets.length") == 1
    assert console_problems(driver) == []
    # The session cookie as the browser keeps it: HttpOnly, SameSite=Lax, not Secure over http.
    cookies = driver.get_cookies()
    assert cookies, "no session cookie"
    for cookie in cookies:
        assert (cookie["httpOnly"], cookie["sameSite"], cookie["secure"]) == (True, "Lax", False), cookie


def click_decision(driver, value: str) -> None:
    driver.find_element(By.CSS_SELECTOR, f"button[name='decision'][value='{value}']").click()


def wait_for_callback(driver, callback) -> dict:
    """The browser follows the 303 to the redirect URI; the callback server records the query."""
    received = callback.wait()
    wait_for_path(driver, callback.url, "/callback")
    WebDriverWait(driver, WAIT).until(EC.title_is("Callback received"))
    assert console_problems(driver) == []
    return received


# -- the flow ---------------------------------------------------------------------------------


@pytest.fixture
def flow(live_server, callback, browser, tmp_path):
    """A user, a confidential client whose redirect URI is the callback server,
    and the authorization URL it sends the browser to."""
    _, password = live_server.create_user()
    client = create_client(live_server, callback.url)
    verifier, challenge = pkce_pair()
    state = secrets.token_urlsafe(16)
    url = (
        live_server.url
        + "/oauth2/authorize?"
        + urlencode(
            {
                "response_type": "code",
                "client_id": client["client_id"],
                "redirect_uri": callback.url,
                "scope": "api:read",
                "state": state,
                "code_challenge": challenge,
                "code_challenge_method": "S256",
            }
        )
    )
    sign_in_to_consent(browser, live_server, url, "alice", password, tmp_path / "consent.png")
    return {"client": client, "verifier": verifier, "state": state}


@pytest.mark.requirement("RFC6749-4.1.2")
@pytest.mark.requirement("RFC9207-2")
@pytest.mark.requirement("RFC6749-4.1.3")
@pytest.mark.requirement("RFC7636-4.6")
def test_a_person_signs_in_and_allows_in_chromium_and_the_client_redeems_the_code(live_server, callback, browser, flow):
    click_decision(browser, "allow")
    received = wait_for_callback(browser, callback)

    assert received.keys() == {"code", "state", "iss"}, received
    assert received["code"]
    assert received["state"] == flow["state"]  # unchanged (RFC 6749 §4.1.2)
    assert received["iss"] == live_server.url  # RFC 9207 §2

    client = flow["client"]
    response = requests.post(
        live_server.url + "/oauth2/token",
        data={
            "grant_type": "authorization_code",
            "code": received["code"],
            "redirect_uri": callback.url,
            "code_verifier": flow["verifier"],
        },
        auth=(client["client_id"], client["client_secret"]),  # client_secret_basic
        timeout=WAIT,
    )
    assert response.status_code == 200, response.text
    token = response.json()
    assert token["token_type"] == "Bearer"
    assert token["access_token"] and token["refresh_token"]
    assert token["scope"] == "api:read"
    assert response.headers["Cache-Control"] == "no-store"

    me = requests.get(
        live_server.url + "/api/me", headers={"Authorization": "Bearer " + token["access_token"]}, timeout=WAIT
    )
    assert me.status_code == 200, me.text


@pytest.mark.requirement("RFC6749-4.1.2.1")
@pytest.mark.requirement("RFC9207-2")
def test_a_person_who_denies_in_chromium_sends_access_denied_with_the_state_back_to_the_client(
    live_server, callback, browser, flow
):
    click_decision(browser, "deny")
    received = wait_for_callback(browser, callback)

    assert received["error"] == "access_denied", received
    assert "code" not in received
    assert received["state"] == flow["state"]
    assert received["iss"] == live_server.url
