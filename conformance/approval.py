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

In the device flow (RFC 8628 §3.3, `run_device`) `auto` opens
`verification_uri_complete`, `form` opens `verification_uri`, signs in, types
the user code into the field `[approval.form] user_code` and decides, and
`browser` does what `form` does in headless Chromium, and `manual` prints the
URL and the user code and waits for the person.

The pages a driver acts on (`[approval.form]`):
- sign-in: the form with a field named `password` (and `username`);
- consent: a button named `decision` whose value is `allow` (or `deny`); or,
  for consent pages with a bare submit button, the form holding the field
  `consent_field` (`name=value`), which is submitted to allow;
- denial: the `deny` button, or a link whose text or address contains
  `deny_link` (a "Cancel" link).
`fresh=True` starts with a new user-agent session (no cookies): the pages are
shown again even where the server remembers a sign-in or a consent.

A driver knows when it could not do its part, and says so in the `Landing`:
`decided` is true once it made the decision it was asked for on a page (or,
for `auto`, sent the target's `deny_parameters`), and `stuck` says why it
stopped on a page that asked for something it could not give (an unknown
form, a sign-in refused). The checks then report "not carried out", never a
failure of the server. `[approval] parameters` are added to every
authorization request, `headers` sent with every request of the user agent.
"""

import os
import shutil
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit

import requests

from oauth_client.client import OAuthClientError, same_endpoint

from .target import ApprovalConfig

MAX_STEPS = 12  # redirects and form posts in one run, at most


@dataclass
class Landing:
    location: str | None  # absolute URL the user agent was sent to, off the authorization server
    response: requests.Response | None = None  # the last response seen
    pages: list = field(default_factory=list)  # HTML pages shown on the way (responses)
    decided: bool = False  # the driver made the decision it was asked for (allow or deny)
    stuck: str | None = None  # why the driver stopped at a page it could not act on

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


def with_parameters(url: str, parameters: dict[str, str]) -> str:
    """`url` with the parameters it does not already have appended (the ones it has are left as
    they are: a check may have set one on purpose, or repeated one)."""
    present = {name for name, _ in parse_qsl(urlsplit(url).query, keep_blank_values=True)}
    extra = {name: value for name, value in parameters.items() if name not in present}
    if not extra:
        return url
    return url + ("&" if urlsplit(url).query else "?") + urlencode(extra)


# -- HTML forms ------------------------------------------------------------------------------------------


@dataclass
class Form:
    action: str
    method: str
    inputs: list[tuple[str, str, str]] = field(default_factory=list)  # (type, name, value)

    def has_input(self, name: str) -> bool:
        return any(input_name == name for _, input_name, _ in self.inputs)

    def has_typed_input(self, name: str) -> bool:
        """A field the user types into (not hidden, not a button)."""
        return any(n == name and kind not in ("hidden", "submit") for kind, n, _ in self.inputs)

    def button_values(self, name: str) -> list[str]:
        return [value for kind, input_name, value in self.inputs if input_name == name and kind == "submit"]

    def defaults(self) -> dict[str, str]:
        """The values a browser would send without the user touching anything (no buttons)."""
        return {name: value for kind, name, value in self.inputs if kind not in ("submit", "checkbox", "radio")}

    def has_field(self, name_value: str) -> bool:
        """Does the form hold the field `name=value` (any value when only `name` is given)?"""
        name, _, value = name_value.partition("=")
        return any(n == name and (not value or v == value) for _, n, v in self.inputs)


@dataclass
class Link:
    href: str
    text: str

    def matches(self, wanted: str) -> bool:
        return bool(wanted) and (wanted in self.text or wanted in self.href)


class _PageParser(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms: list[Form] = []
        self.links: list[Link] = []
        self._open: Form | None = None
        self._link: Link | None = None

    def handle_starttag(self, tag, attrs):
        attrs = {name: value or "" for name, value in attrs}
        if tag == "form":
            self._open = Form(attrs.get("action", ""), attrs.get("method", "get").upper())
            self.forms.append(self._open)
        elif self._open is not None and tag in ("input", "button") and attrs.get("name"):
            kind = attrs.get("type", "submit" if tag == "button" else "text").lower()
            self._open.inputs.append((kind, attrs["name"], attrs.get("value", "")))
        elif tag == "a" and attrs.get("href"):
            self._link = Link(attrs["href"], "")
            self.links.append(self._link)

    def handle_data(self, data):
        if self._link is not None:
            self._link.text += data

    def handle_endtag(self, tag):
        if tag == "form":
            self._open = None
        elif tag == "a":
            self._link = None


def _parse(html: str) -> _PageParser:
    parser = _PageParser()
    parser.feed(html)
    parser.close()
    return parser


def forms_of(html: str) -> list[Form]:
    return _parse(html).forms


def links_of(html: str) -> list[Link]:
    return _parse(html).links


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
        self.agent.headers.update(config.headers)
        self._decided = False
        self._user_code, self._code_entered = None, False  # the device flow's (run_device)

    def request_url(self, url: str, decision: str) -> str:
        """The authorization URL as the driver opens it: with the target's parameters."""
        extra = self.config.deny_parameters if decision == "deny" and self.config.deny_parameters else {}
        return with_parameters(url, {**self.config.parameters, **extra})

    def run(self, url: str, watch: str, decision: str = "allow", fresh: bool = False) -> Landing:
        """Open `url`; stop when sent to `watch` (the redirect URI the request named) or
        anywhere off the authorization server, or at a page the driver cannot act on.
        `fresh`: as a new user agent, without the cookies of earlier runs."""
        if fresh:
            self.agent.cookies.clear()
        url = self.request_url(url, decision)
        home = _origin(url)
        self._decided = self.decides_by_parameters(decision)
        response = self.agent.get(url, allow_redirects=False)
        pages = []
        for _ in range(MAX_STEPS):
            if response.is_redirect:
                location = urljoin(response.url, response.headers["Location"])
                if same_endpoint(location, watch) or _origin(location) != home:
                    return Landing(location, response, pages, self._decided)
                response = self.agent.get(location, allow_redirects=False)
                continue
            if is_html(response):
                pages.append(response)
            following = self.act(response, decision)
            if following is None:
                return Landing(None, response, pages, self._decided, self.stuck_at(response))
            response = following
        raise OAuthClientError(f"the {self.name} driver gave up after {MAX_STEPS} steps at {response.url}")

    def run_device(self, codes: dict, decision: str = "allow") -> Landing:
        """The device flow's user (RFC 8628 §3.3): open the verification page, sign in, type the
        user code and decide. `codes` is the device authorization response. The user agent stays on
        the authorization server: the Landing has no location, and `decided` says whether the
        decision was made on a page."""
        self._user_code, self._code_entered = codes.get("user_code"), False
        self._decided = False
        response = self.agent.get(self.device_url(codes), allow_redirects=False)
        home = _origin(response.url)
        pages = []
        for _ in range(MAX_STEPS):
            if response.is_redirect:
                location = urljoin(response.url, response.headers["Location"])
                if _origin(location) != home:
                    return Landing(location, response, pages, self._decided)
                response = self.agent.get(location, allow_redirects=False)
                continue
            if is_html(response):
                pages.append(response)
            following = self.act(response, decision)
            if following is None:
                stuck = None if self._decided else self.stuck_at(response)
                return Landing(None, response, pages, self._decided, stuck)
            response = following
        raise OAuthClientError(f"the {self.name} driver gave up after {MAX_STEPS} steps at {response.url}")

    def device_url(self, codes: dict) -> str:
        """Where the user goes: `verification_uri` (the user code is typed in there)."""
        return codes["verification_uri"]

    def decides_by_parameters(self, decision: str) -> bool:
        """Does the authorization request itself carry the decision (the target's deny_parameters)?"""
        return decision == "deny" and bool(self.config.deny_parameters)

    def act(self, page: requests.Response, decision: str) -> requests.Response | None:
        return None

    def stuck_at(self, page: requests.Response) -> str | None:
        """Why the driver stopped at `page` although the page asks for something (a form it
        does not know); None for an answer of the server (an error page, a redirect)."""
        if page.status_code != 200 or not is_html(page) or not forms_of(page.text):
            return None
        return (
            f"the {self.name} driver found no form it can fill in on {page.url.split('?')[0]} "
            f"(sign-in: a '{self.config.form.password}' field; consent: a '{self.config.form.decision}' button)"
        )


class AutoDriver(Driver):
    """The server approves by itself: nothing to do on any page. It denies when the
    target's `deny_parameters` tell it to (a test server's `login_hint=deny`, say).
    In the device flow it opens `verification_uri_complete` (the user code filled in),
    which such a server approves on sight; it cannot deny a user code."""

    name = "auto"

    def __init__(self, config: ApprovalConfig, agent: requests.Session):
        super().__init__(config, agent)
        self.can_deny = bool(config.deny_parameters)

    def device_url(self, codes: dict) -> str:
        return codes.get("verification_uri_complete") or with_parameters(
            codes["verification_uri"], {"user_code": codes["user_code"]}
        )

    def run_device(self, codes: dict, decision: str = "allow") -> Landing:
        landing = super().run_device(codes, decision)
        landing.decided = decision == "allow"  # the server approves what is opened; it never denies
        landing.stuck = None
        return landing


class FormDriver(Driver):
    """Signs in and consents by posting the server's own forms."""

    name = "form"
    can_deny = True

    def __init__(self, config: ApprovalConfig, agent: requests.Session):
        super().__init__(config, agent)
        self._sign_ins = 0

    def run(self, url: str, watch: str, decision: str = "allow", fresh: bool = False) -> Landing:
        self._sign_ins, self._user_code = 0, None
        return super().run(url, watch, decision, fresh)

    def run_device(self, codes: dict, decision: str = "allow") -> Landing:
        self._sign_ins = 0
        try:
            return super().run_device(codes, decision)
        finally:
            self._user_code = None

    def act(self, page: requests.Response, decision: str) -> requests.Response | None:
        if page.status_code != 200 or not is_html(page):
            return None
        fields = self.config.form
        parsed = _parse(page.text)
        wanted = fields.allow if decision == "allow" else fields.deny
        for form in parsed.forms:  # a consent button for the decision
            if wanted in form.button_values(fields.decision):
                self._decided = True
                return self._submit(page, form, {fields.decision: wanted})
        if decision != "allow":
            link = next((link for link in parsed.links if link.matches(fields.deny_link)), None)
            if link is not None:
                self._decided = True
                return self.agent.get(urljoin(page.url, link.href), allow_redirects=False)
        for form in parsed.forms:
            if form.has_input(fields.password):
                if self._sign_ins:  # the same sign-in form again: the credentials were refused
                    return None
                self._sign_ins += 1
                values = {fields.username: self.config.username, fields.password: self.config.password}
                return self._submit(page, form, values)
        if self._user_code:  # the device flow's pages (RFC 8628 §3.3)
            following = self._device_step(page, parsed.forms, decision)
            if following is not None:
                return following
        if decision == "allow" and fields.consent_field:
            form = next((form for form in parsed.forms if form.has_field(fields.consent_field)), None)
            if form is not None:
                self._decided = True
                return self._submit(page, form, {})
        return None

    def _device_step(self, page: requests.Response, forms: list[Form], decision: str) -> requests.Response | None:
        """Type the user code in (once); on a confirmation page without decision buttons, submit the
        form holding `device_allow` (with `device_deny` added, to deny)."""
        fields = self.config.form
        if not self._code_entered:
            form = next((form for form in forms if form.has_typed_input(fields.user_code)), None)
            if form is not None:
                self._code_entered = True
                return self._submit(page, form, {fields.user_code: self._user_code})
        confirm = next((form for form in forms if fields.device_allow and form.has_field(fields.device_allow)), None)
        if confirm is None or self._decided or (decision != "allow" and not fields.device_deny):
            return None
        self._decided = True
        name, _, value = fields.device_deny.partition("=")
        return self._submit(page, confirm, {} if decision == "allow" else {name: value})

    def stuck_at(self, page: requests.Response) -> str | None:
        if self._sign_ins and any(form.has_input(self.config.form.password) for form in forms_of(page.text)):
            return (
                f"the sign-in form came back after the form driver signed in as {self.config.username!r}: "
                "the server refused [approval] username and password"
            )
        return super().stuck_at(page)

    def _submit(self, page: requests.Response, form: Form, values: dict) -> requests.Response:
        data = {**form.defaults(), **values}
        action = urljoin(page.url, form.action or page.url)
        if form.method == "POST":
            return self.agent.post(action, data=data, allow_redirects=False)
        return self.agent.get(action, params=data, allow_redirects=False)


class ManualDriver(Driver):
    """A person does it: the URL is printed, the URL the browser ended on is read back."""

    name = "manual"
    can_deny = True  # the person is asked to deny, and does

    def __init__(self, config: ApprovalConfig, agent: requests.Session, ask: Callable[[str], str]):
        super().__init__(config, agent)
        self.ask = ask

    def run(self, url: str, watch: str, decision: str = "allow", fresh: bool = False) -> Landing:
        where = "a new private window" if fresh else "a browser"
        url = self.request_url(url, decision)
        answer = self.ask(
            f"\nOpen this URL in {where}, sign in and {decision}:\n  {url}\n"
            f"Then paste the address the browser ended on (empty if it showed an error page): "
        ).strip()
        return Landing(answer or None, decided=True)

    def run_device(self, codes: dict, decision: str = "allow") -> Landing:
        self.ask(
            f"\nA device asks for access. Open {codes['verification_uri']} in a browser, sign in, enter the "
            f"code {codes['user_code']} and {decision}. Press Enter when done: "
        )
        return Landing(None, decided=True)


HEADLESS_CHROMIUM = (
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
)


def chromium_options(chromium: str, profile: str, *extra: str):
    """Selenium's options for a headless Chromium at `chromium` with its own profile
    folder, that reaches nothing on its own (no updates, sync or first-run pages)."""
    from selenium import webdriver

    options = webdriver.ChromeOptions()
    options.binary_location = chromium
    for argument in (*HEADLESS_CHROMIUM, f"--user-data-dir={profile}", *extra):
        options.add_argument(argument)
    return options


class BrowserDriver(Driver):
    """Headless Chromium through selenium: for sign-in pages that need JavaScript.

    The browser is stopped from loading the client's callback (it may not exist):
    the driver polls the address bar and stops as soon as it leaves the server.
    It stops too when a page has loaded and offers nothing to act on for
    SETTLE seconds (an error page), or AFTER_ACTION seconds for a page it acted
    on (a slow machine may take that long to replace it). A browser does not show response headers, so
    the pages it saw are not in `Landing.pages`; the last page's status is
    read from the Navigation Timing API.

    Chromium and its WebDriver are found on PATH (`chromium`, `chromedriver`;
    Debian: apt install chromium chromium-driver) or named by the environment
    variables OAUTH_CONFORMANCE_CHROMIUM and OAUTH_CONFORMANCE_CHROMEDRIVER.
    Selenium is given both paths, so it never downloads a browser or a driver."""

    name = "browser"
    can_deny = True
    TIMEOUT = 30  # seconds for one run, at most
    SETTLE = 1.0  # seconds a loaded page is watched before the driver gives up on it
    AFTER_ACTION = 5.0  # ... and a page the driver acted on (clicked, submitted), which is being replaced
    POLL = 0.05

    def __init__(self, config: ApprovalConfig, agent: requests.Session):
        super().__init__(config, agent)
        try:
            from selenium import webdriver
            from selenium.webdriver.chrome.service import Service
            from selenium.webdriver.common.by import By
        except ImportError:
            raise OAuthClientError("the browser driver needs selenium (pip install selenium) and chromium") from None
        chromium = os.environ.get("OAUTH_CONFORMANCE_CHROMIUM") or _which(
            "chromium", "chromium-browser", "google-chrome"
        )
        chromedriver = os.environ.get("OAUTH_CONFORMANCE_CHROMEDRIVER") or _which("chromedriver")
        if not (chromium and chromedriver):
            raise OAuthClientError(
                "the browser driver needs chromium and chromedriver on PATH (Debian: apt install chromium "
                "chromium-driver), or OAUTH_CONFORMANCE_CHROMIUM and OAUTH_CONFORMANCE_CHROMEDRIVER"
            )
        self._by = By
        self._profile = tempfile.TemporaryDirectory(prefix="oauth-conformance-chromium-")
        options = chromium_options(chromium, self._profile.name)
        options.page_load_strategy = "none"  # do not wait for the callback page to load
        service = Service(chromedriver, log_output=os.path.join(self._profile.name, "chromedriver.log"))
        self.browser = webdriver.Chrome(options=options, service=service)

    def run(self, url: str, watch: str, decision: str = "allow", fresh: bool = False) -> Landing:
        if fresh:
            self.browser.execute_cdp_cmd("Network.clearBrowserCookies", {})
        url = self.request_url(url, decision)
        home = _origin(url)
        self.browser.get(url)
        fields = self.config.form
        acted: set[tuple[str, str]] = set()  # (page URL, what was done there)
        deadline = time.monotonic() + self.TIMEOUT
        seen, idle_since = None, time.monotonic()
        while time.monotonic() < deadline:
            current = self.browser.current_url
            decided = self.decides_by_parameters(decision) or any(w in ("decide", "deny", "consent") for _, w in acted)
            if current.startswith("http") and (same_endpoint(current, watch) or _origin(current) != home):
                self.browser.execute_script("window.stop();")
                return Landing(current, decided=decided)
            if current != seen:
                seen, idle_since = current, time.monotonic()
            settle = self.AFTER_ACTION if any(page == current for page, _ in acted) else self.SETTLE
            if self._ready() and self._act(current, decision, fields, acted):
                idle_since = time.monotonic()
            elif self._ready() and time.monotonic() - idle_since > settle:
                page = self._page_as_response(current)
                return Landing(None, page, decided=decided, stuck=self.stuck_at(page))
            time.sleep(self.POLL)
        raise OAuthClientError(f"the browser driver gave up after {self.TIMEOUT} s at {self.browser.current_url}")

    def run_device(self, codes: dict, decision: str = "allow") -> Landing:
        """The device flow's user (RFC 8628 §3.3) in the browser: sign in, type the user code,
        decide (the consent buttons, or the form holding `device_allow`)."""
        self.browser.get(codes["verification_uri"])
        fields, acted = self.config.form, set()
        deadline = time.monotonic() + self.TIMEOUT
        seen, idle_since = None, time.monotonic()
        while time.monotonic() < deadline:
            current = self.browser.current_url
            if current != seen:
                seen, idle_since = current, time.monotonic()
            settle = self.AFTER_ACTION if any(page == current for page, _ in acted) else self.SETTLE
            ready = self._ready()
            if ready and (
                self._act(current, decision, fields, acted)
                or self._act_device(current, codes["user_code"], decision, fields, acted)
            ):
                idle_since = time.monotonic()
            elif ready and time.monotonic() - idle_since > settle:
                decided = any(what in ("decide", "deny", "consent", "device") for _, what in acted)
                page = self._page_as_response(current)
                return Landing(None, page, decided=decided, stuck=None if decided else self.stuck_at(page))
            time.sleep(self.POLL)
        raise OAuthClientError(f"the browser driver gave up after {self.TIMEOUT} s at {self.browser.current_url}")

    def _act_device(self, page: str, user_code: str, decision: str, fields, acted: set) -> bool:
        """Type the user code into its field (once), or submit the confirmation form of `device_allow`."""
        by = self._by
        typed = self.browser.find_elements(by.CSS_SELECTOR, f'input[name="{fields.user_code}"]:not([type="hidden"])')
        if typed and not any(what == "code" for _, what in acted):
            acted.add((page, "code"))
            typed[0].clear()
            typed[0].send_keys(user_code + "\n")
            return True
        if (
            not fields.device_allow
            or (decision != "allow" and not fields.device_deny)
            or any(what == "device" for _, what in acted)
        ):
            return False
        name, _, value = fields.device_allow.partition("=")
        marked = self.browser.find_elements(by.CSS_SELECTOR, f'[name="{name}"][value="{value}"]')
        if not marked:
            return False
        acted.add((page, "device"))
        deny_name, _, deny_value = fields.device_deny.partition("=")
        script = (
            "const form = arguments[0].form;"
            "if (arguments[1]) { const i = document.createElement('input'); i.type = 'hidden';"
            " i.name = arguments[1]; i.value = arguments[2]; form.appendChild(i); }"
            "form.requestSubmit();"
        )
        self.browser.execute_script(script, marked[0], deny_name if decision != "allow" else "", deny_value)
        return True

    def _ready(self) -> bool:
        try:
            return self.browser.execute_script("return document.readyState") == "complete"
        except Exception:  # the page is being replaced
            return False

    def _act(self, page: str, decision: str, fields, acted: set) -> bool:
        """Do what the page asks once: deny, sign in, or consent. Was something done?"""
        by = self._by
        wanted = fields.allow if decision == "allow" else fields.deny
        buttons = self.browser.find_elements(by.CSS_SELECTOR, f'[name="{fields.decision}"][value="{wanted}"]')
        if buttons and (page, "decide") not in acted:
            acted.add((page, "decide"))
            buttons[0].click()
            return True
        if decision != "allow" and fields.deny_link and (page, "deny") not in acted:
            for link in self.browser.find_elements(by.TAG_NAME, "a"):
                if fields.deny_link in (link.text or "") or fields.deny_link in (link.get_attribute("href") or ""):
                    acted.add((page, "deny"))
                    link.click()
                    return True
        password = self.browser.find_elements(by.NAME, fields.password)
        if password and not any(what == "sign-in" for _, what in acted):  # once: a second form means refused
            acted.add((page, "sign-in"))
            self.browser.find_element(by.NAME, fields.username).send_keys(self.config.username)
            password[0].send_keys(self.config.password + "\n")
            return True
        if decision == "allow" and fields.consent_field and (page, "consent") not in acted:
            name, _, value = fields.consent_field.partition("=")
            selector = f'[name="{name}"]' + (f'[value="{value}"]' if value else "")
            marked = self.browser.find_elements(by.CSS_SELECTOR, selector)
            if marked:
                acted.add((page, "consent"))
                self.browser.execute_script("arguments[0].form.requestSubmit()", marked[0])
                return True
        return False

    def _page_as_response(self, url: str) -> requests.Response:
        """The page the browser stopped at, as far as a browser tells: its URL, status and text."""
        response = requests.Response()
        response.url = url
        status = self.browser.execute_script(
            "const n = performance.getEntriesByType('navigation')[0]; return n ? n.responseStatus : 0;"
        )
        response.status_code = int(status or 0)
        response.headers["Content-Type"] = "text/html"
        response._content = self.browser.page_source.encode()
        return response

    def close(self) -> None:
        self.browser.quit()
        self._profile.cleanup()


def _which(*names: str) -> str | None:
    return next((found for name in names if (found := shutil.which(name))), None)


def make_driver(config: ApprovalConfig, agent: requests.Session, ask: Callable[[str], str]) -> Driver | None:
    if config.driver == "none":
        return None
    if config.driver == "manual":
        return ManualDriver(config, agent, ask)
    return {"auto": AutoDriver, "form": FormDriver, "browser": BrowserDriver}[config.driver](config, agent)
