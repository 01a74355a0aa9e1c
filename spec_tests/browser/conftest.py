"""A real browser against a real server: `reference-as serve` (2 workers, SQLite)
on a loopback port, headless Chromium from Debian driven through Debian's
chromedriver, and a client's loopback redirect URI that records what it receives.

`make install` puts `/usr/bin/chromium` and `/usr/bin/chromedriver` in place
(apt). Selenium is given both paths, so its own driver manager never runs and
no browser is ever downloaded.
"""

import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

import pytest

from conformance.approval import chromium_options
from spec_tests.serve.conftest import live_server  # noqa: F401 - the same fixture, shared

CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"
WAIT = 15  # seconds: the bound on every wait in these tests


# -- the client's redirect URI ------------------------------------------------------------


@dataclass
class Callback:
    """A loopback redirect URI (RFC 8252 §7.3): `http://127.0.0.1:<port>/callback`."""

    url: str
    received: list[dict] = field(default_factory=list)  # the query of each request to /callback
    arrived: threading.Event = field(default_factory=threading.Event)

    def wait(self) -> dict:
        assert self.arrived.wait(WAIT), f"nothing arrived at {self.url} within {WAIT} s"
        assert len(self.received) == 1, self.received
        return self.received[0]


def _handler(callback: Callback):
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):  # the name http.server calls
            parts = urlsplit(self.path)
            if parts.path != "/callback":  # e.g. the browser's /favicon.ico
                self.send_error(404)
                return
            callback.received.append(dict(parse_qsl(parts.query, keep_blank_values=True)))
            body = b"<!doctype html><title>Callback received</title><h1>Callback received</h1>"
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
            callback.arrived.set()

        def log_message(self, format, *args):  # quiet: the test reports what matters
            pass

    return Handler


@pytest.fixture
def callback():
    callback = Callback(url="")
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _handler(callback))  # port 0: a free one, kept bound
    callback.url = f"http://127.0.0.1:{httpd.server_address[1]}/callback"
    thread = threading.Thread(target=httpd.serve_forever, name="callback-server", daemon=True)
    thread.start()
    try:
        yield callback
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join(WAIT)


# -- the browser ------------------------------------------------------------------------------


@pytest.fixture
def browser(tmp_path_factory, monkeypatch):
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service
    from selenium.webdriver.common.selenium_manager import SeleniumManager

    missing = [path for path in (CHROMIUM, CHROMEDRIVER) if not Path(path).is_file()]
    if missing:
        pytest.fail(f"{' and '.join(missing)} missing: `make install` installs Debian's chromium and chromium-driver")

    def no_download(*args, **kwargs):
        raise AssertionError("selenium's driver manager must not run: the driver path is given")

    monkeypatch.setattr(SeleniumManager, "binary_paths", no_download)

    base = tmp_path_factory.mktemp("chromium")
    # --no-proxy-server: loopback only, whatever the environment says.
    options = chromium_options(CHROMIUM, str(base / "profile"), "--no-proxy-server", "--window-size=1024,900")
    service = Service(CHROMEDRIVER, log_output=str(base / "chromedriver.log"))
    driver = webdriver.Chrome(options=options, service=service)
    try:
        driver.set_page_load_timeout(WAIT)
        driver.set_script_timeout(WAIT)
        yield driver
    finally:
        driver.quit()
