"""The PostgreSQL store beside SQLite (issue 20): the same flows, the same server
(2 workers, RS256), first on an SQLite file, then on a throwaway PostgreSQL cluster
(the tests' own, spec_tests/postgres_cluster.py) on the same machine:
client credentials, authorization code exchange with PKCE, and introspection.

Each PostgreSQL row gives the server processes' CPU per request (the figure the
issue's target compares: at most 1.3 x SQLite's) and, beside it, PostgreSQL's own
(its postmaster and the backends serving the pools). The database
shares the two cores with the server, as it would on one machine.
"""

import sys
from pathlib import Path

from flows import POOL_TOKENS, client_credentials, introspection, row, single_use
from harness import write_pool
from ours import prepared

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from spec_tests.postgres_cluster import Cluster  # noqa: E402


def _flows(ours, workers: int, store: str, seconds: int, trees: dict[str, int]) -> list[dict]:
    cc = client_credentials(ours, trees)
    rows = [row(f"token: client_credentials, RS256, {store}", workers, "RS256", cc, signs=True)]
    code = single_use(ours, ours.code_exchanges, cc["requests_per_s"], f"code-{store}", seconds, trees)
    rows.append(row(f"token: authorization_code + PKCE, RS256, {store}", workers, "RS256", code, signs=True))
    tokens = write_pool(ours.folder / "tokens.txt", ours.access_tokens(POOL_TOKENS))
    looked_up = introspection(ours, tokens, trees)
    rows.append(row(f"introspection (RS256 JWT), {store}", workers, "RS256", looked_up, signs=False))
    return rows


def sqlite_and_postgres(seconds: int, workers: int = 2) -> list[dict]:
    with prepared("RS256") as ours, ours.running(workers):
        rows = _flows(ours, workers, "SQLite", seconds, {})
    cluster = Cluster()
    try:
        with prepared("RS256", store_url=cluster.create_database()) as ours, ours.running(workers):
            rows += _flows(ours, workers, "PostgreSQL", seconds, {"postgres": cluster.postmaster_pid()})
    finally:
        cluster.remove()
    by_name = {r["name"]: r for r in rows}
    for r in rows:
        if r["name"].endswith(", PostgreSQL"):
            sqlite = by_name[r["name"].replace(", PostgreSQL", ", SQLite")]
            r["cpu_vs_sqlite"] = round(r["server_cpu_us_per_request"] / sqlite["server_cpu_us_per_request"], 2)
    for r in rows:  # the table shows names and the server's CPU: the ratio and PostgreSQL's own go in the name
        if "cpu_vs_sqlite" in r:
            r["name"] += f" ({r['cpu_vs_sqlite']} x SQLite; PostgreSQL {r['postgres_cpu_us_per_request']:.0f} µs)"
    return rows
