"""Verifying a client assertion (RFC 7523 §2.2, §3; OpenID Connect Core §9 `private_key_jwt`,
and `client_secret_jwt` where the setting offers it).

The steps, in order, each refusal `invalid_client` (RFC 7523 §3.1):
  1. The assertion is a compact JWS of bounded size (`jose/jws.py`), its `iss` a
     client that registered `private_key_jwt` (or `client_secret_jwt`, when offered).
  2. Its header: an asymmetric algorithm we verify (RFC 8725 §3.1: no `none`, no MAC);
     for `client_secret_jwt` HS256, keyed with the client's secret, unsealed from
     the store (secret_box.py) and compared in constant time; then step 5.
  3. The key: the client's `jwks`, or its `jwks_uri` fetched by `outbound.py`
     (https, no redirects, small, quick, cached within bounds); the key named by `kid`.
     A `kid` not found in a cached set fetches the set once more (the client
     rotated its keys), at most once per REFETCH_AFTER seconds per URL: assertions
     with made-up kids cannot make the server fetch on every request.
  4. The signature, with that key and the algorithm its type fixes.
  5. The claims (`policy/rfc7523_client_assertion.py`): iss = sub = client_id, aud
     this server, exp soon, nbf/iat past, a jti.
  6. The jti was not used within its lifetime: recorded in the store (atomic), so
     that an assertion is accepted once, by any process. Only a verified assertion
     is recorded: nobody can use up another client's jtis.
"""

import base64
import hashlib
import hmac
import json

from cryptography.exceptions import InvalidSignature

from .clock import Clock
from .config import Settings
from .errors import OAuthError
from .jose import jws
from .jose.algorithms import ALGORITHMS
from .jose.jwk import InvalidJwk, public_key
from .outbound import Fetcher, FetchFailed
from .policy import rfc7523_client_assertion as rules
from .policy.rfc7523_client_assertion import CLIENT_SECRET_JWT, PRIVATE_KEY_JWT, SECRET_ALGORITHMS, InvalidAssertion
from .secret_box import SecretBox
from .store import Store
from .store.records import Client

ALGORITHMS_SUPPORTED = tuple(ALGORITHMS)  # RS256, ES256, EdDSA: asymmetric only
REFETCH_AFTER = 60  # seconds between two fetches of one jwks_uri for an unknown kid


def refused(description: str) -> OAuthError:
    return OAuthError("invalid_client", f"The client assertion is not accepted: {description}.")


class ClientAssertions:
    def __init__(self, store: Store, fetcher: Fetcher, settings: Settings, clock: Clock, box: SecretBox):
        self.box = box
        self.store = store
        self.fetcher = fetcher
        self.settings = settings
        self.clock = clock
        issuer = settings.issuer.rstrip("/")
        self.audiences = (settings.issuer, issuer + "/oauth2/token")
        self._refetched: dict[str, int] = {}  # jwks_uri -> when an unknown kid last fetched it (this process)

    def authenticate(self, assertion: str, endpoint_url: str) -> Client:
        """The client the assertion proves (steps 1-6), or OAuthError `invalid_client`.
        `endpoint_url`: where it was sent, also accepted as its `aud` (RFC 9126 §2)."""
        try:
            header, claims, signing_input, signature = jws.decode_unverified(assertion)
        except (ValueError, UnicodeDecodeError, RecursionError):
            raise refused("it is not a compact JWS of JSON objects") from None
        client_id = claims.get("iss")
        client = self.store.get_client(client_id) if isinstance(client_id, str) else None
        method = client.token_endpoint_auth_method if client else None
        if method != PRIVATE_KEY_JWT and not (method == CLIENT_SECRET_JWT and self.settings.client_secret_jwt):
            raise refused("its iss is not a client registered for private_key_jwt or client_secret_jwt")
        now = self.clock.now()
        try:
            if method == CLIENT_SECRET_JWT:
                self._verify_mac(client, header, signing_input, signature)
            else:
                self._verify_signature(client, header, signing_input, signature)
            audiences = tuple(dict.fromkeys((*self.audiences, endpoint_url)))
            jti, exp = rules.check_claims(
                claims, client.client_id, audiences, now, self.settings.client_assertion_max_lifetime
            )
        except (InvalidAssertion, InvalidJwk, FetchFailed) as reason:
            raise refused(str(reason)) from None
        # OIDC Core §9: "The authorization server MUST only accept JWTs with a jti that has not been used".
        if not self.store.use_assertion_jti(client.client_id, jti, exp, now):
            raise refused("its jti was used before (an assertion is good for one request)")
        return client

    def _verify_signature(self, client: Client, header: dict, signing_input: bytes, signature: bytes) -> None:
        alg = rules.check_header(header, ALGORITHMS_SUPPORTED)
        key = public_key(self._key(client, header, alg))
        try:
            ALGORITHMS[alg].verify(key, signature, signing_input)
        except InvalidSignature:
            raise InvalidAssertion("the signature does not verify with the client's key") from None

    def _verify_mac(self, client: Client, header: dict, signing_input: bytes, signature: bytes) -> None:
        """OIDC Core §9 client_secret_jwt: HMAC SHA-256 with the client's secret as the key."""
        rules.check_header(header, SECRET_ALGORITHMS)
        secret = self.box.open(base64.b64decode(client.secret_sealed), client.client_id.encode())
        expected = hmac.new(secret, signing_input, hashlib.sha256).digest()
        if not hmac.compare_digest(expected, signature):
            raise InvalidAssertion("the HMAC does not verify with the client's secret")

    def _key(self, client: Client, header: dict, alg: str) -> dict:
        if client.jwks:
            return rules.choose_key(rules.key_set(json.loads(client.jwks)), header, alg)
        if not client.jwks_uri:
            raise InvalidAssertion("the client has registered no keys (jwks or jwks_uri)")
        try:
            return rules.choose_key(self._fetched(client.jwks_uri), header, alg)
        except InvalidAssertion:
            now = self.clock.now()
            if (
                header.get("kid") is None
                or self._refetched.get(client.jwks_uri, now - REFETCH_AFTER) > now - REFETCH_AFTER
            ):
                raise
            self._refetched[client.jwks_uri] = now
            self.fetcher.forget(client.jwks_uri)  # a new kid: the client may have rotated its keys
            return rules.choose_key(self._fetched(client.jwks_uri), header, alg)

    def _fetched(self, url: str) -> tuple[dict, ...]:
        return self.fetcher.get(url, rules.key_set)
