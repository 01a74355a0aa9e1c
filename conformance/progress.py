"""The live progress line of `oauth-conformance run` (on a terminal only):
which check is running, how far the run is, and a countdown while a check
waits (the `slow` profile waits ten minutes for a code to expire)."""

import sys
import time


class Progress:
    def __init__(self, enabled: bool, stream=None):
        self.stream = stream or sys.stderr
        self.enabled = enabled and self.stream.isatty()
        self.total = 0
        self.done = 0
        self.current = ""

    def _write(self, text: str) -> None:
        if self.enabled:
            self.stream.write("\r\033[K" + text[:120])
            self.stream.flush()

    def start(self, name: str) -> None:
        """A check begins: `[ 12/191] rfc6749-5.2-...`."""
        self.current = name
        self._write(f"[{self.done + 1:>3}/{self.total}] {name}")

    def finish(self) -> None:
        self.done += 1

    def wait(self, seconds: float, what: str) -> None:
        """Sleep `seconds`, counting down on the progress line."""
        end = time.monotonic() + seconds
        while (left := end - time.monotonic()) > 0:
            minutes, secs = divmod(int(left + 0.999), 60)
            self._write(f"[{self.done + 1:>3}/{self.total}] {self.current}: {what}, {minutes}:{secs:02d} left")
            time.sleep(min(1.0, left))

    def clear(self) -> None:
        self._write("")
