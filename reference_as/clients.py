"""The client service: the seed's client administration, in one place.

Create, list, show, edit, pause, resume, delete and rotate a secret. The CLI
and the admin screens both call this module, so each rule lives once (the rules
themselves are in `policy/rfc6749_clients.py`). Clients that arrive
unannounced are saved here too, under the same rules: one that registers
itself (RFC 7591, `register` and `reregister`) and one named by the URL of its
metadata document (`adopt`). Each client keeps its `origin`.

A client of `private_key_jwt` (RFC 7523 §2.2) has no secret: its public keys,
a JWK Set (`jwks`) or where to fetch it (`jwks_uri`), authenticate it.
A confidential client's secret is 256-bit random, returned in clear only by
`create` and `rotate_secret`, and stored as a hash (see `policy/secrets.py`).
"""

import base64
import dataclasses
import json
import secrets as random

from .clock import Clock
from .config import Settings
from .policy import rfc6749_clients as rules
from .policy import secrets
from .policy.rfc7523_client_assertion import CLIENT_SECRET_JWT, PRIVATE_KEY_JWT
from .policy.rfc7591_registration import Registration
from .secret_box import SecretBox
from .store import DuplicateClient, Store
from .store.records import ACTIVE, ADMIN, CONFIDENTIAL, METADATA_DOCUMENT, PAUSED, RFC7591, Client

InvalidClientSettings = rules.InvalidClientSettings
# How `describe` names each origin.
ORIGINS = {ADMIN: "administrator", RFC7591: "RFC 7591", METADATA_DOCUMENT: "metadata document"}


class ClientNotFound(LookupError):
    def __init__(self, client_id: str):
        super().__init__(f"no client with client_id {client_id!r}")


class ClientService:
    def __init__(self, store: Store, settings: Settings, clock: Clock, box: SecretBox | None = None):
        self.store = store
        self.settings = settings
        self.clock = clock
        self.box = box  # seals the secrets of client_secret_jwt clients (None: none can be made)

    def create(
        self,
        *,
        name: str,
        client_type: str,
        grant_types: tuple[str, ...],
        scopes: tuple[str, ...],
        redirect_uris: tuple[str, ...] = (),
        client_id: str | None = None,
        permissions: tuple[str, ...] = (),
        default_scopes: tuple[str, ...] | None = None,
        post_logout_redirect_uris: tuple[str, ...] = (),
        origin: str = ADMIN,
        metadata: dict | None = None,
        registration_token_hash: str | None = None,
        jwks: str | None = None,
        jwks_uri: str | None = None,
        require_pushed_authorization_requests: bool = False,
        client_secret_jwt: bool = False,
        dpop_bound_access_tokens: bool = False,
    ) -> tuple[Client, str | None]:
        """A new client and, for a confidential one, its secret (shown this once).
        `default_scopes` unset: the lowest of its scopes (least privilege). With `jwks`
        (a JWK Set as JSON text) or `jwks_uri`, a confidential client authenticates with
        `private_key_jwt` and gets no secret. `client_secret_jwt`: its secret is kept sealed
        too, usable as the key of its assertions' HMAC (only where the setting allows it).
        `dpop_bound_access_tokens`: its token requests must carry a DPoP proof (RFC 9449 §5.2)."""
        # Hex, 96 random bits: never starts with '-', which a command line would take for an option.
        # (Nor with https://, which is how a metadata document's URL is told apart.)
        client_id = client_id or random.token_hex(12)
        if origin != METADATA_DOCUMENT:  # whose client_id is its URL, checked by its own rules
            rules.check_client_id(client_id)
        rules.check_type_and_grants(client_type, grant_types)
        rules.check_permissions(tuple(permissions), client_type)
        self._check_editable(name, grant_types, scopes, redirect_uris)
        rules.check_post_logout_redirect_uris(tuple(post_logout_redirect_uris))
        default_scopes = self._defaults(default_scopes, tuple(scopes))
        method = rules.auth_method(client_type, jwks, jwks_uri, client_secret_jwt)
        secret = secrets.new_secret() if client_type == CONFIDENTIAL and method != PRIVATE_KEY_JWT else None
        now = self.clock.now()
        client = Client(
            client_id=client_id,
            name=name,
            client_type=client_type,
            grant_types=tuple(grant_types),
            scopes=tuple(scopes),
            redirect_uris=tuple(redirect_uris),
            status=ACTIVE,
            secret_hash=secrets.hash_secret(secret) if secret else None,
            secret_hint=secrets.hint(secret) if secret else None,
            created_at=now,
            updated_at=now,
            permissions=tuple(permissions),
            default_scopes=default_scopes,
            post_logout_redirect_uris=tuple(post_logout_redirect_uris),
            origin=origin,
            metadata=json.dumps(metadata) if metadata is not None else None,
            registration_token_hash=registration_token_hash,
            token_endpoint_auth_method=method,
            jwks=jwks,
            jwks_uri=jwks_uri,
            require_pushed_authorization_requests=require_pushed_authorization_requests,
            secret_sealed=self._sealed(client_id, secret) if method == CLIENT_SECRET_JWT else None,
            dpop_bound_access_tokens=dpop_bound_access_tokens,
        )
        try:
            self.store.add_client(client)
        except DuplicateClient:
            raise InvalidClientSettings(f"client_id: {client_id!r} is taken") from None
        return client, secret

    # -- clients that arrive unannounced ------------------------------------------------

    def register(self, registration: Registration) -> tuple[Client, str | None, str]:
        """RFC 7591 §3.2.1: a client that registered itself, its secret (confidential
        clients only) and its registration access token (RFC 7592 §3), both shown
        this once and kept as hashes."""
        access_token = secrets.new_secret()
        hashed = secrets.hash_secret(access_token)
        client, secret = self._create_from(registration, RFC7591, registration_token_hash=hashed)
        return client, secret, access_token

    def reregister(self, client: Client, registration: Registration) -> Client:
        """RFC 7592 §2.2: the client's metadata replaced whole by what it sent again.
        Its type stays: a public client cannot become confidential or back."""
        if (registration.client_type, registration.token_endpoint_auth_method) != (
            client.client_type,
            client.token_endpoint_auth_method,
        ):
            raise InvalidClientSettings("token_endpoint_auth_method: a registered client keeps its type and method")
        return self._replace_registration(client, registration)

    def adopt(self, url: str, registration: Registration) -> Client:
        """The client a metadata document describes, made or brought up to date (name,
        grants, scopes, redirect URIs: the document's), keeping its status."""
        client = self.store.get_client(url)
        if client is None:
            return self._create_from(registration, METADATA_DOCUMENT, client_id=url)[0]
        return self._replace_registration(client, registration)

    def _create_from(self, registration: Registration, origin: str, **more) -> tuple[Client, str | None]:
        return self.create(
            name=registration.name,
            client_type=registration.client_type,
            grant_types=registration.grant_types,
            scopes=registration.scopes,
            redirect_uris=registration.redirect_uris,
            origin=origin,
            metadata=registration.metadata,
            jwks=registration.jwks,
            jwks_uri=registration.jwks_uri,
            require_pushed_authorization_requests=registration.require_pushed_authorization_requests,
            client_secret_jwt=registration.token_endpoint_auth_method == CLIENT_SECRET_JWT,
            dpop_bound_access_tokens=registration.dpop_bound_access_tokens,
            **more,
        )

    def check(self, registration: Registration) -> None:
        """The rules every client obeys, for a client described but not saved yet."""
        rules.check_type_and_grants(registration.client_type, registration.grant_types)
        self._check_editable(
            registration.name, registration.grant_types, registration.scopes, registration.redirect_uris
        )

    def _replace_registration(self, client: Client, registration: Registration) -> Client:
        self.check(registration)
        changed = dataclasses.replace(
            client,
            name=registration.name,
            grant_types=registration.grant_types,
            scopes=registration.scopes,
            redirect_uris=registration.redirect_uris,
            metadata=json.dumps(registration.metadata),
            jwks=registration.jwks,
            jwks_uri=registration.jwks_uri,
            require_pushed_authorization_requests=registration.require_pushed_authorization_requests,
            dpop_bound_access_tokens=registration.dpop_bound_access_tokens,
        )
        defaults = tuple(scope for scope in client.default_scopes if scope in changed.scopes)
        return self._save(dataclasses.replace(changed, default_scopes=self._defaults(defaults, changed.scopes)))

    def list(self) -> list[Client]:
        return self.store.list_clients()

    def get(self, client_id: str) -> Client:
        client = self.store.get_client(client_id)
        if client is None:
            raise ClientNotFound(client_id)
        return client

    def edit(
        self,
        client_id: str,
        *,
        name: str | None = None,
        grant_types: tuple[str, ...] | None = None,
        scopes: tuple[str, ...] | None = None,
        redirect_uris: tuple[str, ...] | None = None,
        permissions: tuple[str, ...] | None = None,
        default_scopes: tuple[str, ...] | None = None,
        post_logout_redirect_uris: tuple[str, ...] | None = None,
        dpop_bound_access_tokens: bool | None = None,
    ) -> Client:
        """Change any field but the type and the client_id; None leaves a field as it is
        (default scopes no longer allowed are dropped). Narrowing the scopes narrows
        the client's existing grants at their next refresh (validator.get_original_scopes)."""
        client = self.get(client_id)
        changed = dataclasses.replace(
            client,
            name=client.name if name is None else name,
            grant_types=client.grant_types if grant_types is None else tuple(grant_types),
            scopes=client.scopes if scopes is None else tuple(scopes),
            redirect_uris=client.redirect_uris if redirect_uris is None else tuple(redirect_uris),
            permissions=client.permissions if permissions is None else tuple(permissions),
            post_logout_redirect_uris=client.post_logout_redirect_uris
            if post_logout_redirect_uris is None
            else tuple(post_logout_redirect_uris),
            dpop_bound_access_tokens=client.dpop_bound_access_tokens
            if dpop_bound_access_tokens is None
            else dpop_bound_access_tokens,
        )
        rules.check_type_and_grants(changed.client_type, changed.grant_types)
        rules.check_post_logout_redirect_uris(changed.post_logout_redirect_uris)
        rules.check_permissions(changed.permissions, changed.client_type)
        self._check_editable(changed.name, changed.grant_types, changed.scopes, changed.redirect_uris)
        if default_scopes is None:
            default_scopes = tuple(scope for scope in client.default_scopes if scope in changed.scopes)
        changed = dataclasses.replace(changed, default_scopes=self._defaults(default_scopes, changed.scopes))
        return self._save(changed)

    def pause(self, client_id: str) -> Client:
        """A paused client gets no tokens until resumed."""
        return self._save(dataclasses.replace(self.get(client_id), status=PAUSED))

    def resume(self, client_id: str) -> Client:
        return self._save(dataclasses.replace(self.get(client_id), status=ACTIVE))

    def rotate_secret(self, client_id: str) -> tuple[Client, str]:
        """A new secret for a confidential client; the old one stops working at once."""
        client = self.get(client_id)
        if not client.is_confidential:
            raise InvalidClientSettings("a public client has no secret to rotate")
        if client.token_endpoint_auth_method == PRIVATE_KEY_JWT:
            raise InvalidClientSettings("a client of private_key_jwt has keys, not a secret")
        secret = secrets.new_secret()
        changed = dataclasses.replace(client, secret_hash=secrets.hash_secret(secret), secret_hint=secrets.hint(secret))
        if client.secret_sealed is not None:
            changed = dataclasses.replace(changed, secret_sealed=self._sealed(client_id, secret))
        return self._save(changed), secret

    def _sealed(self, client_id: str, secret: str) -> str:
        """OIDC Core §9 client_secret_jwt: the secret sealed under the master key, bound to the client."""
        if not self.settings.client_secret_jwt or self.box is None:
            raise InvalidClientSettings("client_secret_jwt is off (the client_secret_jwt setting)")
        return base64.b64encode(self.box.seal(secret.encode(), client_id.encode())).decode("ascii")

    def delete(self, client_id: str) -> None:
        """Remove the client; its tokens are revoked in the same transaction."""
        if not self.store.delete_client(client_id, self.clock.now()):
            raise ClientNotFound(client_id)

    def _check_editable(self, name, grant_types, scopes, redirect_uris) -> None:
        rules.check_name(name)
        rules.check_scopes(tuple(scopes), self.settings.scopes)
        rules.check_redirect_uris(tuple(redirect_uris), tuple(grant_types))

    def _defaults(self, default_scopes: tuple[str, ...] | None, scopes: tuple[str, ...]) -> tuple[str, ...]:
        """RFC6749-3.3: the pre-defined default, within the allowed scopes; none given
        means the lowest allowed one, in the order of the server's scope levels."""
        if not default_scopes:
            return (min(scopes, key=self.settings.scopes.index),)
        rules.check_default_scopes(tuple(default_scopes), scopes)
        return tuple(default_scopes)

    def _save(self, client: Client) -> Client:
        client = dataclasses.replace(client, updated_at=self.clock.now())
        self.store.replace_client(client)
        return client


def key_set_text(text: str) -> str:
    """A client's public keys as given by an administrator (a JWK Set, or one JWK, in JSON,
    RFC 7517 §4-5), as the JWK Set text `create` takes; InvalidClientSettings if not JSON."""
    try:
        document = json.loads(text)
    except ValueError as error:
        raise InvalidClientSettings(f"jwks: not JSON ({error})") from None
    if isinstance(document, dict) and "kty" in document:
        document = {"keys": [document]}
    return json.dumps(document)


def describe(client: Client) -> dict:
    """A client as shown by `list`, `show` and `--json`: the secret only masked."""
    return {
        "client_id": client.client_id,
        "name": client.name,
        "type": client.client_type,
        "status": client.status,
        "grant_types": list(client.grant_types),
        "scopes": list(client.scopes),
        "default_scopes": list(client.default_scopes),
        "redirect_uris": list(client.redirect_uris),
        "post_logout_redirect_uris": list(client.post_logout_redirect_uris),
        "permissions": list(client.permissions),
        "client_secret": secrets.mask(client.secret_hint) if client.secret_hint else None,
        "token_endpoint_auth_method": client.token_endpoint_auth_method,
        "jwks": json.loads(client.jwks) if client.jwks else None,
        "jwks_uri": client.jwks_uri,
        "require_pushed_authorization_requests": client.require_pushed_authorization_requests,
        "dpop_bound_access_tokens": client.dpop_bound_access_tokens,
        "origin": client.origin,
        "origin_text": ORIGINS[client.origin],
        "created_at": client.created_at,
        "updated_at": client.updated_at,
        "last_used_at": client.last_used_at,
    }
