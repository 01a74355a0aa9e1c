"""The database goes away under load and comes back (issue 20): a real
`reference-as serve` on its own PostgreSQL cluster, stopped with
`pg_ctl stop -m immediate` (a crash, as far as PostgreSQL knows) while clients
keep sending, then started again.

Meanwhile every answer is 503 `temporarily_unavailable` (RFC 6749 §4.1.2.1)
with `Retry-After` (RFC 9110 §10.2.3): JSON at the token endpoint, a page at
the pages people see; never a 500, never a traceback in the log. Once the
database is back the same server processes answer 200 again, with no restart,
and every refresh token acknowledged with a 200 before the stop still works.

A refresh whose commit reached the database but whose answer was lost in the
crash spends the token the client still holds: `refresh_token_reuse_grace`
(RFC 9700 §4.14.2's allowance for lost responses) gives that token one more use.
"""

import threading
import time

import pytest
import requests

from ..postgres_cluster import Cluster, free_port
from .conftest import LiveServer
from .forms import TIMEOUT, create_client
from .test_concurrency import refresh, tokens
from .test_several_servers_postgres import client_credentials, client_credentials_client, shared_settings

CHAINS = 3  # refresh tokens rotated in a loop, each by its own thread


@pytest.fixture
def cluster():
    cluster = Cluster()
    yield cluster
    cluster.remove()


@pytest.fixture
def server(tmp_path, cluster):
    settings = shared_settings(cluster.create_database(), f"http://127.0.0.1:{free_port()}")
    server = LiveServer(tmp_path, extra_args=("--access-log",), settings={**settings, "refresh_token_reuse_grace": 30})
    yield server
    server.stop()


class Load:
    """Threads that keep sending until stopped: client credentials requests, and one
    refresh chain each, which keeps the last refresh token answered with 200."""

    def __init__(self, server, service, client, chains: list[str]):
        self.running = True
        self.answers: list[tuple[int, str, str | None, str | None]] = []  # (status, kind, error, Retry-After)
        self.chains = chains
        self.lock = threading.Lock()
        self.threads = [threading.Thread(target=self._client_credentials, args=(server, service))]
        self.threads += [threading.Thread(target=self._refresh, args=(server, client, i)) for i in range(len(chains))]
        for thread in self.threads:
            thread.start()

    def _note(self, response: requests.Response) -> None:
        error = response.json().get("error") if response.status_code != 200 else None
        with self.lock:
            self.answers.append((response.status_code, "json", error, response.headers.get("Retry-After")))

    def _client_credentials(self, server, service):
        while self.running:
            self._note(client_credentials(server, service))

    def _refresh(self, server, client, i):
        while self.running:
            response = refresh(server, client, self.chains[i])
            self._note(response)
            if response.status_code == 200:
                self.chains[i] = response.json()["refresh_token"]

    def stop(self) -> None:
        self.running = False
        for thread in self.threads:
            thread.join(timeout=30)


@pytest.mark.requirement("RFC6749-4.1.2.1")
def test_a_database_outage_answers_503_and_the_servers_recover_without_losing_acknowledged_tokens(cluster, server):
    user, password = server.create_user()
    client = create_client(server, "confidential")
    service = client_credentials_client(server)
    with requests.Session() as agent:
        chains = [tokens(server, client, user, password, agent)["refresh_token"] for _ in range(CHAINS)]
        load = Load(server, service, client, chains)
        try:
            time.sleep(1)
            cluster.stop("immediate")
            time.sleep(3)
            # A person's page: the error page, 503 with Retry-After.
            page = agent.get(server.url + "/account", allow_redirects=False, timeout=TIMEOUT)
            cluster.start()
            deadline = time.monotonic() + 20
            while client_credentials(server, service).status_code != 200:
                assert time.monotonic() < deadline, "the server did not recover within 20 s of the database's return"
                time.sleep(0.2)
            time.sleep(1)
        finally:
            load.stop()
    assert page.status_code == 503 and page.headers["Retry-After"].isdigit(), page.status_code
    assert page.headers["Content-Type"].startswith("text/html")

    statuses = {status for status, *_ in load.answers}
    assert statuses == {200, 503}, statuses
    for status, _, error, retry_after in load.answers:
        if status == 503:
            assert error == "temporarily_unavailable" and retry_after and retry_after.isdigit()
    log = server.log.read_text()
    assert "Traceback" not in log and '" 500 ' not in log, log[-5000:]
    # Every refresh token acknowledged before, during and after the outage works once now.
    for token in load.chains:
        response = refresh(server, client, token)
        assert response.status_code == 200, response.text
