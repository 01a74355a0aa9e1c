"""Redirect URI validation: RFC 6749 §3.1.2.4 and §4.1.2.1, tightened by RFC 9700 §4.1.3
(exact string matching) — every open-redirect variant.
https://www.rfc-editor.org/rfc/rfc9700#section-4.1.3

Each variant alters the registered redirect URI one way (another host, a
longer path, `..`, userinfo, an added query, ...). The server must not send
the user agent there, and must not issue a code for it. Being sent back to
the *registered* URI with an error is not forbidden, and not failed.
The port of a loopback IP redirect URI may vary for native apps only (RFC 8252
§7.3, RFC 9700 §2.1: "except for port numbers in localhost redirection URIs of
native apps"); the client these variants use is a web (confidential) client
unless the target has none, so `other-port` changes a loopback port too,
except for a client the target declares a native app.
"""

from urllib.parse import parse_qsl, urlsplit, urlunsplit

from conformance import steps
from conformance.marks import check
from conformance.outcomes import fail, not_applicable
from oauth_client.client import same_endpoint

ATTACKER = "conformance.invalid"  # RFC 6761: a name that can never resolve


def _with(uri: str, **parts) -> str:
    split = urlsplit(uri)._replace(**parts)
    return urlunsplit(split)


def variant_uri(registered: str, variant: str, native: bool = False) -> str | None:
    p = urlsplit(registered)
    loopback = p.hostname in ("127.0.0.1", "::1")
    port = f":{p.port}" if p.port else ""
    joiner = "&" if p.query else ""
    return {
        "other-host": _with(registered, netloc=f"{ATTACKER}{port}"),
        "host-suffix": _with(registered, netloc=f"{p.hostname}.{ATTACKER}{port}"),
        "userinfo": _with(registered, netloc=f"{p.netloc}@{ATTACKER}"),
        "extra-path-segment": _with(registered, path=p.path.rstrip("/") + "/evil"),
        "path-suffix": _with(registered, path=(p.path or "/") + "evil"),
        "path-traversal": _with(registered, path=p.path.rstrip("/") + "/../evil"),
        "trailing-slash": _with(registered, path=p.path + "/") if not p.path.endswith("/") else None,
        "extra-query": _with(registered, query=f"{p.query}{joiner}conformance=1"),
        "fragment": registered + "#conformance",
        "scheme": _with(registered, scheme="https" if p.scheme == "http" else "http"),
        "other-port": None
        if loopback and native
        else _with(registered, netloc=f"{p.netloc.rsplit(':', 1)[0] if p.port else p.netloc}:{_other_port(p)}"),
    }[variant]


def _other_port(parts) -> int:
    port = parts.port or (443 if parts.scheme == "https" else 80)
    return port + 1 if port < 65535 else port - 1


VARIANTS = (
    "other-host",
    "host-suffix",
    "userinfo",
    "extra-path-segment",
    "path-suffix",
    "path-traversal",
    "trailing-slash",
    "extra-query",
    "fragment",
    "scheme",
    "other-port",
)


def sent_to_bad_uri(landing, bad: str) -> str | None:
    """Why the landing counts as following the bad redirect URI, or None."""
    if landing.location is None:
        return None
    if urlsplit(landing.location).hostname and ATTACKER in urlsplit(landing.location).hostname:
        return f"the user agent was sent to {ATTACKER}"
    if "code" in landing.params:
        return "a code was issued for the unregistered redirect URI"
    bad_query = dict(parse_qsl(urlsplit(bad).query))
    if same_endpoint(landing.location, bad) and all(landing.params.get(k) == v for k, v in bad_query.items()):
        return f"the user agent was sent to the unregistered URI {bad}"
    if "#" in bad and landing.location.endswith(bad.split("#", 1)[1]):
        return "the user agent was sent to a redirect URI with a fragment"
    return None


def _assert_not_followed(code_client, driver, bad: str):
    request, landing = steps.authorize(code_client, driver, redirect_uri=bad, watch=bad)
    reason = sent_to_bad_uri(landing, bad)
    if reason:
        fail(reason)
    return landing


# RFC9700-4.1.3 MUST: exact string matching; RFC6749-4.1.2.1 MUST NOT redirect to an invalid URI.
@check("rfc9700-4.1.3-redirect-{variant}-not-followed", "RFC9700-4.1.3", variants={v: v for v in VARIANTS})
def check_variant(code_client, driver, variant):
    """A redirect URI altered by {variant} is not followed and gets no code."""
    config = code_client.config
    bad = variant_uri(config.redirect_uri, variant, config.is_native)
    if bad is None:
        why = " (the port of a native app's loopback URI may vary)" if variant == "other-port" else ""
        not_applicable(f"the {variant} variant does not apply to {config.redirect_uri}{why}")
    _assert_not_followed(code_client, driver, bad)


@check("rfc6749-4.1.2.1-mismatched-redirect-not-followed", "RFC6749-4.1.2.1")
def check_mismatched(code_client, driver):
    """An unregistered redirect URI on another site is never redirected to."""
    _assert_not_followed(code_client, driver, f"https://{ATTACKER}/callback")


@check("rfc6749-4.1.2.1-unknown-client-not-redirected", "RFC6749-4.1.2.1")
def check_unknown_client(code_client, driver):
    """A request with an unknown client_id is never redirected, not even to its redirect URI."""
    bad = f"https://{ATTACKER}/callback"
    request, landing = steps.authorize(
        code_client, driver, client_id="conformance-unknown-client", redirect_uri=bad, watch=bad
    )
    if landing.location is not None and (ATTACKER in landing.location or "code" in landing.params):
        fail("a request of an unknown client was redirected to its redirect URI")


# RFC6749-3.1.2.4 SHOULD: the resource owner is told (a page), not left with nothing.
@check("rfc6749-3.1.2.4-invalid-redirect-shown-to-user", "RFC6749-3.1.2.4", level="SHOULD")
def check_shown(code_client, driver):
    """For an unregistered redirect URI the user sees an error page (4xx) from the server."""
    landing = _assert_not_followed(code_client, driver, f"https://{ATTACKER}/callback")
    if landing.location is not None:
        not_applicable("the server sent the user back to the registered redirect URI instead")
    if landing.response is None or not 400 <= landing.response.status_code < 500:
        status = landing.response.status_code if landing.response is not None else None
        fail(f"the user was not shown an error: HTTP {status}")
