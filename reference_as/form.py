"""Reading an OAuth request body: `application/x-www-form-urlencoded`, carefully.

RFC 6749 §3.2 (and §4.1.3, §4.4.2, RFC 7009 §2.1, RFC 7662 §2.1): parameters
come in the body, form-encoded, UTF-8 (Appendix B).
- RFC6749-3.2 MUST NOT: a parameter included more than once: refused.
- RFC6749-3.2 MUST: a parameter sent without a value is treated as omitted.
- RFC6749-2.3.1 MUST NOT: credentials in the request URI: the endpoints that
  read a body take no query parameters at all.
Anything else that is off (a body over the size limit, another content type,
bytes that are not UTF-8) is `invalid_request` with a sentence saying what,
never a 500.
"""

from urllib.parse import parse_qsl

from webob import Request

from .errors import OAuthError

FORM = "application/x-www-form-urlencoded"
MAX_FIELDS = 100


def check_query(request: Request) -> None:
    """Parse the query string (webob keeps the result for `request.GET`), or
    OAuthError `invalid_request` when its percent-encoding is not UTF-8 (RFC 6749
    Appendix B): the client's mistake, answered 400, never a 500 wherever it is read."""
    try:
        request.GET  # noqa: B018 - parsing is the check; webob keeps the result
    except UnicodeDecodeError:
        raise OAuthError("invalid_request", "The query string is not valid UTF-8.") from None


def read_form(request: Request, max_bytes: int) -> dict[str, str]:
    """The body parameters of a POST, or OAuthError `invalid_request`."""
    return unique(read_pairs(request, max_bytes))


def read_form_and_repeats(request: Request, max_bytes: int, repeatable: str) -> tuple[dict[str, str], list[str]]:
    """`read_form`, but the parameter `repeatable` may come several times (RFC 8707 §2's
    `resource`): (the other parameters, its non-empty values in order)."""
    pairs = read_pairs(request, max_bytes)
    values = [value for name, value in pairs if name == repeatable and value]
    return unique([(name, value) for name, value in pairs if name != repeatable]), values


def unique(pairs: list[tuple[str, str]]) -> dict[str, str]:
    """RFC6749-3.2 MUST NOT (a repeated parameter: `invalid_request`) and MUST (one
    without a value is omitted): the parameters as a dict."""
    params: dict[str, str] = {}
    seen: set[str] = set()
    for name, value in pairs:
        if name in seen:
            raise OAuthError("invalid_request", f"The parameter {name!r} is repeated.")
        seen.add(name)
        if value:
            params[name] = value
    return params


def read_pairs(request: Request, max_bytes: int) -> list[tuple[str, str]]:
    """Every (name, value) of a form body in order, repeats kept: for the admin
    forms, whose checkboxes repeat a name. The same checks as `read_form`."""
    if request.query_string:
        raise OAuthError(
            "invalid_request", "Parameters go in the request body; this endpoint takes no query parameters."
        )
    if request.content_type != FORM:
        raise OAuthError("invalid_request", f"The body must be {FORM}.")
    charset = request.headers.get("Content-Type", "").lower().partition("charset=")[2].strip(' "')
    if charset and charset not in ("utf-8", "utf8"):
        raise OAuthError("invalid_request", "The body must be UTF-8.")
    if request.content_length is not None and request.content_length > max_bytes:
        raise OAuthError("invalid_request", f"The body is larger than {max_bytes} bytes.")
    raw = request.body_file.read(max_bytes + 1)
    if len(raw) > max_bytes:
        raise OAuthError("invalid_request", f"The body is larger than {max_bytes} bytes.")
    try:
        pairs = parse_qsl(raw.decode("utf-8"), keep_blank_values=True, errors="strict", max_num_fields=MAX_FIELDS)
    except UnicodeDecodeError:
        raise OAuthError("invalid_request", "The body is not valid form encoding of UTF-8 text.") from None
    except ValueError:
        raise OAuthError("invalid_request", f"The body has more than {MAX_FIELDS} parameters.") from None
    return pairs
