"""Sign-ins do not hold up the protocol endpoints (issue 17, item 3): each checks a
password with scrypt (N=2^17, ~0.1 s of CPU), on threads of their own (serve.py),
so that a metadata request sent while twelve sign-ins are in flight is answered
before any of them has signed in (each takes at least one scrypt), and a token
request is answered too. (A sign-in answered 503 "busy" is answered at once, by
design: it is not counted.)"""

import http.client
import threading
from urllib.parse import urlencode

import requests

from .forms import TIMEOUT, only_form
from .raw_clients import answered

SIGN_INS = 12


def signed_out_form(server) -> tuple[str, str]:
    """A fresh visitor's session cookie and the CSRF token of its sign-in form."""
    with requests.Session() as browser:
        browser.trust_env = False
        page = browser.get(server.url + "/login", timeout=TIMEOUT)
        cookie = "; ".join(f"{name}={value}" for name, value in browser.cookies.items())
    return cookie, only_form(page.text).hidden()["csrf_token"]


def test_metadata_and_tokens_are_answered_while_sign_ins_are_in_flight(live_server):
    _, password = live_server.create_user("alice")
    client = live_server.cli("clients", "create", "--name", "Busy", "--grant", "client_credentials")
    forms = [signed_out_form(live_server) for _ in range(SIGN_INS)]
    # Each sign-in is sent whole on its own connection before anything is read back.
    connections = []
    for cookie, csrf_token in forms:
        connection = http.client.HTTPConnection("127.0.0.1", live_server.port, timeout=60)
        body = urlencode({"username": "alice", "password": password, "csrf_token": csrf_token, "next": "/account"})
        headers = {"Content-Type": "application/x-www-form-urlencoded", "Cookie": cookie}
        connection.request("POST", "/login", body, headers)
        connections.append(connection)
    answers: list[tuple[int, str | None]] = []
    lock = threading.Lock()

    def read(connection):
        response = connection.getresponse()
        response.read()
        with lock:
            answers.append((response.status, response.getheader("Retry-After")))

    readers = [threading.Thread(target=read, args=(c,), daemon=True) for c in connections]
    for reader in readers:
        reader.start()

    assert answered(live_server.url + "/.well-known/oauth-authorization-server").status_code == 200
    with lock:
        signed_in_first = sum(status == 303 for status, _ in answers)
    assert signed_in_first == 0, f"{signed_in_first} of {SIGN_INS} sign-ins were answered before the metadata"
    token = answered(
        live_server.url + "/oauth2/token",
        method="POST",
        data={"grant_type": "client_credentials"},
        auth=(client["client_id"], client["client_secret"]),
    )
    assert token.status_code == 200

    for reader in readers:
        reader.join(timeout=60)
    assert len(answers) == SIGN_INS
    # Each signed in (303), or was told the server is busy and when to come back.
    assert all(status == 303 or (status == 503 and retry_after) for status, retry_after in answers), answers
    assert any(status == 303 for status, _ in answers)
