"""What every benchmark of the suite shares: starting a server, loading it with wrk,
reading wrk's report.

- A server runs in its own process group (Granian's parent and workers, node's
  cluster) and is always stopped, also on error or Ctrl-C (`serving`).
- wrk (Debian's, a separate process that is not Python) is the load: the same
  threads and connections for every server, a warm-up, then a measured run
  (`measure`). Its `--latency` report gives requests/s, p50 and p99.
- Every figure carries the 1-minute load average at its start and, better, the
  CPU time the run cost, read from /proc: the server's (its whole process group),
  wrk's, and everybody else's (other work on this machine lowers every figure;
  the load average counts the bench's own processes too). The server's CPU time
  divided by the requests is the cost of one request, whatever share of the
  cores wrk took.
Only 127.0.0.1 is contacted.
"""

import os
import re
import resource
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from contextlib import contextmanager
from pathlib import Path

from conformance.processes import ServerProcess

HOST = "127.0.0.1"
BENCH = Path(__file__).resolve().parent
PYTHON = sys.executable
CLI = str(Path(PYTHON).with_name("reference-as"))

# The same load for every server: 2 wrk threads, 16 connections kept alive.
WRK_THREADS, WRK_CONNECTIONS = 2, 16
# BENCH_SECONDS shortens (or lengthens) every measured run, e.g. for a quick try.
MEASURE_SECONDS = int(os.environ.get("BENCH_SECONDS", "8"))
WARM_UP_SECONDS = 2
# Before each row, wait (at most this long) until the rest of the machine uses less than
# QUIET_CORES: other sessions' test runs come and go, and every figure suffers from them.
QUIET_WAIT_SECONDS = float(os.environ.get("BENCH_QUIET_WAIT", "5"))
QUIET_CORES = 0.25
# A measured run during which the rest of the machine used more than QUIET_CORES is made
# again, up to BENCH_RETRIES times (0 by default, to keep `make bench` within minutes);
# the run that shared the machine least is kept.
RETRIES = int(os.environ.get("BENCH_RETRIES", "0"))
START_TIMEOUT = 30.0

# Never a proxy, whatever http_proxy says: only the loopback servers are contacted.
HTTP = urllib.request.build_opener(urllib.request.ProxyHandler({}))


class BenchError(Exception):
    """The run cannot give a meaningful figure; the message says why."""


def load_average() -> float:
    return round(os.getloadavg()[0], 2)


def clean_environment(**extra: str) -> dict:
    """The environment without REFERENCE_AS_* settings, plus `extra`."""
    environment = {name: value for name, value in os.environ.items() if not name.startswith("REFERENCE_AS_")}
    return {**environment, **extra}


# -- servers ----------------------------------------------------------------------------


def wsgi_command(app: Path, port: int, workers: int, attribute: str = "app") -> list[str]:
    """Serve any WSGI app (`attribute` of the file `app`) exactly as `reference-as serve`
    serves ours: same server, threads and options (see serve_wsgi.py)."""
    return [PYTHON, str(BENCH / "serve_wsgi.py"), f"{app}:{attribute}", "--port", str(port), "--workers", str(workers)]


_running: list[subprocess.Popen] = []  # the server being measured (one at a time)


@contextmanager
def serving(command: list[str], ready_url: str, log: Path, cwd: Path | None = None, env: dict | None = None):
    """Start `command` in its own process group, wait until `ready_url` answers, yield
    the process; stop the whole group on the way out (conformance.processes)."""
    env = env if env is not None else clean_environment()
    try:
        server = ServerProcess(Path(command[0]).name, command, ready_url, log, cwd, env, START_TIMEOUT)
    except RuntimeError as error:
        raise BenchError(str(error)[-3000:]) from None
    _running.append(server.process)
    try:
        yield server.process
    finally:
        _running.remove(server.process)
        server.stop()


def post_form(url: str, body: str, authorization: str | None = None) -> tuple[int, bytes]:
    """One POST of a form, for checks before a run: (status, body)."""
    headers = {"Content-Type": "application/x-www-form-urlencoded"}
    if authorization:
        headers["Authorization"] = authorization
    request = urllib.request.Request(url, data=body.encode(), headers=headers)
    try:
        with HTTP.open(request, timeout=10) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


# -- the load ---------------------------------------------------------------------------


def run_wrk(url: str, seconds: int, script: Path | None = None, args: tuple[str, ...] = ()) -> str:
    """wrk's --latency report for `seconds` of load on `url`."""
    command = ["wrk", f"-t{WRK_THREADS}", f"-c{WRK_CONNECTIONS}", f"-d{seconds}s", "--latency"]
    if script:
        command += ["-s", str(script)]
    command.append(url)
    if args:
        command += ["--", *args]
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
    """requests/s, p50 and p99 (ms) from wrk's --latency report. A non-2xx answer,
    a timeout or an exhausted request pool (pool.lua) makes the figure meaningless:
    BenchError."""
    # wrk counts every status of 400 and over here; none of the measured requests redirects.
    bad = re.search(r"Non-2xx or 3xx responses: (\d+)", report)
    if bad:
        raise BenchError(f"wrk saw {bad.group(1)} non-2xx responses:\n{report}")
    exhausted = re.search(r"^pool exhausted: (\d+)", report, re.MULTILINE)
    if exhausted and int(exhausted.group(1)):
        raise BenchError(f"the request pool ran out ({exhausted.group(1)} requests over):\n{report}")
    socket_errors = re.search(r"Socket errors: .*", report)
    if socket_errors:
        if "timeout 0" not in socket_errors.group(0):
            raise BenchError(f"wrk saw timeouts:\n{report}")
        print(f"  warning: {socket_errors.group(0)}", file=sys.stderr)
    return {
        "requests_per_s": round(float(_match(r"^Requests/sec:\s+([\d.]+)", report).group(1)), 1),
        "p50_ms": round(_percentile_ms(report, 50), 3),
        "p99_ms": round(_percentile_ms(report, 99), 3),
        "requests": int(_match(r"^\s+(\d+) requests in", report).group(1)),
    }


TICKS = os.sysconf("SC_CLK_TCK")


def _busy_ticks() -> int:
    """CPU ticks spent by the whole machine, all cores, idle and I/O wait excepted."""
    fields = [int(value) for value in open("/proc/stat").readline().split()[1:]]
    return sum(fields[:8]) - fields[3] - fields[4]


def _ticks(selected) -> int:
    """CPU ticks spent so far by the live processes that `selected(pid, ppid, pgid)` picks."""
    total = 0
    for name in os.listdir("/proc"):
        if name.isdigit():
            try:
                after_name = open(f"/proc/{name}/stat").read().rsplit(")", 1)[1].split()
            except OSError:
                continue  # gone meanwhile
            if selected(int(name), int(after_name[1]), int(after_name[2])):
                total += int(after_name[11]) + int(after_name[12])
    return total


def _group_ticks(pgid: int) -> int:
    """CPU ticks spent so far by the live processes of a process group."""
    return _ticks(lambda pid, ppid, group: group == pgid)


def _tree_ticks(root: int) -> int:
    """CPU ticks spent so far by a live process and its live children (a postmaster and its backends)."""
    return _ticks(lambda pid, ppid, group: root in (pid, ppid))


def _children_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def wait_for_quiet(limit: float = QUIET_WAIT_SECONDS) -> float:
    """Wait until the machine (our idle server included) is nearly idle for a second, or
    `limit` seconds have passed; the seconds waited."""
    started = time.monotonic()
    while time.monotonic() - started < limit:
        busy = _busy_ticks()
        time.sleep(1)
        if (_busy_ticks() - busy) / TICKS < QUIET_CORES:
            break
    return round(time.monotonic() - started, 1)


def measured_run(
    url: str,
    seconds: int,
    script: Path | None,
    args: tuple[str, ...],
    server: subprocess.Popen | None = None,
    trees: dict[str, int] | None = None,
) -> dict:
    """One wrk run with its CPU accounting: cores used by the server (`server`, else the
    one started last), by wrk and by the rest; and the CPU per request of each process
    tree in `trees` (name -> pid: it and its children, a database server's, say)."""
    server = server or (_running[-1] if _running else None)
    server_ticks = (lambda: _group_ticks(server.pid)) if server else (lambda: 0)
    trees = trees or {}
    trees_before = {name: _tree_ticks(pid) for name, pid in trees.items()}
    busy_before, server_before, wrk_before = _busy_ticks(), server_ticks(), _children_seconds()
    started = time.monotonic()
    report = run_wrk(url, seconds, script, args)
    elapsed = time.monotonic() - started
    busy_seconds = (_busy_ticks() - busy_before) / TICKS
    server_seconds = (server_ticks() - server_before) / TICKS
    wrk_seconds = _children_seconds() - wrk_before  # wrk is the only child that ended meanwhile
    figures = parse_wrk(report)
    per_tree = {
        f"{name}_cpu_us_per_request": round(
            1e6 * (_tree_ticks(pid) - trees_before[name]) / TICKS / figures["requests"], 1
        )
        for name, pid in trees.items()
    }
    return {
        **figures,
        **per_tree,
        "server_cpu_cores": round(server_seconds / elapsed, 2),
        "wrk_cpu_cores": round(wrk_seconds / elapsed, 2),
        "other_cpu_cores": round(max(0.0, busy_seconds - server_seconds - wrk_seconds) / elapsed, 2),
        "server_cpu_us_per_request": round(1e6 * server_seconds / figures["requests"], 1) if server else None,
    }


def measure(
    url: str,
    script: Path | None = None,
    args: tuple[str, ...] | Callable[[], tuple[str, ...]] = (),
    warm_up_args: tuple[str, ...] | None = None,
    seconds: int | None = None,
    server: subprocess.Popen | None = None,
    trees: dict[str, int] | None = None,
) -> dict:
    """A wait for a quiet machine, a warm-up run (its figures dropped), then the measured
    run (again, see RETRIES, if the machine was shared). `args` may be a function that
    makes them, called for each run (a pool of single-use requests is spent by one);
    `warm_up_args` replaces them for the warm-up."""
    seconds = seconds or MEASURE_SECONDS
    best = None
    for attempt in range(1 + RETRIES):
        waited = wait_for_quiet()
        run_args = args() if callable(args) else args
        if attempt == 0:
            run_wrk(url, WARM_UP_SECONDS, script, run_args if warm_up_args is None else warm_up_args)
        load = load_average()
        figures = measured_run(url, seconds, script, run_args, server, trees)
        figures.update(seconds=seconds, load_average=load, waited_for_quiet_s=waited, attempts=attempt + 1)
        if best is None or figures["other_cpu_cores"] < best["other_cpu_cores"]:
            best = figures
        if best["other_cpu_cores"] <= QUIET_CORES:
            break
    return best


def write_pool(path: Path, lines: list[str]) -> Path:
    """A file of one request per line for pool.lua (a form body, or a bearer token)."""
    path.write_text("\n".join(lines) + "\n")
    return path


POOL_SCRIPT = BENCH / "pool.lua"
CC_SCRIPT = BENCH / "token_endpoint.lua"  # a client credentials token request, the same for every server


def pool_args(path: Path, kind: str, reuse: bool, authorization: str = "") -> tuple[str, ...]:
    """Arguments of pool.lua: `kind` "form" (POST the line as the body) or "bearer"
    (GET with the line as the bearer token); `reuse`: cycle through the file, or
    use each line once."""
    return (str(path), kind, "cycle" if reuse else "once", str(WRK_THREADS), authorization)
