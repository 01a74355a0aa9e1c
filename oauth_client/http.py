"""HTTP for the checks: a `requests.Session` that records every exchange.

A failed check is reported with the requests and responses that proved it, so
each exchange is kept (bodies cut to a few KiB) under the check that was
running; the reports mask them (`masking.Masker`) when they are written.

Two defaults differ from `requests`: redirects are never followed (a check
looks at the redirect itself), and every request has a timeout.
"""

from dataclasses import dataclass, field

import requests

BODY_LIMIT = 4096  # characters of a body kept for the report
DEFAULT_TIMEOUT = 10.0


@dataclass
class Exchange:
    method: str
    url: str
    request_headers: dict[str, str]
    request_body: str
    status: int | None = None
    response_headers: dict[str, str] = field(default_factory=dict)
    response_body: str = ""
    error: str | None = None  # the connection failed: no response

    def as_dict(self, masker) -> dict:
        return {
            "request": {
                "method": self.method,
                "url": masker.text(self.url),
                "headers": masker.headers(self.request_headers),
                "body": masker.text(self.request_body),
            },
            "response": None
            if self.status is None
            else {
                "status": self.status,
                "headers": masker.headers(self.response_headers),
                "body": masker.text(self.response_body),
            },
            "error": self.error,
        }


class Recorder:
    """Keeps the exchanges of the check now running."""

    def __init__(self):
        self.exchanges: list[Exchange] = []

    def start(self) -> None:
        self.exchanges = []

    def take(self) -> list[Exchange]:
        taken, self.exchanges = self.exchanges, []
        return taken

    def add(self, exchange: Exchange) -> None:
        self.exchanges.append(exchange)


def _text(body) -> str:
    if body is None:
        return ""
    if isinstance(body, bytes):
        body = body.decode("utf-8", "replace")
    if not isinstance(body, str):
        return "<streamed body>"
    return body if len(body) <= BODY_LIMIT else body[:BODY_LIMIT] + f"\n… ({len(body)} characters in all)"


class RecordingSession(requests.Session):
    def __init__(self, recorder: Recorder | None = None, timeout: float = DEFAULT_TIMEOUT, user_agent: str = ""):
        super().__init__()
        self.recorder = recorder
        self.timeout = timeout
        self.headers["User-Agent"] = user_agent or "oauth-conformance"

    def request(self, method, url, **kwargs):
        kwargs.setdefault("timeout", self.timeout)
        kwargs.setdefault("allow_redirects", False)
        return super().request(method, url, **kwargs)

    def get(self, url, **kwargs):
        """requests' own `get` passes allow_redirects=True before `request` sees it;
        here a redirect is never followed unless the caller asks (it is what is checked)."""
        kwargs.setdefault("allow_redirects", False)
        return self.request("GET", url, **kwargs)

    def send(self, request, **kwargs):
        exchange = Exchange(request.method, request.url, dict(request.headers), _text(request.body))
        if self.recorder is not None:
            self.recorder.add(exchange)
        try:
            response = super().send(request, **kwargs)
        except requests.RequestException as error:
            exchange.error = f"{type(error).__name__}: {error}"
            raise
        exchange.status = response.status_code
        exchange.response_headers = dict(response.headers)
        exchange.response_body = _text(response.content)
        return response
