"""Concurrency against the real server: Granian with 2 worker processes (4
threads each) over one SQLite file. Twenty clients present the same
authorization code, or the same refresh token, at the same moment (a barrier
releases them together, each on its own connection): exactly one wins, every
other gets `invalid_grant`, nothing fails with a 500 or "database is locked",
and the replays revoke the grant's tokens.
"""

import threading
from collections import Counter
from functools import partial

import pytest
import requests

from .forms import (
    TIMEOUT,
    authorization_url,
    create_client,
    pkce_pair,
    redirect_params,
    sign_in_and_consent,
)

RACERS = 20


def race(send, n: int = RACERS) -> list[tuple[int | None, dict | str]]:
    """Run `send()` in n threads released together; each answer as (status, JSON body or text)."""
    barrier = threading.Barrier(n, timeout=30)
    answers: list = [None] * n

    def run(i):
        try:
            barrier.wait()
            response = send()
            try:
                answers[i] = (response.status_code, response.json())
            except ValueError:
                answers[i] = (response.status_code, response.text[:500])
        except Exception as error:  # reported by the caller's assertion
            answers[i] = (None, repr(error))

    threads = [threading.Thread(target=run, args=(i,), daemon=True) for i in range(n)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(thread.is_alive() for thread in threads), "a request did not finish within 60 s"
    return answers


def summary(answers) -> str:
    """How many of each answer: (status, error or text) -> count."""
    counts = Counter(
        (status, body.get("error") if isinstance(body, dict) and "error" in body else str(body)[:200])
        for status, body in answers
    )
    return "; ".join(f"{count} x {status} {what}" for (status, what), count in counts.most_common())


def one_winner(answers, server=None) -> dict:
    """Exactly one 200; every other answer a 400 invalid_grant. The winner's body."""
    winners = [body for status, body in answers if status == 200]
    losers = [(status, body) for status, body in answers if status != 200]
    tail = "\n" + server.log.read_text()[-3000:] if server is not None else ""
    assert len(winners) == 1, summary(answers) + tail
    for status, body in losers:
        assert status == 400 and isinstance(body, dict) and body.get("error") == "invalid_grant", (
            summary(answers) + tail
        )
    return winners[0]


def assert_clean_log(server) -> None:
    log = server.log.read_text()
    assert "Traceback" not in log and "database is locked" not in log, log[-5000:]
    assert '" 500 ' not in log, log[-5000:]


def revoked(server, client, access_token: str, refresh_token: str) -> tuple[bool, bool]:
    """Whether each token introspects as inactive (RFC 7662), asked by its own client."""

    def inactive(token: str) -> bool:
        response = requests.post(
            server.url + "/oauth2/introspect",
            data={"token": token},
            auth=(client["client_id"], client["client_secret"]),
            timeout=TIMEOUT,
        )
        assert response.status_code == 200, response.text
        return response.json() == {"active": False}

    return inactive(access_token), inactive(refresh_token)


@pytest.fixture
def setup(live_server):
    user, password = live_server.create_user()
    client = create_client(live_server, "confidential")
    return live_server, user, password, client


def new_code(server, user, password, client, agent=None) -> tuple[str, str]:
    """One authorization code through the real login and consent forms; (code, verifier)."""
    verifier, challenge = pkce_pair()
    url = authorization_url(server, client, challenge, "s1")
    location = sign_in_and_consent(server, url, user["username"], password, agent)
    return redirect_params(location)["code"], verifier


def redeem(server, client, code, verifier):
    return requests.post(
        server.url + "/oauth2/token",
        data={
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": client["redirect_uris"][0],
            "code_verifier": verifier,
        },
        auth=(client["client_id"], client["client_secret"]),
        timeout=TIMEOUT,
    )


def refresh(server, client, refresh_token):
    return requests.post(
        server.url + "/oauth2/token",
        data={"grant_type": "refresh_token", "refresh_token": refresh_token},
        auth=(client["client_id"], client["client_secret"]),
        timeout=TIMEOUT,
    )


def tokens(server, client, user, password, agent=None) -> dict:
    code, verifier = new_code(server, user, password, client, agent)
    response = redeem(server, client, code, verifier)
    assert response.status_code == 200, response.text
    return response.json()


@pytest.mark.requirement("RFC6749-4.1.2")
def test_of_twenty_simultaneous_redemptions_of_one_code_exactly_one_wins_and_the_replays_revoke_its_tokens(setup):
    server, user, password, client = setup
    code, verifier = new_code(server, user, password, client)

    won = one_winner(race(lambda: redeem(server, client, code, verifier)), server)

    assert won["access_token"] and won["refresh_token"]
    assert_clean_log(server)
    # RFC6749-4.1.2: the code was used more than once, so the tokens issued from it are revoked.
    assert revoked(server, client, won["access_token"], won["refresh_token"]) == (True, True), (
        "the winner's tokens survived the replays"
    )
    # And the server acts on it: the refresh token is refused, the access token too.
    assert refresh(server, client, won["refresh_token"]).json()["error"] == "invalid_grant"
    me = requests.get(
        server.url + "/api/me", headers={"Authorization": "Bearer " + won["access_token"]}, timeout=TIMEOUT
    )
    assert me.status_code == 401


@pytest.mark.requirement("RFC9700-4.14.2")
@pytest.mark.requirement("RFC6749-6")
def test_of_twenty_simultaneous_refreshes_with_one_token_exactly_one_wins_and_the_replays_revoke_the_family(setup):
    server, user, password, client = setup
    first = tokens(server, client, user, password)

    won = one_winner(race(lambda: refresh(server, client, first["refresh_token"])), server)

    assert won["refresh_token"] != first["refresh_token"]
    assert_clean_log(server)
    # RFC9700-4.14.2: the rotated token presented again revokes the whole family,
    # the tokens the winner was just given included.
    assert revoked(server, client, first["access_token"], first["refresh_token"]) == (True, True)
    assert revoked(server, client, won["access_token"], won["refresh_token"]) == (True, True), (
        "the winner's new tokens survived the replays"
    )


ROUNDS = 20


@pytest.mark.requirement("RFC6749-4.1.2")
@pytest.mark.requirement("RFC9700-4.14.2")
def test_tokens_the_winner_stores_while_a_replay_revokes_the_grant_are_revoked_too(setup):
    """The window between the winner taking the code (or rotating the refresh
    token) and storing its new tokens: a replay's revocation landing there must
    still reach them. Two racers, ROUNDS rounds for each grant type. Before the
    store remembered revoked grants (migration 004), the winner's tokens stayed
    valid in about 1 round in 7 for codes and 1 in 4 for refresh tokens here. Now
    the loser's spending fails after the winner's transaction, and it revokes the
    grant the winner's tokens name."""
    server, user, password, client = setup
    with requests.Session() as agent:  # one signed-in user agent for every round
        for round_ in range(ROUNDS):
            code, verifier = new_code(server, user, password, client, agent)
            won = one_winner(race(partial(redeem, server, client, code, verifier), n=2), server)
            assert revoked(server, client, won["access_token"], won["refresh_token"]) == (True, True), (
                f"code race, round {round_}: the winner's (access, refresh) tokens were not both revoked"
            )

            first = tokens(server, client, user, password, agent)
            won = one_winner(race(partial(refresh, server, client, first["refresh_token"]), n=2), server)
            assert revoked(server, client, won["access_token"], won["refresh_token"]) == (True, True), (
                f"refresh race, round {round_}: the winner's new (access, refresh) tokens were not both revoked"
            )
    assert_clean_log(server)
