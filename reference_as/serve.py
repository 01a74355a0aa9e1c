"""Serving a WSGI app with Granian, a production HTTP server written in Rust.

Why Granian: HTTP parsing, keep-alive and the sockets are handled in Rust, so
the Python interpreter spends its time on OAuth, not on HTTP. Measured on the
same 2-core machine, the same client credentials token request, 2 workers
(bench/experiments/wsgi_servers.py): a hello-world app costs gunicorn ~220 µs of
CPU per request and Granian ~35 µs; our token endpoint answers ~35 % more
requests a second under Granian than under gunicorn's threaded workers.

The app is built once in the parent process (signing key made or loaded,
oauthlib's endpoints constructed, metadata rendered) and inherited by each
worker process through fork; the store's connection is closed before the fork
so that each worker opens its own (an SQLite connection must not cross a fork).

What a client cannot do to the server (issue 17), and where it is held:
- send a body slowly or not at all: each request reaches the app only once its
  whole body is in, within `body_timeout` (rsgi_bridge.py, which is why Granian
  runs it through its RSGI interface and not its WSGI one);
- keep connections open without sending a request: HTTP/1 only, so that
  Granian's `header_read_timeout` (`header_timeout`) runs from the moment a
  connection opens or falls idle (hyper starts it at once for HTTP/1; with
  HTTP/2 offered too, it would not run until the client's first bytes);
- take every connection a worker accepts: `max_connections` in all;
- hold up the protocol endpoints with sign-ins: their scrypt runs on threads of
  their own (`SIGN_IN_THREADS`, at most `SIGN_IN_QUEUE` waiting).
Each worker's event loop is uvloop's (libuv, in C): with asyncio's own, written
in Python, a served client credentials request cost ~50-250 µs more CPU than
under Granian's WSGI interface; with uvloop, 0-30 µs more (549, 581, 582, 628 µs
against 543, 580, 553 in alternating runs of the bench harness on a shared machine).
And what the server does when a worker dies or is told to stop: a dead worker
is replaced (`respawn_failed_workers`); on SIGINT or SIGTERM each worker stops
taking connections, finishes what it has (a body still arriving has at most
`body_timeout` left) and is killed if it has not ended `SHUTDOWN_SECONDS` later.

Access logging is off unless asked for, and then logs the path without the
query string, so no parameter (a secret sent where it should not be) reaches a log.
"""

import errno
import gc
import ipaddress
import multiprocessing
import resource
import socket
from collections.abc import Callable

from granian.constants import HTTPModes, Interfaces, Loops, RuntimeModes
from granian.http import HTTP1Settings
from granian.log import LogLevels
from granian.server import Server

from .clock import Clock
from .config import Settings
from .errors import OAuthError, render
from .purge import start_periodic
from .rsgi_bridge import Answer, RSGIBridge, never
from .store import Store

# Granian's %(path)s is the path without its query string.
ACCESS_LOG_FORMAT = '%(addr)s "%(method)s %(path)s" %(status)d %(dt_ms).1fms'
# scrypt needs 128 MiB and ~0.1 s of a core per sign-in (policy/passwords.py): one at
# a time per worker, a few more waiting (each waits ~0.1 s per sign-in before it).
SIGN_IN_THREADS, SIGN_IN_QUEUE = 1, 8
# A worker that has not ended this long after SIGINT or SIGTERM is killed.
SHUTDOWN_SECONDS = 5
# File descriptors a worker needs besides its connections (store, logs, pipes).
SPARE_FILES = 64


class ServeError(Exception):
    """The server cannot start; the message, one line, says why."""


def reserve_port(host: str, port: int) -> socket.socket:
    """A socket bound to (host, port), or ServeError if another one is.

    Granian's workers each bind the port with SO_REUSEPORT, and Linux lets any
    socket of the same user that sets it too bind beside them: a second server
    started on the port would silently get half of the connections. This socket
    binds without SO_REUSEPORT, which fails if anything at all holds the port,
    and sets it afterwards, so that our workers can bind beside it and a later
    server's check fails on it. It never listens; keep it open while serving."""
    if not 1 <= port <= 65535:
        raise ServeError(f"port {port} is not a TCP port (1-65535)")
    try:
        family = socket.AF_INET6 if ipaddress.ip_address(host).version == 6 else socket.AF_INET
    except ValueError:
        raise ServeError(f"host {host!r} is not an IP address") from None
    holder = socket.socket(family, socket.SOCK_STREAM)
    holder.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # a closed server's TIME_WAITs do not count
    try:
        holder.bind((host, port))
    except OSError as error:
        holder.close()
        if error.errno == errno.EADDRINUSE:
            raise ServeError(f"port {port} on {host} is in use by another program (or another server)") from None
        raise ServeError(f"cannot listen on {host}:{port}: {error.strerror}") from None
    holder.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    return holder


def allow_open_files(count: int) -> None:
    """Raise this process's soft limit of open files towards `count`, as far as the
    hard limit allows (workers inherit it): each connection is a file."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    wanted = count if hard == resource.RLIM_INFINITY else min(count, hard)
    if soft != resource.RLIM_INFINITY and soft < wanted:
        resource.setrlimit(resource.RLIMIT_NOFILE, (wanted, hard))


def answer(error: OAuthError) -> Answer:
    """An error response, rendered once (errors.render) for the bridge to send as it is."""
    response = render(error)
    return response.status_code, list(response.headerlist), response.body


def serve_wsgi(
    app,
    host: str,
    port: int,
    workers: int,
    settings: Settings,
    banner: str = "",
    access_log: bool = False,
    on_worker_start: Callable[[], None] | None = None,
    runs_long: Callable[[dict], bool] = never,
    log_level: LogLevels = LogLevels.info,
) -> None:
    """Serve `app` until SIGINT or SIGTERM, with the limits of `settings`; `banner`
    is printed once the port is ours (ServeError before it if it is not);
    `on_worker_start` runs in each worker before it serves; requests for which
    `runs_long(environ)` is true run on the sign-in threads."""
    holder = reserve_port(host, port)
    if banner:
        print(banner, flush=True)
    per_worker = max(1, settings.max_connections // workers)
    allow_open_files(per_worker + SPARE_FILES)
    bridge = RSGIBridge(
        app,
        body_timeout=settings.body_timeout,
        max_body_bytes=settings.max_body_bytes,
        too_slow=answer(
            OAuthError(
                "invalid_request", f"The request body did not arrive within {settings.body_timeout} s.", status=408
            )
        ),
        runs_long=runs_long,
        long_threads=SIGN_IN_THREADS,
        long_queue=SIGN_IN_QUEUE,
        busy=answer(
            OAuthError("temporarily_unavailable", "Too many sign-ins at once: try again.", headers={"Retry-After": "1"})
        ),
    )

    def load_app(target: str):
        if on_worker_start:
            on_worker_start()
        return bridge

    # The workers inherit `app` through fork (Granian starts them with the default
    # start method, which must therefore be fork: the app is not picklable).
    multiprocessing.set_start_method("fork", force=True)
    # Everything made so far (modules, the app, oauthlib's endpoints) lives as long as
    # the process. Frozen, it is never scanned by the workers' full garbage collections
    # (one every 10,000-25,000 requests): their pause falls from ~10-15 ms, which every
    # request in the worker waits out, to under 1 ms (bench/experiments/gc_pauses.py).
    # Python's gc.freeze() documentation advises it before a fork.
    gc.freeze()
    try:
        Server(
            "reference_as",  # a label only: load_app gives the app itself
            address=host,
            port=port,
            interface=Interfaces.RSGI,
            workers=workers,
            # One Rust thread per worker for the sockets: with N workers on N cores,
            # more would only compete with the Python thread.
            runtime_mode=RuntimeModes.st,
            loop=Loops.uvloop,
            http=HTTPModes.http1,
            http1_settings=HTTP1Settings(header_read_timeout=settings.header_timeout * 1000),
            backpressure=per_worker,
            websockets=False,
            respawn_failed_workers=True,
            workers_kill_timeout=SHUTDOWN_SECONDS,
            log_level=log_level,
            log_access=access_log,
            log_access_format=ACCESS_LOG_FORMAT,
        ).serve(target_loader=load_app)
    finally:
        holder.close()


def run(
    app,
    store: Store,
    settings: Settings,
    clock: Clock,
    access_log: bool,
    runs_long: Callable[[dict], bool] = never,
) -> None:
    """`reference-as serve`: the authorization server, each worker purging expired rows
    now and then (see purge.py); `runs_long` as for serve_wsgi (app.App.runs_long)."""
    store.close()
    serve_wsgi(
        app,
        settings.host,
        settings.port,
        settings.workers,
        settings,
        banner=f"reference-as: issuer {settings.issuer}, serving on http://{settings.host}:{settings.port}",
        access_log=access_log,
        on_worker_start=lambda: start_periodic(store, settings, clock),
        runs_long=runs_long,
    )
