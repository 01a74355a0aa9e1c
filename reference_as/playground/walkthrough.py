"""The flows the playground runs, each recorded as a list of steps.

Every flow goes through the conformance suite's OAuth client
(`oauth_client/client.py`: fresh state and PKCE S256 per request, the state and
`iss` checked on return, refresh shortly before expiry, one retry after a 401)
over a recording session (`oauth_client/http.py`), so what the page shows is
exactly what was sent. A flow is a *run*: its title, its steps, its outcome.
Authorize and Client credentials start a new walk-through; the buttons after
them (call the resource, refresh, revoke, introspect) add runs to it.

The state a flow needs between two requests (the pending authorization
request, the tokens) lives in the store file, sealed (`store.py`).
"""

import json
import secrets
import time
from dataclasses import asdict, dataclass
from urllib.parse import urlsplit

import requests

from oauth_client import client as oauth
from oauth_client.client import REFRESH_MARGIN, AuthorizationRequest, Endpoints, OAuthClient, TokenSet
from oauth_client.config import GRANT_TYPES, ClientConfig
from oauth_client.http import Exchange, Recorder, RecordingSession

from ..policy.rfc8628_device import GRANT_TYPE as DEVICE_GRANT
from . import lessons, oidc, trust
from .jwt_view import open_token, when
from .redact import Masker
from .steps import Step, json_text, make_step
from .store import PlaygroundStore

DEFAULT_METADATA_URL = "http://127.0.0.1:8000/.well-known/oauth-authorization-server"
DEFAULT_SCOPE = "api:read"
OIDC_SCOPE = "openid profile email"  # Sign in with OpenID Connect: who, their name and their email
AUTH_METHODS = ("client_secret_basic", "client_secret_post")
CONFIDENTIAL, PUBLIC = "confidential", "public"
TIMEOUT = 10.0  # seconds, every request
MAX_RUNS = 20  # runs kept in one walk-through
FORM_FIELDS = ("metadata_url", "client_id", "client_type", "client_secret", "auth_method", "scope", "resource_url")


# -- what goes wrong, as the pages say it ------------------------------------------------------------


class FlowFailure(Exception):
    heading = "OAuth2 authorization failed"
    status = 400

    def __init__(self, message: str, error: str | None = None, description: str | None = None, steps=()):
        super().__init__(message)
        self.message, self.error, self.description, self.steps = message, error, description, list(steps)


class InvalidOAuthState(FlowFailure):
    """RFC 6749 §10.12: the callback's state is not the one this client sent."""

    heading = "Invalid OAuth state"


class NotConnected(FlowFailure):
    heading = "Save the connection first"
    status = 409


# -- the connection settings ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Connection:
    metadata_url: str
    client_id: str
    client_type: str  # confidential | public
    auth_method: str  # client_secret_basic | client_secret_post | none
    scope: str
    resource_url: str  # empty: the issuer's /api/me
    client_secret: str | None = None

    @property
    def is_public(self) -> bool:
        return self.client_type == PUBLIC

    def config(self, redirect_uri: str) -> ClientConfig:
        grants = ("authorization_code", "refresh_token") if self.is_public else GRANT_TYPES
        return ClientConfig(
            self.client_type,
            self.client_id,
            self.client_secret,
            self.auth_method,
            redirect_uri,
            self.scope or None,
            grants,
        )


def _absolute(url: str) -> bool:
    parts = urlsplit(url)
    return parts.scheme in ("http", "https") and bool(parts.netloc)


def read_connection(form: dict, saved: Connection | None) -> tuple[Connection | None, list[str]]:
    """The connection form, checked; (None, problems) when it cannot be used."""
    value = {name: (form.get(name) or "").strip() for name in FORM_FIELDS}
    problems = []
    if not _absolute(value["metadata_url"]):
        problems.append("Server metadata URL: give an absolute http(s) URL.")
    if not value["client_id"]:
        problems.append("Client ID: required (the server shows it when the client is created).")
    if value["resource_url"] and not _absolute(value["resource_url"]):
        problems.append("Protected resource URL: give an absolute http(s) URL, or leave it empty.")
    public = value["client_type"] == PUBLIC
    # The saved secret is kept only for the same metadata URL: a secret belongs to one server (trust.py).
    same_server = saved is not None and saved.metadata_url == value["metadata_url"]
    secret = None if public else value["client_secret"] or (saved.client_secret if same_server else None)
    if not public and not secret:
        problems.append(
            "Client secret: required for a confidential client (choose public for a client without one); "
            "a saved secret is kept only while the metadata URL stays the same."
        )
    method = "none" if public else value["auth_method"] if value["auth_method"] in AUTH_METHODS else AUTH_METHODS[0]
    if problems:
        return None, problems
    connection = Connection(
        value["metadata_url"],
        value["client_id"],
        PUBLIC if public else CONFIDENTIAL,
        method,
        value["scope"] or DEFAULT_SCOPE,
        value["resource_url"],
        secret,
    )
    return connection, []


# -- one run: a recording session, its steps, its outcome ------------------------------------------


class Run:
    def __init__(self, walkthrough: "Walkthrough", title: str, document: dict):
        self.walkthrough = walkthrough
        self.title = title
        self.document = document
        self.recorder = Recorder()
        self.session = RecordingSession(
            self.recorder, timeout=walkthrough.timeout, user_agent="reference-as-playground"
        )
        for prefix, adapter in walkthrough.mounts.items():
            self.session.mount(prefix, adapter)
        self.steps: list[Step] = []
        self.opened: dict[str, dict] = {}  # access token -> its decoded view

    @property
    def redact(self):
        return self.walkthrough.redact

    def where(self) -> lessons.Where:
        connection = self.walkthrough.connection_of(self.document)
        endpoints = Endpoints.from_metadata(self.document.get("metadata", {}))
        resource = connection.resource_url or (endpoints.issuer or "").rstrip("/") + "/api/me"
        metadata = self.document.get("metadata", {})
        device, userinfo = metadata.get("device_authorization_endpoint"), metadata.get("userinfo_endpoint")
        return lessons.Where(connection.metadata_url, endpoints, resource, device, userinfo)

    def client(self) -> OAuthClient:
        connection = self.walkthrough.connection_of(self.document)
        if not connection.is_public and not connection.client_secret:
            raise NotConnected("The client secret was dropped (the server changed): enter it again, then Save.")
        endpoints = Endpoints.from_metadata(self.document.get("metadata", {}))
        client = OAuthClient(
            connection.config(self.walkthrough.redirect_uri),
            endpoints,
            self.session,
            clock=self.walkthrough.clock,
            on_token=self.on_token,
        )
        tokens = self.document.get("tokens")
        if tokens:
            client.tokens = TokenSet(
                tokens["access_token"],
                tokens.get("token_type", "Bearer"),
                tokens.get("expires_at"),
                tokens.get("refresh_token"),
                tokens.get("scope"),
                {},
            )
        return client

    def fetch_metadata(self) -> None:
        """RFC 8414 §3: every endpoint the flow uses comes from here. The secret and the
        tokens stay bound to the server the metadata named when they were saved (trust.py):
        if it now names another, they are dropped before anything is sent."""
        url = self.walkthrough.connection_of(self.document).metadata_url
        response = self.session.get(url, allow_redirects=False)
        body = _json(response)
        if response.status_code != 200 or not isinstance(body, dict) or "token_endpoint" not in body:
            raise FlowFailure(
                f"the server metadata at {url} answered HTTP {response.status_code} without a "
                "token_endpoint: is the metadata URL right?"
            )
        named, bound = trust.server_named(body), self.document.get("server")
        if bound is not None and named != bound:
            self.document["connection"]["client_secret"] = None
            for name in ("tokens", "pending", "metadata", "jwks", "server"):
                self.document.pop(name, None)
            raise FlowFailure(
                f"the metadata at {url} now names another server (issuer {named['issuer']}, token endpoint "
                f"{named['token_endpoint']}) than when the connection was saved: the saved client secret and "
                "the tokens were dropped, and nothing was sent. Enter the secret again to trust this server."
            )
        self.document["server"] = named
        self.document["metadata"] = body

    def jwks_for(self, token: str) -> dict | None:
        """The JWKS, fetched once per walk-through, again when a token names an unknown kid."""
        unverified = open_token(token, None)
        jwks = self.document.get("jwks")
        kids = {key.get("kid") for key in (jwks or {}).get("keys", [])}
        jwks_uri = self.document.get("metadata", {}).get("jwks_uri")
        if unverified is not None and unverified.header.get("kid") not in kids and jwks_uri:
            response = self.session.get(jwks_uri, allow_redirects=False)
            if response.status_code == 200 and isinstance(_json(response), dict):
                jwks = self.document["jwks"] = _json(response)
        return jwks

    def on_token(self, token: str | None) -> None:
        """Each new access token is opened and its signature checked against the JWKS."""
        if not token or token.count(".") != 2 or token in self.opened:
            return
        if open_token(token, None) is None:
            return
        self.opened[token] = self.decoded(token)

    def decoded(self, token: str, what: str = "") -> dict:
        opened = open_token(token, self.jwks_for(token))
        return {
            "header": json_text(opened.header, self.redact),
            "claims": json_text(opened.claims, self.redact),
            "verified": opened.verdict.verified,
            "verdict": opened.verdict.reason,
            "times": f"issued {when(opened.claims.get('iat'))}, expires {when(opened.claims.get('exp'))}",
            "what": what,
        }

    def take_steps(self) -> list[Step]:
        """The exchanges recorded since the last call, as steps."""
        where = self.where()
        steps = []
        for exchange in self.recorder.take():
            step = make_step(exchange, lessons.classify(exchange, where), self.redact)
            token = _json_text(exchange.response_body).get("access_token") if exchange.status == 200 else None
            if isinstance(token, str) and token in self.opened:
                step.decoded = self.opened[token]
            steps.append(step)
        self.steps += steps
        return steps

    def add(self, step: Step) -> None:
        self.steps.append(step)

    def finish(self, outcome: str, ok: bool = True) -> dict:
        self.take_steps()
        return {"title": self.title, "steps": [step.as_dict() for step in self.steps], "outcome": outcome, "ok": ok}


def _json(response: requests.Response):
    try:
        return response.json()
    except ValueError:
        return None


def _json_text(text: str) -> dict:
    try:
        value = json.loads(text)
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}


def _error_of(response: requests.Response) -> tuple[str | None, str | None]:
    body = _json(response)
    if isinstance(body, dict):
        return body.get("error"), body.get("error_description")
    return None, None


# -- the walk-through -------------------------------------------------------------------------------------


class Walkthrough:
    """The playground's client, its stored state, and the flows it runs.

    `mounts` hands some URLs to a requests adapter (the docs generator and the
    tests reach an in-process server that way); `clock` is the client's time
    (seconds, a float), which decides when a token is refreshed; `redact`
    decides how values are shown in the steps."""

    def __init__(
        self,
        store: PlaygroundStore,
        redirect_uri: str,
        metadata_url: str = DEFAULT_METADATA_URL,
        clock=time.time,
        mounts: dict | None = None,
        redact=None,
        timeout: float = TIMEOUT,
    ):
        self.store = store
        self.redirect_uri = redirect_uri
        self.default_metadata_url = metadata_url
        self.clock = clock
        self.mounts = mounts or {}
        self.redact = redact or Masker()
        self.timeout = timeout

    # -- the connection ------------------------------------------------------------------------------

    @staticmethod
    def connection_of(document: dict) -> Connection:
        saved = document.get("connection")
        if not saved:
            raise NotConnected("Enter the server's metadata URL and the client's credentials, then Save.")
        return Connection(**saved)

    def save_connection(self, form: dict) -> list[str]:
        with self.store.editing() as document:
            saved = Connection(**document["connection"]) if document.get("connection") else None
            connection, problems = read_connection(form, saved)
            if problems:
                return problems
            if connection != saved:  # tokens belong to the old settings: forget them
                for name in ("tokens", "pending", "device", "metadata", "jwks", "runs"):
                    document.pop(name, None)
            if (
                saved is None
                or connection.metadata_url != saved.metadata_url
                or (form.get("client_secret") or "").strip()
            ):
                document.pop("server", None)  # a secret typed for this server: bound at the next metadata fetch
            document["connection"] = asdict(connection)
        return []

    # -- authorization code + PKCE (RFC 6749 §4.1, RFC 7636) -----------------------------------------

    def start_authorization(self, sign_in: bool = False) -> str | None:
        """Fetch the metadata, build the authorization request (fresh state, S256
        challenge), remember it sealed: the URL to send the browser to, or None
        when the run failed (its outcome says why). `sign_in`: an OpenID Connect
        authentication request instead (scope openid profile email, a fresh nonce)."""
        with self.store.editing() as document:
            connection = self.connection_of(document)
            kind = "public client, PKCE only" if connection.is_public else "confidential client"
            title = "Sign in with OpenID Connect" if sign_in else "Authorization code + PKCE"
            run = Run(self, f"{title} ({kind})", document)
            nonce = secrets.token_urlsafe(24) if sign_in else None
            try:
                run.fetch_metadata()
                scope = OIDC_SCOPE if sign_in else connection.scope
                request = run.client().authorization_request(scope=scope, nonce=nonce)
            except (FlowFailure, oauth.OAuthClientError, requests.RequestException) as error:
                document["runs"] = [run.finish(f"OAuth2 authorization failed: {_why(error)}", ok=False)]
                return None
            run.take_steps()
            run.add(
                make_step(
                    Exchange("GET", request.url, {}, ""),
                    lessons.LESSONS["oidc_request" if sign_in else "authorization_request"],
                    self.redact,
                    outcome="the server signs the user in and asks for consent; the "
                    "playground sees none of it, only the redirect back",
                )
            )
            document["pending"] = {
                "nonce": nonce,
                "url": request.url,
                "state": request.state,
                "redirect_uri": request.redirect_uri,
                "scope": request.scope,
                "code_verifier": request.code_verifier,
            }
            document["runs"] = [run.finish("waiting for the browser to come back")]
            return request.url

    def finish_authorization(self, query_string: str) -> None:
        """The callback: check the state (and iss), redeem the code, keep the tokens.
        Raises InvalidOAuthState (nothing stored) or FlowFailure (recorded)."""
        with self.store.editing() as document:
            run = Run(self, "", document)
            code, step, failure = self._check_callback(run, document.get("pending"), query_string)
            nonce = document["pending"].get("nonce")
            request = _authorization_request(document.pop("pending"))  # answered: it cannot be used twice
            started = document.get("runs") or [{"title": "Authorization code + PKCE", "steps": []}]
            run.title = started[0]["title"]
            run.steps = [Step.from_dict(saved) for saved in started[0]["steps"]] + [step]
            client = run.client()
            if failure is None:
                failure = self._exchange_code(client, code, request)
            outcome = "Authorized"
            if failure is None and nonce is not None:
                outcome, failure = self._signed_in(run, client, nonce)
            if failure is not None:
                document["runs"] = [run.finish(failure.message, ok=False)]
                failure.steps = run.steps
            else:
                document["tokens"] = _tokens(client.tokens, "authorization_code")
                document["runs"] = [run.finish(outcome)]
        if failure is not None:  # raised once the store is written: the failed run is kept
            raise failure

    def _check_callback(self, run: Run, pending: dict | None, query_string: str):
        """RFC 6749 §4.1.2, §10.12, RFC 9207: (code, the callback's step, None) or
        (None, step, FlowFailure); raises InvalidOAuthState, which writes nothing."""
        callback_url = self.redirect_uri + ("?" + query_string if query_string else "")
        arrival = Exchange("GET", callback_url, {}, "")

        def step(outcome: str, lesson: str = "authorization_response", ok: bool = False) -> Step:
            return make_step(arrival, lessons.LESSONS[lesson], self.redact, outcome=outcome, ok=ok)

        if not pending:
            refused = step("refused: this playground has no authorization request waiting")
            raise InvalidOAuthState(_STATE_MESSAGE, steps=[refused])
        try:
            code = run.client().authorization_response(_authorization_request(pending), callback_url)
        except oauth.InvalidState:
            refused = step("refused: the state is not the one sent; nothing is stored")
            raise InvalidOAuthState(_STATE_MESSAGE, steps=[refused]) from None
        except oauth.AuthorizationFailed as error:
            arrived = step(f"the server refused: {error.error}", "authorization_error")
            return None, arrived, FlowFailure(str(error), error.error, error.description)
        except oauth.OAuthClientError as error:
            return None, step(f"refused: {error}"), FlowFailure(f"OAuth2 authorization failed: {error}")
        checked = step("checked: the state is the one sent and iss is the issuer; the code is redeemed next", ok=True)
        return code, checked, None

    def _signed_in(self, run: Run, client: OAuthClient, nonce: str) -> tuple[str, FlowFailure | None]:
        """OIDC Core §3.1.3.7: check the ID Token step by step, then UserInfo (§5.3): what
        the run reports, or the failure that stops it."""
        run.take_steps()
        id_token = client.tokens.raw.get("id_token")
        if not isinstance(id_token, str):
            return "", FlowFailure("Sign-in failed: the token response has no id_token (was openid granted?)")
        issuer = run.document.get("metadata", {}).get("issuer", "")
        claims, checks = oidc.check_id_token(
            id_token, run.jwks_for(id_token), issuer, client.config.client_id, nonce, client.tokens.access_token,
            self.clock(),
        )  # fmt: skip
        run.take_steps()  # the JWKS, if it was fetched now
        run.add(self._checks_step("id_token", checks, run.decoded(id_token, "The ID Token")))
        if not all(check.ok for check in checks):
            failed = ", ".join(check.name for check in checks if not check.ok)
            return "", FlowFailure(f"Sign-in failed: the ID Token did not pass its checks ({failed})")
        userinfo_url = run.document.get("metadata", {}).get("userinfo_endpoint")
        if not userinfo_url:
            return f"Signed in as {claims.get('sub')} (the server has no UserInfo endpoint)", None
        response = client.get(userinfo_url)
        info = _json(response) if response.status_code == 200 else None
        run.take_steps()
        same = oidc.check_userinfo(info, claims.get("sub"))
        run.add(self._checks_step("userinfo_sub", [same], None, "(UserInfo's answer, checked by the client)"))
        if not same.ok:
            return "", FlowFailure("Sign-in failed: UserInfo's sub is not the ID Token's")
        who = info.get("name") or info.get("preferred_username") or claims.get("sub")
        return f"Signed in as {who}", None

    def _checks_step(self, lesson: str, checks, decoded: dict | None, request: str = "") -> Step:
        """A step the client takes on its own: no exchange, its checks and their outcome."""
        taught = lessons.LESSONS[lesson]
        return Step(
            kind=lesson,
            title=taught.title,
            sections=list(taught.sections),
            proves=taught.proves,
            request=request or "(the id_token of the token response)",
            response="(each check below)",
            ok=all(check.ok for check in checks),
            sender=lessons.CLIENT,
            receiver=lessons.CLIENT,
            request_label="checks " + ", ".join(check.name for check in checks),
            response_label="",
            decoded=decoded,
            links=[(section, lessons.section_url(section)) for section in taught.sections],
            checks=[check.as_dict() for check in checks],
        )

    @staticmethod
    def _exchange_code(client: OAuthClient, code: str, request: AuthorizationRequest) -> FlowFailure | None:
        try:
            client.exchange_code(code, request)
        except oauth.TokenError as error:
            name, description = _error_of(error.response)
            return FlowFailure(f"OAuth2 authorization failed: {_detail(error.response)}", name, description)
        except (oauth.OAuthClientError, requests.RequestException) as error:
            return FlowFailure(f"OAuth2 authorization failed: {_why(error)}")
        return None

    # -- client credentials (RFC 6749 §4.4) ----------------------------------------------------------

    def client_credentials(self) -> None:
        with self.store.editing() as document:
            connection = self.connection_of(document)
            run = Run(self, "Client credentials", document)
            if connection.is_public:
                document["runs"] = [
                    run.finish(
                        "A public client has no credentials, so it cannot use this grant "
                        "(RFC 6749 §4.4): make the client confidential.",
                        ok=False,
                    )
                ]
                return
            try:
                run.fetch_metadata()
                client = run.client()
                client.tokens = None
                client.client_credentials(connection.scope)
            except oauth.TokenError as error:
                document["runs"] = [run.finish(_refusal("the token request", error.response), ok=False)]
                return
            except (FlowFailure, oauth.OAuthClientError, requests.RequestException) as error:
                document["runs"] = [run.finish(f"Failed: {_why(error)}", ok=False)]
                return
            document["tokens"] = _tokens(client.tokens, "client_credentials")
            document.pop("pending", None)
            document["runs"] = [run.finish("Authorized (as the client itself: no user, no refresh token)")]

    # -- the device authorization grant (RFC 8628) -------------------------------------------------------

    def start_device(self) -> None:
        """RFC 8628 §3.1-3.2: ask for a device code and a user code, as a device would; the
        page then shows the user code and where to enter it (in another tab: the device's
        person is elsewhere), and the Poll button asks the token endpoint step by step."""
        with self.store.editing() as document:
            connection = self.connection_of(document)
            run = Run(self, "Device authorization (RFC 8628)", document)
            document.pop("device", None)
            try:
                run.fetch_metadata()
                url = document["metadata"].get("device_authorization_endpoint")
                if not url:
                    document["runs"] = [
                        run.finish("The server's metadata names no device_authorization_endpoint.", False)
                    ]
                    return
                data, headers = run.client().authenticate({"scope": connection.scope})
                response = run.session.post(url, data=data, headers=headers)
            except (FlowFailure, oauth.OAuthClientError, requests.RequestException) as error:
                document["runs"] = [run.finish(f"Failed: {_why(error)}", ok=False)]
                return
            body = _json(response)
            if response.status_code != 200 or not isinstance(body, dict) or "device_code" not in body:
                document["runs"] = [run.finish(_refusal("the device authorization request", response), ok=False)]
                return
            document["device"] = {
                "device_code": body["device_code"],
                "user_code": body.get("user_code"),
                "verification_uri": body.get("verification_uri"),
                "verification_uri_complete": body.get("verification_uri_complete"),
                # RFC8628-3.2: without an interval the client MUST use 5 seconds.
                "interval": body.get("interval") or 5,
                "expires_at": self.clock() + (body.get("expires_in") or 0),
            }
            document.pop("tokens", None)
            document.pop("pending", None)
            document["runs"] = [
                run.finish(
                    f"Waiting for the person: open {body.get('verification_uri')} in another tab, enter "
                    f"{self.redact.public('user_code', str(body.get('user_code')))} and allow; meanwhile Poll, "
                    f"at most every {document['device']['interval']} s"
                )
            ]

    def poll_device(self) -> None:
        """RFC 8628 §3.4-3.5: one poll; authorization_pending and slow_down are steps of the
        flow (slow_down adds 5 s to the interval the page shows), tokens end it."""
        with self.store.editing() as document:
            run = Run(self, "Poll the token endpoint (device code)", document)
            device = document.get("device")
            if not device:
                self._keep(document, run.finish("No device code yet: use Device first.", ok=False))
                return
            client = run.client()
            try:
                response = client.token_request({"grant_type": DEVICE_GRANT, "device_code": device["device_code"]})
            except requests.RequestException as error:
                self._keep(document, run.finish(f"Failed: {_why(error)}", ok=False))
                return
            body, error = _json(response), _error_of(response)[0]
            if response.status_code == 200 and isinstance(body, dict) and "access_token" in body:
                client.tokens = TokenSet.from_response(body, self.clock())
                run.on_token(client.tokens.access_token)
                document["tokens"] = _tokens(client.tokens, DEVICE_GRANT)
                document.pop("device")
                outcome, ok = "Authorized: the device has its tokens, and its device code is spent", True
            elif error == "slow_down":
                device["interval"] += 5
                outcome, ok = f"Too soon: poll at most every {device['interval']} s from now on", True
            elif error == "authorization_pending":
                outcome, ok = (
                    f"Still pending: the person has not decided yet; poll again in {device['interval']} s",
                    True,
                )
            else:  # access_denied, expired_token, invalid_grant: the device flow is over
                document.pop("device")
                outcome, ok = _refusal("the poll", response), False
            self._keep(document, run.finish(outcome, ok))

    # -- what comes after: the buttons -----------------------------------------------------------------

    def _action(self, title: str, act) -> None:
        """Run `act(run, client, document) -> (outcome, ok)` and add the run to the walk-through."""
        with self.store.editing() as document:
            run = Run(self, title, document)
            if not document.get("metadata"):
                try:
                    run.fetch_metadata()
                except (FlowFailure, requests.RequestException) as error:
                    outcome, ok = f"Failed: {_why(error)}", False
                    self._keep(document, run.finish(outcome, ok))
                    return
            client = run.client()
            try:
                outcome, ok = act(run, client, document)
            except oauth.TokenError as error:
                outcome, ok = _refusal("the token request", error.response), False
            except (oauth.OAuthClientError, requests.RequestException) as error:
                outcome, ok = f"Failed: {_why(error)}", False
            before = document.get("tokens")
            if client.tokens is not None and before:
                document["tokens"] = _tokens(client.tokens, before.get("grant"))
                rotated = before.get("refresh_token") != client.tokens.refresh_token
                spent = before.get("refresh_token") if rotated else before.get("spent_refresh_token")
                if spent:
                    document["tokens"]["spent_refresh_token"] = spent
            self._keep(document, run.finish(outcome, ok))

    @staticmethod
    def _keep(document: dict, run: dict) -> None:
        document["runs"] = (document.get("runs") or []) + [run]
        del document["runs"][:-MAX_RUNS]

    def call_resource(self) -> None:
        """RFC 6750 §2.1; the client refreshes first when the token is about to expire, and
        after a 401 refreshes once and retries once."""

        def act(run: Run, client: OAuthClient, document: dict):
            if client.tokens is None:
                return "No access token yet: Authorize (or use Client credentials) first.", False
            refusal = trust.resource_refusal(run.where().resource_url, document.get("metadata", {}))
            if refusal:
                return refusal, False
            left = None if client.tokens.expires_at is None else int(client.tokens.expires_at - self.clock())
            try:
                response = client.get(run.where().resource_url)
            except oauth.Unauthorized as error:
                _annotate(run.take_steps(), left)
                return (
                    "Failed: the resource refused the access token again after one refresh and one retry; "
                    f"reported, not retried a second time ({error})"
                ), False
            except oauth.TokenError as error:
                _annotate(run.take_steps(), left)
                return _refusal("the refresh", error.response), False
            _annotate(run.take_steps(), left)
            return f"The resource answered HTTP {response.status_code}", response.status_code < 400

        self._action("Call the protected resource", act)

    def refresh(self) -> None:
        def act(run: Run, client: OAuthClient, document: dict):
            if client.tokens is None or not client.tokens.refresh_token:
                return "No refresh token: only the authorization code grant gives one here.", False
            client.refresh()
            return "New tokens; the refresh token used is now spent", True

        self._action("Refresh", act)

    def replay_refresh(self) -> None:
        """RFC 9700 §4.14.2: presenting a spent refresh token again revokes the grant."""

        def act(run: Run, client: OAuthClient, document: dict):
            spent = (document.get("tokens") or {}).get("spent_refresh_token")
            if not spent:
                return "No spent refresh token yet: Refresh first, then replay the old one.", False
            response = client.token_request({"grant_type": "refresh_token", "refresh_token": spent})
            if response.status_code == 200:
                return "The server accepted a spent refresh token: it does not rotate, or allows a grace period", True
            return (
                "Refused, as it must be; the server also revoked the grant, so the current tokens no longer work "
                "(call the resource or refresh to see it)"
            ), True

        self._action("Replay the spent refresh token", act)

    def revoke(self, which: str) -> None:
        self._token_endpoint_action("Revoke the " + _which_name(which), "revocation", which)

    def introspect(self, which: str) -> None:
        self._token_endpoint_action("Introspect the " + _which_name(which), "introspection", which)

    def _token_endpoint_action(self, title: str, endpoint: str, which: str) -> None:
        """RFC 7009 §2.1 and RFC 7662 §2.1: `token` and `token_type_hint`, the client authenticated as usual."""

        def act(run: Run, client: OAuthClient, document: dict):
            url = getattr(client.endpoints, endpoint)
            token = (document.get("tokens") or {}).get(which)
            if not url:
                return f"The server's metadata names no {endpoint}_endpoint.", False
            if not token:
                return f"No {_which_name(which)} to send.", False
            data, headers = client.authenticate({"token": token, "token_type_hint": which})
            response = run.session.post(url, data=data, headers=headers)
            if response.status_code != 200:
                return _refusal(f"the {endpoint} request", response), False
            if endpoint == "introspection":
                return f"active: {str((_json(response) or {}).get('active')).lower()}", True
            return "Revoked (the server would answer 200 for a token it never knew, too)", True

        self._action(title, act)

    def forget(self) -> None:
        with self.store.editing() as document:
            for name in ("tokens", "pending", "device", "runs"):
                document.pop(name, None)

    # -- what the page shows -----------------------------------------------------------------------------

    def view(self) -> dict:
        document = self.store.read()
        saved = document.get("connection")
        tokens = document.get("tokens")
        shown_tokens = None
        if tokens:
            expires_at = tokens.get("expires_at")
            refresh_token = tokens.get("refresh_token")
            shown_tokens = {
                "access_token": self.redact.secret("access_token", tokens["access_token"]),
                "refresh_token": refresh_token and self.redact.secret("refresh_token", refresh_token),
                "spent_refresh_token": bool(tokens.get("spent_refresh_token")),
                "scope": tokens.get("scope"),
                "grant": tokens.get("grant"),
                "expires": when(expires_at) if expires_at else "-",
                "seconds_left": None if expires_at is None else int(expires_at - self.clock()),
            }
        runs = [{**run, "steps": [Step.from_dict(step) for step in run["steps"]]} for run in document.get("runs", [])]
        connection = None
        if saved:
            secret = saved.get("client_secret")
            connection = {**saved, "client_secret": secret and self.redact.secret("client_secret", secret)}
        device = document.get("device")
        return {
            "connection": connection,
            "device": device and {name: value for name, value in device.items() if name != "device_code"},
            "default_metadata_url": self.default_metadata_url,
            "redirect_uri": self.redirect_uri,
            "tokens": shown_tokens,
            "authorized": tokens is not None,
            "runs": runs,
            "refresh_margin": REFRESH_MARGIN,
            "store_file": str(self.store.path),
            "key_file": str(self.store.key_file),
        }


_STATE_MESSAGE = (
    "The state in this callback is not the one this playground sent with its authorization request "
    "(RFC 6749 §10.12): the callback may be forged, or answer an older request. Nothing was stored."
)


def _authorization_request(pending: dict) -> AuthorizationRequest:
    return AuthorizationRequest(
        pending["url"], pending["state"], pending["redirect_uri"], pending.get("scope"), pending.get("code_verifier")
    )


def _which_name(which: str) -> str:
    if which not in ("access_token", "refresh_token"):
        raise ValueError(f"which token? {which!r}")
    return which.replace("_", " ")


def _tokens(tokens: TokenSet, grant: str | None) -> dict:
    return {
        "access_token": tokens.access_token,
        "token_type": tokens.token_type,
        "expires_at": tokens.expires_at,
        "refresh_token": tokens.refresh_token,
        "scope": tokens.scope,
        "grant": grant,
    }


def _why(error: Exception) -> str:
    """What went wrong, in a sentence: a connection error without urllib3's internals."""
    if isinstance(error, requests.RequestException):
        where = error.request.url.split("?")[0] if error.request is not None else "the server"
        return f"could not reach {where} ({type(error).__name__})"
    return str(error)


def _detail(response: requests.Response) -> str:
    """`invalid_grant (The grant is invalid, …)`, or the status when the body names no error."""
    error, description = _error_of(response)
    if not error:
        return f"HTTP {response.status_code}"
    return error + (f" ({description})" if description else "")


def _refusal(what: str, response: requests.Response) -> str:
    return f"Failed: {what} was refused: {_detail(response)}"


def _annotate(steps: list[Step], seconds_left: int | None) -> None:
    """Say why the client refreshed on its own: before expiry, or after a 401."""
    after_401 = False
    for step in steps:
        if step.kind == "refresh":
            step.note = (
                "The resource answered 401: the client refreshes once, to retry once with a new token."
                if after_401
                else f"Refreshed before use: the access token had {seconds_left} s left, within the client's "
                f"{REFRESH_MARGIN} s margin, so it was renewed before it could fail."
            )
        elif step.kind == "resource":
            if after_401:
                step.note = "The one retry, with the new access token."
        elif step.kind == "resource_refused":
            if after_401:
                step.note = "The retry failed too: the client stops here and reports the failure."
            after_401 = True
