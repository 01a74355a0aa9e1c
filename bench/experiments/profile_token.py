"""Experiment (not part of `make bench`): where a client credentials token request
spends its CPU time beyond the signature.

1. In-process, one thread, no HTTP server: our WSGI app (make_app on a prepared
   SQLite store, bench/ours.py) called with a token request's environ, in CPU
   microseconds per request, then with one part after the other taken away:
     - the signature (jws.sign replaced by a constant),
     - the last-use check (a write at most once a minute per client),
     - the per-request SELECT of the client, cached (the key table is read once a
       second, keys.py: no per-request cost to take away);
   each difference is what that part costs; what remains is the Python around them.
   Then as served again, with another connection recording a token before each
   request, as the other workers and threads do on a live server: SQLite drops its
   page cache when another connection has written, and reads the pages again.
   Then cProfile of the full request, its own time grouped by package (the profiler
   inflates Python code more than C). Then the code exchange (PKCE) and the refresh
   rotation the same way, beside client credentials: what spending a code or a
   refresh token in one write transaction adds to a token request.
2. py-spy (if installed: pip install py-spy), on a live `reference-as serve`
   worker (1 worker, production settings) under the suite's wrk load: the share of
   samples under each frame of interest, for the threads and the GIL (--gil).
3. strace -c (if installed: apt-get install strace) on a live worker, ours and then
   the token ceiling (bench/sign_only.py), both 1 worker under the same load: system
   calls per request, by call. The difference is what our request asks of the kernel
   beyond HTTP and the signature (SQLite's WAL writes and file locks, mostly).
4. perf record (if installed: apt-get install linux-perf) on the same two live
   workers: CPU microseconds per request in each shared object (cryptography's
   OpenSSL, the Python interpreter, the kernel, SQLite, Granian), so the served
   request's cost beyond the ceiling's is found where it is spent, kernel included.

Run: .venv/bin/python bench/experiments/profile_token.py   (about three minutes)
"""

import cProfile
import io
import pstats
import secrets as random
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from floors import CEILING_AUTHORIZATION  # noqa: E402
from harness import (
    BENCH,
    CC_SCRIPT,
    HOST,
    PYTHON,
    _running,
    clean_environment,
    parse_wrk,
    run_wrk,
    serving,
    wsgi_command,
)  # noqa: E402
from ours import TOKEN_PATH, Ours, prepared  # noqa: E402

from conformance.processes import free_port  # noqa: E402
from reference_as.app import make_app  # noqa: E402
from reference_as.jose import jws  # noqa: E402
from reference_as.secret_box import SecretBox, decode_key  # noqa: E402
from reference_as.store import SQLiteStore  # noqa: E402

REQUESTS = 3000
SPY_SECONDS = 8
STRACE_SECONDS = 6
PERF_SECONDS, PERF_HZ = 8, 999


def token_environ(ours: Ours, body: bytes = b"grant_type=client_credentials", authorization: str = "") -> dict:
    return {
        "REQUEST_METHOD": "POST",
        "PATH_INFO": "/oauth2/token",
        "QUERY_STRING": "",
        "SERVER_NAME": "127.0.0.1",
        "SERVER_PORT": str(ours.port),
        "SERVER_PROTOCOL": "HTTP/1.1",
        "HTTP_HOST": f"127.0.0.1:{ours.port}",
        "wsgi.url_scheme": "http",
        "CONTENT_TYPE": "application/x-www-form-urlencoded",
        "CONTENT_LENGTH": str(len(body)),
        "HTTP_AUTHORIZATION": authorization or ours.cc_basic,
        "wsgi.input": io.BytesIO(body),
    }


def cpu_us_per_request(
    app, ours: Ours, count: int = REQUESTS, rounds: int = 3, between=None, bodies=None, authorization: str = ""
) -> float:
    """The best of `rounds` rounds of `count` requests (other work on the machine only adds);
    `between()` runs before each request, outside the time counted. `bodies(n)`: n request
    bodies, each used once (codes, refresh tokens); client credentials by default."""
    statuses = []
    bodies = bodies or (lambda n: [b"grant_type=client_credentials"] * n)

    def start_response(status, headers, exc_info=None):
        statuses.append(status)

    def call(body: bytes) -> None:
        b"".join(app(token_environ(ours, body, authorization), start_response))
        if not statuses[-1].startswith("200"):
            raise RuntimeError(f"the token request answered {statuses[-1]}")

    for body in bodies(100):  # warm
        call(body)
    best = float("inf")
    for _ in range(rounds):
        spent = 0.0
        for body in bodies(count):
            if between:
                between()
            started = time.thread_time()
            call(body)
            spent += time.thread_time() - started
        best = min(best, 1e6 * spent / count)
    return best


def flows(ours: Ours) -> dict:
    """CPU µs per request of the three token flows, in process, each best of 3 rounds."""
    app = make_app(ours.settings, ours.store, ours.clock, SecretBox(decode_key(ours.master_key)))

    def encoded(make):
        return lambda n: [body.encode() for body in make(n)]

    return {
        "client credentials": cpu_us_per_request(app, ours),
        "authorization code + PKCE": cpu_us_per_request(
            app, ours, bodies=encoded(ours.code_exchanges), authorization=ours.code_basic
        ),
        "refresh rotation": cpu_us_per_request(
            app, ours, 1000, bodies=encoded(ours.refreshes), authorization=ours.code_basic
        ),
    }


def another_connection_writing(ours: Ours):
    """A function that writes through a connection of its own (a revoked token), as
    another worker (or thread) of a live server does between two of this one's requests."""
    other, now = SQLiteStore(ours.db_path), ours.clock.now()

    def record() -> None:
        other.revoke_access_token(random.token_urlsafe(16), now + 3600)

    return record


def ablations(ours: Ours) -> dict:
    """Take the parts away one after the other: each difference is what that part costs,
    and what remains is the Python around them (webob, oauthlib, ours, json)."""
    app = make_app(ours.settings, ours.store, ours.clock, SecretBox(decode_key(ours.master_key)))
    store, real_sign = ours.store, jws.sign
    figures = {"as served": cpu_us_per_request(app, ours)}
    shared = cpu_us_per_request(app, ours, between=another_connection_writing(ours))
    client = store.get_client("bench-cc")
    try:
        jws.sign = lambda header, claims, algorithm, key: "e30.e30.c2ln"
        figures["- the RS256 signature"] = cpu_us_per_request(app, ours)
        store.touch_client = lambda client_id, now, every: None
        figures["- the last-use check"] = cpu_us_per_request(app, ours)
        store.get_client = lambda client_id: client
        figures["- the client SELECT"] = cpu_us_per_request(app, ours)
    finally:
        jws.sign = real_sign
        for name in ("touch_client", "get_client"):
            store.__dict__.pop(name, None)
    profile = cProfile.Profile()
    profile.enable()
    cpu_us_per_request(app, ours, 1000, rounds=1)
    profile.disable()
    return {
        "us_per_request": {name: round(value) for name, value in figures.items()},
        "after_another_write": round(shared),
        "profile": by_package(profile),
    }


def package(filename: str, function: str) -> str:
    if "sign' of" in function and "rsa" in function.lower():
        return "RSA signature (OpenSSL)"
    if "sqlite3" in function:
        return "SQLite (sqlite3 calls)"
    for name in ("oauthlib", "webob", "reference_as", "json", "urllib"):
        if f"/{name}/" in filename:
            return name
    return "other (stdlib, builtins)"


def by_package(profile: cProfile.Profile) -> dict:
    totals = Counter()
    for (filename, _, function), (_, _, own, _, _) in pstats.Stats(profile).stats.items():
        totals[package(filename, function)] += own
    everything = sum(totals.values())
    return {name: round(100 * seconds / everything, 1) for name, seconds in totals.most_common()}


FRAMES = {
    "RSA signature": "_rs256_sign",
    "store: get_client": "get_client",
    "oauthlib create_token_response": "create_token_response (oauthlib/oauth2/rfc6749/endpoints/token.py",
    "our app (App.__call__)": "App.__call__",
    "Granian's call of the app (_runner)": "_runner (granian/wsgi.py",
}


def py_spy(gil: bool) -> dict | None:
    spy = shutil.which("py-spy") or str(Path(PYTHON).with_name("py-spy"))
    if not Path(spy).exists():
        return None
    with tempfile.TemporaryDirectory() as name, prepared("RS256") as ours, ours.running(1):
        raw = Path(name) / "spy.raw"
        worker = _worker()
        script, url = CC_SCRIPT, ours.base_url + TOKEN_PATH
        run_wrk(url, 2, script, (ours.cc_basic,))
        command = [spy, "record", "-p", worker, "-d", str(SPY_SECONDS), "-r", "200", "-f", "raw", "-o", str(raw)]
        recorder = subprocess.Popen([*command, "--nonblocking", *(["--gil"] if gil else [])], stderr=subprocess.DEVNULL)
        time.sleep(0.5)
        run_wrk(url, SPY_SECONDS, script, (ours.cc_basic,))
        recorder.wait(timeout=60)
        samples, under = 0, Counter()
        for line in raw.read_text().splitlines():
            stack, _, count = line.rpartition(" ")
            samples += int(count)
            for label, frame in FRAMES.items():
                if frame in stack:
                    under[label] += int(count)
    return {"samples": samples, **{label: round(100 * under[label] / samples, 1) for label in FRAMES}}


def _worker() -> str:
    """The pid of the one worker of the server being measured."""
    master = _running[-1].pid
    return subprocess.run(["pgrep", "-P", str(master)], capture_output=True, text=True).stdout.split()[0]


def _calls_per_request(url: str, authorization: str) -> dict:
    """strace -c on the worker for STRACE_SECONDS of wrk load: calls per request, by call."""
    with tempfile.TemporaryDirectory() as name:
        out = Path(name) / "strace.txt"
        tracer = ["strace", "-c", "-f", "-o", str(out), "-p", _worker()]
        requests = _traced(tracer, url, authorization, STRACE_SECONDS)
        table = out.read_text().splitlines()
    calls = {}
    for line in table:  # % time, seconds, usecs/call, calls, [errors,] syscall
        fields = line.split()
        if len(fields) >= 5 and fields[0][0].isdigit() and fields[-1] != "total":
            calls[fields[-1]] = round(int(fields[3]) / requests, 2)
    return calls


def _traced(tracer: list[str], url: str, authorization: str, seconds: int) -> int:
    """Run `tracer` (a command attached to the worker) while wrk loads `url` with
    token requests for `seconds`, then stop it as Control-C would; the requests answered."""
    process = subprocess.Popen(tracer, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    time.sleep(0.5)
    requests = parse_wrk(run_wrk(url, seconds, CC_SCRIPT, (authorization,)))["requests"]
    process.send_signal(signal.SIGINT)
    process.wait(timeout=60)
    return requests


def ours_and_ceiling(measure) -> dict:
    """`measure(url, authorization)` on our server and then on the token ceiling
    (bench/sign_only.py), 1 worker each, while wrk loads it."""
    with prepared("RS256") as ours, ours.running(1):
        result = {"ours": measure(ours.base_url + TOKEN_PATH, ours.cc_basic)}
    port = free_port()
    with tempfile.TemporaryDirectory() as name:
        url = f"http://{HOST}:{port}/"
        with serving(wsgi_command(BENCH / "sign_only.py", port, 1), url, Path(name) / "log", env=clean_environment()):
            result["token ceiling"] = measure(url, CEILING_AUTHORIZATION)
    return result


# perf's shared objects, named by what runs in them.
LIBRARIES = {
    "_rust.abi3.so": "cryptography (the signature: OpenSSL inside)",
    "libpython3": "the Python interpreter",
    "[kernel.kallsyms]": "the kernel (sockets, files, scheduling)",
    "libsqlite3": "SQLite",
    "_granian": "Granian (HTTP)",
    "libc.so": "the C library",
}


def _cpu_us_by_library(url: str, authorization: str) -> dict:
    """perf record on the worker for PERF_SECONDS of wrk load: CPU µs per request spent
    in each shared object (a sample every 1/PERF_HZ s of CPU time)."""
    with tempfile.TemporaryDirectory() as name:
        data = Path(name) / "perf.data"
        recorder = ["perf", "record", "-e", "cpu-clock", "-F", str(PERF_HZ), "-p", _worker(), "-o", str(data)]
        requests = _traced(recorder, url, authorization, PERF_SECONDS)
        report = ["perf", "report", "-i", str(data), "--stdio", "-n", "--sort", "dso", "-F", "sample,dso"]
        lines = subprocess.run(report, capture_output=True, text=True, check=True).stdout.splitlines()
    spent = Counter()
    for line in lines:  # samples, shared object
        fields = line.split()
        if len(fields) == 2 and fields[0].isdigit():
            label = next((label for part, label in LIBRARIES.items() if part in fields[1]), "other")
            spent[label] += int(fields[0]) * 1e6 / PERF_HZ / requests
    return {label: round(us) for label, us in spent.most_common()}


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="reference-as-bench-") as name:
        ours = Ours(Path(name))
        result = ablations(ours)
        by_flow = flows(ours)
        ours.close()
    print("In-process, one thread, no HTTP server: CPU µs per client credentials token request,")
    print("taking one part away after the other (best of 3 × 3,000 requests)")
    before = None
    for label, value in result["us_per_request"].items():
        saved = "" if before is None else f"   (that part: {before - value:,} µs)"
        print(f"  {label:34} {value:6,} µs{saved}")
        before = value
    print(f"  {'= the Python around them':34} {before:6,} µs   (webob, oauthlib, ours, json)")
    shared, alone = result["after_another_write"], result["us_per_request"]["as served"]
    again = f"(SQLite reading its pages again: {shared - alone:,} µs)"
    print(f"  {'as served, after another write':34} {shared:6,} µs   {again}")
    print("In-process, the three token flows (RS256, one signature each), CPU µs per request:")
    base = by_flow["client credentials"]
    for label, value in by_flow.items():
        print(f"  {label:34} {value:6,.0f} µs   ×{value / base:.2f} of client credentials")
    print("cProfile, own time by package (% of the profiled total):")
    for label, share in result["profile"].items():
        print(f"  {label:34} {share:5.1f} %")
    for gil in (False, True):
        spy = py_spy(gil)
        if spy is None:
            print("py-spy is not installed: pip install py-spy")
            break
        samples = spy.pop("samples")
        print(f"py-spy on a live worker (1 worker){' --gil' if gil else ''}: {samples} samples, share under")
        for label, share in spy.items():
            print(f"  {label:34} {share:5.1f} %")
    if not shutil.which("strace"):
        print("strace is not installed: apt-get install strace")
    else:
        print("strace -c on a live worker (1 worker, wrk load): system calls per request (under strace: slower)")
        side_by_side(ours_and_ceiling(_calls_per_request), "{:8.2f}")
    if not shutil.which("perf"):
        print("perf is not installed: apt-get install linux-perf")
        return
    print("perf record on a live worker (1 worker, wrk load): CPU µs per request, by shared object")
    side_by_side(ours_and_ceiling(_cpu_us_by_library), "{:8,}")


def side_by_side(figures: dict, number: str) -> None:
    """A table of ours against the token ceiling: the total, then each part, largest of ours first."""
    ours, ceiling = figures["ours"], figures["token ceiling"]
    rows = {"total": (sum(ours.values()), sum(ceiling.values()))}
    for name in sorted(ours | ceiling, key=lambda n: -ours.get(n, 0)):
        rows[name] = (ours.get(name, 0), ceiling.get(name, 0))
    print(f"  {'':44} {'ours':>8} {'ceiling':>8}")
    for name, (mine, theirs) in rows.items():
        if max(mine, theirs) >= 0.05:
            print(f"  {name:44} {number.format(mine)} {number.format(theirs)}")


if __name__ == "__main__":
    main()
