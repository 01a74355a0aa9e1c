"""The resource owner's part of the authorization code flow (and of the device
grant's verification page) against the live server, done as a plain HTTP user agent would: `requests`, no browser, the
server's own HTML forms read with the standard library's `html.parser`.

Also the setup the flow needs: a user and clients made with the real CLI.
"""

import base64
import hashlib
import secrets
from html.parser import HTMLParser
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit

import jwt
import requests

from conformance.processes import free_port
from spec_tests.helpers import DEVICE_GRANT

TIMEOUT = 15  # seconds, for every request a test sends


# -- reading forms ------------------------------------------------------------------------


class Form:
    def __init__(self, action: str, method: str):
        self.action = action
        self.method = method.upper()
        self.fields: list[tuple[str, str, str]] = []  # (type, name, value) of each <input>/<button>

    def hidden(self) -> dict[str, str]:
        return {name: value for kind, name, value in self.fields if kind == "hidden"}

    def buttons(self) -> dict[str, list[str]]:
        found: dict[str, list[str]] = {}
        for kind, name, value in self.fields:
            if kind == "submit":
                found.setdefault(name, []).append(value)
        return found


class FormParser(HTMLParser):
    """Every <form> of a page, with its <input> and <button> fields."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms: list[Form] = []
        self._open: Form | None = None

    def handle_starttag(self, tag, attrs):
        attrs = {name: value or "" for name, value in attrs}
        if tag == "form":
            self._open = Form(attrs.get("action", ""), attrs.get("method", "get"))
            self.forms.append(self._open)
        elif self._open is not None and tag in ("input", "button") and attrs.get("name"):
            default = "submit" if tag == "button" else "text"
            self._open.fields.append((attrs.get("type", default).lower(), attrs["name"], attrs.get("value", "")))

    def handle_endtag(self, tag):
        if tag == "form":
            self._open = None


def only_form(html: str) -> Form:
    parser = FormParser()
    parser.feed(html)
    parser.close()
    assert len(parser.forms) == 1, f"expected one form, found {len(parser.forms)}:\n{html[:2000]}"
    return parser.forms[0]


# -- the flow -------------------------------------------------------------------------------


def pkce_pair() -> tuple[str, str]:
    """RFC 7636 §4.1-4.2: a verifier and its S256 challenge."""
    verifier = secrets.token_urlsafe(48)
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
    return verifier, challenge


def authorization_url(server, client: dict, challenge: str, state: str, scope: str = "api:read") -> str:
    params = {
        "response_type": "code",
        "client_id": client["client_id"],
        "redirect_uri": client["redirect_uris"][0],
        "scope": scope,
        "state": state,
        "code_challenge": challenge,
        "code_challenge_method": "S256",
    }
    return server.url + "/oauth2/authorize?" + urlencode(params)


def _location(response, base: str) -> str:
    assert response.status_code in (302, 303), (response.status_code, response.text[:2000])
    return urljoin(base, response.headers["Location"])


def signed_in_get(agent: requests.Session, url: str, username: str, password: str):
    """GET `url` as a signed-in user: sign in on the login page if sent there, which comes
    back to `url`. (The page's response, its absolute URL.)"""
    response = agent.get(url, allow_redirects=False, timeout=TIMEOUT)
    if response.status_code in (302, 303):
        # Not signed in: the endpoint sends the user to the login page, which will come back.
        login_url = _location(response, url)
        assert urlsplit(login_url).path == "/login", login_url
        page = agent.get(login_url, allow_redirects=False, timeout=TIMEOUT)
        assert page.status_code == 200, page.text[:2000]
        form = only_form(page.text)
        hidden = form.hidden()
        assert {"csrf_token", "next"} <= hidden.keys(), hidden
        response = agent.post(
            urljoin(login_url, form.action),
            data={**hidden, "username": username, "password": password},
            allow_redirects=False,
            timeout=TIMEOUT,
        )
        back = _location(response, login_url)
        assert urlsplit(back).path == urlsplit(url).path, back
        url = back
        response = agent.get(url, allow_redirects=False, timeout=TIMEOUT)
    return response, url


def allow(agent: requests.Session, response, url: str):
    """Answer the consent page `response` (at `url`) with Allow: the server's answer."""
    assert response.status_code == 200, (response.status_code, response.text[:2000])
    form = only_form(response.text)
    assert form.method == "POST" and "allow" in form.buttons().get("decision", []), form.fields
    return agent.post(
        urljoin(url, form.action),
        data={**form.hidden(), "decision": "allow"},
        allow_redirects=False,
        timeout=TIMEOUT,
    )


def sign_in_and_consent(server, url: str, username: str, password: str, agent: requests.Session | None = None) -> str:
    """Open the authorization URL, sign in if asked to, allow: the redirect to
    the client (not followed), as an absolute URL. Without `agent`, a fresh user
    agent (no cookies); with one, its session is kept for the next call."""
    if agent is None:
        with requests.Session() as fresh:
            return sign_in_and_consent(server, url, username, password, fresh)
    # Signed in: the consent page, whose form carries the request and a CSRF token.
    response, url = signed_in_get(agent, url, username, password)
    return _location(allow(agent, response, url), url)


def approve_device(verification_uri_complete: str, username: str, password: str) -> None:
    """RFC 8628 §3.3 as a person does it with a plain user agent: open the complete URI,
    sign in, allow on the consent page that shows the user code."""
    with requests.Session() as agent:
        response, url = signed_in_get(agent, verification_uri_complete, username, password)
        done = allow(agent, response, url)
        assert done.status_code == 200 and 'id="device-done"' in done.text, done.text[:2000]


def redirect_params(location: str) -> dict:
    return dict(parse_qsl(urlsplit(location).query))


# -- setup through the CLI --------------------------------------------------------------------


def create_client(server, kind: str = "confidential", scopes=("api:read",)) -> dict:
    """A client of the authorization code and refresh token grants, registered
    with one loopback redirect URI (nothing listens there: the redirect is read, not followed)."""
    argv = ["clients", "create", "--name", f"Interop {kind}", "--type", kind]
    argv += ["--grant", "authorization_code", "--grant", "refresh_token"]
    argv += ["--redirect-uri", f"http://127.0.0.1:{free_port()}/callback"]
    for scope in scopes:
        argv += ["--scope", scope]
    client = server.cli(*argv)
    assert client["type"] == kind
    assert (client["client_secret"] is not None) == (kind == "confidential")
    return client


def create_device_client(server, kind: str = "public") -> dict:
    """A client of the device grant (RFC 8628) with refresh tokens, a command-line tool."""
    argv = ["clients", "create", "--name", f"Device {kind}", "--type", kind]
    client = server.cli(*argv, "--grant", DEVICE_GRANT, "--grant", "refresh_token")
    assert client["grant_types"] == [DEVICE_GRANT, "refresh_token"]
    return client


def metadata(server) -> dict:
    """The server's RFC 8414 metadata, as served."""
    return requests.get(server.url + "/.well-known/oauth-authorization-server", timeout=TIMEOUT).json()


def verify(server, token: str, require=("iss", "sub", "aud", "exp", "iat", "jti", "client_id")) -> dict:
    """The claims of an RFC 9068 access token, verified by PyJWT (an independent verifier)
    with the key the served JWKS names by kid; `require`: the claims that must be there."""
    served = metadata(server)
    signing_key = jwt.PyJWKClient(served["jwks_uri"], cache_keys=False, timeout=TIMEOUT).get_signing_key_from_jwt(token)
    assert jwt.get_unverified_header(token)["typ"] == "at+jwt"
    return jwt.decode(
        token,
        signing_key.key,
        algorithms=["RS256"],
        audience=server.url + "/api",
        issuer=served["issuer"],
        options={"require": list(require)},
    )
