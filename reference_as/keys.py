"""Signing keys: made on first start, sealed at rest, rotated, published as a JWKS.

- The private key is serialised (PKCS#8) and sealed with AES-256-GCM under the
  master key (`secret_box.py`) before it reaches the store.
- The `kid` is the RFC 7638 thumbprint of the public key.
- Rotation (`reference-as keys rotate`) makes a new active key and retires the
  others. A retired key stays in the JWKS (RFC 7517) for one access-token
  lifetime after its retirement, so every token it signed can still be verified
  until it expires; then it is no longer published.
- Each issuance asks the store which key is active (one indexed look-up), so a
  rotation made by the CLI is picked up by running servers at once; decrypted
  keys are cached by kid.
"""

import json

from cryptography.hazmat.primitives import serialization

from .clock import Clock
from .config import Settings
from .jose import jwk
from .jose.algorithms import ALGORITHMS, Algorithm
from .secret_box import SecretBox
from .store import Store
from .store.records import SigningKey


class Keyring:
    def __init__(self, store: Store, box: SecretBox, clock: Clock, settings: Settings):
        self.store = store
        self.box = box
        self.clock = clock
        self.settings = settings
        self._opened: dict[str, tuple[Algorithm, object, object]] = {}  # kid -> (algorithm, private, public)

    def ensure_active(self) -> str:
        """The active kid; on first start (or after a change of `signing_alg`) a new key."""
        kid = self.store.active_signing_kid()
        if kid is None or self._record(kid).alg != self.settings.signing_alg:
            kid = self.rotate().kid
        return kid

    def rotate(self) -> SigningKey:
        algorithm = ALGORITHMS[self.settings.signing_alg]
        private_key = algorithm.generate()
        kid = jwk.thumbprint(private_key.public_key())
        der = private_key.private_bytes(
            serialization.Encoding.DER, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
        now = self.clock.now()
        record = SigningKey(
            kid=kid,
            alg=algorithm.name,
            public_jwk=json.dumps(jwk.public_jwk(private_key.public_key(), kid, algorithm.name)),
            private_key_sealed=self.box.seal(der, kid.encode()),
            created_at=now,
            retired_at=None,
        )
        self.store.add_signing_key(record)
        self.store.retire_signing_keys(now, except_kid=kid)
        return record

    def signing_key(self) -> tuple[str, Algorithm, object]:
        """(kid, algorithm, private key) of the active key."""
        kid = self.store.active_signing_kid()
        if kid is None:
            raise RuntimeError("no active signing key: start the server with `reference-as serve` to make one")
        algorithm, private_key, _ = self._open(kid)
        return kid, algorithm, private_key

    def verification_key(self, kid: str) -> tuple[Algorithm, object] | None:
        """(algorithm, public key) of the *published* key with this kid, or None.
        A retired key verifies only while it is still published (see `published`)."""
        if all(key.kid != kid for key in self.published()):
            return None
        algorithm, _, public_key = self._open(kid)
        return algorithm, public_key

    def _open(self, kid: str) -> tuple[Algorithm, object, object]:
        """Decrypt a key once and keep it."""
        if kid not in self._opened:
            record = self._record(kid)
            der = self.box.open(record.private_key_sealed, kid.encode())
            private_key = serialization.load_der_private_key(der, password=None)
            self._opened[kid] = (ALGORITHMS[record.alg], private_key, private_key.public_key())
        return self._opened[kid]

    def published(self) -> list[SigningKey]:
        """Keys in the JWKS: the active one, and retired ones whose tokens may still be live."""
        now = self.clock.now()
        return [
            key
            for key in self.store.signing_keys()
            if key.retired_at is None or key.retired_at + self.settings.access_token_ttl > now
        ]

    def jwks(self) -> dict:
        """RFC 7517 §5: {"keys": [...]}, public members only."""
        return {"keys": [json.loads(key.public_jwk) for key in self.published()]}

    def _record(self, kid: str) -> SigningKey:
        return next(key for key in self.store.signing_keys() if key.kid == kid)
