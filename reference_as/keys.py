"""Signing keys: made on first start, sealed at rest, rotated, published as a JWKS.

- The private key is serialised (PKCS#8) and sealed with AES-256-GCM under the
  master key (`secret_box.py`) before it reaches the store.
- The `kid` is the RFC 7638 thumbprint of the public key.
- Rotation (`reference-as keys rotate`) makes a new active key and retires the
  others. A retired key stays in the JWKS (RFC 7517) for one access-token
  lifetime after its retirement, so every token it signed can still be verified
  until it expires; then it is no longer published.
- A worker reads the key table at most once a second (`RECHECK_SECONDS`), not
  on every token it signs or checks: a rotation made elsewhere (the CLI, the
  admin page in another worker) is followed within a second, and its own
  rotation at once. Nothing is lost meanwhile: the key being retired stays
  published, so a token it signed in that second verifies like any other; and
  a kid a worker has not seen yet is looked up in the store at once, as is the
  JWKS on every request, so a token signed with the new key verifies
  everywhere from the first. Decrypted keys are cached by kid.
"""

import json
import time

from cryptography.hazmat.primitives import serialization

from .clock import Clock
from .config import Settings
from .jose import jwk
from .jose.algorithms import ALGORITHMS, Algorithm
from .secret_box import SecretBox
from .store import Store
from .store.records import SigningKey

RECHECK_SECONDS = 1.0


class Keyring:
    def __init__(self, store: Store, box: SecretBox, clock: Clock, settings: Settings):
        self.store = store
        self.box = box
        self.clock = clock
        self.settings = settings
        self._opened: dict[str, tuple[Algorithm, object, object]] = {}  # kid -> (algorithm, private, public)
        self._table: list[SigningKey] = []
        self._read_at: float | None = None  # time.monotonic() of the last read of the table

    def ensure_active(self) -> str:
        """The active kid; on first start (or after a change of `signing_alg`) a new key."""
        kid = self.store.active_signing_kid()
        if kid is None or self._find(kid).alg != self.settings.signing_alg:
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
        self._read_at = None
        return record

    def signing_key(self) -> tuple[str, Algorithm, object]:
        """(kid, algorithm, private key) of the active key (the newest not retired)."""
        kid = _active(self._keys())
        if kid is None:
            raise RuntimeError("no active signing key: start the server with `reference-as serve` to make one")
        algorithm, private_key, _ = self._open(kid)
        return kid, algorithm, private_key

    def verification_key(self, kid: str) -> tuple[Algorithm, object] | None:
        """(algorithm, public key) of the *published* key with this kid, or None.
        A retired key verifies only while it is still published (see `published`)."""
        key = self._find(kid)
        if key is None or not self._is_published(key):
            return None
        algorithm, _, public_key = self._open(kid)
        return algorithm, public_key

    def published(self) -> list[SigningKey]:
        """Keys in the JWKS, read from the store now: the active one, and retired ones
        whose tokens may still be live."""
        return [key for key in self.store.signing_keys() if self._is_published(key)]

    def states(self) -> list[tuple[SigningKey, str]]:
        """Every key, newest first, with its state, read from the store now: "active"
        (the newest not retired), "published" (retired, still in the JWKS) or "retired"."""
        keys = self.store.signing_keys()
        active = _active(keys)
        return [
            (key, "active" if key.kid == active else "published" if self._is_published(key) else "retired")
            for key in keys
        ]

    def jwks(self) -> dict:
        """RFC 7517 §5: {"keys": [...]}, public members only."""
        return {"keys": [json.loads(key.public_jwk) for key in self.published()]}

    def _is_published(self, key: SigningKey) -> bool:
        """Retired keys stay while a token they signed may be live (access token or ID Token)."""
        lifetime = max(self.settings.access_token_ttl, self.settings.id_token_ttl)
        return key.retired_at is None or key.retired_at + lifetime > self.clock.now()

    def _open(self, kid: str) -> tuple[Algorithm, object, object]:
        """Decrypt a key once and keep it."""
        if kid not in self._opened:
            record = self._find(kid)
            der = self.box.open(record.private_key_sealed, kid.encode())
            private_key = serialization.load_der_private_key(der, password=None)
            self._opened[kid] = (ALGORITHMS[record.alg], private_key, private_key.public_key())
        return self._opened[kid]

    def _find(self, kid: str) -> SigningKey | None:
        """The record of `kid`: in the table as last read, else in the store now."""
        for fresh in (False, True):
            key = next((key for key in self._keys(fresh) if key.kid == kid), None)
            if key is not None:
                return key
        return None

    def _keys(self, fresh: bool = False) -> list[SigningKey]:
        """The key table, newest first, as read at most RECHECK_SECONDS ago (or now)."""
        now = time.monotonic()
        if fresh or self._read_at is None or now - self._read_at >= RECHECK_SECONDS:
            self._table, self._read_at = self.store.signing_keys(), now
        return self._table


def _active(keys: list[SigningKey]) -> str | None:
    """The active kid: the newest key not retired (`keys` newest first)."""
    return next((key.kid for key in keys if key.retired_at is None), None)
