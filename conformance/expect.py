"""Assertions about HTTP responses, with messages that say what was on the wire.

Checks assert what is on the wire (status, `error`, headers, redirect target),
never the wording of an `error_description`.
"""

import json

import requests

from .outcomes import fail


def json_object(response: requests.Response):
    """The body as a JSON object, or None."""
    try:
        body = response.json()
    except (ValueError, json.JSONDecodeError):
        return None
    return body if isinstance(body, dict) else None


def describe(response: requests.Response) -> str:
    """'HTTP 400 error=invalid_request', 'HTTP 200 with an access token', 'HTTP 500 text/html'."""
    body = json_object(response)
    text = f"HTTP {response.status_code}"
    if response.is_redirect:
        return text + f" redirect to {response.headers.get('Location', '?').split('?')[0]}"
    if body is not None and "access_token" in body:
        return text + " with an access token"
    if body is not None and "error" in body:
        return text + f" error={body['error']}"
    if body is not None:
        return text + f" JSON with {', '.join(sorted(body)) or 'no members'}"
    return text + f" {response.headers.get('Content-Type', 'without Content-Type')}"


def issued_token(response: requests.Response) -> bool:
    body = json_object(response)
    return response.status_code == 200 and body is not None and "access_token" in body


def token(response: requests.Response) -> dict:
    """A successful token response (RFC 6749 §5.1): its body."""
    body = json_object(response)
    if response.status_code != 200 or body is None or "access_token" not in body:
        fail(f"expected HTTP 200 with an access token, got {describe(response)}")
    return body


def no_token(response: requests.Response, why: str) -> None:
    if issued_token(response):
        fail(f"{why}, but the server issued an access token (HTTP 200)")


def error(response: requests.Response, codes, statuses=(400,)) -> dict:
    """An RFC 6749 §5.2 error response with one of `codes` and one of `statuses`."""
    codes = (codes,) if isinstance(codes, str) else tuple(codes)
    statuses = (statuses,) if isinstance(statuses, int) else tuple(statuses)
    body = json_object(response)
    got = body.get("error") if body else None
    wanted = " or ".join(f"error={code}" for code in codes) + " with HTTP " + "/".join(map(str, statuses))
    if got not in codes or response.status_code not in statuses:
        fail(f"expected {wanted}, got {describe(response)}")
    return body


def unauthenticated(response: requests.Response, why: str) -> dict:
    """No token for a client that should have authenticated and did not: an error a
    server may reasonably name invalid_client, invalid_request or unauthorized_client
    (RFC 6749 §5.2), with 400 or 401."""
    no_token(response, why)
    return error(response, ("invalid_client", "invalid_request", "unauthorized_client"), (400, 401))


def refused(response: requests.Response, why: str) -> None:
    """Not a success: any 4xx (or an error body), never 2xx/5xx."""
    if issued_token(response) or not 400 <= response.status_code < 500:
        fail(f"{why}: expected a 4xx refusal, got {describe(response)}")


def header_has(response: requests.Response, name: str, token: str) -> bool:
    """Does the (comma-separated) header contain `token`, case-insensitively?"""
    values = [part.strip().lower() for part in response.headers.get(name, "").split(",")]
    return token.lower() in values
