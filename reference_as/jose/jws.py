"""JWS Compact Serialization (RFC 7515 §7.1): BASE64URL(header) '.' BASE64URL(payload) '.' BASE64URL(signature).

Only what an authorization server signs with: a JSON object payload, a
protected header, one signature. Verification of incoming tokens (with its
algorithm allow-list) builds on `decode_unverified` and `Algorithm.verify`.

Whatever a client sends is bounded before it is parsed (RFC 8725 §3.1 asks
verifiers to treat every input as hostile; RFC 7159 §9 lets a parser limit
nesting): at most MAX_TOKEN_LENGTH characters, and JSON nested at most
MAX_DEPTH deep, checked on the text before `json.loads` sees it, so no token
can exhaust the parser's recursion or the memory of the worker.
"""

import base64
import json
import re

from .algorithms import Algorithm

MAX_TOKEN_LENGTH = 16 * 1024  # characters; our access tokens are under 1,000
MAX_DEPTH = 32  # arrays and objects inside one another; ours nest 2 deep
_STRUCTURAL = re.compile(r'[\[\]{}"\\]')  # what the depth count looks at


def b64url(data: bytes) -> str:
    """RFC 7515 §2: base64url without padding."""
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def b64url_decode(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _json(value: dict) -> bytes:
    return json.dumps(value, separators=(",", ":")).encode()


def sign(header: dict, payload: dict, algorithm: Algorithm, private_key) -> str:
    """RFC 7515 §5.1: the signature covers ASCII(BASE64URL(header) '.' BASE64URL(payload))."""
    signing_input = b64url(_json(header)) + "." + b64url(_json(payload))
    return signing_input + "." + b64url(algorithm.sign(private_key, signing_input.encode("ascii")))


def decode_unverified(token: str) -> tuple[dict, dict, bytes, bytes]:
    """Split a compact JWS into (header, payload, signing input, signature).

    Raises ValueError for anything that is not three base64url parts with JSON
    objects in the first two. Nothing here is trusted until the signature is
    checked by the caller.
    """
    if len(token) > MAX_TOKEN_LENGTH:
        raise ValueError(f"a JWS of more than {MAX_TOKEN_LENGTH} characters is not parsed")
    parts = token.split(".")
    if len(parts) != 3:
        raise ValueError("a compact JWS has three parts")
    header, payload = (_bounded_json(b64url_decode(part)) for part in parts[:2])
    if not isinstance(header, dict) or not isinstance(payload, dict):
        raise ValueError("header and payload must be JSON objects")
    return header, payload, (parts[0] + "." + parts[1]).encode("ascii"), b64url_decode(parts[2])


def _bounded_json(data: bytes):
    """`json.loads`, once the text is known to nest at most MAX_DEPTH deep. Raises ValueError otherwise."""
    text = data.decode("utf-8")
    # Fewer brackets than the limit cannot nest deeper: the usual case costs two counts.
    if text.count("[") + text.count("{") > MAX_DEPTH and _depth(text) > MAX_DEPTH:
        raise ValueError(f"JSON nested more than {MAX_DEPTH} deep is not parsed")
    return json.loads(text)


def _depth(text: str) -> int:
    """How deep arrays and objects nest in `text` (brackets inside strings do not count),
    in one pass over the structural characters only."""
    depth = deepest = 0
    in_string, escaped_at = False, -1
    for match in _STRUCTURAL.finditer(text):
        char, at = match[0], match.start()
        if at == escaped_at:
            continue
        if in_string:
            if char == "\\":
                escaped_at = at + 1
            elif char == '"':
                in_string = False
        elif char == '"':
            in_string = True
        elif char in "[{":
            depth += 1
            deepest = max(deepest, depth)
        elif char in "]}":
            depth -= 1
    return deepest
