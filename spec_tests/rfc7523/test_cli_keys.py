"""`reference-as clients create --jwks-file` registers a client's public key: the client
then authenticates with private_key_jwt (RFC 7523 §2.2) and has no secret."""

import json
import os

import pytest
from webtest import TestApp

from reference_as.app import make_app
from reference_as.cli import main
from reference_as.config import Settings
from reference_as.secret_box import SecretBox
from reference_as.store import SQLiteStore
from spec_tests.conftest import ISSUER
from spec_tests.helpers import token_request
from spec_tests.rfc7523.conftest import Signer, assertion_body, token_endpoint


@pytest.fixture
def workdir(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    for name in list(os.environ):
        if name.startswith("REFERENCE_AS_"):
            monkeypatch.delenv(name)
    return tmp_path


@pytest.mark.requirement("RFC7523-2.2")
@pytest.mark.parametrize("as_set", [True, False], ids=["jwk-set", "one-jwk"])
def test_a_client_made_with_its_public_key_authenticates_with_an_assertion(workdir, capsys, as_set):
    signer = Signer("EdDSA")
    (workdir / "key.json").write_text(json.dumps(signer.jwks() if as_set else signer.jwk))
    argv = ["clients", "create", "--grant", "client_credentials", "--jwks-file", "key.json", "--require-par", "--json"]
    assert main(argv) == 0
    created = json.loads(capsys.readouterr().out)
    assert created["client_secret"] is None and created["token_endpoint_auth_method"] == "private_key_jwt"
    assert created["require_pushed_authorization_requests"] is True
    settings = Settings(issuer=ISSUER, store="sqlite:///./var/reference_as.sqlite3")
    store = SQLiteStore(workdir / "var" / "reference_as.sqlite3")
    web = TestApp(make_app(settings, store, box=SecretBox(os.urandom(32))))
    assertion = signer.assertion(created["client_id"], token_endpoint(settings))
    response = token_request(web, {"grant_type": "client_credentials", **assertion_body(assertion)})
    assert response.status_int == 200, response.text


@pytest.mark.parametrize(
    "content", ['{"kty": "RSA", "n": "AQAB", "e": "AQAB", "d": "AQAB"}', "not json", '{"keys": 1}']
)
def test_a_key_file_that_is_not_a_public_key_is_refused_and_nothing_made(workdir, capsys, content):
    (workdir / "key.json").write_text(content)
    assert main(["clients", "create", "--grant", "client_credentials", "--jwks-file", "key.json"]) != 0
    assert "jwks" in capsys.readouterr().err
    assert main(["clients", "list", "--json"]) == 0
    assert json.loads(capsys.readouterr().out) == []
