"""A server run as a child process: for the suite's peer (oidc-provider) and for
the project's own tests, which start `reference-as serve` and the playground.

The process gets its own session, so that stopping it reaches its workers too
(Granian's and node's cluster's); its output goes to a log file, quoted in the
error when it exits early or never answers.
"""

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

# Only loopback servers are asked, never through a proxy the environment may name.
_DIRECT = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def reference_as(*argv: str) -> list[str]:
    """The command `reference-as ARGV`, run by this interpreter (so by the venv the
    tests run in, whatever is on PATH)."""
    return [sys.executable, "-m", "reference_as.cli", *argv]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _answers(url: str) -> bool:
    try:
        with _DIRECT.open(url, timeout=1):
            return True
    except urllib.error.HTTPError:
        return True  # any HTTP answer means it is listening
    except OSError:
        return False


class ServerProcess:
    """`argv` started with its output in `log`, waited for until `ready_url` answers
    (at most `timeout` seconds); stopped by `stop()` or on leaving a `with` block."""

    def __init__(self, name: str, argv: list[str], ready_url: str, log: Path, cwd=None, env=None, timeout=30.0):
        self.name, self.log = name, Path(log)
        with open(self.log, "wb") as output:
            self.process = subprocess.Popen(
                argv, cwd=cwd, env=env, stdout=output, stderr=subprocess.STDOUT, start_new_session=True
            )
        deadline = time.monotonic() + timeout
        while not _answers(ready_url):
            if self.process.poll() is not None:
                raise RuntimeError(f"{name} exited:\n{self.log.read_text()}")
            if time.monotonic() > deadline:
                self.stop()
                raise RuntimeError(f"{name} did not start:\n{self.log.read_text()}")
            time.sleep(0.1)

    def stop(self) -> None:
        """SIGTERM to the whole group; SIGKILL if it has not ended 15 seconds later."""
        if self.process.poll() is not None:
            return
        os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        self.stop()
