"""Our endpoints under load (the server and its data: ours.py).

- The token endpoint, client credentials (RFC 6749 §4.4), with 1 and 2 workers,
  RS256; and with 2 workers under ES256 and EdDSA.
- With 2 workers and RS256, on one server, one after the other:
  - authorization code exchange with PKCE (RFC 6749 §4.1.3, RFC 7636 §4.5): each
    request redeems a code once and receives an access and a refresh token;
  - refresh with rotation (RFC 6749 §6, RFC 9700 §4.14.2): each request spends a
    refresh token once and receives a new access and refresh token;
  - introspection (RFC 7662) of 1,000 access tokens in turn;
  - /api/me (RFC 6750), the same tokens validated locally (signature, claims,
    the store's record).
Each row says which floor it is compared with (floors.py): "signing" when the
request signs a token, "http" always.
"""

import json

from harness import CC_SCRIPT, POOL_SCRIPT, WARM_UP_SECONDS, BenchError, measure, pool_args, post_form, write_pool
from ours import INTROSPECT_PATH, ME_PATH, TOKEN_PATH, Ours, prepared

POOL_TOKENS = 1000  # access tokens introspected (and presented to /api/me) in turn


def row(name: str, workers: int, alg: str, figures: dict, signs: bool) -> dict:
    return {"name": name, "server": "reference-as", "workers": workers, "alg": alg, "signs": signs, **figures}


def check_token_response(status: int, body: bytes, what: str) -> dict:
    """One request answers 200 with an access token, or the run would measure errors."""
    if status != 200:
        raise BenchError(f"{what} answered {status}: {body.decode(errors='replace')}")
    document = json.loads(body)
    if "access_token" not in document and "active" not in document:
        raise BenchError(f"{what}: no access_token in {document}")
    return document


def client_credentials(ours: Ours, trees: dict[str, int] | None = None) -> dict:
    """`trees`: processes whose CPU per request is measured too (harness.measured_run)."""
    url = ours.base_url + TOKEN_PATH
    check_token_response(*post_form(url, "grant_type=client_credentials", ours.cc_basic), "client credentials")
    return measure(url, CC_SCRIPT, (ours.cc_basic,), server=ours.process, trees=trees)


def single_use(ours: Ours, make, expected_rate: float, name: str, seconds: int, trees=None) -> dict:
    """Load with single-use requests (codes, refresh tokens): a pool for the warm-up and
    one for each measured run, each twice what `expected_rate` would use."""
    url = ours.base_url + TOKEN_PATH
    check_token_response(*post_form(url, make(1)[0], ours.code_basic), name)
    warm = write_pool(ours.folder / f"{name}-warm.txt", make(int(expected_rate * WARM_UP_SECONDS * 2) + 100))
    runs = iter(range(1, 100))

    def fresh_pool() -> tuple[str, ...]:
        pool = write_pool(ours.folder / f"{name}-{next(runs)}.txt", make(int(expected_rate * seconds * 2) + 100))
        return pool_args(pool, "form", reuse=False, authorization=ours.code_basic)

    warm_up = pool_args(warm, "form", reuse=False, authorization=ours.code_basic)
    return measure(
        url, POOL_SCRIPT, fresh_pool, warm_up_args=warm_up, seconds=seconds, server=ours.process, trees=trees
    )


def introspection(ours: Ours, tokens_file, trees=None) -> dict:
    url = ours.base_url + INTROSPECT_PATH
    first = tokens_file.read_text().split("\n", 1)[0]
    document = check_token_response(*post_form(url, f"token={first}", ours.code_basic), "introspection")
    if document.get("active") is not True:
        raise BenchError(f"introspection of a fresh token: {document}")
    bodies = write_pool(ours.folder / "introspect.txt", [f"token={t}" for t in tokens_file.read_text().split()])
    args = pool_args(bodies, "form", reuse=True, authorization=ours.code_basic)
    return measure(url, POOL_SCRIPT, args, server=ours.process, trees=trees)


def api_me(ours: Ours, tokens_file) -> dict:
    args = pool_args(tokens_file, "bearer", reuse=True)
    return measure(ours.base_url + ME_PATH, POOL_SCRIPT, args, server=ours.process)


def token_endpoint(workers: int, alg: str) -> dict:
    """Client credentials on a fresh server with `workers` workers signing with `alg`."""
    with prepared(alg) as ours, ours.running(workers):
        return row(f"token: client_credentials, {alg}", workers, alg, client_credentials(ours), signs=True)


def all_flows(seconds: int, workers: int = 2) -> list[dict]:
    """Every flow on one RS256 server with `workers` workers."""
    with prepared("RS256") as ours, ours.running(workers):
        rows = [row("token: client_credentials, RS256", workers, "RS256", client_credentials(ours), signs=True)]
        rate = rows[0]["requests_per_s"]  # each flow below does more work per request than this one
        code = single_use(ours, ours.code_exchanges, rate, "code-exchange", seconds)
        rows.append(row("token: authorization_code + PKCE, RS256", workers, "RS256", code, signs=True))
        refresh = single_use(ours, ours.refreshes, rate, "refresh", seconds)
        rows.append(row("token: refresh_token (rotation), RS256", workers, "RS256", refresh, signs=True))
        tokens = write_pool(ours.folder / "tokens.txt", ours.access_tokens(POOL_TOKENS))
        rows.append(row("introspection (RS256 JWT)", workers, "RS256", introspection(ours, tokens), signs=False))
        rows.append(row("/api/me (local JWT validation)", workers, "RS256", api_me(ours, tokens), signs=False))
    return rows
