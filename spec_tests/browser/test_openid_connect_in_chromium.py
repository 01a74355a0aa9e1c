"""OpenID Connect sign-in as a person goes through it, in Chromium: `prompt=login`
and `max_age` (OpenID Connect Core §3.1.2.1, §3.1.2.3) against `reference-as serve`.

The relying party is a confidential client of the real server whose redirect URI
is the callback server of conftest.py; it redeems each code with `requests` and
reads the ID Token with PyJWT against the served JWKS. The browser:
  1. signs in for a first request (`prompt=login`, a nonce) and allows;
  2. while signed in, a second `prompt=login` request shows the sign-in page
     again instead of going straight on; signed in again, a newer `auth_time`;
  3. two seconds on, a request with `max_age=1` shows the sign-in page again;
     one with `max_age=3600` does not, and its `auth_time` is the last sign-in's.
"""

import secrets
import time
from urllib.parse import urlencode

import jwt
import pytest
import requests
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import WebDriverWait

from spec_tests.serve.forms import pkce_pair

from .conftest import WAIT
from .test_authorization_code_in_chromium import click_decision, console_problems, wait_for_path


class RelyingParty:
    def __init__(self, server, client: dict, redirect_uri: str):
        self.server, self.client, self.redirect_uri = server, client, redirect_uri

    def url(self, **extra) -> tuple[str, dict]:
        verifier, challenge = pkce_pair()
        sent = {"state": secrets.token_urlsafe(16), "nonce": secrets.token_urlsafe(16), "verifier": verifier}
        params = {
            "response_type": "code", "client_id": self.client["client_id"], "redirect_uri": self.redirect_uri,
            "scope": "openid profile", "state": sent["state"], "nonce": sent["nonce"],
            "code_challenge": challenge, "code_challenge_method": "S256", **extra,
        }  # fmt: skip
        return self.server.url + "/oauth2/authorize?" + urlencode(params), sent

    def id_token(self, received: dict, sent: dict) -> dict:
        assert received["state"] == sent["state"], received
        response = requests.post(
            self.server.url + "/oauth2/token",
            data={
                "grant_type": "authorization_code", "code": received["code"], "redirect_uri": self.redirect_uri,
                "code_verifier": sent["verifier"],
            },
            auth=(self.client["client_id"], self.client["client_secret"]),
            timeout=WAIT,
        )  # fmt: skip
        assert response.status_code == 200, response.text
        token = response.json()["id_token"]
        jwks = jwt.PyJWKClient(self.server.url + "/oauth2/jwks", cache_keys=False, timeout=WAIT)
        claims = jwt.decode(
            token, jwks.get_signing_key_from_jwt(token).key, algorithms=["RS256"],
            audience=self.client["client_id"], issuer=self.server.url,
        )  # fmt: skip
        assert claims["nonce"] == sent["nonce"]
        return claims


def sign_in(driver, username: str, password: str) -> None:
    field = WebDriverWait(driver, WAIT).until(EC.presence_of_element_located((By.NAME, "username")))
    field.clear()
    field.send_keys(username)
    driver.find_element(By.NAME, "password").send_keys(password)
    driver.find_element(By.CSS_SELECTOR, "form[action='/login'] button[type='submit']").click()


def allow(driver, callback) -> dict:
    """At the consent page: Allow; what the callback received."""
    WebDriverWait(driver, WAIT).until(
        EC.presence_of_element_located((By.CSS_SELECTOR, "button[name='decision'][value='allow']"))
    )
    assert "Sign you in with your account here" in driver.find_element(By.TAG_NAME, "main").text
    callback.received.clear()
    callback.arrived.clear()
    click_decision(driver, "allow")
    received = callback.wait()
    assert console_problems(driver) == []
    return received


@pytest.mark.requirement("OIDC-3.1.2.1")
@pytest.mark.requirement("OIDC-3.1.2.3")
def test_prompt_login_and_max_age_make_a_signed_in_person_sign_in_again_in_chromium(live_server, callback, browser):
    user, password = live_server.create_user()
    client = live_server.cli(
        "clients", "create", "--name", "OIDC browser app", "--grant", "authorization_code",
        "--scope", "openid", "--scope", "profile", "--redirect-uri", callback.url,
    )  # fmt: skip
    rp = RelyingParty(live_server, client, callback.url)

    # 1. Not signed in: the sign-in page, then consent.
    url, sent = rp.url(prompt="login")
    browser.get(url)
    wait_for_path(browser, live_server.url, "/login")
    sign_in(browser, "alice", password)
    first = rp.id_token(allow(browser, callback), sent)
    assert first["sub"] == user["user_id"]

    # 2. Signed in, prompt=login: the sign-in page again, not the consent page.
    time.sleep(1.1)  # so that a fresh sign-in has a later second than the first
    url, sent = rp.url(prompt="login", login_hint="alice")
    browser.get(url)
    wait_for_path(browser, live_server.url, "/login")
    assert browser.find_element(By.NAME, "username").get_attribute("value") == "alice"  # the login_hint
    sign_in(browser, "alice", password)
    second = rp.id_token(allow(browser, callback), sent)
    assert second["auth_time"] > first["auth_time"]

    # 3. max_age: a sign-in more than 1 s old is asked again; within 3600 s it is not.
    time.sleep(2.1)
    url, sent = rp.url(max_age="1")
    browser.get(url)
    wait_for_path(browser, live_server.url, "/login")
    sign_in(browser, "alice", password)
    third = rp.id_token(allow(browser, callback), sent)
    assert third["auth_time"] > second["auth_time"]

    url, sent = rp.url(max_age="3600")
    browser.get(url)
    wait_for_path(browser, live_server.url, "/oauth2/authorize")  # the consent page, no sign-in
    assert rp.id_token(allow(browser, callback), sent)["auth_time"] == third["auth_time"]
