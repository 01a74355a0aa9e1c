"""Fixtures for the suite's own tests: one work directory (store, keys, clients
made with the reference CLI), the reference server on a free loopback port,
and a runner for `oauth-conformance run`."""

import json
import subprocess
import sys
import uuid
from pathlib import Path

import pytest

from conformance import cli

from .servers import ReferenceServer, Workdir, write_target

SEED = '[seed]\nroutes = true\nscope_prefix = "api:"\n'
CODE_TTL = 4  # the reference server's code lifetime in these tests, so that the slow check is quick
# Every run registers clients of its own (RFC 7591 checks): no per-address limit in these tests;
# and client ID metadata documents served by the suite on a loopback http URL, which the server fetches.
SUITE_SETTINGS = {"registrations_per_hour": 0, "outbound_allow_loopback_http": True}


def pytest_configure(config):
    # The check modules are imported here too (`oauth-conformance list`, in-process runs), and they
    # carry the `conformance` marker, which a --strict-markers session must know.
    config.addinivalue_line("markers", "conformance(check): a conformance check (conformance/marks.py)")


@pytest.fixture(scope="session")
def workdir(tmp_path_factory) -> Workdir:
    return Workdir(tmp_path_factory.mktemp("reference"))


@pytest.fixture(scope="session")
def bench(workdir):
    """The fault proxy and its reference servers (fault_bench.py), shared by the modules that use it."""
    from .fault_bench import Bench

    made = Bench(workdir)
    yield made
    made.stop()


@pytest.fixture(scope="session")
def reference(workdir):
    """The reference server, as it is run: a user signs in and consents on its pages."""
    server = ReferenceServer(workdir, auto_approve=False, settings={"code_ttl": CODE_TTL, **SUITE_SETTINGS})
    yield server
    server.stop()


def reference_target_file(path: Path, reference, workdir, top: str = "") -> Path:
    """A target file for the reference server: its clients, the form driver as the demo user."""
    return write_target(
        path,
        reference.url,
        workdir.clients,
        driver="form",
        password=workdir.user_password,
        extra=SEED,
        top=top,
        private_key_jwt=workdir.private_key_jwt,
    )


@pytest.fixture(scope="session")
def reference_target(reference, workdir) -> Path:
    return reference_target_file(
        workdir.path / "reference.toml", reference, workdir, top=f"code_lifetime_wait = {CODE_TTL + 3}"
    )


def run_suite(
    target: Path, *args: str, subprocess_run: bool = False, report: dict | None = None
) -> tuple[int, dict, str]:
    """Run `oauth-conformance run TARGET --json F ARGS`; (exit code, results by check id, output).
    In-process by default (fast); subprocess_run runs the real command line. `report`, if given,
    receives the whole JSON report (summary, coverage, notes)."""
    out = target.parent / f"results-{uuid.uuid4().hex[:8]}.json"
    argv = ["run", str(target), "--json", str(out), *args]
    if subprocess_run:
        done = subprocess.run([sys.executable, "-m", "conformance", *argv], capture_output=True, text=True, timeout=300)
        code, output = done.returncode, done.stdout + done.stderr
    else:
        code, output = cli.main(argv), ""
    results = json.loads(out.read_text()) if out.exists() else {"checks": []}
    if report is not None:
        report.update(results)
    return code, {c["id"]: c for c in results["checks"]}, output


def problems(results: dict) -> list[str]:
    return [
        f"{c['outcome']}: {c['id']}: {c['message']}"
        for c in results.values()
        if c["outcome"] in ("fail", "warn", "advice", "error")
    ]
