"""A WSGI app (PEP 3333) served through Granian's RSGI interface, whole requests only.

Why not Granian's own WSGI interface: it calls the app as soon as a request's
headers have arrived and streams the body to it, so `wsgi.input.read()` holds
one of the worker's Python threads for as long as the client takes to send the
body, and Granian has no body timeout. Four clients sending a byte every few
seconds held every thread of a two-worker server (issue 17). Under RSGI the
body is awaited on the worker's event loop, where a waiting request costs a
timer and no thread. So, for each request:

1. the body is read whole on the event loop, at most `max_body_bytes` of it,
   within `body_timeout` seconds. A slower client is answered 408 and its
   connection closed (RFC 9110 §15.5.9: the server "did not receive a complete
   request message within the time that it was prepared to wait"). A body
   declared larger than the limit is not read: the app sees its Content-Length
   and refuses it (`form.read_pairs`); a chunked one is cut one byte over the
   limit, which the app refuses too;
2. only then is the app called, with the body in memory (`wsgi.input` is a
   BytesIO): on the event loop's own thread, or, for the few requests that
   `runs_long` names (a sign-in's scrypt, ~0.1 s of CPU), on the worker's
   sign-in threads, so that the protocol endpoints are not held up behind them.
   At most `long_queue` of those wait for a thread; one more is answered 503
   with Retry-After (RFC 9110 §15.6.4).

Why the app runs on the event loop's thread and not on a pool of threads:
handing each request to another thread and back costs more than it is worth
here (the interpreter lock passes between the loop, the pool and Granian's own
thread each time). Measured with bench/'s harness, 2 workers, against Granian's
WSGI interface: a pool of two threads per worker added ~65 µs of CPU to a
hello-world request and 120-200 µs to a client credentials token request; the
loop's thread, ~15 µs to a GET and ~35 µs to a POST (whose body is awaited)
under asyncio's own event loop, less under uvloop's (serve.py). What it costs
instead: a request that waits (for SQLite's write lock, say) holds up the other
requests of its worker meanwhile; the token requests that write (a code
exchange, a refresh) cost ~100 µs more CPU than under the WSGI interface.

What it leaves to Granian: reading the headers (their timeout, which also
closes idle keep-alive connections, is set in serve.py) and everything below HTTP.
"""

import asyncio
import io
import sys
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

from granian.rsgi import ProtocolClosed, ProtocolError

Answer = tuple[int, list[tuple[str, str]], bytes]  # status, headers, body

# The parts of the environ that are the same for every request (PEP 3333, "environ Variables").
BASE_ENVIRON = {
    "SCRIPT_NAME": "",
    "wsgi.version": (1, 0),
    "wsgi.errors": sys.stderr,
    "wsgi.multithread": True,
    "wsgi.multiprocess": True,
    "wsgi.run_once": False,
    "wsgi.input_terminated": True,
}
SPECIAL_HEADERS = {"content-type": "CONTENT_TYPE", "content-length": "CONTENT_LENGTH"}


def _host_and_port(endpoint: str) -> tuple[str, str]:
    """ "127.0.0.1:8000" or "[::1]:8000" as (host, port)."""
    host, _, port = endpoint.rpartition(":")
    return host.strip("[]"), port


def _wsgi_string(text: str) -> str:
    """PEP 3333: an environ string holds the request's bytes, one character per byte
    (latin-1). Granian's RSGI scope gives the path decoded as UTF-8: encoded back."""
    return text if text.isascii() else text.encode("utf-8").decode("latin-1")


def environ_of(scope, headers, body: bytes) -> dict:
    """The WSGI environ of an RSGI request whose body has been read."""
    server_name, server_port = _host_and_port(scope.server)
    environ = {
        **BASE_ENVIRON,
        "REQUEST_METHOD": scope.method,
        "PATH_INFO": _wsgi_string(scope.path),
        "QUERY_STRING": _wsgi_string(scope.query_string),
        "SERVER_NAME": server_name,
        "SERVER_PORT": server_port,
        "SERVER_PROTOCOL": "HTTP/1.0" if scope.http_version == "1" else "HTTP/" + scope.http_version,
        "REMOTE_ADDR": _host_and_port(scope.client)[0],
        "wsgi.url_scheme": scope.scheme,
        "wsgi.input": io.BytesIO(body),
    }
    for name, value in headers.items():
        key = SPECIAL_HEADERS.get(name) or "HTTP_" + name.upper().replace("-", "_")
        if key in environ:  # a repeated field: RFC 9110 §5.3 joins with commas (cookies: RFC 6265 §5.4)
            environ[key] += ("; " if key == "HTTP_COOKIE" else ", ") + value
        else:
            environ[key] = value
    if "HTTP_HOST" not in environ and scope.authority:
        environ["HTTP_HOST"] = scope.authority
    return environ


def never(environ: dict) -> bool:
    """For an app none of whose requests runs long."""
    return False


def call_app(app: Callable, environ: dict) -> Answer:
    """Run the WSGI app once and collect its whole answer."""
    started = []
    chunks = app(environ, lambda status, headers, exc_info=None: started.extend((int(status[:3]), headers)))
    try:
        body = b"".join(chunks)
    finally:
        if hasattr(chunks, "close"):
            chunks.close()
    return started[0], started[1], body


async def read_body(protocol, headers, max_bytes: int) -> bytes:
    """The body, at most `max_bytes` + 1 bytes of it (one over tells the app it is too long)."""
    length = headers.get("content-length")
    if length is not None:
        if not length.isdigit() or int(length) > max_bytes or length == "0":
            return b""  # nothing to read, or refused by the app for its Content-Length unread
        return await protocol()  # no more than Content-Length: Granian stops there
    chunks, size = [], 0
    async for chunk in protocol:  # RFC 9112 §7.1: chunked, of a length not said beforehand
        chunks.append(chunk)
        size += len(chunk)
        if size > max_bytes:
            break
    return b"".join(chunks)[: max_bytes + 1]


class RSGIBridge:
    """The RSGI application Granian runs in each worker: `__rsgi__` for each request."""

    def __init__(
        self,
        app: Callable,
        body_timeout: float,
        max_body_bytes: int,
        too_slow: Answer,
        runs_long: Callable[[dict], bool],
        long_threads: int,
        long_queue: int,
        busy: Answer,
    ):
        self.app = app
        self.body_timeout = body_timeout
        self.max_body_bytes = max_body_bytes
        self.too_slow = (too_slow[0], [*too_slow[1], ("connection", "close")], too_slow[2])
        self.runs_long = runs_long
        self.long_threads = long_threads
        self.long_limit = long_threads + long_queue
        self.busy = busy
        self.long_running = 0  # requests on, or waiting for, the sign-in threads (touched by the loop only)
        self.threads: ThreadPoolExecutor | None = None

    def __rsgi_init__(self, loop) -> None:
        """In each worker, before it serves (threads do not survive a fork)."""
        self.threads = ThreadPoolExecutor(self.long_threads, thread_name_prefix="reference-as-sign-in")

    def __rsgi_del__(self, loop) -> None:
        self.threads.shutdown(wait=True, cancel_futures=True)

    async def __rsgi__(self, scope, protocol) -> None:
        headers = scope.headers  # a copy each time it is asked for
        body = b""
        if "content-length" in headers or "transfer-encoding" in headers:  # RFC 9112 §6.3: else no body
            try:
                async with asyncio.timeout(self.body_timeout):
                    body = await read_body(protocol, headers, self.max_body_bytes)
            except TimeoutError:
                protocol.response_bytes(*self.too_slow)
                return
            except (ProtocolClosed, ProtocolError):
                return  # the client went away: nobody to answer
        environ = environ_of(scope, headers, body)
        if self.runs_long(environ):
            answer = await self._run_long(environ)
        else:
            answer = call_app(self.app, environ)
        protocol.response_bytes(*answer)

    async def _run_long(self, environ: dict) -> Answer:
        if self.long_running >= self.long_limit:
            return self.busy
        self.long_running += 1
        try:
            return await asyncio.get_running_loop().run_in_executor(self.threads, call_app, self.app, environ)
        finally:
            self.long_running -= 1
