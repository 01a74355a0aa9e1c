"""The token ceiling: a WSGI app that answers every request with a freshly signed
access token and does nothing else, served like ours (serve_wsgi.py).

It reads the request body and answers as a token endpoint does (RFC 6749 §5.1:
JSON, `Cache-Control: no-store`), but it authenticates no client and records no
token. Whatever rate it reaches with an algorithm, no token endpoint signing with
that algorithm can exceed on this machine: the signature, HTTP and the load
generator, and nothing of the authorization server's own work.

BENCH_SIGNING_ALG: RS256 (default), ES256 or EdDSA.
"""

import json
import os

from floors import signed_token

from reference_as.jose.algorithms import ALGORITHMS

ALGORITHM = ALGORITHMS[os.environ.get("BENCH_SIGNING_ALG", "RS256")]
KEY = ALGORITHM.generate()
HEADERS = [("Content-Type", "application/json"), ("Cache-Control", "no-store")]


def app(environ, start_response):
    environ["wsgi.input"].read()
    token = {"access_token": signed_token(ALGORITHM, KEY), "token_type": "Bearer", "expires_in": 3600}
    body = json.dumps(token).encode()
    start_response("200 OK", [*HEADERS, ("Content-Length", str(len(body)))])
    return [body]
