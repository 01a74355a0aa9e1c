"""The device authorization endpoint, `POST /oauth2/device_authorization` (RFC 8628 §3.1-3.2).

A device asks for a device code and a user code. The checks run in this order,
each raising `OAuthError` (rendered as RFC 6749 §5.2 JSON, RFC8628-3.2):
  1. RFC8628-3.1: the method is POST (the route table answers 405 otherwise), the
     body a well-formed form with no repeated parameter (`form.read_form`).
  2. RFC8628-3.1: client authentication as at the token endpoint (RFC 6749
     §3.2.1): a confidential client authenticates, a public one sends its
     `client_id` (`invalid_client` otherwise). oauthlib's grant runs it with our
     validator, as at the token endpoint.
  3. The client is allowed the device grant (`unauthorized_client`).
  4. RFC 6749 §3.3: the scope is within the client's, or its default scopes when
     none is asked for (`invalid_scope`).
Then (RFC8628-3.2) the codes are made and stored, and the answer is JSON that
no cache may keep: `device_code`, `user_code` (shown `BDFG-HJKL`),
`verification_uri`, `verification_uri_complete`, `expires_in`, `interval`.

oauthlib's own `DeviceAuthorizationEndpoint` is not used: its device codes are
30 characters (about 178 bits), it stores nothing, it refuses a confidential
client that authenticates with HTTP Basic alone (it wants `client_id` in the
body), and it does not check that the client is allowed the grant.
"""

import json
import secrets as random
from urllib.parse import urlencode

from oauthlib.common import Request as OAuthlibRequest
from oauthlib.oauth2 import OAuth2Error, UnauthorizedClientError
from webob import Request, Response

from ..clock import Clock
from ..config import Settings
from ..errors import OAuthError, from_oauthlib
from ..form import read_form
from ..policy import rfc8628_device, secrets
from ..responses import NO_STORE, json_response
from ..store import DuplicateUserCode, Store
from ..store.records import Client, DeviceAuthorization

VERIFICATION_PATH = "/device"
# 20^8 user codes: a stored one drawn again is rare, and a few draws always suffice.
USER_CODE_DRAWS = 5


class DeviceAuthorizationEndpoint:
    def __init__(self, device_grant, store: Store, settings: Settings, clock: Clock):
        self.device_grant = device_grant  # oauthlib's DeviceCodeGrant, over our validator
        self.store = store
        self.settings = settings
        self.clock = clock
        self.verification_uri = settings.issuer.rstrip("/") + VERIFICATION_PATH

    def __call__(self, request: Request) -> Response:
        client, scopes = self._validate(request, read_form(request, self.settings.max_body_bytes))
        device_code = rfc8628_device.new_device_code()
        user_code = rfc8628_device.shown(self._store_codes(device_code, client, scopes))
        body = {
            "device_code": device_code,
            "user_code": user_code,
            "verification_uri": self.verification_uri,
            # RFC8628-3.3.1 OPTIONAL: the code filled in, for a QR code or a link.
            "verification_uri_complete": self.verification_uri + "?" + urlencode({"user_code": user_code}),
            "expires_in": self.settings.device_code_ttl,
            "interval": self.settings.device_poll_interval,
        }
        return json_response(json.dumps(body).encode(), headers=NO_STORE)

    def _validate(self, request: Request, params: dict[str, str]) -> tuple[Client, list[str]]:
        """Steps 2-4, by oauthlib's grant over our validator: the client and the scopes granted."""
        authorization = request.headers.get("Authorization")
        asked = OAuthlibRequest(
            request.path_url,
            http_method="POST",
            body=list(params.items()),
            headers={"Authorization": authorization} if authorization else {},
        )
        asked.grant_type = rfc8628_device.GRANT_TYPE
        try:
            self.device_grant.validate_client_authentication(asked)
            try:
                self.device_grant.validate_grant_type(asked)
            except UnauthorizedClientError:
                raise OAuthError("unauthorized_client", "The client is not allowed the device grant.") from None
            self.device_grant.validate_scopes(asked)
        except OAuth2Error as error:
            raise from_oauthlib(error.json) from None
        return asked.client, asked.scopes

    def _store_codes(self, device_code: str, client: Client, scopes: list[str]) -> str:
        """RFC8628-3.2: store both codes by their hashes, bound to the client and scope; the
        user code (drawn again in the rare case it is taken)."""
        now = self.clock.now()
        for _ in range(USER_CODE_DRAWS):
            user_code = rfc8628_device.new_user_code()
            try:
                self.store.add_device_authorization(
                    DeviceAuthorization(
                        device_code_hash=secrets.hash_secret(device_code),
                        user_code_hash=rfc8628_device.hash_user_code(user_code),
                        grant_id=random.token_urlsafe(16),
                        client_id=client.client_id,
                        scope=" ".join(scopes),
                        issued_at=now,
                        expires_at=now + self.settings.device_code_ttl,
                        interval=self.settings.device_poll_interval,
                        next_poll_at=now,  # the first poll may come at once; then every `interval`
                    )
                )
                return user_code
            except DuplicateUserCode:
                continue
        raise OAuthError("temporarily_unavailable", "No free user code could be drawn; try again.")
