"""Guarded outbound fetches: reading a JSON document at a URL someone else chose.

The server fetches what clients point it at (a Client ID Metadata Document;
later a client's `jwks_uri`). Such a URL may point anywhere, so every fetch
goes through `Fetcher.get`, which holds to the protections of the Client ID
Metadata Document draft (§ "Client Information Discovery", "Metadata
Caching", "Server Side Request Forgery (SSRF) Attacks", "Maximum Response
Size"):

- scheme: https only; http only to a loopback address, and only when
  `outbound_allow_loopback_http` is set (tests, local development);
- target: the host is resolved first, and refused if any address it has is
  special-use (RFC 6890: loopback, private, link-local, shared, reserved,
  multicast), unless `outbound_allow_private_addresses` is set, or the
  address is loopback and so is the address this server serves on (the
  draft's one exception). The connection goes to the address that was
  checked, so a second DNS answer cannot swap it (DNS rebinding);
- redirects: never followed; any status but 200 is an error ("MUST NOT
  automatically follow HTTP redirects");
- size: at most `outbound_max_bytes` (5 KiB, the draft's recommendation) are
  read; a longer answer is refused;
- time: the whole fetch, connecting and reading, within `outbound_timeout`
  seconds: a slow answer cannot hold a worker longer;
- type: `application/json` or `application/…+json`, parsed as JSON;
- cache: what the caller accepted is kept as long as its `Cache-Control:
  max-age` says, at most `outbound_cache_seconds`, never with `no-store` or
  `no-cache`; errors and documents the caller refused are never kept; at
  most `outbound_cache_entries` per process, the least recently used going first.
`FetchFailed` says what went wrong in a sentence safe to show.
"""

import http.client
import ipaddress
import json
import socket
import ssl
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar
from urllib.parse import urlsplit

from .clock import Clock
from .config import Settings
from .policy.rfc6749_clients import LOOPBACK_HOSTS

T = TypeVar("T")
USER_AGENT = "reference-as"


class FetchFailed(Exception):
    """The document could not be fetched or used; the message says why (safe to show)."""


@dataclass(frozen=True)
class Limits:
    allow_loopback_http: bool
    allow_private_addresses: bool
    serving_on_loopback: bool
    timeout: float
    max_bytes: int
    cache_seconds: int
    cache_entries: int
    ca_file: str = ""

    @classmethod
    def from_settings(cls, settings: Settings) -> "Limits":
        return cls(
            allow_loopback_http=settings.outbound_allow_loopback_http,
            allow_private_addresses=settings.outbound_allow_private_addresses,
            serving_on_loopback=settings.host in LOOPBACK_HOSTS,
            timeout=settings.outbound_timeout,
            max_bytes=settings.outbound_max_bytes,
            cache_seconds=settings.outbound_cache_seconds,
            cache_entries=settings.outbound_cache_entries,
            ca_file=settings.outbound_ca_file,
        )


def special_use(address: str) -> bool:
    """RFC 6890: an address that is not globally reachable, or multicast."""
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    return not ip.is_global or ip.is_multicast


def max_age(cache_control: str | None, ceiling: int) -> int:
    """Seconds a response may be reused: its `max-age` within [0, ceiling]; 0 for
    `no-store` or `no-cache`; the ceiling when it says nothing."""
    directives = {}
    for part in (cache_control or "").split(","):
        name, _, value = part.strip().partition("=")
        directives[name.lower()] = value.strip('"')
    if "no-store" in directives or "no-cache" in directives:
        return 0
    if "max-age" in directives:
        try:
            return max(0, min(int(directives["max-age"]), ceiling))
        except ValueError:
            return 0
    return ceiling


def _connection(scheme: str, host: str, port: int, address: str, timeout: float, context):
    """An http.client connection to one checked `address`, with the URL's host name kept
    for SNI, the certificate check and the Host header."""
    base = http.client.HTTPSConnection if scheme == "https" else http.client.HTTPConnection

    class Pinned(base):
        def connect(self):
            sock = socket.create_connection((address, port), timeout)
            self.sock = context.wrap_socket(sock, server_hostname=host) if scheme == "https" else sock

    return Pinned(host, port, timeout=timeout)


class Fetcher:
    def __init__(self, limits: Limits, clock: Clock):
        self.limits = limits
        self.clock = clock
        self._cache: OrderedDict[str, tuple[int, object]] = OrderedDict()
        self._lock = threading.Lock()
        self._context = ssl.create_default_context(cafile=limits.ca_file or None)

    def get(self, url: str, accept: Callable[[dict], T]) -> T:
        """`accept(document)` of the JSON object at `url`: from the cache while it is fresh,
        else fetched. `accept` raises (any exception) to refuse the document, which is
        then not kept."""
        now = self.clock.now()
        with self._lock:
            cached = self._cache.get(url)
            if cached and cached[0] > now:
                self._cache.move_to_end(url)
                return cached[1]
        document, lifetime = self._fetch(url)
        accepted = accept(document)
        if lifetime > 0 and self.limits.cache_entries > 0:
            with self._lock:
                self._cache[url] = (now + lifetime, accepted)
                self._cache.move_to_end(url)
                while len(self._cache) > self.limits.cache_entries:
                    self._cache.popitem(last=False)
        return accepted

    def forget(self, url: str) -> None:
        with self._lock:
            self._cache.pop(url, None)

    # -- one fetch ----------------------------------------------------------------------

    def _fetch(self, url: str) -> tuple[dict, int]:
        scheme, host, port = self._target(url)
        address = self._address(scheme, host, port)
        parts = urlsplit(url)
        path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        deadline = time.monotonic() + self.limits.timeout
        connection = _connection(scheme, host, port, address, self.limits.timeout, self._context)
        # The whole exchange within the deadline: at the deadline the socket is shut, which
        # ends a read that a slow server keeps alive one byte at a time.
        watchdog = threading.Timer(self.limits.timeout, _shut, (connection,))
        watchdog.start()
        try:
            connection.request("GET", path, headers={"Accept": "application/json", "User-Agent": USER_AGENT})
            response = connection.getresponse()
            if time.monotonic() >= deadline:  # the watchdog cut the headers short
                raise FetchFailed(f"{url}: no complete answer within {self.limits.timeout:g} seconds")
            body = self._body(response, url, deadline)
        except FetchFailed:
            raise
        except ssl.SSLError as error:
            raise FetchFailed(f"{url}: the TLS connection failed ({error.reason or 'untrusted'})") from None
        except (OSError, http.client.HTTPException):
            if time.monotonic() >= deadline:
                raise FetchFailed(f"{url}: no complete answer within {self.limits.timeout:g} seconds") from None
            raise FetchFailed(f"{url}: the server could not be reached or its answer was not HTTP") from None
        finally:
            watchdog.cancel()
            connection.close()
        try:
            document = json.loads(body)
        except (ValueError, RecursionError):
            raise FetchFailed(f"{url}: the answer is not JSON") from None
        if not isinstance(document, dict):
            raise FetchFailed(f"{url}: the answer is not a JSON object")
        return document, max_age(response.getheader("Cache-Control"), self.limits.cache_seconds)

    def _target(self, url: str) -> tuple[str, str, int]:
        try:
            parts = urlsplit(url)
            port = parts.port
        except ValueError:
            raise FetchFailed(f"{url!r} is not a URL") from None
        if parts.scheme not in ("https", "http") or not parts.hostname:
            raise FetchFailed(f"{url}: only https URLs are fetched")
        if parts.username is not None or parts.password is not None:
            raise FetchFailed(f"{url}: a URL with user information is not fetched")
        if parts.scheme == "http" and not (self.limits.allow_loopback_http and parts.hostname in LOOPBACK_HOSTS):
            raise FetchFailed(f"{url}: only https URLs are fetched")
        return parts.scheme, parts.hostname, port or (443 if parts.scheme == "https" else 80)

    def _address(self, scheme: str, host: str, port: int) -> str:
        """The address to connect to, once every address of `host` passed the check."""
        try:
            found = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
        except (OSError, UnicodeError):
            raise FetchFailed(f"{host}: the name does not resolve") from None
        addresses = [info[4][0] for info in found]
        for address in addresses:
            if special_use(address) and not self._allowed(address):
                raise FetchFailed(f"{host} resolves to a special-use address ({address}), which is not fetched")
        if scheme == "http" and not all(ipaddress.ip_address(a.split("%")[0]).is_loopback for a in addresses):
            raise FetchFailed(f"{host}: http is fetched from loopback addresses only")
        return addresses[0]

    def _allowed(self, address: str) -> bool:
        if self.limits.allow_private_addresses:
            return True
        return self.limits.serving_on_loopback and ipaddress.ip_address(address.split("%")[0]).is_loopback

    def _body(self, response: http.client.HTTPResponse, url: str, deadline: float) -> bytes:
        if response.status != 200:
            if 300 <= response.status < 400:
                raise FetchFailed(f"{url} answered {response.status}: redirects are not followed")
            raise FetchFailed(f"{url} answered {response.status}, not 200")
        content_type = (response.getheader("Content-Type") or "").split(";")[0].strip().lower()
        if content_type != "application/json" and not (
            content_type.startswith("application/") and content_type.endswith("+json")
        ):
            raise FetchFailed(f"{url} is served as {content_type or 'nothing'}, not application/json")
        limit = self.limits.max_bytes
        length = response.getheader("Content-Length")
        if length and length.isdigit() and int(length) > limit:
            raise FetchFailed(f"{url} is larger than {limit} bytes")
        body = b""
        while len(body) <= limit:
            if time.monotonic() >= deadline:
                raise FetchFailed(f"{url}: no complete answer within {self.limits.timeout:g} seconds")
            chunk = response.read1(limit + 1 - len(body))
            if not chunk:
                return body
            body += chunk
        raise FetchFailed(f"{url} is larger than {limit} bytes")


def _shut(connection) -> None:
    sock = connection.sock
    if sock is not None:
        try:
            sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
