"""The playground's store file: one JSON document, its secrets sealed with AES-256-GCM.

What the client must read back (its client secret, the access and refresh
tokens, the pending request's PKCE verifier, the device code of a device flow) is sealed with the
project's `SecretBox` (AES-256-GCM, `reference_as/secret_box.py`) under a key
file created with mode 0600 beside the store file. Each sealed value carries
its place in the document as associated data ("tokens.refresh_token"), so a
sealed value moved to another field fails to open. Everything else (the
metadata URL, the client id, the pending request's state, which travels in
the browser's address bar anyway, the recorded steps, already masked) is
plain JSON, so a reader can open the file and see what is kept and how.

Writes go to a temporary file renamed over the old one: a crash never leaves
half a file. One lock serialises the requests of the one process serving it.
"""

import base64
import json
import os
import threading
from contextlib import contextmanager
from pathlib import Path

from ..secret_box import SecretBox, SecretKeyError, load_box

# (section, field): the values sealed at rest.
SEALED = {
    ("connection", "client_secret"),
    ("tokens", "access_token"),
    ("tokens", "refresh_token"),
    ("tokens", "spent_refresh_token"),
    ("pending", "code_verifier"),
    ("device", "device_code"),
}
CIPHER = "AES-256-GCM"


class StoreError(Exception):
    """The store file cannot be read or opened with this key file."""


def key_file_for(store_file: Path) -> Path:
    """`var/playground.json` -> `var/playground.key`."""
    return store_file.with_name(store_file.stem + ".key")


class PlaygroundStore:
    def __init__(self, path: Path, box: SecretBox):
        self.path = Path(path)
        self.box = box
        self._lock = threading.RLock()

    @classmethod
    def open(cls, path: Path, key_file: Path | None = None) -> "PlaygroundStore":
        path = Path(path)
        return cls(path, load_box(None, key_file or key_file_for(path)))

    @property
    def key_file(self) -> Path:
        return key_file_for(self.path)

    def _seal(self, where: str, value: str) -> dict:
        sealed = self.box.seal(value.encode(), where.encode())
        return {"sealed": base64.urlsafe_b64encode(sealed).decode(), "cipher": CIPHER}

    def _open(self, where: str, value: dict) -> str:
        try:
            return self.box.open(base64.urlsafe_b64decode(value["sealed"]), where.encode()).decode()
        except (SecretKeyError, KeyError, ValueError, TypeError):
            raise StoreError(f"{self.path}: {where} does not open with the key file {self.key_file}") from None

    def read(self) -> dict:
        """The document with its sealed values opened ({} when there is no file yet)."""
        with self._lock:
            try:
                stored = json.loads(self.path.read_text(encoding="utf-8"))
            except FileNotFoundError:
                return {}
            except (OSError, ValueError) as error:
                raise StoreError(f"{self.path}: cannot be read: {error}") from None
            for section, name in SEALED:
                value = stored.get(section, {}).get(name) if isinstance(stored.get(section), dict) else None
                if isinstance(value, dict):
                    stored[section][name] = self._open(f"{section}.{name}", value)
            return stored

    def write(self, document: dict) -> None:
        with self._lock:
            stored = json.loads(json.dumps(document))  # a copy, and proof that it is JSON
            for section, name in SEALED:
                value = stored.get(section, {}).get(name) if isinstance(stored.get(section), dict) else None
                if isinstance(value, str):
                    stored[section][name] = self._seal(f"{section}.{name}", value)
            self.path.parent.mkdir(parents=True, exist_ok=True)
            temporary = self.path.with_name(self.path.name + ".tmp")
            fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            with os.fdopen(fd, "w", encoding="utf-8") as out:
                json.dump(stored, out, indent=2)
            os.replace(temporary, self.path)

    @contextmanager
    def editing(self):
        """Read, change in place, write back; one request at a time."""
        with self._lock:
            document = self.read()
            yield document
            self.write(document)
