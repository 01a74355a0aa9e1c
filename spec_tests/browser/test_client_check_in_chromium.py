"""The client check page as a developer watches it, in Chromium, against the real server:
an administrator starts a check from the page, the client (here `requests`, as its back
end would) sends a token request with its secret in the URI, and without anyone touching
the browser the page, which reloads itself while the check is under way, turns that
check red (RFC 6749 §2.3.1) and names the request that showed it. No console error under
the pages' Content-Security-Policy; a screenshot is written to the test's tmp_path."""

import requests
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import Select, WebDriverWait

from spec_tests.serve.forms import create_client

from .conftest import WAIT
from .test_authorization_code_in_chromium import console_problems, wait_for_path

CHECK = "RFC6749-2.3.1-not-in-query"


def test_the_check_page_follows_the_client_live(live_server, browser, tmp_path):
    _, password = live_server.create_user("root", admin=True)
    client = create_client(live_server, "confidential")
    page = f"/admin/clients/{client['client_id']}/check"
    browser.get(live_server.url + page)
    wait_for_path(browser, live_server.url, "/login")
    wait = WebDriverWait(browser, WAIT)
    wait.until(EC.presence_of_element_located((By.NAME, "username"))).send_keys("root")
    browser.find_element(By.NAME, "password").send_keys(password)
    browser.find_element(By.CSS_SELECTOR, "form[action='/login'] button[type='submit']").click()
    wait_for_path(browser, live_server.url, page)

    Select(wait.until(EC.presence_of_element_located((By.ID, "scenario")))).select_by_value("basic")
    browser.find_element(By.CSS_SELECTOR, f"form[action='{page}'] button[type='submit']").click()
    wait.until(EC.presence_of_element_located((By.CSS_SELECTOR, f"form[action='{page}/stop']")))
    assert browser.find_element(By.ID, CHECK).get_attribute("class") == "outcome-skip"

    credentials = {"client_id": client["client_id"], "client_secret": client["client_secret"]}
    refused = requests.post(
        live_server.url + "/oauth2/token", params=credentials, data={"grant_type": "client_credentials"}, timeout=WAIT
    )
    assert refused.status_code == 400

    wait.until(lambda d: d.find_element(By.ID, CHECK).get_attribute("class") == "outcome-fail")
    row = browser.find_element(By.ID, CHECK)
    assert "#1" in row.text and "credentials in the request URI" in row.text
    assert browser.find_element(By.ID, "verdict").text.startswith("FAIL")
    browser.save_screenshot(str(tmp_path / "client-check.png"))
    assert console_problems(browser) == []
