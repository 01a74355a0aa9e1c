"""`python -m reference_as.playground.docs [DIR]` (`make docs`): one page per grant, from a real run.

Each page is written from what the playground recorded while it ran the flow
against the reference server: the sequence diagram (Mermaid) is drawn from
the recorded steps, and every request and response is the one sent and
received. The server runs in-process (`lab.py`: no socket), with the issuer
`http://127.0.0.1:8000` that `make run` uses, a user `demo` approved without
pages, and a clock set to `lab.START`, so times are the same in every run.
What is still random (secrets, codes, tokens, state, PKCE values, jti, kid,
key numbers, the user id) becomes a placeholder such as `<access-token-1>`,
numbered in order of appearance. Two runs therefore write the same pages, and
`spec_tests/docs/test_docs_up_to_date.py` fails when the committed pages
differ from a fresh run.
"""

import secrets
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import parse_qsl, urlencode

from oauth_client.http import Recorder, RecordingSession

from ..policy import rfc7636_pkce
from ..policy.rfc9728_resource_metadata import metadata_path
from .jwt_view import when
from .lab import CONFIDENTIAL_ID, ISSUER, METADATA_URL, PUBLIC_ID, REDIRECT_URI, START, USER, Lab
from .lessons import LESSONS
from .redact import Placeholders, number_placeholders
from .steps import Step, make_step
from .walkthrough import Walkthrough


def ran(walkthrough: Walkthrough, steps: list[Step] | None = None) -> tuple[list[Step], str]:
    """The last run's steps (or `steps`, which stand in for them) and what the playground reported."""
    run = walkthrough.view()["runs"][-1]
    return (run["steps"] if steps is None else steps), run["outcome"]


# -- a page --------------------------------------------------------------------------------------------


@dataclass
class Section:
    heading: str | None
    text: str
    runs: list[tuple[list[Step], str]]  # each run's steps, and what the playground reported
    in_diagram: bool = True

    @property
    def steps(self) -> list[Step]:
        return [step for steps, _ in self.runs for step in steps]


@dataclass
class Page:
    file: str
    title: str
    intro: str
    sections: list[Section] = field(default_factory=list)
    client: str = "Client (the playground)"  # how the diagram names the client
    # Values random in each run that no field name gives away (a registered client_id, in
    # URLs too): value -> placeholder kind.
    random_values: dict[str, str] = field(default_factory=dict)

    def add(self, heading: str | None, text: str, *runs, in_diagram: bool = True) -> None:
        self.sections.append(Section(heading, text, list(runs), in_diagram))


PARTICIPANTS = (
    ("Browser", "Browser (user agent)"),
    ("Client", "Client (the playground)"),
    ("Server", "Authorization server"),
    ("Resource", "Protected resource (/api/me)"),
)


def _label(text: str) -> str:
    """Mermaid message text: no `;` or `#`, which its parser reads as syntax."""
    return text.replace(";", ",").replace("#", "")


def diagram(steps: list[Step], client: str = "Client (the playground)") -> list[str]:
    used = {name for step in steps for name in (step.sender, step.receiver)}
    if any(step.kind in ("authorization_request", "oidc_request") for step in steps):
        used.add("Client")
    names = {**dict(PARTICIPANTS), "Client": client}
    lines = ["```mermaid", "sequenceDiagram"]
    lines += [f"    participant {key} as {names[key]}" for key, _ in PARTICIPANTS if key in used]
    for step in steps:
        if step.kind in ("authorization_request", "oidc_request"):
            lines.append("    Client->>Browser: 303 to the authorization endpoint")
        lines.append(f"    {step.sender}->>{step.receiver}: {_label(step.request_label)}")
        if step.kind in ("authorization_request", "oidc_request"):
            lines.append(
                f"    Note over Browser,Server: the user signs in and consents (user {USER}, approved automatically)"
            )
        if step.kind == "device_verification":
            lines.append(
                f"    Note over Browser,Server: the user signs in, compares the code and allows (user {USER}, "
                "approved automatically)"
            )
        if step.response_label:
            lines.append(f"    {step.receiver}-->>{step.sender}: {_label(step.response_label)}")
        elif step.sender == "Browser" and step.receiver == "Client":
            lines.append("    Note over Client: checks state and iss, then redeems the code")
    return lines + ["```"]


def _block(language: str, text: str) -> list[str]:
    return ["```" + language, text, "```", ""]


def step_markdown(step: Step, number: int) -> list[str]:
    sections = ", ".join(f"[{section}]({url})" for section, url in step.links)
    lines = [f"### {number}. {step.title}", "", f"{sections}: {step.proves}" if sections else step.proves, ""]
    if step.note:
        lines += [f"> {step.note}", ""]
    lines += _block("http", step.request)
    if step.response.startswith("("):  # what happened instead of a response the client saw
        lines += [f"*{step.response[1:-1]}*", ""]
    else:
        lines += _block("http", step.response)
    if step.decoded:
        what = step.decoded.get("what") or "The access token"
        lines += [f"{what}, decoded. Signature: {step.decoded['verdict']}; {step.decoded['times']}.", ""]
        lines += _block("json", step.decoded["header"]) + _block("json", step.decoded["claims"])
    if step.checks:
        lines += ["| check | result | why | section |", "| --- | --- | --- | --- |"]
        lines += [
            f"| `{c['name']}` | {'passed' if c['ok'] else 'FAILED'} | {c['detail']} | {c['section']} |"
            for c in step.checks
        ]
        lines.append("")
    return lines


FOOTER = (
    "---\n\n"
    "*Generated by `make docs` (`python -m reference_as.playground.docs`) from a run of the playground against "
    f"the reference server: in-process, issuer `{ISSUER}`, clock set to {when(START)} (moved on only where "
    f"a page says so), user `{USER}` approved "
    "automatically. Values that are random in each run are replaced by placeholders numbered in order of "
    "appearance (`<access-token-1>`, `<code-1>`, …). As in the RFCs' examples, a long query or form body is "
    "broken before each `&` for display only, JSON is pretty-printed, and only the headers that matter to OAuth "
    "are shown. `spec_tests/docs` fails when this page differs from a fresh run: edit "
    "`reference_as/playground/docs.py`, not this file.*\n"
)


def render(page: Page) -> str:
    lines = [f"# {page.title}", "", page.intro, ""]
    steps = [step for section in page.sections if section.in_diagram for step in section.steps]
    lines += diagram(steps, page.client) + [""]
    number = 0
    for section in page.sections:
        if section.heading:
            lines += [f"## {section.heading}", ""]
        if section.text:
            lines += [section.text, ""]
        for steps, reported in section.runs:
            for step in steps:
                number += 1
                lines += step_markdown(step, number)
            if reported:
                lines += [f"**The playground reports:** {reported}", ""]
    text = "\n".join(lines) + "\n" + FOOTER
    for value, kind in page.random_values.items():
        text = text.replace(value, f"⟦{kind}|{value}⟧")
    return number_placeholders(text)


# -- the pages ------------------------------------------------------------------------------------------


def authorization_code_page(lab: Lab) -> Page:
    page = Page(
        "authorization-code.md",
        "Authorization code with PKCE",
        "A user lets a client act on their behalf ([RFC 6749 §4.1](https://www.rfc-editor.org/rfc/rfc6749"
        "#section-4.1)). The client sends the user's browser to the server with a random `state` and a "
        "PKCE challenge ([RFC 7636](https://www.rfc-editor.org/rfc/rfc7636)); the server signs the user in, "
        "asks for consent and sends the browser back with a one-time code; the client redeems the code with "
        "the PKCE verifier. In the playground: **Authorize**, then **Call the protected resource**.",
    )
    confidential = lab.playground()
    page.add(None, "", ran(confidential, lab.authorize(confidential)))
    confidential.call_resource()
    page.add("Using the access token", "", ran(confidential))
    public = lab.playground(PUBLIC_ID)
    exchange = [step for step in lab.authorize(public) if step.kind == "code_exchange"]
    page.add(
        "The same flow with a public client",
        "A public client (a browser or mobile app) has no secret to keep. Its token request carries its "
        "`client_id` and the PKCE verifier, and no `Authorization` header: the verifier alone proves that the "
        "client redeeming the code is the one that asked for it ([RFC 9700 §2.1.1]"
        "(https://www.rfc-editor.org/rfc/rfc9700#section-2.1.1)).",
        ran(public, exchange),
        in_diagram=False,
    )
    return page


def client_credentials_page(lab: Lab) -> Page:
    page = Page(
        "client-credentials.md",
        "Client credentials",
        "A confidential client asks for a token for itself, with no user "
        "([RFC 6749 §4.4](https://www.rfc-editor.org/rfc/rfc6749#section-4.4)): a back end calling an "
        "API. It authenticates with its secret and gets an access token, never a refresh token: it can "
        "always ask again. In the playground: **Client credentials**, then **Call the protected resource**.",
    )
    playground = lab.playground()
    playground.client_credentials()
    page.add(None, "", ran(playground))
    playground.call_resource()
    page.add("Using the access token", "The token's `sub` is the client itself (RFC 9068 §2.2).", ran(playground))
    return page


def refresh_page(lab: Lab) -> Page:
    page = Page(
        "refresh.md",
        "Refresh tokens",
        "An access token lives an hour; the refresh token that came with it gets the next one without the "
        "user ([RFC 6749 §6](https://www.rfc-editor.org/rfc/rfc6749#section-6)). The reference server "
        "rotates refresh tokens: each use spends the token and returns a new one, and a spent token that "
        "comes back revokes the whole grant ([RFC 9700 §4.14.2](https://www.rfc-editor.org/rfc/rfc9700"
        "#section-4.14.2)). Each run below starts from tokens the authorization code flow gave "
        "(see [authorization-code.md](authorization-code.md)). In the playground: **Refresh**, "
        "**Call the protected resource**, **Replay the spent refresh token**.",
    )
    playground = lab.playground()
    lab.authorize(playground)
    playground.refresh()
    page.add("Refresh", "", ran(playground))
    lab.clock.advance(3600 - 30)
    playground.call_resource()
    page.add(
        "Refresh before expiry",
        "The clock moves on until the access token has 30 seconds left. The client does not wait for a "
        "failure: it refreshes before it sends the token.",
        ran(playground),
    )
    playground.revoke("access_token")
    revoked = ran(playground)
    playground.call_resource()
    page.add(
        "One retry after a 401",
        "Here the access token is revoked first, so the resource refuses it although it has not expired. "
        "The client refreshes once and retries once; had the retry failed too, it would report the failure "
        "rather than loop.",
        revoked,
        ran(playground),
    )
    playground.replay_refresh()
    replayed = ran(playground)
    playground.refresh()
    page.add(
        "A spent refresh token comes back",
        "The refresh token spent in the previous run is sent again, as a thief holding a copy would. The "
        "server refuses it and revokes the grant, so the client's current refresh token stops working too.",
        replayed,
        ran(playground),
    )
    return page


def revocation_page(lab: Lab) -> Page:
    page = Page(
        "revocation.md",
        "Revocation",
        "A client that no longer needs a token tells the server to forget it "
        "([RFC 7009](https://www.rfc-editor.org/rfc/rfc7009)): on sign-out, say, or when a user "
        "disconnects an app. The server answers 200 whether it knew the token or not, so revocation "
        "cannot be used to test stolen guesses. In the playground: **Revoke** (access or refresh token).",
    )
    playground = lab.playground()
    lab.authorize(playground)
    playground.revoke("refresh_token")
    page.add("Revoking the refresh token", "", ran(playground))
    playground.call_resource()
    page.add(
        "What it ended",
        "Revoking a refresh token revokes its grant, access tokens included: the resource refuses the access "
        "token, and the client's one refresh is refused too.",
        ran(playground),
    )
    playground = lab.playground()
    lab.authorize(playground)
    playground.revoke("access_token")
    revoked = ran(playground)
    playground.introspect("access_token")
    page.add(
        "Revoking an access token",
        "A JWT access token would verify until it expires; the server puts its `jti` on a revocation list "
        "kept until then, so the resource and the introspection endpoint know it was revoked.",
        revoked,
        ran(playground),
    )
    return page


def introspection_page(lab: Lab) -> Page:
    page = Page(
        "introspection.md",
        "Introspection",
        "A resource server asks the authorization server whether a token is active and what it carries "
        "([RFC 7662](https://www.rfc-editor.org/rfc/rfc7662)). The caller must authenticate; a client may "
        "introspect its own tokens, and a client created with `--permission introspect` anyone's. In the "
        "playground: **Introspect** (access or refresh token).",
    )
    playground = lab.playground()
    lab.authorize(playground)
    playground.introspect("access_token")
    page.add("An active access token", "", ran(playground))
    playground.introspect("refresh_token")
    page.add("An active refresh token", "", ran(playground))
    playground.revoke("access_token")
    revoked = ran(playground)
    playground.introspect("access_token")
    page.add(
        "A revoked token",
        "Whatever made a token inactive, the answer is the same and says nothing more.",
        revoked,
        ran(playground),
    )
    public = lab.playground(PUBLIC_ID)
    lab.authorize(public)
    public.introspect("access_token")
    page.add(
        "A caller without credentials",
        "A public client cannot authenticate, so it cannot introspect ([RFC 7662 §2.1]"
        "(https://www.rfc-editor.org/rfc/rfc7662#section-2.1)): the endpoint answers `invalid_client`.",
        ran(public),
    )
    return page


def device_page(lab: Lab) -> Page:
    page = Page(
        "device.md",
        "Device authorization grant",
        "A device without a browser of its own (a command-line tool, a TV) gets a user's authorization through "
        "another device ([RFC 8628](https://www.rfc-editor.org/rfc/rfc8628)). It asks for a device code and a "
        "short user code, shows the person the code and where to enter it, and polls the token endpoint while "
        "the person signs in there, compares the code with the one on the device, and allows. In the "
        "playground: **Device**, then **Poll** until the tokens come.",
    )
    playground = lab.playground(PUBLIC_ID)
    playground.start_device()
    page.add(
        None,
        "The command-line tool here is the public client `demo-public`: it sends its `client_id`, no secret "
        "([RFC 8628 §3.1](https://www.rfc-editor.org/rfc/rfc8628#section-3.1)).",
        ran(playground),
    )
    playground.poll_device()
    pending = ran(playground)
    playground.poll_device()
    page.add(
        "Polling while the person decides",
        "The device polls at once, then again without waiting: the second poll comes before the interval is "
        "up, so the server answers `slow_down` and this device code's interval grows from 5 to 10 seconds.",
        pending,
        ran(playground),
    )
    approval = lab.approve_device(playground)
    lab.clock.advance(10)
    playground.poll_device()
    page.add(
        "The person allows; the next poll gets the tokens",
        "On another device the person opens `verification_uri_complete` (the code filled in), signs in and, "
        "after comparing the code with the one the device shows, allows "
        "([RFC 8628 §5.4](https://www.rfc-editor.org/rfc/rfc8628#section-5.4)). The clock moves on 10 "
        "seconds, the interval, and the device's next poll gets its tokens. The device code is spent: "
        "polling with it again is `invalid_grant`.",
        ([approval], "the server recorded the approval; the device learns it at its next poll"),
        ran(playground),
    )
    playground.call_resource()
    page.add("Using the access token", "", ran(playground))
    return page


def openid_connect_page(lab: Lab) -> Page:
    page = Page(
        "openid-connect.md",
        "Sign in with OpenID Connect",
        "An application signs a user in ([OpenID Connect Core 1.0](https://openid.net/specs/openid-connect-core-1_0"
        ".html)): the authorization code flow with the scope `openid`, and a `nonce`. The token response carries "
        "an **ID Token** beside the access token, a JWT that says who signed in, when, and for which client; the "
        "client checks it step by step before it believes it, then asks **UserInfo** for the claims its scopes "
        "release (`profile`: the name; `email`: the address). The server's discovery document is at "
        f"`{ISSUER}/.well-known/openid-configuration` (the same document as the RFC 8414 metadata). In the "
        "playground: **Sign in with OpenID Connect**.",
    )
    playground = lab.playground()
    page.add(None, "", ran(playground, lab.authorize(playground, sign_in=True)))
    return page


class Requests:
    """Exchanges the docs make themselves, as a client that is not the playground would
    (registration, a resource's metadata), each made a step with its lesson."""

    def __init__(self, lab: Lab):
        self.lab = lab
        self.recorder = Recorder()
        self.session = RecordingSession(self.recorder, user_agent="client")
        self.session.mount(ISSUER + "/", lab.adapter)

    def step(self, kind: str, method: str, url: str, **kwargs):
        """(the step, the response) of one request to `url` (absolute, or a path on the issuer)."""
        response = self.session.request(method, url if "://" in url else ISSUER + url, **kwargs)
        return make_step(self.recorder.take()[-1], LESSONS[kind], self.lab.redact), response

    def code_flow(self, client_id: str, resource: str | None = None) -> tuple[list[Step], dict]:
        """The authorization request (through the browser, approved at once) and the code
        exchange of a public client with PKCE: (the two steps, the token response)."""
        verifier = secrets.token_urlsafe(48)
        params = {
            "response_type": "code",
            "client_id": client_id,
            "redirect_uri": REDIRECT_URI,
            "scope": "api:read",
            "state": secrets.token_urlsafe(16),
            "code_challenge": rfc7636_pkce.s256(verifier),
            "code_challenge_method": "S256",
            **({"resource": resource} if resource else {}),
        }
        exchange, query = self.lab.browser(ISSUER + "/oauth2/authorize?" + urlencode(params))
        authorization = make_step(exchange, LESSONS["authorization_request"], self.lab.redact)
        token_params = {
            "grant_type": "authorization_code",
            "code": dict(parse_qsl(query))["code"],
            "redirect_uri": REDIRECT_URI,
            "client_id": client_id,
            "code_verifier": verifier,
            **({"resource": resource} if resource else {}),
        }
        exchange_step, response = self.step("code_exchange", "POST", "/oauth2/token", data=token_params)
        return [authorization, exchange_step], response.json()


NATIVE_APP = {
    "client_name": "Notes for the desktop",
    "application_type": "native",
    "redirect_uris": [REDIRECT_URI],
    "grant_types": ["authorization_code", "refresh_token"],
    "token_endpoint_auth_method": "none",
    "scope": "api:read",
}


def registration_page(lab: Lab) -> Page:
    page = Page(
        "registration.md",
        "Letting clients register themselves",
        "A client the administrator has never heard of can register itself ([RFC 7591]"
        "(https://www.rfc-editor.org/rfc/rfc7591)): it posts its metadata as JSON and gets a `client_id`, "
        "and manages its registration afterwards with the registration access token it was given "
        "([RFC 7592](https://www.rfc-editor.org/rfc/rfc7592)). Who may register is the `registration` "
        "setting: `open` (the default on a loopback issuer, as here), `token` (the default elsewhere: an "
        "initial access token of `reference-as registration-token create`, sent as a bearer token), or `off`. "
        "A self-registered client obeys the same rules as one an administrator made, gets at most the "
        "`registrable_scopes` (never the highest scope unless configured), is shown on the consent page as "
        "having named itself, and is deleted by the purge when it has had no token for `unused_client_ttl`.",
        client="Client (an app that registers itself)",
    )
    requests = Requests(lab)
    registered, response = requests.step("registration", "POST", "/oauth2/register", json=NATIVE_APP)
    client = response.json()
    page.random_values[client["client_id"]] = "client-id"
    page.add(
        "Registering",
        "A desktop app registers as a public client (`token_endpoint_auth_method: none`): no secret, PKCE "
        "instead. Members the server does not know would be ignored; a confidential client would also get a "
        "`client_secret` (with `client_secret_expires_at: 0`, it does not expire).",
        ([registered], ""),
    )
    flow, _ = requests.code_flow(client["client_id"])
    page.add("Using the registration", "The new client_id works at once, like any other.", (flow, ""))
    token = {"Authorization": "Bearer " + client["registration_access_token"]}
    read, _ = requests.step("registration_read", "GET", client["registration_client_uri"], headers=token)
    renamed = {**NATIVE_APP, "client_id": client["client_id"], "client_name": "Notes"}
    update, _ = requests.step(
        "registration_update", "PUT", client["registration_client_uri"], headers=token, json=renamed
    )
    page.add(
        "Reading and changing it",
        "The registration access token is random and kept only as a hash; it is no access token, and no "
        "resource accepts it. Without it (or with another client's) every request here is a 401.",
        ([read, update], ""),
    )
    refused, _ = requests.step(
        "registration_refused",
        "POST",
        "/oauth2/register",
        json={**NATIVE_APP, "redirect_uris": ["http://app.example/cb"]},
    )
    page.add(
        "What is refused",
        "Redirect URIs follow the rules of every client: absolute, no fragment, https unless they point at "
        "loopback; a native app may also use a private-use scheme that is a reversed domain name "
        "(`com.example.notes:/callback`, RFC 8252 §7.1). Bodies that are not a JSON object, too large, with "
        "an array where a string belongs, or with more than 20 redirect URIs are refused the same way.",
        ([refused], ""),
    )
    deleted, _ = requests.step("registration_delete", "DELETE", client["registration_client_uri"], headers=token)
    page.add("Deleting it", "", ([deleted], ""))
    page.add(
        "Clients named by a metadata document",
        "An MCP client may skip registration: its `client_id` is the https URL of a JSON document describing "
        "it (the [Client ID Metadata Document](https://datatracker.ietf.org/doc/draft-ietf-oauth-client-id-"
        "metadata-document/) draft; the server advertises `client_id_metadata_document_supported`). The "
        "server fetches the document when the client first sends a user to it, with the limits of "
        "`reference_as/outbound.py`: https only, no redirects followed, at most 5 KiB, within 5 seconds, "
        "never from a private or other special-use address (unless the server itself is on loopback, or "
        "`outbound_allow_private_addresses` is set), and kept as long as its Cache-Control allows, at most "
        "an hour. The document's `client_id` must be its own URL; it holds no secret; its redirect URIs are "
        "the only ones accepted. The consent page shows the document's host first, since that is who is "
        "asking. `reference-as clients list` and `/admin/` show how each client came to be, and any of them "
        "can be paused or deleted there.",
    )
    return page


def mcp_page(lab: Lab) -> Page:
    resource = lab.settings.sample_resource
    page = Page(
        "mcp.md",
        "Protecting an MCP server with reference-as",
        "An MCP client meets an MCP server it has never seen and knows nothing but its URL. The MCP "
        "authorization spec has it find everything from there: the server's 401 names its protected resource "
        "metadata ([RFC 9728](https://www.rfc-editor.org/rfc/rfc9728)), which names the authorization "
        "server; the client reads that server's metadata ([RFC 8414](https://www.rfc-editor.org/rfc/rfc8414)), "
        "registers (RFC 7591, or a metadata document, see [registration.md](registration.md)), and asks for "
        "a token for that one server ([RFC 8707](https://www.rfc-editor.org/rfc/rfc8707) `resource`), whose "
        f"`aud` is then the server's URL. Below, the sample resource `/api/me` (resource identifier "
        f"`{resource}`) plays the MCP server.",
        client="MCP client",
    )
    requests = Requests(lab)
    challenge, _ = requests.step("resource_challenge", "GET", "/api/me")
    described, _ = requests.step("resource_metadata", "GET", metadata_path(resource))
    discovered, _ = requests.step("metadata", "GET", METADATA_URL)
    page.add("Discovery from the resource's URL", "", ([challenge, described, discovered], ""))
    registered, response = requests.step("registration", "POST", "/oauth2/register", json=NATIVE_APP)
    client_id = response.json()["client_id"]
    page.random_values[client_id] = "client-id"
    flow, tokens = requests.code_flow(client_id, resource)
    page.add(
        "Registration, and a token for that resource",
        "The authorization request and the token request both name the resource; the access token's `aud` is "
        "it. A resource the server does not know, or one not in the authorization, is `invalid_target`; a "
        "refresh may name fewer of the granted resources, never others.",
        ([registered, *flow], ""),
    )
    headers = {"Authorization": "Bearer " + tokens["access_token"]}
    called, _ = requests.step("resource", "GET", "/api/me", headers=headers)
    page.add("Calling the resource", "", ([called], ""))
    page.add(
        "Your own MCP server",
        "Tell reference-as about it (or list it in the `resources` setting, or add it at `/admin/resources`):\n\n"
        "```sh\nreference-as resources add https://mcp.example/mcp --scope api:read\n```\n\n"
        "Then have the MCP server accept only reference-as access tokens for itself: verify the JWT with the "
        "keys at `/oauth2/jwks` (`typ` `at+jwt`, the key's own algorithm), its `iss`, its `exp`, and that its "
        '`aud` is the server\'s own URL; answer 401 with `WWW-Authenticate: Bearer resource_metadata="…"`; '
        "and publish the RFC 9728 document at `/.well-known/oauth-protected-resource/mcp`. With the MCP "
        "Python SDK that is a `TokenVerifier` and `AuthSettings(issuer_url=…, resource_server_url=…)`: "
        "`spec_tests/serve/test_interop_mcp_sdk.py` runs exactly that, an SDK MCP server and the SDK's own "
        "OAuth client connecting from nothing, in `make test`.",
    )
    return page


PAGES = (
    authorization_code_page,
    client_credentials_page,
    refresh_page,
    revocation_page,
    introspection_page,
    device_page,
    openid_connect_page,
    registration_page,
    mcp_page,
)


def generate(out_dir: Path) -> list[Path]:
    """Run every flow and write its page into `out_dir`: the paths written."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    with tempfile.TemporaryDirectory(prefix="reference-as-docs-") as workdir:
        for make_page in PAGES:  # each page on a fresh server, its clock at START
            lab = Lab(
                Path(workdir) / make_page.__name__, redact=Placeholders(stable=(CONFIDENTIAL_ID, PUBLIC_ID, USER))
            )
            page = make_page(lab)
            path = out_dir / page.file
            path.write_text(render(page), encoding="utf-8")
            written.append(path)
    return written


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    for path in generate(Path(argv[0] if argv else "docs")):
        print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
