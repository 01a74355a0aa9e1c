"""Our server, prepared for a benchmark: a fresh folder and SQLite store filled
in-process with the project's own services and records, then `reference-as serve`.

What is made before the server starts, and how:
  - two confidential clients with `ClientService` (their secrets are hashed as usual):
    `bench-cc` (client credentials) and `bench-code` (authorization code and refresh
    token, one loopback redirect URI);
  - a resource owner, as a `User` record (no login happens, so no password is needed);
  - the signing key, with the server's own `Keyring` under a master key the bench
    passes to the server in REFERENCE_AS_SECRET_KEY.
What is made while it runs, through the same store file (WAL: the server's
workers keep serving):
  - authorization codes: `AuthorizationCode` rows inserted directly with
    `store.add_code`, each with its own PKCE verifier (S256) and an hour to live.
    No HTTP round trip is spent making them, so tens of thousands take a second;
    the exchange then runs the real checks (hash look-up, single use, client,
    redirect URI, PKCE) and issues an access token and a refresh token;
  - refresh tokens: each of a grant of its own, started as the server starts one
    (`store.redeem_code` of a code made for it);
  - access tokens for introspection and /api/me: minted by the server's own
    `TokenIssuer` in this process (signed with the server's key, naming a grant), as
    a code exchange would have minted them.
"""

import base64
import secrets as random
import tempfile
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode

from harness import CLI, HOST, clean_environment, serving

from conformance.processes import free_port
from reference_as.clients import ClientService
from reference_as.clock import SystemClock
from reference_as.config import Settings
from reference_as.keys import Keyring
from reference_as.policy import rfc7636_pkce, secrets
from reference_as.resources import Resources
from reference_as.secret_box import SecretBox, decode_key
from reference_as.store import open_store
from reference_as.store.records import CONFIDENTIAL, AuthorizationCode, Grant, RefreshToken, User
from reference_as.tokens import TokenIssuer

REDIRECT_URI = "http://127.0.0.1:9/callback"
TOKEN_PATH, INTROSPECT_PATH, ME_PATH = "/oauth2/token", "/oauth2/introspect", "/api/me"
METADATA_PATH = "/.well-known/oauth-authorization-server"


def basic(client_id: str, secret: str) -> str:
    """RFC 6749 §2.3.1 HTTP Basic (both ids here are URL-safe already)."""
    return "Basic " + base64.b64encode(f"{client_id}:{secret}".encode()).decode("ascii")


@dataclass
class Ours:
    """A prepared store and, once `running`, the server on it."""

    folder: Path
    signing_alg: str = "RS256"
    store_url: str | None = None  # None: an SQLite file in `folder`

    def __post_init__(self):
        self.port = free_port()
        self.base_url = f"http://{HOST}:{self.port}"
        self.db_path = self.folder / "bench.sqlite3"
        self.settings = Settings(
            issuer=self.base_url,
            port=self.port,
            store=self.store_url or f"sqlite:///{self.db_path}",
            signing_alg=self.signing_alg,
        )
        self.clock = SystemClock()
        self.master_key = base64.urlsafe_b64encode(random.token_bytes(32)).decode().rstrip("=")
        self.store = open_store(self.settings.store)
        self.keyring = Keyring(self.store, SecretBox(decode_key(self.master_key)), self.clock, self.settings)
        self.keyring.ensure_active()
        clients = ClientService(self.store, self.settings, self.clock)
        self.cc_client, cc_secret = clients.create(
            client_id="bench-cc",
            name="bench client credentials",
            client_type=CONFIDENTIAL,
            grant_types=("client_credentials",),
            scopes=self.settings.scopes,
        )
        self.code_client, code_secret = clients.create(
            client_id="bench-code",
            name="bench authorization code",
            client_type=CONFIDENTIAL,
            grant_types=("authorization_code", "refresh_token"),
            scopes=self.settings.scopes,
            redirect_uris=(REDIRECT_URI,),
        )
        self.cc_basic = basic("bench-cc", cc_secret)
        self.code_basic = basic("bench-code", code_secret)
        self.user = User("bench-user-id", "bench-user", "!", False, self.clock.now())
        self.store.add_user(self.user)

    # -- the server ---------------------------------------------------------------------

    @contextmanager
    def running(self, workers: int):
        command = [CLI, "serve", "--port", str(self.port), "--workers", str(workers)]
        command += ["--store", self.settings.store]
        environment = clean_environment(
            REFERENCE_AS_SECRET_KEY=self.master_key, REFERENCE_AS_SIGNING_ALG=self.signing_alg
        )
        log = self.folder / "server.log"
        with serving(command, self.base_url + METADATA_PATH, log, self.folder, environment) as self.process:
            yield self

    # -- single-use credentials and tokens, made directly -------------------------------

    def _made_in_one_transaction(self, count: int, make) -> list[str]:
        """`make()` called `count` times in one transaction: the bench times the
        requests that spend these records, not their inserts."""
        with self.store._transaction():
            return [make() for _ in range(count)]

    def _code(self) -> tuple[str, str, AuthorizationCode]:
        """A fresh code, its PKCE verifier and its record (not yet stored)."""
        code, verifier, now = secrets.new_secret(), secrets.new_secret(), self.clock.now()
        record = AuthorizationCode(
            code_hash=secrets.hash_secret(code),
            grant_id=random.token_urlsafe(16),
            client_id=self.code_client.client_id,
            user_id=self.user.user_id,
            redirect_uri=REDIRECT_URI,
            scope=" ".join(self.settings.levels),  # plain OAuth: no openid, so no ID Token is signed
            code_challenge=rfc7636_pkce.s256(verifier),
            code_challenge_method=rfc7636_pkce.S256,
            issued_at=now,
            expires_at=now + 3600,
        )
        return code, verifier, record

    def code_exchanges(self, count: int) -> list[str]:
        """`count` stored authorization codes, as the token request bodies that redeem them
        (inserted in one transaction: the bench times the requests that spend them)."""
        bodies = []
        with self.store._transaction():
            for _ in range(count):
                code, verifier, record = self._code()
                self.store.add_code(record)
                fields = {"grant_type": "authorization_code", "code": code, "redirect_uri": REDIRECT_URI}
                bodies.append(urlencode({**fields, "code_verifier": verifier}))
        return bodies

    def _grant(self, refresh_token: str | None = None) -> Grant:
        """A grant started as the server starts one: a code made for it, redeemed (with
        `refresh_token` as its first refresh token, if given)."""
        _, _, code = self._code()
        now = self.clock.now()
        grant = Grant(code.grant_id, code.client_id, code.user_id, code.scope, now, now + 30 * 86400, now + 3600)
        refresh = (
            RefreshToken(secrets.hash_secret(refresh_token), grant.grant_id, now, now + 3600) if refresh_token else None
        )
        self.store.add_code(code)
        self.store.redeem_code(code.code_hash, grant, refresh, now)
        return grant

    def refreshes(self, count: int) -> list[str]:
        """`count` stored refresh tokens (each of its own grant), as refresh request bodies."""
        values = [secrets.new_secret() for _ in range(count)]
        for value in values:
            self._grant(value)
        return [urlencode({"grant_type": "refresh_token", "refresh_token": value}) for value in values]

    def access_tokens(self, count: int) -> list[str]:
        """`count` access tokens of the resource owner for `bench-code`, each naming a live
        grant, minted by the server's own TokenIssuer as a code exchange would have."""
        issuer, now, grant = (
            TokenIssuer(
                self.settings, self.store, self.keyring, self.clock, Resources(self.store, self.settings, self.clock)
            ),
            self.clock.now(),
            self._grant(),
        )
        return [
            issuer._access_token(
                self.code_client.client_id,
                grant,
                self.settings.levels,
                self.settings.resource_audience,
                now,
                now + 3600,
                None,  # a Bearer token (RFC 9449: no DPoP key)
            )
            for _ in range(count)
        ]

    def close(self) -> None:
        self.store.close()


@contextmanager
def prepared(signing_alg: str = "RS256", before=None, store_url: str | None = None):
    """An `Ours` in a temporary folder, removed afterwards. `before(ours)` runs on the
    prepared store before anything else (the scale bench fills it there)."""
    with tempfile.TemporaryDirectory(prefix="reference-as-bench-") as name:
        ours = Ours(Path(name), signing_alg, store_url)
        try:
            if before:
                before(ours)
            yield ours
        finally:
            ours.close()
