"""What each step of a flow proves, and the RFC sections that say so.

This is the textbook part of the playground: one entry per kind of step, each
with a title, the RFC sections that govern it, one sentence of what the step
shows, and who talks to whom (for the sequence diagrams in docs/). `classify`
finds the entry for an HTTP exchange the client made from where it was sent
and what came back.
"""

import json
import re
from dataclasses import dataclass
from urllib.parse import parse_qsl

from oauth_client.client import Endpoints, same_endpoint
from oauth_client.http import Exchange

from ..errors import ERRORS
from ..policy.rfc8628_device import GRANT_TYPE as DEVICE_GRANT

BROWSER, CLIENT, SERVER, RESOURCE = "Browser", "Client", "Server", "Resource"  # diagram participants


@dataclass(frozen=True)
class Lesson:
    kind: str
    title: str
    sections: tuple[str, ...]  # "RFC 6749 §4.1.3": RFC number and section
    proves: str
    sender: str = CLIENT
    receiver: str = SERVER
    expected: bool = False  # an error answer that is a normal step of its flow (a device's pending poll)


_SECTION = re.compile(r"RFC (\d+) §([\d.]+)")


OIDC_CORE = "https://openid.net/specs/openid-connect-core-1_0.html"
# The named anchors of OpenID Connect Core 1.0 for the sections the lessons cite.
OIDC_ANCHORS = {
    "2": "IDToken",
    "3.1.2.1": "AuthRequest",
    "3.1.2.5": "AuthResponse",
    "3.1.3.3": "TokenResponse",
    "3.1.3.7": "IDTokenValidation",
    "3.1.3.8": "CodeFlowTokenValidation",
    "5.3.1": "UserInfoRequest",
    "5.3.2": "UserInfoResponse",
    "5.4": "ScopeClaims",
    "11": "OfflineAccess",
    "12.2": "RefreshTokenResponse",
}


def section_url(section: str) -> str:
    """`RFC 6749 §4.1.3` -> its address on rfc-editor.org; `OIDC Core §3.1.3.7` -> openid.net."""
    if section.startswith("OIDC Core §") and section.removeprefix("OIDC Core §") in OIDC_ANCHORS:
        return f"{OIDC_CORE}#{OIDC_ANCHORS[section.removeprefix('OIDC Core §')]}"
    match = _SECTION.fullmatch(section)
    if not match:
        raise ValueError(f"not an RFC or OIDC Core section: {section!r}")
    return f"https://www.rfc-editor.org/rfc/rfc{match.group(1)}#section-{match.group(2)}"


LESSONS = {
    lesson.kind: lesson
    for lesson in (
        Lesson(
            "metadata",
            "Server metadata",
            ("RFC 8414 §3",),
            "The server publishes its endpoints, grants and PKCE methods at a well-known address, so the client "
            "configures itself from one URL instead of guessing.",
        ),
        Lesson(
            "authorization_request",
            "Authorization request, through the browser",
            ("RFC 6749 §4.1.1", "RFC 7636 §4.3"),
            "The client sends the browser to the server with a fresh state and a PKCE challenge; the verifier behind "
            "the challenge never leaves the client.",
            sender=BROWSER,
        ),
        Lesson(
            "authorization_response",
            "Authorization response, at the redirect URI",
            ("RFC 6749 §4.1.2", "RFC 9207 §2"),
            "The code comes back with the state the client sent and the server's iss, which proves the answer belongs "
            "to this client's own request and to the server it asked (no forged callback, no mix-up).",
            sender=BROWSER,
            receiver=CLIENT,
        ),
        Lesson(
            "authorization_error",
            "Authorization error, at the redirect URI",
            ("RFC 6749 §4.1.2.1",),
            "The server sends its refusal back to the registered redirect URI with the same state, so the client "
            "learns why no code came and nothing is stored.",
            sender=BROWSER,
            receiver=CLIENT,
        ),
        Lesson(
            "code_exchange",
            "Token request: authorization code",
            ("RFC 6749 §4.1.3", "RFC 7636 §4.5"),
            "The code is redeemed on the back channel together with the PKCE verifier (and the client's credentials "
            "if it has any), so a code stolen from the browser is useless on its own.",
        ),
        Lesson(
            "client_credentials",
            "Token request: client credentials",
            ("RFC 6749 §4.4.2",),
            "A confidential client gets a token for itself by authenticating; no user takes part, so no refresh token "
            "is issued.",
        ),
        Lesson(
            "refresh",
            "Token request: refresh token",
            ("RFC 6749 §6", "RFC 9700 §4.14.2"),
            "The refresh token is spent and a new one comes back (rotation): a copied refresh token is found out the "
            "moment either copy is used a second time.",
        ),
        Lesson(
            "device_authorization",
            "Device authorization request",
            ("RFC 8628 §3.1", "RFC 8628 §3.2"),
            "A device that cannot show a browser asks for two codes: a device code it keeps and polls with, and a "
            "short user code the person types at the verification URI on another device.",
        ),
        Lesson(
            "device_verification",
            "The person enters the user code, in a browser on another device",
            ("RFC 8628 §3.3", "RFC 8628 §5.4"),
            "On a phone or laptop the person signs in, enters the code, compares it with the one the device shows "
            "and allows; the device takes no part and learns the answer at its next poll.",
            sender=BROWSER,
        ),
        Lesson(
            "device_pending",
            "Token request: device code (still pending)",
            ("RFC 8628 §3.4", "RFC 8628 §3.5"),
            "Until the person decides, the server answers authorization_pending: the device waits the interval and "
            "asks again.",
            expected=True,
        ),
        Lesson(
            "device_slow_down",
            "Token request: device code (too soon)",
            ("RFC 8628 §3.5",),
            "A poll before the interval is up is answered slow_down, and this device code's interval grows by "
            "5 seconds for every later poll: the server enforces it.",
            expected=True,
        ),
        Lesson(
            "device_code",
            "Token request: device code",
            ("RFC 8628 §3.4", "RFC 8628 §3.5"),
            "Once the person has allowed, the next poll gets the tokens and spends the device code: a second poll "
            "with it is invalid_grant.",
        ),
        Lesson(
            "jwks",
            "The server's public keys",
            ("RFC 7517 §5", "RFC 9068 §4"),
            "The key named by the token's kid verifies its signature, so anyone can check an access token without "
            "asking the server.",
        ),
        Lesson(
            "resource",
            "Protected resource",
            ("RFC 6750 §2.1",),
            "The bearer token in the Authorization header is all the resource needs: it checks signature, issuer, "
            "audience, expiry and scope itself.",
            receiver=RESOURCE,
        ),
        Lesson(
            "resource_refused",
            "Protected resource refuses the token",
            ("RFC 6750 §3.1",),
            "The resource answers with a WWW-Authenticate challenge naming the error; after a 401 the client refreshes "
            "once and retries once, never more.",
            receiver=RESOURCE,
        ),
        Lesson(
            "revocation",
            "Revocation",
            ("RFC 7009 §2.1", "RFC 7009 §2.2"),
            "The server answers 200 whether or not it knew the token, so revocation tells a prober nothing; revoking "
            "a refresh token ends its whole grant.",
        ),
        Lesson(
            "introspection",
            "Introspection",
            ("RFC 7662 §2.1", "RFC 7662 §2.2"),
            "The server says whether the token is active and what it carries; any token that is not is just "
            '{"active": false}, revealing nothing more.',
        ),
        Lesson(
            "oidc_request",
            "Authentication request, through the browser",
            ("OIDC Core §3.1.2.1", "RFC 7636 §4.3"),
            "The scope openid makes the authorization request an OpenID Connect sign-in; the client adds a fresh "
            "nonce, which the ID Token must carry back, besides the state and the PKCE challenge.",
            sender=BROWSER,
        ),
        Lesson(
            "oidc_code_exchange",
            "Token request: authorization code, with an ID Token back",
            ("OIDC Core §3.1.3.3", "RFC 6749 §4.1.3"),
            "The code is redeemed as in OAuth; because the scope had openid, the answer carries an id_token beside "
            "the access token: a signed statement of who signed in, for this client.",
        ),
        Lesson(
            "id_token",
            "The ID Token, validated step by step",
            ("OIDC Core §3.1.3.7", "OIDC Core §3.1.3.8"),
            "The client checks the ID Token itself before it believes who signed in: signature, issuer, audience, "
            "expiry, its own nonce, and at_hash binding it to the access token.",
            sender=CLIENT,
            receiver=CLIENT,
        ),
        Lesson(
            "userinfo",
            "UserInfo",
            ("OIDC Core §5.3.1", "OIDC Core §5.3.2", "OIDC Core §5.4"),
            "With the access token the client asks for the claims its scopes release (profile, email); the answer's "
            "sub must be the ID Token's, or it is about someone else.",
            receiver=SERVER,
        ),
        Lesson(
            "userinfo_sub",
            "UserInfo's sub is the ID Token's",
            ("OIDC Core §5.3.2",),
            "The sub in the UserInfo answer must be exactly the ID Token's: a token substituted on the way would "
            "describe someone else, and the client would sign in the wrong user.",
            sender=CLIENT,
            receiver=CLIENT,
        ),
        Lesson(
            "resource_challenge",
            "A resource asked without a token",
            ("RFC 9728 §5.1", "RFC 6750 §3"),
            "The 401 names where the resource's metadata is (resource_metadata): a client that knows nothing but the "
            "resource's URL learns from it which authorization server to ask.",
            receiver=RESOURCE,
        ),
        Lesson(
            "resource_metadata",
            "Protected resource metadata",
            ("RFC 9728 §3", "RFC 9728 §2"),
            "The resource says what it is (resource, its identifier, the audience to ask for), which authorization "
            "servers issue its tokens, and which scopes it knows.",
            receiver=RESOURCE,
        ),
        Lesson(
            "registration",
            "Dynamic client registration",
            ("RFC 7591 §3.1", "RFC 7591 §3.2.1"),
            "The client describes itself in JSON and gets a client_id (a secret only if it can keep one) and, for "
            "managing the registration later, a registration access token, shown this once.",
        ),
        Lesson(
            "registration_refused",
            "Dynamic client registration (refused)",
            ("RFC 7591 §3.2.2",),
            "Metadata the server cannot accept is refused with invalid_redirect_uri or invalid_client_metadata and a "
            "sentence saying why; nothing is registered.",
        ),
        Lesson(
            "registration_read",
            "Reading the registration",
            ("RFC 7592 §2.1", "RFC 7592 §3"),
            "With its registration access token, and only with it, the client reads what the server holds about it.",
        ),
        Lesson(
            "registration_update",
            "Replacing the registration",
            ("RFC 7592 §2.2",),
            "An update sends the whole registration again: what it leaves out goes back to the default.",
        ),
        Lesson(
            "registration_delete",
            "Deleting the registration",
            ("RFC 7592 §2.3",),
            "The client is gone, and so are its tokens; the registration access token stops working with it.",
        ),
        Lesson("other", "HTTP exchange", (), "An exchange outside the OAuth endpoints this playground knows."),
    )
}

TOKEN_LESSONS = {
    "authorization_code": "code_exchange",
    "client_credentials": "client_credentials",
    "refresh_token": "refresh",
    DEVICE_GRANT: "device_code",
}
# RFC 8628 §3.5: the answers that mean "keep polling".
POLLING = {"authorization_pending": "device_pending", "slow_down": "device_slow_down"}


def refused(lesson: Lesson, error: str | None, status: int) -> Lesson:
    """A refused request: its error code's section first (from the server's error table)."""
    code = ERRORS.get(error or "")
    sections = ((code.reference,) if code else ()) + lesson.sections
    what = f"refused: {error}" if error else f"refused: HTTP {status}"
    return Lesson(
        lesson.kind,
        f"{lesson.title} ({what})",
        tuple(dict.fromkeys(sections)),
        "The server refuses with a registered error code and says why in error_description; nothing is issued.",
        lesson.sender,
        lesson.receiver,
    )


@dataclass(frozen=True)
class Where:
    """The addresses the client talks to."""

    metadata_url: str
    endpoints: Endpoints
    resource_url: str
    device_authorization: str | None = None  # RFC 8628 §4's endpoint, when the metadata names one
    userinfo_url: str | None = None  # OpenID Connect Core §5.3, when the metadata names one


def _body(exchange: Exchange) -> dict:
    try:
        body = json.loads(exchange.response_body)
    except ValueError:
        return {}
    return body if isinstance(body, dict) else {}


def _error(exchange: Exchange) -> str | None:
    return _body(exchange).get("error")


def classify(exchange: Exchange, where: Where) -> Lesson:
    """The lesson of one exchange the client itself made (the back channel)."""
    url, status = exchange.url, exchange.status or 0
    endpoints = where.endpoints
    if same_endpoint(url, where.metadata_url):
        return LESSONS["metadata"]
    if endpoints.jwks and same_endpoint(url, endpoints.jwks):
        return LESSONS["jwks"]
    if where.userinfo_url and same_endpoint(url, where.userinfo_url):
        return LESSONS["userinfo"] if 0 < status < 400 else refused(LESSONS["userinfo"], _error(exchange), status)
    if same_endpoint(url, where.resource_url):
        return LESSONS["resource"] if status < 400 else LESSONS["resource_refused"]
    if endpoints.token and same_endpoint(url, endpoints.token):
        grant = dict(parse_qsl(exchange.request_body)).get("grant_type", "")
        lesson = LESSONS[TOKEN_LESSONS.get(grant, "other")]
        if lesson.kind == "device_code" and _error(exchange) in POLLING:
            return LESSONS[POLLING[_error(exchange)]]
        if lesson.kind == "code_exchange" and "id_token" in _body(exchange):
            lesson = LESSONS["oidc_code_exchange"]
    elif where.device_authorization and same_endpoint(url, where.device_authorization):
        lesson = LESSONS["device_authorization"]
    elif endpoints.revocation and same_endpoint(url, endpoints.revocation):
        lesson = LESSONS["revocation"]
    elif endpoints.introspection and same_endpoint(url, endpoints.introspection):
        lesson = LESSONS["introspection"]
    else:
        return LESSONS["other"]
    return lesson if 0 < status < 400 else refused(lesson, _error(exchange), status)
