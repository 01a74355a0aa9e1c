"""Signing keys: made on first start, sealed at rest, rotated, published as a JWKS.

- The private key is serialised (PKCS#8) and sealed with AES-256-GCM under the
  master key (`secret_box.py`) before it reaches the store. The master key must
  open the keys the store holds: `check_master_key`, run at start, before every
  rotation and by every `keys` command, refuses one that does not (a wrong
  REFERENCE_AS_SECRET_KEY, the key file of another folder) with one line, so
  that no server starts that would answer 500, and no key is ever sealed under
  a second master key.
- The `kid` is the RFC 7638 thumbprint of the public key.
- Rotation follows the timeline in `policy/key_rotation.py`: `rotate()` publishes
  a new key that signs one JWKS cache lifetime later (`jwks_max_age`, the JWKS's
  max-age), while the current key goes on signing; `rotate(immediately=True)`, for a
  compromised key, signs with the new key at once and withdraws every other one.
  The very first key signs at once: no verifier can have met a token before it.
- A worker reads the key table at most once a second (`RECHECK_SECONDS`), not
  on every token it signs or checks. A key starts and stops signing at times
  written in its record, so every worker switches keys at the same second; a
  rotation made elsewhere (the CLI, the admin page in another worker) is seen
  within a second, long before its key signs. A kid a worker has not seen yet is
  looked up in the store at once, as is the JWKS on every request. (An emergency
  rotation is followed within that second too: meanwhile a worker may still sign
  with, and accept, a key just withdrawn.) Decrypted keys are cached by kid.
"""

import json
import time

from cryptography.hazmat.primitives import serialization

from .clock import Clock
from .config import Settings
from .jose import jwk
from .jose.algorithms import ALGORITHMS, Algorithm
from .policy import key_rotation
from .secret_box import SecretBox, SecretKeyError
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
        self._retirements: dict[str, int | None] = {}  # of the table as read
        self._read_at: float | None = None  # time.monotonic() of the last read of the table

    def ensure_active(self) -> str:
        """Check the master key; the signing kid. On first start a key that signs at once;
        after a change of `signing_alg`, a new key that signs like any rotated key
        (the old one signs until then: verifiers meet no unpublished key)."""
        self.check_master_key()
        keys = [key for key in self._keys(fresh=True) if key.withdrawn_at is None]
        if not keys or max(keys, key=key_rotation.signing_order).alg != self.settings.signing_alg:
            self.rotate()
        return self.signing_key()[0]

    def check_master_key(self) -> None:
        """Raise SecretKeyError (one line, naming where the master key came from) unless
        the master key opens every key that is published or will sign."""
        try:
            for key, state, _ in self.states():
                if key_rotation.is_published(state):
                    self._open(key.kid)
        except SecretKeyError:
            raise SecretKeyError(
                f"{self.box.source} does not open the signing keys in the store: they were sealed under another "
                "master key (run from the folder that holds its key file, or set REFERENCE_AS_SECRET_KEY)"
            ) from None

    def rotate(self, immediately: bool = False) -> SigningKey:
        """A new key, published at once. It signs `pending_seconds` later, or at once when
        `immediately` (and then every other key is withdrawn) or when it is the first key."""
        self.check_master_key()
        algorithm = ALGORITHMS[self.settings.signing_alg]
        private_key = algorithm.generate()
        kid = jwk.thumbprint(private_key.public_key())
        der = private_key.private_bytes(
            serialization.Encoding.DER, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
        created = self.clock.now()
        first = not any(key.withdrawn_at is None for key in self._keys(fresh=True))
        wait = 0 if immediately or first else key_rotation.pending_seconds(self.settings.jwks_max_age)
        record = SigningKey(
            kid=kid,
            alg=algorithm.name,
            public_jwk=json.dumps(jwk.public_jwk(private_key.public_key(), kid, algorithm.name)),
            private_key_sealed=self.box.seal(der, kid.encode()),
            created_at=created,
            signs_from=created + wait,
        )
        self.store.add_signing_key(record, withdraw_others=immediately)
        self._read_at = None
        return record

    def signing_key(self) -> tuple[str, Algorithm, object]:
        """(kid, algorithm, private key) of the key that signs now."""
        key = key_rotation.signing_key(self._keys(), self.clock.now())
        if key is None:
            raise RuntimeError("no active signing key: start the server with `reference-as serve` to make one")
        algorithm, private_key, _ = self._open(key.kid)
        return key.kid, algorithm, private_key

    def verification_key(self, kid: str) -> tuple[Algorithm, object] | None:
        """(algorithm, public key) of the *published* key with this kid, or None.
        A key that signs no more verifies only while it is still published."""
        key = self._find(kid)
        if key is None or not key_rotation.is_published(self._state(key, self._retirements)):
            return None
        algorithm, _, public_key = self._open(kid)
        return algorithm, public_key

    def published(self) -> list[SigningKey]:
        """Keys in the JWKS, read from the store now: pending, active, and those that
        signed tokens that may still be live."""
        return [key for key, state, _ in self.states() if key_rotation.is_published(state)]

    def states(self) -> list[tuple[SigningKey, str, int | None]]:
        """Every key, newest first, read from the store now, with its state (pending,
        active, published or retired) and when it stops signing (None: not yet known)."""
        keys = self.store.signing_keys()
        retirements = key_rotation.retirements(keys)
        return [(key, self._state(key, retirements), retirements.get(key.kid)) for key in keys]

    def jwks(self) -> dict:
        """RFC 7517 §5: {"keys": [...]}, public members only."""
        return {"keys": [json.loads(key.public_jwk) for key in self.published()]}

    def _state(self, key: SigningKey, retirements: dict[str, int | None]) -> str:
        """Retired keys stay published while a token they signed may be live (access token or ID Token)."""
        lifetime = max(self.settings.access_token_ttl, self.settings.id_token_ttl)
        return key_rotation.state(key, retirements.get(key.kid), self.clock.now(), lifetime)

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
            self._retirements = key_rotation.retirements(self._table)
        return self._table
