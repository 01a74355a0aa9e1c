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
Each worker runs the app on THREADS Python threads: two, so that a slow
request (a password check costs ~0.1 s of scrypt, a write may wait for
SQLite's lock) does not hold up the others, and no more, because every extra
thread adds hand-overs of the interpreter lock (2 threads answered ~10 % more
token requests than 4, in 4 alternating runs of each; 1 left the cores idle
while a write waited for the lock).

Access logging is off unless asked for, and then logs the path without the
query string, so no parameter (a secret sent where it should not be) reaches a log.
"""

import gc
import multiprocessing
from collections.abc import Callable

from granian.constants import Interfaces, RuntimeModes
from granian.log import LogLevels
from granian.server import Server

from .clock import Clock
from .config import Settings
from .purge import start_periodic
from .store import Store

# Granian's %(path)s is the path without its query string.
ACCESS_LOG_FORMAT = '%(addr)s "%(method)s %(path)s" %(status)d %(dt_ms).1fms'
THREADS = 2


def serve_wsgi(
    app,
    host: str,
    port: int,
    workers: int,
    access_log: bool = False,
    on_worker_start: Callable[[], None] | None = None,
    log_level: LogLevels = LogLevels.info,
) -> None:
    """Serve `app` until interrupted; `on_worker_start` runs in each worker before it serves."""

    def load_app(target: str):
        if on_worker_start:
            on_worker_start()
        return app

    # The workers inherit `app` through fork (Granian starts them with the default
    # start method, which must therefore be fork: the app is not picklable).
    multiprocessing.set_start_method("fork", force=True)
    # Everything made so far (modules, the app, oauthlib's endpoints) lives as long as
    # the process. Frozen, it is never scanned by the workers' full garbage collections
    # (one every 10,000-25,000 requests): their pause falls from ~10-15 ms, which every
    # request in the worker waits out, to under 1 ms (bench/experiments/gc_pauses.py).
    # Python's gc.freeze() documentation advises it before a fork.
    gc.freeze()
    Server(
        "reference_as",  # a label only: load_app gives the app itself
        address=host,
        port=port,
        interface=Interfaces.WSGI,
        workers=workers,
        blocking_threads=THREADS,
        # One Rust thread per worker for the sockets: with N workers on N cores,
        # more would only compete with the Python threads.
        runtime_mode=RuntimeModes.st,
        websockets=False,
        log_level=log_level,
        log_access=access_log,
        log_access_format=ACCESS_LOG_FORMAT,
    ).serve(target_loader=load_app)


def run(app, store: Store, settings: Settings, clock: Clock, access_log: bool) -> None:
    """`reference-as serve`: the authorization server, each worker purging expired rows
    now and then (see purge.py)."""
    store.close()
    serve_wsgi(
        app,
        settings.host,
        settings.port,
        settings.workers,
        access_log=access_log,
        on_worker_start=lambda: start_periodic(store, settings, clock),
    )
