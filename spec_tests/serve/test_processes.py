"""The server's processes, as an operator meets them (issue 17, items 2, 16, 17): a
worker that dies is replaced; a port already taken is refused with one line before
anything else is printed; SIGINT (Ctrl-C) and SIGTERM end the server and all its
workers within seconds, with connections open and a request in flight."""

import os
import signal
import socket
import subprocess
import time

import pytest

from conformance.processes import ServerProcess, free_port, reference_as

from .raw_clients import TOKEN_HEAD, answered, connect

METADATA = "/.well-known/oauth-authorization-server"
STOP_WITHIN = 10  # seconds: "a few"; a body still arriving may take body_timeout (here 2 s)


def children(pid: int) -> set[int]:
    with open(f"/proc/{pid}/task/{pid}/children") as listing:
        return {int(child) for child in listing.read().split()}


def wait_for(condition, within: float, step: float = 0.1) -> bool:
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(step)
    return condition()


def all_ended(master: subprocess.Popen) -> bool:
    """The master has exited (reaped here) and no process of its group is left."""
    if master.poll() is None:
        return False
    try:
        os.killpg(master.pid, 0)
        return False
    except ProcessLookupError:
        return True


def test_a_worker_that_dies_is_replaced_and_the_server_keeps_answering(live_server):
    master = live_server.server.process
    workers = children(master.pid)
    assert len(workers) == 2
    victim = min(workers)
    os.kill(victim, signal.SIGKILL)
    assert wait_for(lambda: len(children(master.pid) - {victim}) == 2, within=30), "no worker replaced the dead one"
    assert master.poll() is None
    # Each request on a new connection: the kernel spreads them over both workers' sockets.
    statuses = [answered(live_server.url + METADATA).status_code for _ in range(40)]
    assert statuses == [200] * 40


def second_server(workdir, port: int) -> subprocess.CompletedProcess:
    """`reference-as serve --port PORT`, which must give up by itself (or is stopped after 20 s)."""
    process = subprocess.Popen(
        reference_as("serve", "--port", str(port)),
        cwd=workdir,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    try:
        out, err = process.communicate(timeout=20)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        out, err = process.communicate()
        pytest.fail(f"a second server on port {port} started:\n{out}{err}")
    return subprocess.CompletedProcess(process.args, process.returncode, out, err)


def assert_refused_in_one_line(done: subprocess.CompletedProcess) -> None:
    assert done.returncode == 2
    assert "serving on" not in done.stdout
    assert len(done.stderr.strip().splitlines()) == 1, done.stderr


def test_a_second_server_on_the_same_port_is_refused_in_one_line_and_the_first_keeps_the_port(live_server, tmp_path):
    assert_refused_in_one_line(second_server(tmp_path, live_server.port))
    assert answered(live_server.url + METADATA).status_code == 200


def test_a_port_held_by_another_program_is_refused_in_one_line(tmp_path):
    with socket.socket() as other:
        other.bind(("127.0.0.1", 0))
        other.listen()
        assert_refused_in_one_line(second_server(tmp_path, other.getsockname()[1]))


def test_a_port_out_of_range_is_refused_in_one_line(tmp_path):
    assert_refused_in_one_line(second_server(tmp_path, 99999))


def start(kind: str, workdir) -> tuple[ServerProcess, int]:
    port = free_port()
    if kind == "serve":
        (workdir / "reference-as.toml").write_text("body_timeout = 2\n")
        argv, ready = reference_as("serve", "--port", str(port)), METADATA
    else:
        argv, ready = reference_as("playground", "--port", str(port), "--store-file", str(workdir / "pg.json")), "/"
    env = {k: v for k, v in os.environ.items() if not k.startswith("REFERENCE_AS_")}
    url = f"http://127.0.0.1:{port}"
    return ServerProcess(kind, argv, url + ready, workdir / f"{kind}.log", cwd=workdir, env=env), port


@pytest.mark.parametrize(
    "kind, signum, to_group",
    [
        ("serve", signal.SIGINT, True),  # Ctrl-C in a terminal: the whole process group
        ("serve", signal.SIGTERM, False),  # kill PID, systemd: the main process
        ("serve", signal.SIGINT, False),
        ("playground", signal.SIGINT, True),
        ("playground", signal.SIGTERM, False),
    ],
    ids=["serve-ctrl-c", "serve-sigterm", "serve-sigint", "playground-ctrl-c", "playground-sigterm"],
)
def test_sigint_and_sigterm_stop_every_process_within_seconds(kind, signum, to_group, tmp_path):
    server, port = start(kind, tmp_path)
    master = server.process
    try:
        kept_alive = []
        for _ in range(4):  # connections that were answered and stay open, idle
            sock = connect(port)
            sock.sendall(b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
            assert sock.recv(65536).startswith(b"HTTP/1.1 ")
            kept_alive.append(sock)
        in_flight = connect(port)
        in_flight.sendall(TOKEN_HEAD + b"grant_type=")  # its body still arriving
        time.sleep(0.5)
        if to_group:
            os.killpg(master.pid, signum)
        else:
            os.kill(master.pid, signum)
        assert wait_for(lambda: all_ended(master), within=STOP_WITHIN), (
            f"still running {STOP_WITHIN} s after {signum.name}:\n{server.log.read_text()[-2000:]}"
        )
        assert master.returncode == 0
        with socket.socket() as rebind:  # the port is free again
            rebind.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            rebind.bind(("127.0.0.1", port))
    finally:
        server.stop()
