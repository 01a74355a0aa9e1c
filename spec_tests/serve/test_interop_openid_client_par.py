"""Interoperability of pushed authorization requests (RFC 9126) and private_key_jwt
(RFC 7523 §2.2): openid-client (panva's client library, built on oauth4webapi; npm,
`make install`) discovers the server, pushes the authorization request to
`pushed_authorization_request_endpoint` authenticating with an ES256 assertion it
signs itself, and after the person's sign-in and consent (a plain `requests` user
agent on the server's forms) exchanges the code with another assertion: every JWT
and every request its own code, not ours."""

import json
import subprocess
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import ec

from .forms import free_port, sign_in_and_consent, verify

SCRIPT = Path(__file__).parent / "openid_client" / "par_private_key_jwt.mjs"
TIMEOUT = 60


def read_step(process, step: str) -> dict:
    line = process.stdout.readline()
    assert line, f"openid-client stopped before {step}: {process.stderr.read()}"
    answer = json.loads(line)
    assert answer["step"] == step, answer
    return answer


@pytest.mark.requirement("RFC9126-2")
@pytest.mark.requirement("RFC9126-4")
@pytest.mark.requirement("RFC7523-2.2")
def test_openid_client_pushes_its_request_and_authenticates_with_its_own_assertions(live_server, tmp_path):
    if not (SCRIPT.parent / "node_modules" / "openid-client").is_dir():
        pytest.fail("openid-client is missing: `make install` installs it (npm ci)")
    private_key = ec.generate_private_key(ec.SECP256R1())
    public = {**jwt.get_algorithm_by_name("ES256").to_jwk(private_key.public_key(), as_dict=True), "kid": "k1"}
    private = {**jwt.get_algorithm_by_name("ES256").to_jwk(private_key, as_dict=True), "kid": "k1"}
    (tmp_path / "public.json").write_text(json.dumps(public))
    (tmp_path / "private.json").write_text(json.dumps(private))
    redirect_uri = f"http://127.0.0.1:{free_port()}/callback"
    user, password = live_server.create_user()
    client = live_server.cli(
        "clients", "create", "--name", "PAR app", "--grant", "authorization_code", "--scope", "api:read",
        "--redirect-uri", redirect_uri, "--jwks-file", str(tmp_path / "public.json"), "--require-par",
    )  # fmt: skip
    process = subprocess.Popen(
        ["node", str(SCRIPT), live_server.url, client["client_id"], str(tmp_path / "private.json"), redirect_uri,
         "api:read"],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        url = read_step(process, "authorization_url")["url"]
        sent = dict(parse_qsl(urlsplit(url).query))
        assert set(sent) == {"client_id", "request_uri"} and sent["request_uri"].startswith(
            "urn:ietf:params:oauth:request_uri:"
        )
        callback = sign_in_and_consent(live_server, url, user["username"], password)
        process.stdin.write(callback + "\n")
        process.stdin.flush()
        tokens = read_step(process, "tokens")
        assert process.wait(TIMEOUT) == 0, process.stderr.read()
    finally:
        process.kill()
        process.wait(TIMEOUT)
    claims = verify(live_server, tokens["access_token"])
    assert claims["sub"] == user["user_id"] and claims["client_id"] == client["client_id"]
    log = live_server.log.read_text()
    assert '"POST /oauth2/par" 201' in log and "Traceback" not in log
