"""Fixtures for the playground: in-process (a `Lab`: the reference server and the
playground in one process, time in the test's hands) and live (`reference-as
playground` as a process, beside a live `reference-as serve`, for Chromium)."""

import os
from urllib.parse import urlsplit

import pytest
from webtest import TestApp

from conformance.processes import ServerProcess, free_port, reference_as
from reference_as.playground.app import make_playground
from reference_as.playground.lab import ISSUER, METADATA_URL, REDIRECT_URI, Lab
from reference_as.playground.store import PlaygroundStore
from reference_as.playground.walkthrough import Walkthrough
from spec_tests.browser.conftest import browser, live_server  # noqa: F401 - shared fixtures

# -- in-process -------------------------------------------------------------------------------------


class PlaygroundPages:
    """The playground app driven through its pages (webtest), against a Lab's server."""

    def __init__(self, lab: Lab, store_file):
        self.lab = lab
        self.walkthrough = Walkthrough(
            PlaygroundStore.open(store_file),
            REDIRECT_URI,
            METADATA_URL,
            clock=lab.client_clock.now,
            mounts={ISSUER + "/": lab.adapter},
        )
        port = urlsplit(REDIRECT_URI).port
        self.web = TestApp(make_playground(self.walkthrough, port), extra_environ={"HTTP_HOST": f"127.0.0.1:{port}"})

    @property
    def store(self) -> PlaygroundStore:
        return self.walkthrough.store

    def post(self, path: str, fields: dict | None = None, **kwargs):
        """A form post as the page sends it: with the CSRF token of the page (fetched first)."""
        token = self.web.get("/").html.find("input", {"name": "csrf_token"})["value"]
        return self.web.post(path, {**(fields or {}), "csrf_token": token}, **kwargs)

    def connect(self, client_id: str):
        return self.post("/connection", self.lab.connection_form(client_id), status=303)

    def authorize(self):
        """Authorize; the browser's part played by the lab (the server approves at once); the callback."""
        leave = self.post("/authorize", status=303)
        _, query = self.lab.browser(leave.location)
        return self.web.get("/callback?" + query, status=303)

    def last_run(self) -> dict:
        return self.walkthrough.view()["runs"][-1]


@pytest.fixture
def pages(tmp_path):
    return PlaygroundPages(Lab(tmp_path / "lab"), tmp_path / "var" / "playground.json")


# -- live ----------------------------------------------------------------------------------------------


class LivePlayground:
    """`reference-as playground` on a free loopback port, pointed at `metadata_url`."""

    def __init__(self, workdir, metadata_url: str):
        workdir.mkdir(parents=True, exist_ok=True)
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.redirect_uri = self.url + "/callback"
        self.store_file = workdir / "var" / "playground.json"
        self.log = workdir / "playground.log"
        env = {k: v for k, v in os.environ.items() if not k.startswith("REFERENCE_AS_")}
        command = reference_as(
            "playground", "--port", str(self.port), "--metadata-url", metadata_url, "--store-file", str(self.store_file)
        )
        self.server = ServerProcess("the playground", command, self.url + "/", self.log, cwd=workdir, env=env)

    def stored(self) -> dict:
        """What the store file holds, opened with its key file."""
        return PlaygroundStore.open(self.store_file).read()

    def stop(self) -> None:
        self.server.stop()


@pytest.fixture
def live_playground(live_server, tmp_path):  # noqa: F811 - the fixture imported above
    playground = LivePlayground(tmp_path / "playground", live_server.url + "/.well-known/oauth-authorization-server")
    yield playground
    playground.stop()
