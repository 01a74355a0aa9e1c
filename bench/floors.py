"""The floors: what no endpoint can beat, measured in the same run as the endpoints.

- Signing: RS256, ES256 and EdDSA access tokens signed on one thread with the
  project's own code (`jose.jws.sign`, RFC 9068 claims, a fresh key), counted
  against the thread's CPU time, the best of four half-second rounds, so that other
  work on the machine lowers it as little as can be. Every token response carries
  one such signature, so N cores never answer more than N × that rate: the
  *signing floor* of a token request (measured too with N processes signing at
  once); and 10⁶ ÷ the rate is the CPU time one signature costs, to set against
  a request's.
- HTTP: a hello-world WSGI app (hello.py) under the same WSGI server, settings and
  worker count as ours (serve_wsgi.py), loaded by the same wrk. No endpoint of ours
  can answer faster: the *HTTP floor*.
- Signature and HTTP together: an app that does nothing but answer each client
  credentials request with a freshly signed token (sign_only.py), served and loaded
  like ours. It authenticates no one and records nothing, so it is the most a token
  endpoint can answer on this machine with that algorithm: the *token ceiling*.
"""

import multiprocessing
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from harness import BENCH, CC_SCRIPT, HOST, clean_environment, measure, serving, wsgi_command
from ours import basic

from conformance.processes import free_port
from reference_as.jose import jws
from reference_as.jose.algorithms import ALGORITHMS
from reference_as.policy import rfc9068_access_token as rfc9068

SIGNING_ALGORITHMS = ("RS256", "ES256", "EdDSA")
ROUNDS, ROUND_SECONDS = 4, 0.5


def signing_rate(name: str) -> float:
    """Access tokens signed per second of this thread's CPU time: the best of ROUNDS rounds."""
    algorithm = ALGORITHMS[name]
    key = algorithm.generate()
    return max(_signing_round(algorithm, key) for _ in range(ROUNDS))


def signed_token(algorithm, key) -> str:
    """One RFC 9068 access token, signed as the token endpoint signs it."""
    now = int(time.time())
    claims = rfc9068.claims(
        issuer=f"http://{HOST}:8000",
        audience=f"http://{HOST}:8000/api",
        subject="bench-client",
        client_id="bench-client",
        scopes=("api:read", "api:write", "api:admin", "api:superuser"),
        now=now,
        expires=now + 3600,
        jti=rfc9068.new_jti(),
        grant_id=None,
    )
    return jws.sign(rfc9068.header(algorithm.name, "bench-key"), claims, algorithm, key)


def _signing_round(algorithm, key) -> float:
    count, started = 0, time.thread_time()
    deadline = started + ROUND_SECONDS
    while time.thread_time() < deadline:
        signed_token(algorithm, key)
        count += 1
    return round(count / (time.thread_time() - started), 1)


def signing_floors(cores: int) -> dict[int, dict[str, float]]:
    """Signatures per second, per algorithm: on one core, and on `cores` cores at once
    (as many processes signing together, their rates added: a check that N cores do
    give N times one, and the floor the N-worker rows are compared with)."""
    floors = {1: {name: signing_rate(name) for name in SIGNING_ALGORITHMS}}
    with ProcessPoolExecutor(cores, mp_context=multiprocessing.get_context("fork")) as pool:
        floors[cores] = {name: round(sum(pool.map(signing_rate, [name] * cores)), 1) for name in SIGNING_ALGORITHMS}
    return floors


HTTP_FLOOR = "HTTP floor: hello world, our WSGI server"
CEILING = "token ceiling: sign only, our WSGI server"


def http_floor(workers: int) -> dict:
    """hello.py under our WSGI server with `workers` workers, loaded by wrk: a row of the table."""
    figures = _served("hello.py", workers)
    return {"name": HTTP_FLOOR, "server": "hello.py", "workers": workers, "signs": False, **figures}


# The client credentials request the token ceiling is loaded with: the size of ours
# (sign_only.py reads no header).
CEILING_AUTHORIZATION = basic("bench-cc", "x" * 43)


def token_ceiling(workers: int, alg: str) -> dict:
    """sign_only.py signing with `alg`, `workers` workers, loaded by the client
    credentials requests our token endpoint gets: a row of the table."""
    figures = _served("sign_only.py", workers, {"BENCH_SIGNING_ALG": alg}, CC_SCRIPT, (CEILING_AUTHORIZATION,))
    name = f"{CEILING}, {alg}"
    return {"name": name, "server": "sign_only.py", "workers": workers, "alg": alg, "signs": True, **figures}


def _served(app: str, workers: int, env: dict | None = None, script: Path | None = None, args: tuple = ()) -> dict:
    """The wrk figures of bench/`app` under our WSGI server."""
    port = free_port()
    with tempfile.TemporaryDirectory(prefix="reference-as-bench-") as folder:
        log = Path(folder) / f"{app}.log"
        command, url = wsgi_command(BENCH / app, port, workers), f"http://{HOST}:{port}/"
        with serving(command, url, log, env=clean_environment(**(env or {}))):
            return measure(url, script, args)
