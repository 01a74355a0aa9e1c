"""The benchmark's prepared store and tokens (bench/ours.py, floors.py) are what
the server itself makes: each prepared code, refresh token and access token is
accepted by the app, and the token ceiling signs a token the server would
verify. Without this, a change of the store contract breaks `make bench` only
when someone runs it."""

import io
import sys
from pathlib import Path
from urllib.parse import urlencode

import pytest

BENCH = Path(__file__).resolve().parents[2] / "bench"


@pytest.fixture(scope="module")
def ours():
    sys.path.insert(0, str(BENCH))
    try:
        from ours import prepared

        with prepared("RS256") as prepared_ours:
            yield prepared_ours
    finally:
        sys.path.remove(str(BENCH))


def call(app, ours, path: str, body: str, authorization: str) -> int:
    statuses = []
    environ = {
        "REQUEST_METHOD": "POST" if body else "GET", "PATH_INFO": path, "QUERY_STRING": "", "SERVER_NAME": "127.0.0.1",
        "SERVER_PORT": str(ours.port), "SERVER_PROTOCOL": "HTTP/1.1", "HTTP_HOST": f"127.0.0.1:{ours.port}",
        "wsgi.url_scheme": "http", "CONTENT_TYPE": "application/x-www-form-urlencoded",
        "CONTENT_LENGTH": str(len(body)), "HTTP_AUTHORIZATION": authorization, "wsgi.input": io.BytesIO(body.encode()),
    }  # fmt: skip
    b"".join(app(environ, lambda status, headers, exc_info=None: statuses.append(status)))
    return int(statuses[0].split()[0])


def test_every_prepared_credential_is_accepted_by_the_server(ours):
    from reference_as.app import make_app
    from reference_as.secret_box import SecretBox, decode_key

    app = make_app(ours.settings, ours.store, ours.clock, SecretBox(decode_key(ours.master_key)))
    assert call(app, ours, "/oauth2/token", "grant_type=client_credentials", ours.cc_basic) == 200
    for body in ours.code_exchanges(2) + ours.refreshes(2):
        assert call(app, ours, "/oauth2/token", body, ours.code_basic) == 200
    for token in ours.access_tokens(2):
        assert call(app, ours, "/oauth2/introspect", urlencode({"token": token}), ours.code_basic) == 200
        assert call(app, ours, "/api/me", "", "Bearer " + token) == 200


def test_the_token_ceiling_signs_what_the_server_signs(ours):
    import jwt
    from floors import signed_token

    from reference_as.jose.algorithms import ALGORITHMS

    algorithm = ALGORITHMS["RS256"]
    key = algorithm.generate()
    token = signed_token(algorithm, key)
    claims = jwt.decode(token, key.public_key(), algorithms=["RS256"], options={"verify_aud": False})
    assert {"iss", "sub", "aud", "exp", "iat", "jti", "client_id", "scope"} <= set(claims)
