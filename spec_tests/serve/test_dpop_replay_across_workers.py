"""RFC 9449 §11.1 against the real server (Granian, 2 worker processes, one SQLite file):
one DPoP proof sent by several clients at the same moment, each on its own connection
(so the kernel spreads them over both workers), is accepted exactly once; every other
copy is `invalid_dpop_proof`, and nothing fails with a 500 or "database is locked"."""

import pytest
import requests

from spec_tests.rfc9449.proofs import Prover

from .forms import TIMEOUT
from .test_concurrency import assert_clean_log, race


@pytest.mark.requirement("RFC9449-11.1")
def test_one_proof_sent_to_both_workers_at_once_is_accepted_once(live_server):
    client = live_server.cli(
        "clients", "create", "--name", "Sensor", "--grant", "client_credentials", "--scope", "api:read"
    )
    proof = Prover().proof(htu=live_server.url + "/oauth2/token")

    def send():
        return requests.post(
            live_server.url + "/oauth2/token",
            data={"grant_type": "client_credentials"},
            auth=(client["client_id"], client["client_secret"]),
            headers={"DPoP": proof},
            timeout=TIMEOUT,
        )

    answers = race(send, 12)
    accepted = [body for status, body in answers if status == 200]
    refused = [(status, body.get("error")) for status, body in answers if status != 200 and isinstance(body, dict)]
    assert len(accepted) == 1 and accepted[0]["token_type"] == "DPoP", answers
    assert refused == [(400, "invalid_dpop_proof")] * 11, answers
    assert_clean_log(live_server)
