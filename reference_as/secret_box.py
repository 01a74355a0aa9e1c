"""Encryption at rest for what must be read back: the signing keys' private halves.

AES-256-GCM (authenticated encryption: a changed byte is detected, not
decrypted into garbage) under one 256-bit master key. The master key comes from
the `REFERENCE_AS_SECRET_KEY` environment variable (base64url of 32 bytes) or,
when that is unset, from a key file, generated with mode 0600 when the caller
allows it (the server: only while the store holds no sealed key, see app.py).
It is never stored in the database, so a copy of the database alone reveals no
private key.

Sealed format: 12-byte random nonce || ciphertext with its 16-byte tag. The
caller passes associated data (the key id) so a sealed blob cannot be moved to
another row unnoticed.
"""

import base64
import binascii
import os
import secrets
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

NONCE_BYTES = 12
KEY_BYTES = 32


class SecretKeyError(Exception):
    """The master key is missing, malformed, or does not open what was sealed."""


class SecretBox:
    def __init__(self, key: bytes, source: str = "the master key"):
        """`source` names where the key came from, for messages."""
        if len(key) != KEY_BYTES:
            raise SecretKeyError(f"{source} must be {KEY_BYTES} bytes, got {len(key)}")
        self._aead = AESGCM(key)
        self._key = key
        self.source = source

    def derive_key(self, purpose: str) -> bytes:
        """A separate 256-bit key for another use (cookie signing, say), so the
        master key itself is used for one thing only (HKDF, RFC 5869)."""
        return HKDF(algorithm=hashes.SHA256(), length=KEY_BYTES, salt=None, info=purpose.encode()).derive(self._key)

    def seal(self, plaintext: bytes, associated_data: bytes) -> bytes:
        nonce = secrets.token_bytes(NONCE_BYTES)
        return nonce + self._aead.encrypt(nonce, plaintext, associated_data)

    def open(self, sealed: bytes, associated_data: bytes) -> bytes:
        try:
            return self._aead.decrypt(sealed[:NONCE_BYTES], sealed[NONCE_BYTES:], associated_data)
        except InvalidTag:
            raise SecretKeyError(f"{self.source} is not the master key this was sealed with") from None


def decode_key(text: str, source: str = "the master key") -> bytes:
    try:
        return base64.urlsafe_b64decode(text.strip() + "=" * (-len(text.strip()) % 4))
    except (binascii.Error, ValueError):
        raise SecretKeyError(f"{source} must be base64url-encoded") from None


def load_box(env_value: str | None, key_file: Path, create: bool = True) -> SecretBox:
    """The master key from the environment, else from `key_file`, which is created
    0600 if absent and `create` allows it (else its absence is a SecretKeyError)."""
    if env_value:
        return SecretBox(decode_key(env_value, "REFERENCE_AS_SECRET_KEY"), "REFERENCE_AS_SECRET_KEY")
    source = f"the key file {key_file.absolute()}"
    if not key_file.exists():
        if not create:
            raise SecretKeyError(
                f"{source} does not exist and REFERENCE_AS_SECRET_KEY is not set "
                "(a new master key would not open what is sealed already)"
            )
        key_file.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        # O_EXCL: two processes starting at once cannot both write a key.
        try:
            fd = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            pass
        else:
            with os.fdopen(fd, "w") as f:
                f.write(base64.urlsafe_b64encode(secrets.token_bytes(KEY_BYTES)).decode().rstrip("=") + "\n")
    try:
        text = key_file.read_text()
    except (OSError, UnicodeDecodeError) as error:
        raise SecretKeyError(f"cannot read {source}: {getattr(error, 'strerror', None) or error}") from None
    return SecretBox(decode_key(text, source), source)
