"""The device authorization grant (RFC 8628) as a person goes through it, in Chromium.

A command-line tool (a public client) asks for its codes and polls the token
endpoint in a thread, as `gh auth login` does, honouring `interval` and
`slow_down`. Meanwhile the person opens the verification URI in Chromium, signs
in, types the user code (in lower case, without its dash: RFC 8628 §6.1), reads
the consent page (the client, the scope in plain words, and the code to compare
with the device's, §5.4) and clicks Allow. The poller's next poll gets the tokens.
The server runs with a 1-second interval (`device_poll_interval`),
so the test waits seconds, not tens of seconds.
"""

import threading
import time

import pytest
import requests
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import WebDriverWait

from spec_tests.helpers import DEVICE_GRANT
from spec_tests.serve.conftest import LiveServer
from spec_tests.serve.forms import create_device_client

from .conftest import WAIT
from .test_authorization_code_in_chromium import console_problems, wait_for_path

INTERVAL = 1


@pytest.fixture
def device_server(tmp_path):
    server = LiveServer(tmp_path, ("--access-log",), {"device_poll_interval": INTERVAL})
    yield server
    server.stop()


class Poller(threading.Thread):
    """The device's side of RFC 8628 §3.4-3.5: poll every `interval` seconds (5 more after
    each slow_down) until tokens or an error that ends the flow, at most WAIT * 2 seconds."""

    def __init__(self, server, client_id: str, device: dict):
        super().__init__(name="device-poller", daemon=True)
        self.server, self.client_id, self.device = server, client_id, device
        self.answers: list[str] = []  # each poll's error, or "tokens"
        self.tokens: dict | None = None

    def run(self):
        interval, deadline = self.device["interval"], time.monotonic() + WAIT * 2
        while time.monotonic() < deadline:
            response = requests.post(
                self.server.url + "/oauth2/token",
                data={
                    "grant_type": DEVICE_GRANT,
                    "device_code": self.device["device_code"],
                    "client_id": self.client_id,
                },
                timeout=WAIT,
            )
            body = response.json()
            if response.status_code == 200:
                self.answers.append("tokens")
                self.tokens = body
                return
            self.answers.append(body["error"])
            if body["error"] == "slow_down":
                interval += 5
            elif body["error"] != "authorization_pending":
                return
            time.sleep(interval)


@pytest.mark.requirement("RFC8628-3.3")
@pytest.mark.requirement("RFC8628-3.5")
@pytest.mark.requirement("RFC8628-5.4")
@pytest.mark.requirement("RFC8628-6.1")
def test_a_person_approves_a_polling_device_in_chromium(device_server, browser, tmp_path):
    server = device_server
    _, password = server.create_user()
    client = create_device_client(server)
    response = requests.post(
        server.url + "/oauth2/device_authorization", data={"client_id": client["client_id"]}, timeout=WAIT
    )
    device = response.json()
    assert response.status_code == 200 and device["interval"] == INTERVAL
    poller = Poller(server, client["client_id"], device)
    poller.start()

    # The person, on "another device": the verification URI, typed in; sign in first.
    browser.get(device["verification_uri"])
    wait_for_path(browser, server.url, "/login")
    wait = WebDriverWait(browser, WAIT)
    wait.until(EC.presence_of_element_located((By.NAME, "username"))).send_keys("alice")
    browser.find_element(By.NAME, "password").send_keys(password)
    browser.find_element(By.CSS_SELECTOR, "form[action='/login'] button[type='submit']").click()
    wait_for_path(browser, server.url, "/device")
    typed = device["user_code"].replace("-", "").lower()
    wait.until(EC.presence_of_element_located((By.NAME, "user_code"))).send_keys(typed)
    browser.find_element(By.CSS_SELECTOR, "form[action='/device'] button[type='submit']").click()

    # The consent page: the client, the scope in plain words, the code to compare.
    wait.until(EC.presence_of_element_located((By.CSS_SELECTOR, "button[name='decision'][value='allow']")))
    browser.save_screenshot(str(tmp_path / "device-consent.png"))
    text = browser.find_element(By.TAG_NAME, "main").text
    assert browser.find_element(By.ID, "user-code").text == device["user_code"]
    assert client["name"] in text and "Read your data" in text and "api:read" in text
    assert browser.execute_script("return document.styleSheets.length") == 1
    assert console_problems(browser) == []
    assert poller.is_alive() and set(poller.answers) <= {"authorization_pending"}  # still waiting

    browser.find_element(By.CSS_SELECTOR, "button[name='decision'][value='allow']").click()
    wait.until(EC.presence_of_element_located((By.ID, "device-done")))
    assert client["name"] in browser.find_element(By.ID, "device-done").text

    poller.join(WAIT * 2)
    assert poller.answers[-1] == "tokens", poller.answers
    assert "authorization_pending" in poller.answers  # it polled while the person decided
    assert poller.tokens["token_type"] == "Bearer" and poller.tokens["refresh_token"]
    me = requests.get(
        server.url + "/api/me", headers={"Authorization": "Bearer " + poller.tokens["access_token"]}, timeout=WAIT
    )
    assert me.status_code == 200 and me.json()["username"] == "alice"
