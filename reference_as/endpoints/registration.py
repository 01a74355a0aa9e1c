"""Clients registering themselves: `POST /oauth2/register` (RFC 7591 §3) and the
client configuration endpoint `GET,PUT,DELETE /oauth2/register/{client_id}` (RFC 7592).

Registration, in order:
  1. RFC7591-3 (the `registration` setting): `open` lets anyone register;
     `token` asks for an initial access token as a bearer token (missing or
     wrong: 401 `invalid_token`, RFC 6750 §3.1); `off` serves no route at all.
  2. At most `registrations_per_hour` registrations from one address (429).
  3. The body is a JSON object (`json_body.py`), read as client metadata
     (`policy/rfc7591_registration.py`), and saved by the client service under
     the rules every client obeys; a refusal is `invalid_redirect_uri` or
     `invalid_client_metadata` (RFC 7591 §3.2.2) and saves nothing.
  4. RFC7591-3.2.1: 201 with the metadata as registered, `client_id`,
     `client_id_issued_at`, for a confidential client `client_secret` and
     `client_secret_expires_at` (0: it does not expire), and RFC 7592's
     `registration_access_token` and `registration_client_uri`; no-store.

Configuration (RFC 7592 §2): the registration access token as a bearer token,
compared by its hash in constant time; missing, wrong, or the client gone:
401 `invalid_token` (RFC7592-2 MUST). GET answers the registration as it is;
PUT replaces it whole with the metadata sent (RFC7592-2.2: `client_id` as
registered, no `registration_access_token`, `registration_client_uri`,
`client_secret_expires_at` or `client_id_issued_at`, a `client_secret` only if
it is the current one); DELETE deletes the client, revoking its tokens (204).
The secret is kept as a hash only, so later answers cannot repeat it. The
registration access token is random, not a JWT: no resource accepts it.
"""

import json

from webob import Request, Response

from ..bearer import bearer_token
from ..clients import ClientService, InvalidClientSettings
from ..clock import Clock
from ..config import TOKEN, Settings
from ..errors import OAuthError, bearer_challenge
from ..json_body import read_json_object
from ..policy import rfc7591_registration as rfc7591
from ..policy import secrets
from ..policy.client_address import client_address
from ..policy.rfc6749_clients import GRANT_TYPES, InvalidRedirectUri
from ..responses import NO_STORE, json_response
from ..store import Store
from ..store.records import RFC7591, Client

PATH = "/oauth2/register"
REALM = "reference-as registration"
# RFC7592-2.2 MUST NOT: fields of the server's, which an update does not send.
SERVER_FIELDS = (
    "registration_access_token",
    "registration_client_uri",
    "client_secret_expires_at",
    "client_id_issued_at",
)
WINDOW = 3600  # registrations_per_hour counts per clock hour


def _json(body: dict, status: int = 200) -> Response:
    return json_response(json.dumps(body).encode(), status, NO_STORE)


def _refuse_token(description: str) -> OAuthError:
    """RFC 6750 §3.1 invalid_token (401), challenging for a bearer token."""
    error = OAuthError("invalid_token", description)
    error.headers["WWW-Authenticate"] = bearer_challenge(REALM, error)
    return error


def _registration(document: dict, settings: Settings) -> rfc7591.Registration:
    try:
        return rfc7591.read(document, settings.registrable, GRANT_TYPES, settings.client_secret_jwt)
    except rfc7591.InvalidMetadata as refused:
        raise OAuthError(refused.error, str(refused)) from None


def _saved(save):
    """Run `save` (a client service call), its refusals answered as RFC 7591 §3.2.2 errors."""
    try:
        return save()
    except InvalidRedirectUri as refused:
        raise OAuthError("invalid_redirect_uri", str(refused)) from None
    except InvalidClientSettings as refused:
        raise OAuthError("invalid_client_metadata", str(refused)) from None


class Registrations:
    """Both endpoints; they share what an answer about a registered client says."""

    def __init__(self, clients: ClientService, store: Store, settings: Settings, clock: Clock):
        self.clients = clients
        self.store = store
        self.settings = settings
        self.clock = clock

    def information(self, client: Client, secret: str | None = None, access_token: str | None = None) -> dict:
        """RFC7591-3.2.1 / RFC7592-3: the client information response."""
        body = {**json.loads(client.metadata or "{}"), "client_id": client.client_id}
        body["client_id_issued_at"] = client.created_at
        if client.secret_hash:
            body["client_secret_expires_at"] = 0
        if secret:
            body["client_secret"] = secret
        if access_token:
            body["registration_access_token"] = access_token
        body["registration_client_uri"] = self.settings.issuer.rstrip("/") + f"{PATH}/{client.client_id}"
        return body

    # -- POST /oauth2/register ------------------------------------------------------------

    def register(self, request: Request) -> Response:
        if self.settings.registration_policy == TOKEN:
            self._check_initial_access_token(request)
        self._count(request)
        document = read_json_object(request, self.settings.max_body_bytes, "invalid_client_metadata")
        registration = _registration(document, self.settings)
        client, secret, access_token = _saved(lambda: self.clients.register(registration))
        return _json(self.information(client, secret, access_token), 201)

    def _check_initial_access_token(self, request: Request) -> None:
        """RFC7591-3: where registration is protected, an initial access token (RFC 6750)."""
        token = bearer_token(request)
        if token is None:
            raise _refuse_token("Registration here needs an initial access token (reference-as registration-token).")
        found = self.store.get_registration_token(secrets.hash_secret(token))
        if found is None or found.expires_at <= self.clock.now():
            raise _refuse_token("The initial access token is unknown or expired.")

    def _count(self, request: Request) -> None:
        limit = self.settings.registrations_per_hour
        if not limit:
            return
        now = self.clock.now()
        address = client_address(
            request.remote_addr, request.headers.get("X-Forwarded-For"), self.settings.trusted_proxies
        )
        count, _ = self.store.record_login_failure(f"register:{address}:{now // WINDOW}", now)
        if count > limit:
            wait = WINDOW - now % WINDOW
            raise OAuthError(
                "invalid_request",
                f"Too many registrations from this address; try again in {wait} seconds.",
                status=429,
                headers={"Retry-After": str(wait)},
            )

    # -- /oauth2/register/{client_id} -------------------------------------------------------

    def configure(self, request: Request) -> Response:
        client = self._authorized_client(request)
        if request.method == "GET":
            return _json(self.information(client))
        if request.method == "DELETE":
            self.clients.delete(client.client_id)
            return Response(status=204, headers=NO_STORE)
        document = read_json_object(request, self.settings.max_body_bytes, "invalid_client_metadata")
        self._check_update(client, document)
        registration = _registration(document, self.settings)
        return _json(self.information(_saved(lambda: self.clients.reregister(client, registration))))

    def _authorized_client(self, request: Request) -> Client:
        """RFC7592-2 MUST: the registration access token of this client, or 401."""
        client_id = request.path_info.removeprefix(PATH + "/")
        token = bearer_token(request)
        if token is None:
            raise _refuse_token("Send the registration access token as a bearer token (RFC 7592 §2).")
        client = self.store.get_client(client_id)
        stored = client.registration_token_hash if client and client.origin == RFC7591 else None
        # Compared even when there is nothing to compare with, so both take the same time.
        if not secrets.secret_matches(token, stored or secrets.hash_secret("")) or stored is None:
            raise _refuse_token("The registration access token is not this client's.")
        return client

    def _check_update(self, client: Client, document: dict) -> None:
        """RFC7592-2.2: the client_id as registered; no server fields; the current secret if any."""
        if document.get("client_id") != client.client_id:
            raise OAuthError("invalid_client_metadata", "client_id: send the client_id as registered.")
        sent = [name for name in SERVER_FIELDS if name in document]
        if sent:
            raise OAuthError("invalid_client_metadata", f"{sent[0]}: the server sets it; leave it out of an update.")
        secret = document.get("client_secret")
        if secret is not None and not (
            isinstance(secret, str) and client.secret_hash and secrets.secret_matches(secret, client.secret_hash)
        ):
            raise OAuthError("invalid_client_metadata", "client_secret: not the client's current secret.")
