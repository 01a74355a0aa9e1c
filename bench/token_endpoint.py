"""Throughput and latency of the token endpoint, against what RS256 signing alone allows.

What is measured, in one run:
  1. How many RS256 access tokens one core can sign per second with the
     project's own code (`jose.jws.sign`, a fresh 2048-bit key, RFC 9068 claims),
     for about 3 s. Every token response carries one such signature, so N cores
     can never answer more than N × that rate: the *signing floor* of the cost
     of a request, expressed as the most requests/s N cores could serve.
  2. The real server (`reference-as serve`, gunicorn, SQLite in a fresh temporary
     folder) with 1 and then 2 workers, loaded by wrk (a separate process, not
     Python) with client credentials token requests (RFC 6749 §4.4.2): 2 s of
     warm-up, then 10 s measured. requests/s, p50 and p99 come from wrk.

Why the ratio requests/s ÷ floor matters: it is the share of the CPU that goes
to the one step no server can skip (the signature). Near 100 % the endpoint is
as fast as RS256 allows and only a cheaper algorithm (ES256, EdDSA) or more
cores would help; far below, the time goes elsewhere (HTTP parsing, oauthlib,
client authentication, the SQLite write) and that is where to look. Two caveats:
wrk shares the cores with the server, which lowers the ratio; and a worker runs
4 threads while OpenSSL signs outside the GIL, so one worker can use a little
more than one core, which raises it. Other work on the machine lowers every
figure: the 1-minute load average at the start is printed and kept with them.

Only 127.0.0.1 is contacted. The server is always stopped, also on error or Ctrl-C.
Results are printed as a table and written to bench/results/token_endpoint.json.

Run: .venv/bin/python bench/token_endpoint.py   (part of `make bench`; needs wrk)
"""

import base64
import json
import os
import platform
import re
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

from reference_as.jose import jws
from reference_as.jose.algorithms import ALGORITHMS
from reference_as.policy import rfc9068_access_token as rfc9068

SIGNING_SECONDS = 3.0
WORKER_COUNTS = (1, 2)
WRK_THREADS, WRK_CONNECTIONS = 2, 16
WARM_UP_SECONDS, MEASURE_SECONDS = 2, 10
START_TIMEOUT, STOP_TIMEOUT, CLI_TIMEOUT = 30.0, 30.0, 60.0

HOST = "127.0.0.1"
BENCH = Path(__file__).resolve().parent
LUA_SCRIPT = BENCH / "token_endpoint.lua"
RESULTS_FILE = BENCH / "results" / "token_endpoint.json"
CLI = str(Path(sys.executable).with_name("reference-as"))
METADATA_PATH, TOKEN_PATH = "/.well-known/oauth-authorization-server", "/oauth2/token"

# Never a proxy, whatever http_proxy says: only the loopback server is contacted.
HTTP = urllib.request.build_opener(urllib.request.ProxyHandler({}))


class BenchError(Exception):
    """The run cannot give a meaningful figure; the message says why."""


# -- 1. the signing floor ---------------------------------------------------------------


def signing_rate(seconds: float) -> float:
    """RS256 signatures per second on this (single) thread, for about `seconds`."""
    algorithm = ALGORITHMS["RS256"]
    key = algorithm.generate()
    header = rfc9068.header(algorithm.name, "bench-key")
    count, started = 0, time.perf_counter()
    deadline = started + seconds
    while time.perf_counter() < deadline:
        claims = rfc9068.claims(
            issuer=f"http://{HOST}:8000",
            audience=f"http://{HOST}:8000/api",
            subject="bench-client",
            client_id="bench-client",
            scopes=("api:read", "api:write", "api:admin", "api:superuser"),
            now=int(time.time()),
            lifetime=3600,
            jti=rfc9068.new_jti(),
        )
        jws.sign(header, claims, algorithm, key)
        count += 1
    return count / (time.perf_counter() - started)


# -- 2. the server ----------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


def server_environment() -> dict:
    """The environment without REFERENCE_AS_* settings: the server runs on its defaults."""
    return {name: value for name, value in os.environ.items() if not name.startswith("REFERENCE_AS_")}


def create_client(folder: Path, store: str) -> tuple[str, str]:
    """A confidential client allowed client_credentials: (client_id, client_secret)."""
    command = [CLI, "clients", "create", "--name", "bench", "--grant", "client_credentials", "--json"]
    done = subprocess.run(
        [*command, "--store", store],
        cwd=folder,
        env=server_environment(),
        capture_output=True,
        text=True,
        timeout=CLI_TIMEOUT,
    )
    if done.returncode != 0:
        raise BenchError(f"clients create failed:\n{done.stderr}")
    client = json.loads(done.stdout)
    return client["client_id"], client["client_secret"]


def wait_until_ready(server: subprocess.Popen, base_url: str, log: Path) -> None:
    """Poll the metadata document until it answers 200, for at most START_TIMEOUT seconds."""
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise BenchError(f"the server exited with {server.returncode}:\n{log.read_text()}")
        try:
            with HTTP.open(base_url + METADATA_PATH, timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.1)
    raise BenchError(f"the server did not answer within {START_TIMEOUT:.0f} s:\n{log.read_text()}")


def stop(server: subprocess.Popen) -> None:
    """Terminate the server's process group (gunicorn's master and workers) and wait."""
    if server.poll() is not None:
        return
    os.killpg(server.pid, signal.SIGTERM)
    try:
        server.wait(timeout=STOP_TIMEOUT)
    except subprocess.TimeoutExpired:
        os.killpg(server.pid, signal.SIGKILL)
        server.wait()


@contextmanager
def running_server(workers: int):
    """Serve from a fresh temporary folder; yields (base URL, Basic credentials of a new client)."""
    with tempfile.TemporaryDirectory(prefix="reference-as-bench-") as name:
        folder = Path(name)
        store = f"sqlite:///{folder / 'bench.sqlite3'}"
        port = free_port()
        command = [CLI, "serve", "--host", HOST, "--port", str(port), "--workers", str(workers), "--store", store]
        log = folder / "server.log"
        with log.open("w") as output:
            server = subprocess.Popen(
                command,
                cwd=folder,
                env=server_environment(),
                stdout=output,
                stderr=subprocess.STDOUT,
                start_new_session=True,  # its own process group, so stop() reaches the workers too
            )
        try:
            base_url = f"http://{HOST}:{port}"
            wait_until_ready(server, base_url, log)
            client_id, client_secret = create_client(folder, store)
            yield base_url, base64.b64encode(f"{client_id}:{client_secret}".encode()).decode("ascii")
        finally:
            stop(server)


def check_one_token(base_url: str, credentials: str) -> None:
    """One token request answers 200 with an access_token, or the bench would measure errors."""
    request = urllib.request.Request(
        base_url + TOKEN_PATH,
        data=b"grant_type=client_credentials",
        headers={"Authorization": "Basic " + credentials, "Content-Type": "application/x-www-form-urlencoded"},
    )
    try:
        with HTTP.open(request, timeout=10) as response:
            body = json.loads(response.read())
    except urllib.error.HTTPError as error:
        raise BenchError(f"token request answered {error.code}: {error.read().decode(errors='replace')}") from None
    if "access_token" not in body:
        raise BenchError(f"token response without access_token: {body}")


# -- 3. the load ------------------------------------------------------------------------


def run_wrk(base_url: str, credentials: str, seconds: int) -> str:
    """wrk's --latency report for `seconds` of token requests."""
    command = ["wrk", f"-t{WRK_THREADS}", f"-c{WRK_CONNECTIONS}", f"-d{seconds}s", "--latency"]
    command += ["-s", str(LUA_SCRIPT), base_url + TOKEN_PATH, "--", credentials]
    done = subprocess.run(command, capture_output=True, text=True, timeout=seconds + 30)
    if done.returncode != 0:
        raise BenchError(f"wrk failed ({done.returncode}):\n{done.stdout}{done.stderr}")
    return done.stdout


UNIT_MS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0, "h": 3_600_000.0}


def _match(pattern: str, report: str) -> re.Match:
    found = re.search(pattern, report, re.MULTILINE)
    if found is None:
        raise BenchError(f"no {pattern!r} in wrk's report:\n{report}")
    return found


def _percentile_ms(report: str, percent: int) -> float:
    value, unit = _match(rf"^\s+{percent}%\s+([\d.]+)(us|ms|s|m|h)$", report).groups()
    return float(value) * UNIT_MS[unit]


def parse_wrk(report: str) -> dict:
    """requests/s, p50 and p99 (ms) from wrk's --latency report; BenchError on any non-2xx response."""
    # wrk counts every status of 400 and over here; the token endpoint never redirects.
    bad = re.search(r"Non-2xx or 3xx responses: (\d+)", report)
    if bad:
        raise BenchError(f"wrk saw {bad.group(1)} non-2xx responses:\n{report}")
    socket_errors = re.search(r"Socket errors: .*", report)
    if socket_errors:
        print(f"  warning: {socket_errors.group(0)}", file=sys.stderr)
    return {
        "requests_per_s": float(_match(r"^Requests/sec:\s+([\d.]+)", report).group(1)),
        "p50_ms": _percentile_ms(report, 50),
        "p99_ms": _percentile_ms(report, 99),
        "requests": int(_match(r"^\s+(\d+) requests in", report).group(1)),
    }


def measure(workers: int, per_core: float) -> dict:
    """One server with `workers` workers: warm up, measure, compare with the signing floor."""
    print(f"{workers} worker(s): starting the server, {WARM_UP_SECONDS} s warm-up, {MEASURE_SECONDS} s measured")
    with running_server(workers) as (base_url, credentials):
        check_one_token(base_url, credentials)
        run_wrk(base_url, credentials, WARM_UP_SECONDS)
        figures = parse_wrk(run_wrk(base_url, credentials, MEASURE_SECONDS))
    floor = workers * per_core
    return {
        "workers": workers,
        **figures,
        "signing_floor_per_s": round(floor, 1),
        "ratio_percent": round(100 * figures["requests_per_s"] / floor, 1),
    }


# -- 4. the report ----------------------------------------------------------------------


def table(per_core: float, runs: list[dict]) -> str:
    lines = [
        f"RS256 signing on one core: {per_core:,.0f} signatures/s (2048-bit key, {SIGNING_SECONDS:.0f} s)",
        f"Token endpoint, client_credentials, wrk -t{WRK_THREADS} -c{WRK_CONNECTIONS} -d{MEASURE_SECONDS}s:",
        f"{'workers':>7}  {'requests/s':>10}  {'p50 ms':>8}  {'p99 ms':>8}  {'signing floor/s':>15}  {'of floor':>8}",
    ]
    for run in runs:
        lines.append(
            f"{run['workers']:>7}  {run['requests_per_s']:>10,.1f}  {run['p50_ms']:>8.2f}  {run['p99_ms']:>8.2f}"
            f"  {run['signing_floor_per_s']:>15,.0f}  {run['ratio_percent']:>7.1f}%"
        )
    return "\n".join(lines)


def write_results(per_core: float, runs: list[dict], load_average: float) -> None:
    RESULTS_FILE.parent.mkdir(exist_ok=True)
    results = {
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "platform": platform.platform(),
        "cpu_count": os.cpu_count(),
        "python": platform.python_version(),
        "load_average_at_start": load_average,
        "signing": {"algorithm": "RS256", "key_bits": 2048, "per_core_per_s": round(per_core, 1)},
        "load": {"tool": "wrk", "threads": WRK_THREADS, "connections": WRK_CONNECTIONS, "seconds": MEASURE_SECONDS},
        "runs": runs,
    }
    RESULTS_FILE.write_text(json.dumps(results, indent=2) + "\n")


def main() -> int:
    load_average = os.getloadavg()[0]
    print(f"load average (1 min) at the start: {load_average:.2f} (other work on the machine lowers every figure)")
    print(f"RS256 signing for {SIGNING_SECONDS:.0f} s on one core")
    per_core = signing_rate(SIGNING_SECONDS)
    try:
        runs = [measure(workers, per_core) for workers in WORKER_COUNTS]
    except BenchError as error:
        print(f"token endpoint bench: {error}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:  # the server has been stopped on the way out
        print("token endpoint bench: interrupted", file=sys.stderr)
        return 130
    print(table(per_core, runs))
    write_results(per_core, runs, load_average)
    print(f"written to {RESULTS_FILE.relative_to(BENCH.parent)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
