"""The shape shared by the endpoints a client POSTs a form to (token, revocation,
introspection): read the form carefully (`form.read_form`), hand it to
oauthlib, render its errors through `errors.render`, and answer JSON that no
cache may keep."""

from webob import Request, Response

from ..errors import from_oauthlib
from ..form import read_form
from ..responses import NO_STORE, json_response


def call_oauthlib(request: Request, params: dict[str, str], create_response, **extra) -> Response:
    """`create_response` is one of oauthlib's `create_*_response` methods; `extra`, more
    keyword arguments for it."""
    authorization = request.headers.get("Authorization")
    headers = {"Authorization": authorization} if authorization else {}
    # The URI goes without its query: read_form has refused any.
    _, body, status = create_response(
        request.path_url, http_method="POST", body=list(params.items()), headers=headers, **extra
    )
    if status != 200:
        raise from_oauthlib(body)
    return json_response((body or "").encode(), headers=NO_STORE)


class FormEndpoint:
    """An endpoint that is nothing but a form handed to oauthlib (revocation, introspection)."""

    def __init__(self, create_response, max_body_bytes: int):
        self.create_response = create_response
        self.max_body_bytes = max_body_bytes

    def __call__(self, request: Request) -> Response:
        return call_oauthlib(request, read_form(request, self.max_body_bytes), self.create_response)
