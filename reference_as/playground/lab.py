"""The reference server and the playground in one process: for the docs generator and the tests.

The server is the real WSGI app (`make_app`) on a memory store, reached
through `inprocess.WSGIAdapter` (no socket) at the issuer `make run` uses,
with the demo clients and a user approved without pages (the test-only
`auto_approve_user` setting). Time is two `ManualClock`s, the server's and
the client's, the same one unless a test wants them apart (a token the server
already considers expired while the client does not). A test may put a middleware in front of the server
(`lab.adapter.app = middleware(lab.server)`).
"""

import os
from pathlib import Path

from oauth_client.http import Exchange, Recorder, RecordingSession

from ..app import make_app
from ..clients import ClientService
from ..clock import ManualClock
from ..config import Settings
from ..policy.rfc6749_clients import DEVICE_CODE, GRANT_TYPES
from ..secret_box import SecretBox
from ..store import MemoryStore
from ..store.records import CONFIDENTIAL, PUBLIC
from ..users import UserService
from .inprocess import WSGIAdapter
from .lessons import LESSONS
from .redact import Masker
from .steps import Step, make_step
from .store import PlaygroundStore
from .walkthrough import Walkthrough

ISSUER = "http://127.0.0.1:8000"
METADATA_URL = ISSUER + "/.well-known/oauth-authorization-server"
REDIRECT_URI = "http://127.0.0.1:8001/callback"
START = 1_800_000_000  # 2027-01-15 08:00:00 UTC
USER = "demo"
PROFILE = {"name": "Demo User", "email": "demo@example.com", "email_verified": True}  # its OpenID Connect claims
CONFIDENTIAL_ID, PUBLIC_ID = "demo-confidential", "demo-public"
GRANTS = {
    CONFIDENTIAL: GRANT_TYPES,
    PUBLIC: ("authorization_code", "refresh_token", DEVICE_CODE),
}


class Lab:
    def __init__(
        self, workdir: Path, start: int = START, redact=None, client_clock: ManualClock | None = None, **settings
    ):
        self.workdir = Path(workdir)
        self.workdir.mkdir(parents=True, exist_ok=True)
        self.clock = ManualClock(start)
        self.client_clock = client_clock or self.clock
        self.redact = redact or Masker()
        self.settings = Settings(issuer=ISSUER, auto_approve_user=USER, password_scrypt_n=2**10, **settings)
        self.store = MemoryStore()
        self.server = make_app(self.settings, self.store, self.clock, SecretBox(os.urandom(32)))
        self.adapter = WSGIAdapter(self.server)
        clients = ClientService(self.store, self.settings, self.clock)
        self.secrets = {}
        for client_id, kind in ((CONFIDENTIAL_ID, CONFIDENTIAL), (PUBLIC_ID, PUBLIC)):
            _, self.secrets[client_id] = clients.create(
                client_id=client_id,
                name=client_id,
                client_type=kind,
                grant_types=GRANTS[kind],
                scopes=self.settings.scopes,
                redirect_uris=(REDIRECT_URI,),
            )
        UserService(self.store, self.settings, self.clock).create(USER, profile=PROFILE)
        self.count = 0

    def playground(self, client_id: str = CONFIDENTIAL_ID) -> Walkthrough:
        """A playground with its own store file, connected as `client_id`."""
        self.count += 1
        store = PlaygroundStore.open(self.workdir / f"playground-{self.count}.json")
        walkthrough = Walkthrough(
            store,
            REDIRECT_URI,
            METADATA_URL,
            clock=self.client_clock.now,
            mounts={ISSUER + "/": self.adapter},
            redact=self.redact,
        )
        problems = walkthrough.save_connection(self.connection_form(client_id))
        assert not problems, problems
        return walkthrough

    def connection_form(self, client_id: str) -> dict:
        secret = self.secrets[client_id]
        return {
            "metadata_url": METADATA_URL,
            "client_id": client_id,
            "client_secret": secret or "",
            "client_type": CONFIDENTIAL if secret else PUBLIC,
            "scope": "api:read",
        }

    def browser(self, url: str) -> tuple[Exchange, str]:
        """The browser's part: open the authorization URL (the server approves at once)
        and return the exchange and the query of the redirect back to the client."""
        recorder = Recorder()
        session = RecordingSession(recorder, user_agent="browser")
        session.mount(ISSUER + "/", self.adapter)
        location = session.get(url, allow_redirects=False).headers["Location"]
        return recorder.take()[0], location.partition("?")[2]

    def approve_device(self, walkthrough: Walkthrough) -> Step:
        """The person's part of the device flow (RFC 8628 §3.3): open the verification URI
        with the code filled in (the server approves at once); the step it makes."""
        recorder = Recorder()
        session = RecordingSession(recorder, user_agent="browser")
        session.mount(ISSUER + "/", self.adapter)
        session.get(walkthrough.view()["device"]["verification_uri_complete"], allow_redirects=False)
        return make_step(recorder.take()[0], LESSONS["device_verification"], self.redact)

    def authorize(self, walkthrough: Walkthrough, sign_in: bool = False) -> list[Step]:
        """The authorization code flow (`sign_in`: OpenID Connect's) through `walkthrough`; its
        steps, the browser's request to the server included (the playground never sees that one)."""
        exchange, query = self.browser(walkthrough.start_authorization(sign_in))
        walkthrough.finish_authorization(query)
        kind = "oidc_request" if sign_in else "authorization_request"
        seen = make_step(exchange, LESSONS[kind], self.redact)
        steps = walkthrough.view()["runs"][-1]["steps"]
        return [seen if step.kind == kind else step for step in steps]
