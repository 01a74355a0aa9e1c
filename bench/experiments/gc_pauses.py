"""Experiment (not part of `make bench`): the garbage collector's pauses in a worker,
with and without `gc.freeze()` before the fork (reference_as/serve.py).

A request leaves a few objects in reference cycles (webob keeps the parsed query and
the body's file wrapper in the WSGI environ, which they point back to), so they wait
for the cycle collector, which runs now and then. A full collection (generation 2)
scans every tracked object: in a worker, mostly the ones made at start-up (modules,
oauthlib's endpoints, the app). Frozen before the fork, those are never scanned.

In-process, one thread, our app on a prepared SQLite store (bench/ours.py), client
credentials token requests: the pauses of each generation (count, longest, mean),
timed with `gc.callbacks`, first in a process that froze the start-up objects, then
in one that did not (each a fresh interpreter).

Run: .venv/bin/python bench/experiments/gc_pauses.py   (about 40 seconds)
"""

import gc
import subprocess
import sys
import time
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from ours import prepared  # noqa: E402
from profile_token import token_environ  # noqa: E402

from reference_as.app import make_app  # noqa: E402
from reference_as.secret_box import SecretBox, decode_key  # noqa: E402

REQUESTS = 25_000


def pauses(freeze: bool) -> dict[int, list[float]]:
    """Milliseconds of each collection, by generation, over REQUESTS token requests."""
    by_generation: dict[int, list[float]] = defaultdict(list)
    started = [0.0]

    def timer(phase, info):
        if phase == "start":
            started[0] = time.perf_counter()
        else:
            by_generation[info["generation"]].append(1000 * (time.perf_counter() - started[0]))

    with prepared() as ours:
        app = make_app(ours.settings, ours.store, ours.clock, SecretBox(decode_key(ours.master_key)))
        if freeze:
            gc.freeze()
        gc.callbacks.append(timer)
        for _ in range(REQUESTS):
            b"".join(app(token_environ(ours), lambda status, headers, exc_info=None: None))
        gc.callbacks.remove(timer)
    return by_generation


def report(freeze: bool) -> None:
    label = "with gc.freeze()" if freeze else "without"
    print(f"{label}: {REQUESTS:,} client credentials token requests, in-process")
    found = pauses(freeze)
    for generation in (0, 1, 2):
        times = found.get(generation, [])
        if times:
            print(f"  generation {generation}: {len(times):4} collections, longest {max(times):6.2f} ms, "
                  f"mean {sum(times) / len(times):5.2f} ms")  # fmt: skip
        else:
            print(f"  generation {generation}:    0 collections")


if __name__ == "__main__":
    if sys.argv[1:] in (["frozen"], ["unfrozen"]):
        report(sys.argv[1] == "frozen")
    else:
        for which in ("frozen", "unfrozen"):
            subprocess.run([sys.executable, __file__, which], check=True)
