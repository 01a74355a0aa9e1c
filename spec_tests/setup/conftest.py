"""`reference-as` run as a real process in a fresh folder.

File modes mean nothing to root, whose capabilities let it read and write any
file. When the tests run as root, a command that must meet a read-only file runs
without those two capabilities (CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH: util-linux's
`setpriv`), so that the modes hold for it as for any other user."""

import os
import signal
import subprocess

import pytest

from conformance.processes import free_port, reference_as

TIMEOUT = 30
BOUND_BY_FILE_MODES = ["setpriv", "--bounding-set", "-dac_override,-dac_read_search", "--"]


@pytest.fixture
def folder(tmp_path):
    yield tmp_path
    for directory, _, _ in os.walk(tmp_path):
        os.chmod(directory, 0o755)  # a test may have made one read-only; pytest removes it later


def run(folder, *argv: str, env: dict | None = None, modes_bind=False) -> subprocess.CompletedProcess:
    """`reference-as ARGV` in `folder`, with only the REFERENCE_AS_* variables in `env`;
    `modes_bind`: as a process that file modes bind (see above)."""
    environment = {k: v for k, v in os.environ.items() if not k.startswith("REFERENCE_AS_")}
    prefix = BOUND_BY_FILE_MODES if modes_bind and os.geteuid() == 0 else []
    process = subprocess.Popen(
        prefix + reference_as(*argv),
        cwd=folder,
        env={**environment, **(env or {})},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,  # so that a server's workers are stopped with it
    )
    try:
        out, err = process.communicate(timeout=TIMEOUT)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        out, err = process.communicate()
        pytest.fail(f"still running after {TIMEOUT} s (it should have stopped):\n{out}{err}")
    return subprocess.CompletedProcess(process.args, process.returncode, out, err)


def serve(folder, *argv: str, env: dict | None = None, modes_bind=False) -> subprocess.CompletedProcess:
    """`reference-as serve` on a free port; one that is still serving after TIMEOUT
    seconds is stopped, and the test fails: it should not have started."""
    return run(folder, "serve", "--port", str(free_port()), *argv, env=env, modes_bind=modes_bind)


def refused(done, names: str) -> None:
    """Exit 2, no 'serving on', and one line on stderr that names the problem."""
    assert done.returncode == 2, done.stdout + done.stderr
    assert "serving on" not in done.stdout
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("reference-as: ") and names in lines[0], done.stderr
