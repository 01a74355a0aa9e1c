"""Approval drivers: who plays the user in the authorization code flow.

A driver opens an authorization URL as a user agent would and reports where it
was sent: a `Landing` with the URL it was redirected to away from the
authorization server (the client's callback, or somewhere it should never
have been sent), or the page where it stopped. It never requests that URL
itself: nothing needs to listen there, and it may be an attacker's.

- `auto`: the server approves without asking (reference-as has a test-only
  setting for it, `auto_approve_user`); the driver only follows the server's
  own redirects.
- `form`: signs in and consents by posting the server's HTML forms; the field
  names are configurable (`[approval.form]` in the target file).
- `browser`: the same in headless Chromium (selenium), for sign-in pages that
  need JavaScript.
- `manual`: prints the URL and reads back the URL the browser ended on.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import parse_qsl, urljoin, urlsplit

import requests

from .client import OAuthClientError, same_endpoint
from .target import ApprovalConfig

MAX_STEPS = 12  # redirects and form posts in one run, at most


@dataclass
class Landing:
    location: str | None  # absolute URL the user agent was sent to, off the authorization server
    response: requests.Response | None = None  # the last response seen
    pages: list = field(default_factory=list)  # HTML pages shown on the way (responses)

    @property
    def params(self) -> dict[str, str]:
        return dict(parse_qsl(urlsplit(self.location).query)) if self.location else {}

    def arrived_at(self, uri: str) -> bool:
        return self.location is not None and same_endpoint(self.location, uri)

    def describe(self) -> str:
        if self.location:
            return f"redirected to {self.location.split('?')[0]}"
        if self.response is not None:
            return f"stopped at HTTP {self.response.status_code} {self.response.url.split('?')[0]}"
        return "nothing happened"


def _origin(url: str) -> tuple[str, str]:
    parts = urlsplit(url)
    return parts.scheme, parts.netloc.lower()


# -- HTML forms ------------------------------------------------------------------------------------------


@dataclass
class Form:
    action: str
    method: str
    inputs: list[tuple[str, str, str]] = field(default_factory=list)  # (type, name, value)

    def has_input(self, name: str) -> bool:
        return any(input_name == name for _, input_name, _ in self.inputs)

    def button_values(self, name: str) -> list[str]:
        return [value for kind, input_name, value in self.inputs if input_name == name and kind == "submit"]

    def defaults(self) -> dict[str, str]:
        """The values a browser would send without the user touching anything (no buttons)."""
        return {name: value for kind, name, value in self.inputs if kind not in ("submit", "checkbox", "radio")}


class _FormParser(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms: list[Form] = []
        self._open: Form | None = None

    def handle_starttag(self, tag, attrs):
        attrs = {name: value or "" for name, value in attrs}
        if tag == "form":
            self._open = Form(attrs.get("action", ""), attrs.get("method", "get").upper())
            self.forms.append(self._open)
        elif self._open is not None and tag in ("input", "button") and attrs.get("name"):
            kind = attrs.get("type", "submit" if tag == "button" else "text").lower()
            self._open.inputs.append((kind, attrs["name"], attrs.get("value", "")))

    def handle_endtag(self, tag):
        if tag == "form":
            self._open = None


def forms_of(html: str) -> list[Form]:
    parser = _FormParser()
    parser.feed(html)
    parser.close()
    return parser.forms


def is_html(response: requests.Response) -> bool:
    return "html" in response.headers.get("Content-Type", "")


# -- drivers ----------------------------------------------------------------------------------------------


class Driver:
    """Follows the authorization server's redirects; subclasses act on the pages."""

    name = "none"
    can_deny = False  # can it answer "deny" on a consent page?

    def __init__(self, config: ApprovalConfig, agent: requests.Session):
        self.config = config
        self.agent = agent  # the user agent: its own cookies (a signed-in session persists)

    def run(self, url: str, watch: str, decision: str = "allow") -> Landing:
        """Open `url`; stop when sent to `watch` (the redirect URI the request named) or
        anywhere off the authorization server, or at a page the driver cannot act on."""
        home = _origin(url)
        response = self.agent.get(url, allow_redirects=False)
        pages = []
        for _ in range(MAX_STEPS):
            if response.is_redirect:
                location = urljoin(response.url, response.headers["Location"])
                if same_endpoint(location, watch) or _origin(location) != home:
                    return Landing(location, response, pages)
                response = self.agent.get(location, allow_redirects=False)
                continue
            if is_html(response):
                pages.append(response)
            following = self.act(response, decision)
            if following is None:
                return Landing(None, response, pages)
            response = following
        raise OAuthClientError(f"the {self.name} driver gave up after {MAX_STEPS} steps at {response.url}")

    def act(self, page: requests.Response, decision: str) -> requests.Response | None:
        return None


class AutoDriver(Driver):
    """The server approves by itself: nothing to do on any page."""

    name = "auto"


class FormDriver(Driver):
    """Signs in and consents by posting the server's own forms."""

    name = "form"
    can_deny = True

    def __init__(self, config: ApprovalConfig, agent: requests.Session):
        super().__init__(config, agent)
        self._sign_ins = 0

    def run(self, url: str, watch: str, decision: str = "allow") -> Landing:
        self._sign_ins = 0
        return super().run(url, watch, decision)

    def act(self, page: requests.Response, decision: str) -> requests.Response | None:
        if page.status_code != 200 or not is_html(page):
            return None
        fields = self.config.form
        for form in forms_of(page.text):
            if form.has_input(fields.password):
                if self._sign_ins:  # the same sign-in form again: the credentials were refused
                    return None
                self._sign_ins += 1
                values = {fields.username: self.config.username, fields.password: self.config.password}
                return self._submit(page, form, values)
            wanted = fields.allow if decision == "allow" else fields.deny
            if wanted in form.button_values(fields.decision):
                return self._submit(page, form, {fields.decision: wanted})
        return None

    def _submit(self, page: requests.Response, form: Form, values: dict) -> requests.Response:
        data = {**form.defaults(), **values}
        action = urljoin(page.url, form.action or page.url)
        if form.method == "POST":
            return self.agent.post(action, data=data, allow_redirects=False)
        return self.agent.get(action, params=data, allow_redirects=False)


class ManualDriver(Driver):
    """A person does it: the URL is printed, the URL the browser ended on is read back."""

    name = "manual"
    can_deny = False

    def __init__(self, config: ApprovalConfig, agent: requests.Session, ask: Callable[[str], str]):
        super().__init__(config, agent)
        self.ask = ask

    def run(self, url: str, watch: str, decision: str = "allow") -> Landing:
        answer = self.ask(
            f"\nOpen this URL in a browser, sign in and {decision}:\n  {url}\n"
            f"Then paste the address the browser ended on (empty if it showed an error page): "
        ).strip()
        return Landing(answer or None)


class BrowserDriver(Driver):
    """Headless Chromium through selenium: for sign-in pages that need JavaScript.
    The browser is stopped from loading the client's callback (it may not exist):
    the driver polls the address bar and stops as soon as it leaves the server."""

    name = "browser"
    can_deny = True

    def __init__(self, config: ApprovalConfig, agent: requests.Session):
        super().__init__(config, agent)
        try:
            from selenium import webdriver
            from selenium.webdriver.common.by import By
        except ImportError:
            raise OAuthClientError("the browser driver needs selenium (pip install selenium) and chromium") from None
        self._by = By
        options = webdriver.ChromeOptions()
        options.add_argument("--headless=new")
        options.page_load_strategy = "none"  # do not wait for the callback page to load
        self.browser = webdriver.Chrome(options=options)

    def run(self, url: str, watch: str, decision: str = "allow") -> Landing:
        import time

        home = _origin(url)
        self.browser.get(url)
        fields, acted, deadline = self.config.form, set(), time.monotonic() + 30
        while time.monotonic() < deadline:
            current = self.browser.current_url
            if current.startswith("http") and (same_endpoint(current, watch) or _origin(current) != home):
                self.browser.execute_script("window.stop();")
                return Landing(current)
            password = self.browser.find_elements(self._by.NAME, fields.password)
            if password and "sign-in" not in acted:
                acted.add("sign-in")
                self.browser.find_element(self._by.NAME, fields.username).send_keys(self.config.username)
                password[0].send_keys(self.config.password + "\n")
            wanted = fields.allow if decision == "allow" else fields.deny
            buttons = self.browser.find_elements(self._by.CSS_SELECTOR, f'[name="{fields.decision}"][value="{wanted}"]')
            if buttons and "consent" not in acted:
                acted.add("consent")
                buttons[0].click()
            time.sleep(0.1)
        return Landing(None)

    def close(self) -> None:
        self.browser.quit()


def make_driver(config: ApprovalConfig, agent: requests.Session, ask: Callable[[str], str]) -> Driver | None:
    if config.driver == "none":
        return None
    if config.driver == "manual":
        return ManualDriver(config, agent, ask)
    return {"auto": AutoDriver, "form": FormDriver, "browser": BrowserDriver}[config.driver](config, agent)
