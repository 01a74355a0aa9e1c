"""Encryption at rest for what must be read back: the signing keys' private halves.

AES-256-GCM (authenticated encryption: a changed byte is detected, not
decrypted into garbage) under one 256-bit master key. The master key comes from
the `REFERENCE_AS_SECRET_KEY` environment variable (base64url of 32 bytes) or,
when that is unset, from a key file that is generated on first use with mode
0600. It is never stored in the database, so a copy of the database alone
reveals no private key.

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
    def __init__(self, key: bytes):
        if len(key) != KEY_BYTES:
            raise SecretKeyError(f"the master key must be {KEY_BYTES} bytes, got {len(key)}")
        self._aead = AESGCM(key)
        self._key = key

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
            raise SecretKeyError(
                "cannot decrypt a stored private key: the master key (REFERENCE_AS_SECRET_KEY or the key file) "
                "is not the one it was sealed with"
            ) from None


def decode_key(text: str) -> bytes:
    try:
        return base64.urlsafe_b64decode(text.strip() + "=" * (-len(text.strip()) % 4))
    except (binascii.Error, ValueError):
        raise SecretKeyError("the master key must be base64url-encoded") from None


def load_box(env_value: str | None, key_file: Path) -> SecretBox:
    """The master key from the environment, else from `key_file`, created 0600 if absent."""
    if env_value:
        return SecretBox(decode_key(env_value))
    if not key_file.exists():
        key_file.parent.mkdir(parents=True, exist_ok=True)
        # O_EXCL: two processes starting at once cannot both write a key.
        try:
            fd = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            pass
        else:
            with os.fdopen(fd, "w") as f:
                f.write(base64.urlsafe_b64encode(secrets.token_bytes(KEY_BYTES)).decode().rstrip("=") + "\n")
    return SecretBox(decode_key(key_file.read_text()))
