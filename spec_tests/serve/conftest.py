"""A real `reference-as serve` (Granian, 2 workers) on a free loopback port,
in a fresh working directory with its own SQLite file and key file."""

import json
import os
import secrets
import subprocess

import pytest

from conformance.processes import ServerProcess, free_port, reference_as


class LiveServer:
    def __init__(self, workdir, extra_args=(), settings: dict | None = None):
        """`settings`: given to the server (and its CLI) as REFERENCE_AS_<NAME> variables."""
        self.workdir = workdir
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.env = {k: v for k, v in os.environ.items() if not k.startswith("REFERENCE_AS_")}
        self.env.update({f"REFERENCE_AS_{name.upper()}": str(value) for name, value in (settings or {}).items()})
        self.log = workdir / "server.log"
        self.server = ServerProcess(
            "the server",
            reference_as("serve", "--port", str(self.port), "--workers", "2", *extra_args),
            self.url + "/.well-known/oauth-authorization-server",
            self.log,
            cwd=workdir,
            env=self.env,
        )

    def cli(self, *argv, input: str | None = None) -> dict | list:
        """Run `reference-as ... --json` against the same store and key file;
        `input` is written to its standard input (e.g. for `--password-stdin`)."""
        done = subprocess.run(
            reference_as(*argv, "--json"),
            cwd=self.workdir,
            env=self.env,
            input=input,
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert done.returncode == 0, done.stderr
        return json.loads(done.stdout)

    def create_user(self, username: str = "alice", admin: bool = False) -> tuple[dict, str]:
        """`reference-as users create NAME [--admin] --password-stdin`: (the user, the password)."""
        password = secrets.token_urlsafe(18)
        argv = ["users", "create", username, *(["--admin"] if admin else []), "--password-stdin"]
        user = self.cli(*argv, input=password + "\n")
        assert user["username"] == username and user["is_admin"] == admin and user["password"] is None
        return user, password

    def stop(self) -> None:
        self.server.stop()


@pytest.fixture
def live_server(tmp_path):
    server = LiveServer(tmp_path, extra_args=("--access-log",))
    yield server
    server.stop()
