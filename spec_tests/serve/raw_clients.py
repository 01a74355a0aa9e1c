"""Clients that misbehave at the socket level, for the serving tests: connections
that send a request's head and then its body a byte at a time, or nothing at all.
Each is a plain socket on loopback; every wait is bounded."""

import resource
import socket
import threading
import time
from contextlib import contextmanager

import requests

from reference_as.serve import allow_open_files

from .forms import TIMEOUT

TOKEN_HEAD = (
    b"POST /oauth2/token HTTP/1.1\r\nHost: 127.0.0.1\r\n"
    b"Content-Type: application/x-www-form-urlencoded\r\nContent-Length: 1000\r\n\r\n"
)


def enough_files(count: int) -> None:
    """This process opens `count` sockets: make sure it may (the soft limit is often 1024)."""
    allow_open_files(count + 256)
    assert resource.getrlimit(resource.RLIMIT_NOFILE)[0] >= count + 256, "cannot open enough sockets here"


def connect(port: int) -> socket.socket:
    return socket.create_connection(("127.0.0.1", port), timeout=TIMEOUT)


@contextmanager
def trickling(port: int, count: int, every: float = 1.0):
    """`count` connections that each send a token request's head promising 1,000 bytes of
    body, then one byte every `every` seconds until the block ends (or the server closes)."""
    sockets = [connect(port) for _ in range(count)]
    for sock in sockets:
        sock.sendall(TOKEN_HEAD)
    stop = threading.Event()

    def trickle():
        while not stop.wait(every):
            for sock in sockets:
                try:
                    sock.send(b"a")
                except OSError:
                    pass  # closed by the server: what it should do sooner or later

    thread = threading.Thread(target=trickle, daemon=True)
    thread.start()
    try:
        yield sockets
    finally:
        stop.set()
        thread.join(timeout=5)
        for sock in sockets:
            sock.close()


def closed_by_server(sock: socket.socket, within: float) -> bool:
    """Whether the server closes `sock` (after whatever it answers) within `within` seconds."""
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        sock.settimeout(max(0.05, deadline - time.monotonic()))
        try:
            if sock.recv(65536) == b"":
                return True
        except TimeoutError:
            return False
        except OSError:
            return True  # reset: closed too
    return False


def answered(url: str, **kwargs) -> requests.Response:
    """One request on a fresh connection (no pool shared with other tests)."""
    with requests.Session() as session:
        session.trust_env = False
        return session.request(kwargs.pop("method", "GET"), url, timeout=TIMEOUT, **kwargs)
