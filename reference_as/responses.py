"""JSON responses, the only kind the protocol endpoints send."""

from webob import Response

# RFC 6749 §5.1: token responses MUST carry these; we send them on every error too.
NO_STORE = {"Cache-Control": "no-store", "Pragma": "no-cache"}


def json_response(body: bytes, status: int = 200, headers: dict | None = None) -> Response:
    response = Response(body=body, status=status, content_type="application/json", charset=None)
    response.headers.update(headers or {})
    return response
