"""How the server misbehaves on purpose for a client under check (`scenarios.py` says when).

Each trap falsifies one successful authorization response (RFC 6749 §4.1.2), the code
in it left valid, as an attacker would hand it over:
- `iss` (RFC 9207 §2.4): the response names another issuer, as in a mix-up attack; a
  client MUST then reject it and MUST NOT redeem the code.
- `state` (RFC 6749 §10.12): the response's state is not the one the client sent, as
  in a forged callback; a client MUST then refuse it (seed 000: "Invalid OAuth state").
And one resource answer:
- `401` (seed 000): a valid access token refused once with `invalid_token` (RFC 6750
  §3.1), as after a key rotation or a revocation the client could not know of; the
  client should refresh and retry once.
And every token response:
- `short`: `expires_in` (RFC 6749 §5.1) announced as SHORT_LIFE seconds at most, and a
  token used past that announced life refused with `invalid_token` (the token itself
  lives as long as ever; the trap is the resource's): the client should refresh before.
"""

import json
import secrets
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from ..errors import OAuthError, bearer_challenge, render
from .scenarios import AUTHORIZATION_TRAPS, ISS, STATE, TRAPS

FOREIGN_ISSUER = "https://another-issuer.example"
SHORT_LIFE = 90  # seconds: longer than a client's refresh margin (oauth_client: 60 s), far shorter than an hour


def next_trap(scenario: str, sprung: int, has_state: bool) -> str | None:
    """The trap for the next code response, once `sprung` traps have been; the state trap
    waits for a request that sent a state (without one there is nothing to change)."""
    traps = [trap for trap in TRAPS[scenario] if trap in AUTHORIZATION_TRAPS]
    if sprung >= len(traps):
        return None
    trap = traps[sprung]
    return None if trap == STATE and not has_state else trap


def spring(trap: str, location: str) -> str:
    """The redirect `location` with the trap's parameter replaced."""
    name, value = (ISS, FOREIGN_ISSUER) if trap == ISS else ("state", secrets.token_urlsafe(24))
    parts = urlsplit(location)
    query = [(k, value if k == name else v) for k, v in parse_qsl(parts.query, keep_blank_values=True)]
    return urlunsplit(parts._replace(query=urlencode(query)))


def refused(realm: str, why: str):
    """The 401 of the `401` and `short` traps, as the resource answers an invalid token (RFC 6750 §3.1)."""
    error = OAuthError("invalid_token", why)
    response = render(error)
    response.headers["WWW-Authenticate"] = bearer_challenge(realm, error)
    return response


def shorten(response) -> int:
    """The `short` trap on a successful token response: its `expires_in` cut to SHORT_LIFE; the life announced."""
    body = json.loads(response.body)
    body["expires_in"] = min(int(body.get("expires_in", SHORT_LIFE)), SHORT_LIFE)
    response.body = json.dumps(body).encode()
    return body["expires_in"]
