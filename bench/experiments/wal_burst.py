"""Experiment (not part of `make bench`): how large the SQLite store's write-ahead log
grows under a burst of token requests, and whether it shrinks afterwards.

`reference-as serve` (2 workers) on a prepared store (bench/ours.py); BURST_THREADS
client threads, each on its own keep-alive connection, send client credentials
token requests and refresh token requests (each a write to the store) for
BURST_SECONDS; a sampler reads the size of the `-wal` file every 50 ms. Then the
load stops and the file is read again after IDLE_SECONDS without requests, and
once more after one `reference-as purge` (which runs the purge's checkpoint).

Run: .venv/bin/python bench/experiments/wal_burst.py   (about 30 seconds)
"""

import http.client
import os
import subprocess
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from harness import CLI, HOST, clean_environment  # noqa: E402
from ours import TOKEN_PATH, prepared  # noqa: E402

BURST_THREADS = 8
BURST_SECONDS = float(os.environ.get("BURST_SECONDS", "15"))
IDLE_SECONDS = 5
MB = 1_000_000


def wal_size(db_path: Path) -> int:
    try:
        return os.path.getsize(str(db_path) + "-wal")
    except FileNotFoundError:
        return 0


def client(port: int, bodies: list[tuple[str, str]], stop: threading.Event, counts: list[int]) -> None:
    connection = http.client.HTTPConnection(HOST, port, timeout=30)
    headers = {"Content-Type": "application/x-www-form-urlencoded"}
    sent = 0
    while not stop.is_set() and sent < len(bodies):
        authorization, body = bodies[sent]
        connection.request("POST", TOKEN_PATH, body, {**headers, "Authorization": authorization})
        connection.getresponse().read()
        sent += 1
    counts.append(sent)


def main() -> None:
    with prepared() as ours, ours.running(workers=2):
        per_thread = int(BURST_SECONDS * 1000)  # more than a thread can send in the time
        stop, counts, largest = threading.Event(), [], [0]
        cc = (ours.cc_basic, "grant_type=client_credentials")
        threads = []
        for _ in range(BURST_THREADS):
            bodies = [item for body in ours.refreshes(per_thread // 2) for item in (cc, (ours.code_basic, body))]
            threads.append(threading.Thread(target=client, args=(ours.port, bodies, stop, counts)))
        before = wal_size(ours.db_path)
        started = time.monotonic()
        for thread in threads:
            thread.start()
        while time.monotonic() - started < BURST_SECONDS:
            largest[0] = max(largest[0], wal_size(ours.db_path))
            time.sleep(0.05)
        stop.set()
        for thread in threads:
            thread.join()
        at_end = wal_size(ours.db_path)
        time.sleep(IDLE_SECONDS)
        idle = wal_size(ours.db_path)
        environment = clean_environment(REFERENCE_AS_SECRET_KEY=ours.master_key)
        subprocess.run([CLI, "purge", "--store", ours.settings.store], env=environment, check=True, capture_output=True)
        purged = wal_size(ours.db_path)
        print(
            f"{sum(counts):,} token requests in {BURST_SECONDS:.0f} s from {BURST_THREADS} connections; "
            f"WAL before {before / MB:.1f} MB, largest {largest[0] / MB:.1f} MB, at the end {at_end / MB:.1f} MB, "
            f"{IDLE_SECONDS} s later {idle / MB:.1f} MB, after `reference-as purge` {purged / MB:.1f} MB "
            f"(database {os.path.getsize(ours.db_path) / MB:.1f} MB)"
        )


if __name__ == "__main__":
    main()
