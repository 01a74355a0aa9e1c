"""A `requests` transport that hands each request to a WSGI app in the same process.

Mounted on a session (`session.mount("http://127.0.0.1:8000/", WSGIAdapter(app))`),
it lets the OAuth client talk to the reference server without a socket: the
docs generator runs its flows this way (no port to find, a fixed issuer, a
fixed clock), and so do the tests that move time. The app sees an ordinary
WSGI request; the client gets an ordinary `requests.Response`.
"""

import io

import requests
from requests.adapters import BaseAdapter
from requests.structures import CaseInsensitiveDict
from webob import Request


class WSGIAdapter(BaseAdapter):
    def __init__(self, app):
        super().__init__()
        self.app = app

    def send(self, request: requests.PreparedRequest, **kwargs) -> requests.Response:
        body = request.body or b""
        if isinstance(body, str):
            body = body.encode("utf-8")
        wsgi_request = Request.blank(request.url, method=request.method, body=body, headers=dict(request.headers))
        wsgi_response = wsgi_request.get_response(self.app)
        response = requests.Response()
        response.status_code = wsgi_response.status_int
        response.reason = wsgi_response.status.partition(" ")[2]
        response.headers = CaseInsensitiveDict(wsgi_response.headerlist)
        response._content = wsgi_response.body
        response._content_consumed = True
        response.raw = io.BytesIO(wsgi_response.body)
        response.encoding = wsgi_response.charset
        response.url = request.url
        response.request = request
        return response

    def close(self) -> None:
        pass
