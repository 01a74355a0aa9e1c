"""Experiment (not part of `make bench`): what each WSGI server costs per request.

The hello-world app (bench/hello.py) and our token endpoint (client credentials,
RS256, a prepared SQLite store: bench/ours.py) under:
  - Granian's WSGI interface, one Rust thread per worker, with 2 Python threads (what
    `reference-as serve` ran before it moved to Granian's RSGI interface through
    reference_as/rsgi_bridge.py, which bench/run.py measures), 4 and 1;
  - gunicorn gthread, 4 threads per worker (what `reference-as serve` ran before) and 1 thread;
  - gunicorn sync (no keep-alive: every request opens a connection);
  - uWSGI, --http-socket, processes only, with and without --http-keepalive;
  - waitress (one process, 4 threads);
with 1 and 2 worker processes, loaded by the suite's wrk (-t2 -c16). For each: requests/s,
p50, p99 and the server's CPU time per request (harness.measured_run), which for
hello world is what the server itself adds to every request.

Needs Granian (a dependency), gunicorn, waitress and uWSGI in the venv:
pip install gunicorn waitress uwsgi (uWSGI builds from source with gcc).

Run: .venv/bin/python bench/experiments/wsgi_servers.py [hello|token ...]   (about 4 minutes)
"""

import json
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from harness import (  # noqa: E402
    BENCH,
    CC_SCRIPT,
    HOST,
    PYTHON,
    WRK_CONNECTIONS,
    WRK_THREADS,
    BenchError,
    clean_environment,
    load_average,
    measured_run,
    run_wrk,
    serving,
)
from ours import METADATA_PATH, TOKEN_PATH, prepared  # noqa: E402

from conformance.processes import free_port  # noqa: E402

EXPERIMENTS = Path(__file__).resolve().parent
BIN = Path(PYTHON).parent
SECONDS, WARM_UP = int(os.environ.get("BENCH_SECONDS", "8")), 1
RESULTS = BENCH / "results" / "wsgi_servers.json"


def gunicorn(worker_class: str, threads: int):
    def command(directory: Path, module: str, port: int, workers: int) -> list[str]:
        return [
            str(BIN / "gunicorn"),
            f"--bind={HOST}:{port}",
            f"--workers={workers}",
            f"--worker-class={worker_class}",
            f"--threads={threads}",
            "--preload",
            f"--chdir={directory}",
            "--log-level=warning",
            f"{module}:app",
        ]

    return command


def uwsgi(keepalive: bool):
    def command(directory: Path, module: str, port: int, workers: int) -> list[str]:
        return [
            str(BIN / "uwsgi"),
            f"--http-socket={HOST}:{port}",
            f"--processes={workers}",
            "--master",
            "--disable-logging",
            "--single-interpreter",
            "--die-on-term",
            f"--chdir={directory}",
            f"--module={module}:app",
            *(["--http-keepalive"] if keepalive else []),
        ]

    return command


def granian(threads: int):
    def command(directory: Path, module: str, port: int, workers: int) -> list[str]:
        return [
            str(BIN / "granian"),
            "--interface=wsgi",
            f"--host={HOST}",
            f"--port={port}",
            f"--workers={workers}",
            f"--blocking-threads={threads}",
            "--runtime-mode=st",
            "--no-ws",
            "--log-level=warning",
            f"--working-dir={directory}",
            f"{module}:app",
        ]

    return command


def waitress(directory: Path, module: str, port: int, workers: int) -> list[str]:
    return [str(BIN / "waitress-serve"), f"--listen={HOST}:{port}", "--threads=4", f"{module}:app"]


SERVERS = {
    "granian, 2 threads (ours until the RSGI bridge)": (granian(2), (1, 2)),
    "granian, 4 threads": (granian(4), (1, 2)),
    "granian, 1 thread": (granian(1), (1, 2)),
    "gunicorn gthread, 4 threads": (gunicorn("gthread", 4), (1, 2)),
    "gunicorn gthread, 1 thread": (gunicorn("gthread", 1), (1, 2)),
    "gunicorn sync (no keep-alive)": (gunicorn("sync", 1), (1, 2)),
    "uWSGI http-socket": (uwsgi(False), (1, 2)),
    "uWSGI http-socket --http-keepalive": (uwsgi(True), (1, 2)),
    "waitress, 4 threads": (waitress, (1,)),
}


def run(name: str, command: list[str], url: str, ready: str, cwd: Path, env: dict, log: Path, args=()) -> dict:
    """One server: a warm-up, then a measured run. The app's folder goes on PYTHONPATH
    (waitress-serve imports from there; the others are told with --chdir too)."""
    script = CC_SCRIPT if args else None
    env = {**env, "PYTHONPATH": f"{BENCH}:{EXPERIMENTS}"}
    with serving(command, ready, log, cwd, env):
        run_wrk(url, WARM_UP, script, args)
        load = load_average()
        return {"server": name, **measured_run(url, SECONDS, script, args), "load_average": load}


def hello_rows() -> list[dict]:
    rows = []
    for name, (command, worker_counts) in SERVERS.items():
        for workers in worker_counts:
            port = free_port()
            url = f"http://{HOST}:{port}/"
            log = Path("/tmp") / f"wsgi-servers-{port}.log"
            try:
                row = run(name, command(BENCH, "hello", port, workers), url, url, BENCH, clean_environment(), log)
            except BenchError as error:
                row = {"server": name, "error": str(error).splitlines()[0]}
            rows.append({"app": "hello", "workers": workers, **row})
            print(json.dumps(rows[-1]), flush=True)
    return rows


def token_rows(servers: dict = SERVERS) -> list[dict]:
    rows = []
    with prepared("RS256") as ours:
        env = clean_environment(
            REFERENCE_AS_STORE=ours.settings.store,
            REFERENCE_AS_ISSUER=ours.base_url,
            REFERENCE_AS_PORT=str(ours.port),
            REFERENCE_AS_SECRET_KEY=ours.master_key,
        )
        for name, (command, worker_counts) in servers.items():
            for workers in worker_counts:
                cmd = command(EXPERIMENTS, "our_app", ours.port, workers)
                log = ours.folder / "server.log"
                url, ready = ours.base_url + TOKEN_PATH, ours.base_url + METADATA_PATH
                try:
                    row = run(name, cmd, url, ready, ours.folder, env, log, (ours.cc_basic,))
                except BenchError as error:
                    row = {"server": name, "error": str(error).splitlines()[0]}
                rows.append({"app": "token (client credentials, RS256)", "workers": workers, **row})
                print(json.dumps(rows[-1]), flush=True)
    return rows


def main() -> None:
    wanted = sys.argv[1:] or ["hello", "token"]
    started = time.monotonic()
    rows = (hello_rows() if "hello" in wanted else []) + (token_rows() if "token" in wanted else [])
    print(f"\nwrk -t{WRK_THREADS} -c{WRK_CONNECTIONS} -d{SECONDS}s; µs CPU/req: the server's CPU time per request")
    print(f"{'app':48} {'server':36} {'w':>2} {'req/s':>7} {'p50 ms':>7} {'p99 ms':>7} {'µs CPU/req':>10} {'other':>5}")
    for row in rows:
        if "error" in row:
            print(f"{row['app']:48} {row['server']:36} {row['workers']:>2} failed: {row['error']}")
            continue
        print(
            f"{row['app']:48} {row['server']:36} {row['workers']:>2} {row['requests_per_s']:>7,.0f} "
            f"{row['p50_ms']:>7.2f} {row['p99_ms']:>7.2f} {row['server_cpu_us_per_request']:>10,.0f} "
            f"{row['other_cpu_cores']:>5.2f}"
        )
    results = RESULTS if not sys.argv[1:] else RESULTS.with_name(f"wsgi_servers-{'-'.join(wanted)}.json")
    results.parent.mkdir(exist_ok=True)
    results.write_text(json.dumps(rows, indent=2) + "\n")
    print(f"{time.monotonic() - started:.0f} s; written to {results.relative_to(BENCH.parent)}")


if __name__ == "__main__":
    main()
