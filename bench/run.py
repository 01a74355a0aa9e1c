"""The benchmark suite (`make bench`): every figure of issue 8 in one run, one table.

In order (progress on stderr, the table on stdout at the end):
  1. floors.py  signing per core (RS256, ES256, EdDSA); the HTTP floor, 1 and 2 workers;
                the token ceiling (an app that only signs), 2 workers, each algorithm
  2. flows.py   our token endpoint (client credentials, 1 and 2 workers, RS256;
                2 workers ES256 and EdDSA), code exchange with PKCE, refresh rotation,
                introspection, /api/me
  3. peers/     Authlib and oidc-provider, client credentials, 2 workers
  4. scale.py   client credentials and introspection with a million live tokens
Each row is compared with the signing floor (workers × one core's signatures/s
with the row's algorithm) and the token ceiling of its algorithm when it signs a
token, and with the HTTP floor of the same worker count. The results, with the
machine and the load average, go to bench/results/latest.json.

Run: .venv/bin/python bench/run.py [PART ...]   (needs wrk; BENCH_SECONDS=3 for a quick try)
A run of some PARTs only (see PARTS; the floors always run) is written beside
latest.json under its parts' names, e.g. results/flows-scale.json.
"""

import json
import os
import platform
import subprocess
import sys
import time
from datetime import UTC, datetime
from functools import partial

import floors
import flows
import peers
import postgres
import scale
from harness import BENCH, MEASURE_SECONDS, WARM_UP_SECONDS, WRK_CONNECTIONS, WRK_THREADS, BenchError, load_average

RESULTS_FILE = BENCH / "results" / "latest.json"
WORKERS = 2  # the workers of every row but the 1-worker ones: the cores of the target machine


def progress(text: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')} load {load_average():.2f}] {text}", file=sys.stderr, flush=True)


def machine() -> dict:
    cpu = next(
        (line.split(":", 1)[1].strip() for line in open("/proc/cpuinfo") if line.startswith("model name")), "unknown"
    )
    wrk = subprocess.run(["wrk", "-v"], capture_output=True, text=True).stdout.split("\n", 1)[0].strip()
    node = subprocess.run(["node", "--version"], capture_output=True, text=True).stdout.strip()
    return {
        "platform": platform.platform(),
        "cpu": cpu,
        "cpu_count": os.cpu_count(),
        "python": platform.python_version(),
        "wrk": wrk,
        "node": node,
    }


def section(name: str, rows: list, errors: list, measure) -> None:
    """Run one part; a failure is recorded and the suite goes on with the next."""
    progress(name)
    try:
        result = measure()
    except BenchError as error:
        print(f"{name}: {error}", file=sys.stderr)
        errors.append(f"{name}: {str(error).splitlines()[0]}")
        return
    rows.extend(result if isinstance(result, list) else [result])


def add_ratios(rows: list[dict], signing: dict[int, dict[str, float]]) -> None:
    """The signing floor of a row: its workers × one core's rate (the issue's definition);
    the HTTP floor: hello world with as many workers; the token ceiling: the app that
    only signs, same workers and algorithm."""
    measured = [row for row in rows if "requests_per_s" in row]
    http = {row["workers"]: row["requests_per_s"] for row in measured if row["name"] == floors.HTTP_FLOOR}
    ceiling = {(r["workers"], r["alg"]): r["requests_per_s"] for r in measured if r["server"] == "sign_only.py"}
    for row in measured:
        if row.get("signs"):
            floor = signing[1][row["alg"]] * row["workers"]
            row["signing_floor_per_s"] = round(floor, 1)
            row["of_signing_floor_percent"] = round(100 * row["requests_per_s"] / floor, 1)
            if row.get("server_cpu_us_per_request"):  # the same ratio, counted in CPU time: load does not move it
                signature_us = 1e6 / signing[1][row["alg"]]
                row["signature_share_of_cpu_percent"] = round(100 * signature_us / row["server_cpu_us_per_request"], 1)
            key = (row["workers"], row["alg"])
            if key in ceiling and row["server"] != "sign_only.py":
                row["of_ceiling_percent"] = round(100 * row["requests_per_s"] / ceiling[key], 1)
        if row["workers"] in http and row["name"] != floors.HTTP_FLOOR:
            row["of_http_floor_percent"] = round(100 * row["requests_per_s"] / http[row["workers"]], 1)


def find(rows: list[dict], name: str) -> dict | None:
    return next((row for row in rows if row["name"] == name and "requests_per_s" in row), None)


def comparisons(rows: list[dict], filled: dict) -> dict:
    """Ours ÷ each peer; the full store against the nearly empty one (scale.py)."""
    ours = next((r for r in rows if r["name"] == "token: client_credentials, RS256" and r["workers"] == WORKERS), None)
    result = {"ours_over_peer": {}, "scale": dict(filled)}
    for peer in (r for r in rows if r["name"].startswith("peer:") and "requests_per_s" in r):
        if ours:
            result["ours_over_peer"][peer["server"]] = round(ours["requests_per_s"] / peer["requests_per_s"], 2)
    for key, kind in (("issuance", "client_credentials"), ("introspection", "introspection")):
        empty = find(rows, f"scale: {kind}, nearly empty store")
        full = next((r for r in rows if r["name"].startswith(f"scale: {kind}, ") and r is not empty), None)
        if empty and full and "requests_per_s" in full:
            result["scale"][key] = {
                "requests_per_s_change_percent": round(100 * (full["requests_per_s"] / empty["requests_per_s"] - 1), 1),
                "cpu_per_request_change_percent": round(
                    100 * (full["server_cpu_us_per_request"] / empty["server_cpu_us_per_request"] - 1), 1
                ),
                "p99_change_ms": round(full["p99_ms"] - empty["p99_ms"], 2),
            }
    return result


def table(results: dict) -> str:
    m, f = results["machine"], results["floors"]
    lines = [
        f"reference-as bench, {results['date']} — {m['cpu']}, {m['cpu_count']} CPUs, {m['platform']}, "
        f"Python {m['python']}",
        f"command: {results['command']}; load: wrk -t{WRK_THREADS} -c{WRK_CONNECTIONS}, {WARM_UP_SECONDS} s warm-up "
        f"+ {MEASURE_SECONDS} s measured per row; Granian as `reference-as serve` (serve.py)",
        "signing floor, per second of CPU on one core: "
        + ", ".join(f"{alg} {rate:,.0f}/s" for alg, rate in f["signing"][1].items())
        + f"; {WORKERS} processes at once: "
        + ", ".join(f"{alg} {rate:,.0f}/s" for alg, rate in f["signing"][WORKERS].items()),
        "",
        f"{'':48} {'workers':>7} {'req/s':>7} {'p50 ms':>7} {'p99 ms':>7} {'% sign':>6} {'% ceil':>6} {'% HTTP':>6}"
        f" {'µs CPU/req':>10} {'sig/CPU':>7} {'wrk':>5} {'other':>5} {'load':>5}",
    ]
    for row in results["rows"]:
        if "requests_per_s" not in row:
            lines.append(f"{row['name']:48} {row['workers']:>7} skipped: {row.get('skipped', '?')}")
            continue
        sign, ceiling, http = (
            f"{row[key]:.1f}" if key in row else "-"
            for key in ("of_signing_floor_percent", "of_ceiling_percent", "of_http_floor_percent")
        )
        share = row.get("signature_share_of_cpu_percent")
        share = f"{share:.1f}" if share else "-"
        lines.append(
            f"{row['name']:48} {row['workers']:>7} {row['requests_per_s']:>7,.0f} {row['p50_ms']:>7.2f} "
            f"{row['p99_ms']:>7.2f} {sign:>6} {ceiling:>6} {http:>6} "
            f"{row['server_cpu_us_per_request']:>10,.0f} {share:>7} "
            f"{row['wrk_cpu_cores']:>5.2f} {row['other_cpu_cores']:>5.2f} {row['load_average']:>5.2f}"
        )
    c = results["comparisons"]
    lines.append(
        "% sign: of the signing floor (workers × one core's rate, row's algorithm); % ceil: of the token "
        "ceiling (sign_only.py: the signature and HTTP, nothing else), same workers and algorithm; "
        "% HTTP: of the HTTP floor, same workers; µs CPU/req: the server's CPU time per request (all its "
        "processes); sig/CPU: the signature's share of it (10⁶ ÷ one core's signing rate ÷ µs CPU/req); "
        "wrk, other: cores used by wrk and by everything else (other sessions, steal) during the run; "
        "load: 1-min load average at its start (counts the bench itself)"
    )
    lines.append("")
    if c["ours_over_peer"]:
        lines.append(
            "ours ÷ peer (client credentials, 2 workers): "
            + ", ".join(f"{name} ×{ratio:.2f}" for name, ratio in c["ours_over_peer"].items())
        )
    s = c["scale"]
    if "issuance" in s and "introspection" in s:
        issuance, introspection = s["issuance"], s["introspection"]
        lines.append(
            f"scale, {s['live_grants']:,} live grants vs nearly empty: issuance "
            f"{issuance['requests_per_s_change_percent']:+.1f} % req/s, "
            f"{issuance['cpu_per_request_change_percent']:+.1f} % CPU/req (target within 10 %); "
            f"introspection p99 {introspection['p99_change_ms']:+.2f} ms (target within 2 ms); "
            f"{s['bytes_per_grant']:.0f} bytes per grant, {s['database_bytes'] / 1e6:,.0f} MB, "
            f"filled in {s['fill_seconds']:.1f} s"
        )
    lines.append(
        f"load average (1 min): {results['load_average_at_start']:.2f} at the start, "
        f"{results['load_average_at_end']:.2f} at the end; {results['elapsed_seconds']:.0f} s in all"
    )
    for error in results["errors"]:
        lines.append(f"FAILED {error}")
    return "\n".join(lines)


def at_scale(filled: dict) -> list[dict]:
    figures, rows = scale.at_scale(WORKERS)
    filled.update(figures)
    return rows


# The parts after the floors, in order; `run.py PART ...` runs only those (and the floors).
PARTS = {
    "token1": ("our token endpoint, 1 worker, RS256", lambda filled: flows.token_endpoint(1, "RS256")),
    "flows": (f"our flows, {WORKERS} workers, RS256", lambda filled: flows.all_flows(MEASURE_SECONDS, WORKERS)),
    "es256": (f"our token endpoint, {WORKERS} workers, ES256", lambda filled: flows.token_endpoint(WORKERS, "ES256")),
    "eddsa": (f"our token endpoint, {WORKERS} workers, EdDSA", lambda filled: flows.token_endpoint(WORKERS, "EdDSA")),
    "peers": ("peers: Authlib, oidc-provider", lambda filled: peers.all_peers(WORKERS)),
    "scale": (f"scale: {scale.LIVE_GRANTS:,} live grants (filling, then measuring)", at_scale),
    "postgres": (
        f"SQLite and PostgreSQL, {WORKERS} workers, RS256",
        lambda filled: postgres.sqlite_and_postgres(MEASURE_SECONDS, WORKERS),
    ),
}


def main(argv: list[str]) -> int:
    unknown = [part for part in argv if part not in PARTS]
    if unknown:
        print(f"usage: run.py [{' | '.join(PARTS)} ...]  (unknown: {' '.join(unknown)})", file=sys.stderr)
        return 2
    parts = argv or list(PARTS)
    started, load_at_start = time.monotonic(), load_average()
    rows, errors, filled = [], [], {}
    progress(f"signing floors (RS256, ES256, EdDSA): one core, then {WORKERS} at once")
    signing = floors.signing_floors(WORKERS)
    try:
        for workers in (1, WORKERS):
            section(f"HTTP floor, {workers} worker(s)", rows, errors, lambda w=workers: floors.http_floor(w))
        for alg in floors.SIGNING_ALGORITHMS:
            ceiling = partial(floors.token_ceiling, WORKERS, alg)
            section(f"token ceiling, {WORKERS} workers, {alg}", rows, errors, ceiling)
        for part in parts:
            name, measure = PARTS[part]
            section(name, rows, errors, lambda measure=measure: measure(filled))
    except KeyboardInterrupt:  # every server has been stopped on the way out
        print("bench: interrupted", file=sys.stderr)
        return 130
    add_ratios(rows, signing)
    results = {
        "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "command": " ".join([".venv/bin/python bench/run.py", *argv]) + ("  (make bench)" if not argv else ""),
        "machine": machine(),
        "load": {"tool": "wrk", "threads": WRK_THREADS, "connections": WRK_CONNECTIONS},
        "seconds": {"warm_up": WARM_UP_SECONDS, "measured": MEASURE_SECONDS},
        "floors": {"signing": signing},
        "rows": rows,
        "comparisons": comparisons(rows, filled),
        "errors": errors,
        "load_average_at_start": load_at_start,
        "load_average_at_end": load_average(),
        "elapsed_seconds": round(time.monotonic() - started),
    }
    # A partial run does not replace the full one's file.
    results_file = RESULTS_FILE if not argv else RESULTS_FILE.with_name("-".join(argv) + ".json")
    results_file.parent.mkdir(exist_ok=True)
    results_file.write_text(json.dumps(results, indent=2) + "\n")
    print(table(results))
    print(f"written to {results_file.relative_to(BENCH.parent)}")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
