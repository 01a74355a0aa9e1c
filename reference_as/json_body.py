"""Reading a JSON request body (RFC 7591 §3.1: registration requests are JSON), carefully.

The body must be `application/json`, UTF-8 (RFC 8259 §8.1), at most the size
limit, a JSON object (RFC 7591 §3.1: "a JSON document"), and not nested beyond
what the parser can take: each failure is an `OAuthError` with `error` the
caller chooses and a sentence saying what, never a 500.
"""

import json

from webob import Request

from .errors import OAuthError


def read_json_object(request: Request, max_bytes: int, error: str) -> dict:
    if request.query_string:
        raise OAuthError(error, "This endpoint takes no query parameters.")
    if request.content_type != "application/json":
        raise OAuthError(error, "The body must be application/json.")
    charset = request.headers.get("Content-Type", "").lower().partition("charset=")[2].strip(' "')
    if charset and charset not in ("utf-8", "utf8"):
        raise OAuthError(error, "The body must be UTF-8.")
    if request.content_length is not None and request.content_length > max_bytes:
        raise OAuthError(error, f"The body is larger than {max_bytes} bytes.")
    raw = request.body_file.read(max_bytes + 1)
    if len(raw) > max_bytes:
        raise OAuthError(error, f"The body is larger than {max_bytes} bytes.")
    try:
        document = json.loads(raw.decode("utf-8"))
    except UnicodeDecodeError:
        raise OAuthError(error, "The body is not UTF-8.") from None
    except (ValueError, RecursionError):  # RecursionError: arrays nested thousands deep
        raise OAuthError(error, "The body is not a JSON document.") from None
    if not isinstance(document, dict):
        raise OAuthError(error, "The body must be a JSON object.")
    return document
