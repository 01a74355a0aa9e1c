"""The client list at the widths of common screens, in Chromium: every row's
Pause/Resume, Edit and Delete buttons are in sight without scrolling sideways.

The list holds what a real one may: the demo clients (every grant, every
scope), a client with a long name and a long chosen client_id, a random
client_id, a paused client and one that has been given a token (a date in
"Last used").
"""

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import WebDriverWait

from .conftest import WAIT
from .test_admin_in_chromium import click_and_load, set_viewport, token_request
from .test_authorization_code_in_chromium import wait_for_path

# The widths of the usual laptop and desktop screens; the height is the least of them.
WIDTHS = (1280, 1440, 1920)
HEIGHT = 800

# Each action button's box and the box of the part of the table one sees, in CSS pixels.
BOXES = """
const table = document.querySelector('.table-wrap'), wrap = table.getBoundingClientRect();
const buttons = [...document.querySelectorAll('td.row-actions :is(button, a)')].map(b => {
    const r = b.getBoundingClientRect();
    return {text: b.textContent.trim(), left: r.left, right: r.right};
});
return {wrap: {left: wrap.left, right: wrap.right}, buttons: buttons,
        wrapScrolls: table.scrollWidth > table.clientWidth,
        pageScrolls: document.documentElement.scrollWidth > innerWidth};
"""


@pytest.fixture
def crowded_list(live_server):
    """A server whose client list has clients of every kind; (the server, the admin's password)."""
    _, password = live_server.create_user("root", admin=True)
    demo = {c["client_id"]: c for c in live_server.cli("demo") if "client_id" in c}
    live_server.cli(
        "clients", "create", "--name", "Inventory and warehouse API (resource server)",
        "--client-id", "inventory-warehouse-api-production-eu-west-1", "--permission", "introspect",
    )  # fmt: skip
    live_server.cli("clients", "create", "--name", "Billing service")
    live_server.cli(
        "clients", "create", "--name", "Mobile app", "--type", "public", "--grant", "authorization_code",
        "--grant", "refresh_token", "--redirect-uri", "http://127.0.0.1:8001/callback",
        "--redirect-uri", "https://app.example.com/oauth/callback",
    )  # fmt: skip
    paused = live_server.cli("clients", "create", "--name", "Old reporting job", "--scope", "api:read")
    live_server.cli("clients", "pause", paused["client_id"])
    secret = demo["demo-confidential"]["client_secret"]
    assert token_request(live_server, "demo-confidential", secret).status_code == 200  # a "last used" date
    return live_server, password


def test_the_action_buttons_of_every_client_are_visible_at_1280_1440_and_1920_pixels(crowded_list, browser):
    server, password = crowded_list
    driver = browser
    set_viewport(driver, WIDTHS[0], HEIGHT)
    driver.get(server.url + "/admin/")
    wait_for_path(driver, server.url, "/login")
    WebDriverWait(driver, WAIT).until(EC.presence_of_element_located((By.ID, "username"))).send_keys("root")
    driver.find_element(By.ID, "password").send_keys(password)
    click_and_load(driver, driver.find_element(By.CSS_SELECTOR, "form[action='/login'] button[type='submit']"))
    wait_for_path(driver, server.url, "/admin/")
    clients = len(server.cli("clients", "list"))
    assert len(driver.find_elements(By.CSS_SELECTOR, "table.clients tbody tr")) == clients == 6

    for width in WIDTHS:
        set_viewport(driver, width, HEIGHT)
        boxes = driver.execute_script(BOXES)
        assert len(boxes["buttons"]) == 3 * clients, boxes["buttons"]
        hidden = [
            b["text"]
            for b in boxes["buttons"]
            if b["right"] > boxes["wrap"]["right"] or b["left"] < boxes["wrap"]["left"]
        ]
        assert hidden == [], f"at {width} px, {len(hidden)} action buttons are outside the visible table: {hidden}"
        assert not boxes["wrapScrolls"], f"at {width} px the client table scrolls sideways"
        assert not boxes["pageScrolls"], f"at {width} px the page scrolls sideways"
