"""A client assertion's `jti` is accepted once across the real server's worker processes
(Granian, 2 workers, one SQLite file; OpenID Connect Core §9): the same assertion sent
by 20 clients released together gets exactly one token, every other answer
`invalid_client`, nothing a 500 or "database is locked"."""

import json

import pytest
import requests

from spec_tests.rfc7523.conftest import Signer, assertion_body

from .forms import TIMEOUT
from .test_concurrency import assert_clean_log, race, summary


@pytest.mark.requirement("OIDC-9")
def test_of_twenty_presentations_of_one_assertion_exactly_one_gets_a_token(live_server):
    signer = Signer("ES256")
    (live_server.workdir / "key.json").write_text(json.dumps(signer.jwks()))
    client = live_server.cli("clients", "create", "--grant", "client_credentials", "--jwks-file", "key.json")
    assertion = signer.assertion(client["client_id"], live_server.url + "/oauth2/token")
    body = {"grant_type": "client_credentials", **assertion_body(assertion)}

    answers = race(lambda: requests.post(live_server.url + "/oauth2/token", data=body, timeout=TIMEOUT), 20)
    assert [status for status, _ in answers].count(200) == 1, summary(answers)
    for status, answer in answers:
        assert status == 200 or (status == 401 and answer["error"] == "invalid_client"), summary(answers)
    assert_clean_log(live_server)
