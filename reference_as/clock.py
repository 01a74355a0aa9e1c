"""One source of time for the whole server.

Every expiry (access tokens, codes, key retirement) is computed from a `Clock`
passed in at construction, never from `time.time()` at the point of use, so a
test moves past an expiry by advancing a `ManualClock` instead of sleeping.
Times are whole seconds since the epoch, the unit of JWT `iat`/`exp`
(RFC 7519 §2, "NumericDate").
"""

import time
from datetime import UTC, datetime
from typing import Protocol


class Clock(Protocol):
    def now(self) -> int:
        """Seconds since the epoch."""


def readable(timestamp: int | float) -> str:
    """A NumericDate as people read it: `2027-01-15 08:00:00 UTC`. Every page,
    command and trace shows time this one way."""
    return datetime.fromtimestamp(timestamp, UTC).strftime("%Y-%m-%d %H:%M:%S UTC")


class SystemClock:
    def now(self) -> int:
        return int(time.time())


class ManualClock:
    """A clock that moves only when told to: for tests and reproducible runs."""

    def __init__(self, start: int = 1_800_000_000):
        self._now = start

    def now(self) -> int:
        return self._now

    def advance(self, seconds: int) -> None:
        self._now += seconds
