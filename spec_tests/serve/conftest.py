"""A real `reference-as serve` (Granian, 2 workers) on a free loopback port,
in a fresh working directory with its own SQLite file and key file."""

import json
import os
import signal
import socket
import subprocess
import sys
import time

import pytest
import requests


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class LiveServer:
    def __init__(self, workdir, extra_args=()):
        self.workdir = workdir
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.env = {k: v for k, v in os.environ.items() if not k.startswith("REFERENCE_AS_")}
        self.log = workdir / "server.log"
        with open(self.log, "wb") as log:
            self.process = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "reference_as.cli",
                    "serve",
                    "--port",
                    str(self.port),
                    "--workers",
                    "2",
                    *extra_args,
                ],
                cwd=workdir,
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        self._wait_until_up()

    def _wait_until_up(self) -> None:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError("server exited:\n" + self.log.read_text())
            try:
                requests.get(self.url + "/.well-known/oauth-authorization-server", timeout=1)
                return
            except requests.ConnectionError:
                time.sleep(0.1)
        raise RuntimeError("server did not start:\n" + self.log.read_text())

    def cli(self, *argv, input: str | None = None) -> dict | list:
        """Run `reference-as ... --json` against the same store and key file;
        `input` is written to its standard input (e.g. for `--password-stdin`)."""
        done = subprocess.run(
            [sys.executable, "-m", "reference_as.cli", *argv, "--json"],
            cwd=self.workdir,
            env=self.env,
            input=input,
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert done.returncode == 0, done.stderr
        return json.loads(done.stdout)

    def stop(self) -> None:
        os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()


@pytest.fixture
def live_server(tmp_path):
    server = LiveServer(tmp_path, extra_args=("--access-log",))
    yield server
    server.stop()
