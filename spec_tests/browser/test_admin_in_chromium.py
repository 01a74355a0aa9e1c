"""The administration screens as an administrator uses them, in Chromium.

An admin made with `reference-as users create root --admin --password-stdin`
opens /admin/, is sent to the sign-in page and back, and then, by clicking and
typing in the real forms: creates a confidential client, reads its credentials
from the page that shows the secret once (and reloads it: masked, no second
client), pauses and resumes it, rotates its secret, widens its scopes, deletes
it, and signs out. After each step a client's back end
(`requests`, client_credentials with HTTP Basic) checks at the token endpoint
that the change took effect.

What a real browser adds to spec_tests/admin: the CSRF tokens travel in forms
the browser submits, the 303s after each post are followed by Chromium, the
page's script (the copy button) runs under the pages' Content-Security-Policy
without a console error, and the screens are seen: screenshots of the client
list and of the secret page are written to the test's tmp_path, and also to
the folder named by REFERENCE_AS_SCREENSHOTS when it is set (relative to the
repository; `REFERENCE_AS_SCREENSHOTS=docs/img` renews the README's pictures).
"""

import os
import shutil
from pathlib import Path

import requests
from selenium.common.exceptions import WebDriverException
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import WebDriverWait

from .conftest import WAIT
from .test_authorization_code_in_chromium import console_problems, wait_for_path

REPOSITORY = Path(__file__).resolve().parents[2]
CLIENT_NAME = "Billing service"
WIDE = (1280, 800)
PHONE = (390, 844)


# -- helpers --------------------------------------------------------------------------------


def token_request(server, client_id: str, secret: str, scope: str | None = None) -> requests.Response:
    """client_credentials with client_secret_basic, as the client's back end sends it."""
    data = {"grant_type": "client_credentials", **({"scope": scope} if scope else {})}
    return requests.post(server.url + "/oauth2/token", data=data, auth=(client_id, secret), timeout=WAIT)


def assert_token(response: requests.Response, scope: str | None = None) -> None:
    assert response.status_code == 200, response.text
    token = response.json()
    assert token["access_token"] and token["token_type"] == "Bearer", token
    if scope:
        assert token["scope"] == scope, token


def assert_error(response: requests.Response, status: int, error: str) -> None:
    assert (response.status_code, response.json().get("error")) == (status, error), response.text


def click_and_load(driver, element) -> None:
    """Click something that loads a new page (a link, or a form post answered with
    a 303), and wait until the new page has replaced the old one and is complete."""
    driver.execute_script("window.leaving = true")  # a new page has a new window object
    element.click()
    WebDriverWait(driver, WAIT, ignored_exceptions=(WebDriverException,)).until(
        lambda d: d.execute_script("return !window.leaving && document.readyState === 'complete'"),
        f"no new page loaded; still at {driver.current_url}",
    )


def row_of(driver, client_id: str):
    """The client list's row for `client_id`."""
    return driver.find_element(By.XPATH, f"//table[@class='clients']//tr[td/code[text()='{client_id}']]")


def status_of(driver, client_id: str) -> str:
    return row_of(driver, client_id).find_element(By.CSS_SELECTOR, "span.status").text


def read_credentials(driver) -> tuple[str, str]:
    """The read-only fields of the secret page."""
    wait = WebDriverWait(driver, WAIT)
    client_id = wait.until(EC.presence_of_element_located((By.ID, "client_id"))).get_attribute("value")
    secret = driver.find_element(By.ID, "client_secret").get_attribute("value")
    assert client_id and secret, (client_id, secret)
    assert "will not be shown again" in driver.find_element(By.TAG_NAME, "main").text
    return client_id, secret


def assert_reload_shows_the_secret_masked(driver, secret: str) -> None:
    """Reload the client's page: the secret is gone from it, its last four characters shown masked."""
    driver.execute_script("window.leaving = true")
    driver.refresh()
    WebDriverWait(driver, WAIT).until(lambda d: d.execute_script("return !window.leaving"))
    assert driver.find_elements(By.ID, "client_secret") == [] and secret not in driver.page_source
    assert "…" + secret[-4:] in driver.find_element(By.TAG_NAME, "main").text


def set_checkbox(driver, name: str, value: str, checked: bool) -> None:
    box = driver.find_element(By.CSS_SELECTOR, f"input[name='{name}'][value='{value}']")
    if box.is_selected() != checked:
        box.click()
    assert box.is_selected() == checked


def set_viewport(driver, width: int, height: int) -> None:
    """Make the page's viewport (not the window, which adds the browser's own bars) width x height."""
    driver.set_window_size(width, height)
    inner = driver.execute_script("return [innerWidth, innerHeight]")  # (outerWidth has a floor of its own)
    driver.set_window_size(2 * width - inner[0], 2 * height - inner[1])
    WebDriverWait(driver, WAIT).until(lambda d: d.execute_script("return [innerWidth, innerHeight]") == [width, height])


def screenshot(driver, tmp_path: Path, name: str, size: tuple[int, int], publish: bool = True) -> Path:
    """A screenshot at the viewport width size[0], as tall as the page but at most size[1],
    into tmp_path (and, if `publish`, into REFERENCE_AS_SCREENSHOTS as well, when that is set)."""
    set_viewport(driver, *size)
    bottom = driver.execute_script(
        "return Math.ceil(document.querySelector('main').getBoundingClientRect().bottom + scrollY) + 32"
    )
    if bottom < size[1]:
        set_viewport(driver, size[0], bottom)
    path = tmp_path / name
    assert driver.save_screenshot(str(path)), path
    if publish and (target := os.environ.get("REFERENCE_AS_SCREENSHOTS")):
        folder = REPOSITORY / target
        folder.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, folder / name)
    set_viewport(driver, *WIDE)
    return path


# -- the test ---------------------------------------------------------------------------------


def test_an_admin_manages_a_client_in_chromium_and_each_change_holds_at_the_token_endpoint(
    live_server, browser, tmp_path
):
    driver, wait = browser, WebDriverWait(browser, WAIT)
    _, password = live_server.create_user("root", admin=True)
    # Another client, made with the CLI, so the list shows more than one row and type.
    other = live_server.cli(
        "clients", "create", "--name", "Web app", "--type", "public",
        "--grant", "authorization_code", "--grant", "refresh_token", "--scope", "api:read",
        "--redirect-uri", "http://127.0.0.1:8001/callback",
    )  # fmt: skip

    # /admin/ sends someone not signed in to the login page, and back after signing in.
    set_viewport(driver, *WIDE)
    driver.get(live_server.url + "/admin/")
    wait_for_path(driver, live_server.url, "/login")
    wait.until(EC.presence_of_element_located((By.ID, "username"))).send_keys("root")
    driver.find_element(By.ID, "password").send_keys(password)
    click_and_load(driver, driver.find_element(By.CSS_SELECTOR, "form[action='/login'] button[type='submit']"))
    wait_for_path(driver, live_server.url, "/admin/")
    assert "Signed in as root" in driver.find_element(By.TAG_NAME, "header").text
    assert driver.find_element(By.TAG_NAME, "h1").text == "OAuth clients"
    assert driver.execute_script("return document.styleSheets.length") == 1  # style-src 'self' lets it in
    assert status_of(driver, other["client_id"]) == "active"

    # Create a confidential client through the form.
    click_and_load(driver, driver.find_element(By.LINK_TEXT, "New client"))
    wait_for_path(driver, live_server.url, "/admin/clients/new")
    driver.find_element(By.ID, "name").send_keys(CLIENT_NAME)
    driver.find_element(By.CSS_SELECTOR, "input[name='type'][value='confidential']").click()
    set_checkbox(driver, "grant_types", "client_credentials", True)
    set_checkbox(driver, "scopes", "api:read", True)
    click_and_load(driver, driver.find_element(By.XPATH, "//button[text()='Create client']"))
    assert driver.find_element(By.TAG_NAME, "h1").text == f"Client created: {CLIENT_NAME}"
    client_id, secret = read_credentials(driver)
    wait_for_path(driver, live_server.url, f"/admin/clients/{client_id}")  # post, then redirect
    assert console_problems(driver) == []
    screenshot(driver, tmp_path, "admin-secret.png", WIDE)
    assert_token(token_request(live_server, client_id, secret), "api:read")

    # The copy button (copy.js, allowed by script-src 'self'): the clipboard may be
    # denied to headless Chromium, and then the field is selected for Ctrl+C instead.
    copy = driver.find_element(By.CSS_SELECTOR, "button.copy[data-copy='client_secret']")
    assert copy.text == "Copy"
    copy.click()
    wait.until(lambda d: copy.text != "Copy", "the copy button's label did not change")
    assert copy.text in ("Copied", "Selected: press Ctrl+C"), copy.text
    assert console_problems(driver) == []

    # A reload shows the client with its secret masked, and makes no second client.
    assert_reload_shows_the_secret_masked(driver, secret)
    assert [c["name"] for c in live_server.cli("clients", "list")].count(CLIENT_NAME) == 1

    # Back on the list: Pause refuses the client tokens, Resume gives them again.
    click_and_load(driver, driver.find_element(By.LINK_TEXT, "Back to the clients"))
    wait_for_path(driver, live_server.url, "/admin/")
    assert status_of(driver, client_id) == "active"
    row = row_of(driver, client_id)
    assert row.find_element(By.XPATH, "td[1]").text == CLIENT_NAME
    assert secret not in driver.page_source  # shown once, on the page that made it
    click_and_load(driver, row.find_element(By.XPATH, ".//button[text()='Pause']"))
    assert status_of(driver, client_id) == "paused"
    assert status_of(driver, other["client_id"]) == "active"
    assert_error(token_request(live_server, client_id, secret), 400, "unauthorized_client")
    assert console_problems(driver) == []
    # At a phone's width the table scrolls sideways inside .table-wrap; the page does not.
    wrap_scrolls = "const w = document.querySelector('.table-wrap'); return w.scrollWidth > w.clientWidth"
    page_fits = "return document.documentElement.scrollWidth <= innerWidth"
    screenshot(driver, tmp_path, "admin-clients.png", WIDE)
    set_viewport(driver, *PHONE)
    assert driver.execute_script(wrap_scrolls) and driver.execute_script(page_fits)
    screenshot(driver, tmp_path, "admin-clients-phone.png", PHONE, publish=False)

    click_and_load(driver, row_of(driver, client_id).find_element(By.XPATH, ".//button[text()='Resume']"))
    assert status_of(driver, client_id) == "active"
    assert_token(token_request(live_server, client_id, secret))

    # Edit → Rotate secret… → confirm: the old secret stops at once, the new one works.
    click_and_load(driver, row_of(driver, client_id).find_element(By.LINK_TEXT, "Edit"))
    wait_for_path(driver, live_server.url, f"/admin/clients/{client_id}/edit")
    assert "…" + secret[-4:] in driver.find_element(By.TAG_NAME, "main").text  # masked
    click_and_load(driver, driver.find_element(By.PARTIAL_LINK_TEXT, "Rotate secret"))
    wait_for_path(driver, live_server.url, f"/admin/clients/{client_id}/rotate-secret")
    assert "stops working at once" in driver.find_element(By.TAG_NAME, "main").text
    click_and_load(driver, driver.find_element(By.XPATH, "//button[text()='Rotate secret']"))
    assert driver.find_element(By.TAG_NAME, "h1").text == f"New secret for {CLIENT_NAME}"
    rotated_id, new_secret = read_credentials(driver)
    assert rotated_id == client_id and new_secret != secret
    assert_reload_shows_the_secret_masked(driver, new_secret)
    assert_error(token_request(live_server, client_id, secret), 401, "invalid_client")
    assert_token(token_request(live_server, client_id, new_secret))

    # Edit the scopes: tick api:write as well, save, and a token for api:write is given.
    assert_error(token_request(live_server, client_id, new_secret, "api:write"), 400, "invalid_scope")
    click_and_load(driver, driver.find_element(By.LINK_TEXT, "Back to the clients"))
    click_and_load(driver, row_of(driver, client_id).find_element(By.LINK_TEXT, "Edit"))
    wait_for_path(driver, live_server.url, f"/admin/clients/{client_id}/edit")
    set_checkbox(driver, "scopes", "api:write", True)
    assert driver.find_element(By.CSS_SELECTOR, "input[name='scopes'][value='api:read']").is_selected()
    click_and_load(driver, driver.find_element(By.XPATH, "//button[text()='Save']"))
    wait_for_path(driver, live_server.url, "/admin/")
    assert row_of(driver, client_id).find_element(By.CSS_SELECTOR, "td.scopes").text == "api:read api:write"
    assert_token(token_request(live_server, client_id, new_secret, "api:write"), "api:write")

    # Delete, through the confirmation page: the client is gone and its secret refused.
    click_and_load(driver, row_of(driver, client_id).find_element(By.LINK_TEXT, "Delete"))
    wait_for_path(driver, live_server.url, f"/admin/clients/{client_id}/delete")
    assert driver.find_element(By.TAG_NAME, "h1").text == f"Delete {CLIENT_NAME}?"
    click_and_load(driver, driver.find_element(By.XPATH, "//button[text()='Delete client']"))
    wait_for_path(driver, live_server.url, "/admin/")
    assert client_id not in driver.find_element(By.TAG_NAME, "main").text
    assert status_of(driver, other["client_id"]) == "active"
    assert_error(token_request(live_server, client_id, new_secret), 401, "invalid_client")
    assert console_problems(driver) == []

    # Sign out, from the button every admin page has: /admin/ then asks to sign in again.
    click_and_load(driver, driver.find_element(By.XPATH, "//nav//button[text()='Sign out']"))
    wait_for_path(driver, live_server.url, "/login")
    driver.get(live_server.url + "/admin/")
    wait_for_path(driver, live_server.url, "/login")
