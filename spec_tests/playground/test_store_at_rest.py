"""What the playground keeps (client secret, tokens, the pending PKCE verifier) is
sealed with AES-256-GCM under its key file; nothing of it is in the store file in clear."""

import json
import os
import stat

import pytest

from reference_as.playground.lab import CONFIDENTIAL_ID
from reference_as.playground.store import CIPHER, PlaygroundStore, StoreError
from reference_as.secret_box import SecretBox


def secrets_in(stored: dict, *fields) -> list[str]:
    return [value for section, name in fields if (value := stored.get(section, {}).get(name))]


def test_the_store_file_holds_no_client_secret_or_token_in_clear(pages):
    client_secret = pages.lab.secrets[CONFIDENTIAL_ID]
    pages.connect(CONFIDENTIAL_ID)

    # Between Authorize and the callback the PKCE verifier waits in the file (the state too,
    # in clear: it is no credential, and the browser's address bar shows it anyway).
    leave = pages.post("/authorize", status=303)
    verifier = pages.store.read()["pending"]["code_verifier"]
    raw = pages.store.path.read_text()
    for value in (client_secret, verifier):
        assert len(value) >= 43 and value not in raw

    _, query = pages.lab.browser(leave.location)
    pages.web.get("/callback?" + query, status=303)
    pages.post("/refresh", status=303)  # a second pair of tokens, and a spent refresh token

    stored = pages.store.read()  # opened with the key file: everything is there
    held = secrets_in(
        stored,
        ("connection", "client_secret"),
        ("tokens", "access_token"),
        ("tokens", "refresh_token"),
        ("tokens", "spent_refresh_token"),
    )
    assert held[0] == client_secret and len(held) == 4
    raw = pages.store.path.read_text()
    for value in held:
        assert value not in raw  # not in the sealed fields, nor in the recorded steps
    on_disk = json.loads(raw)
    for section, name in (("connection", "client_secret"), ("tokens", "access_token"), ("tokens", "refresh_token")):
        assert on_disk[section][name].keys() == {"sealed", "cipher"} and on_disk[section][name]["cipher"] == CIPHER
    assert on_disk["connection"]["client_id"] == CONFIDENTIAL_ID  # what is not secret stays readable

    page = pages.web.get("/").text
    assert "encrypted at rest with AES-256-GCM" in page and str(pages.store.key_file) in page
    for value in held:
        assert value not in page  # shown masked: …last4


def test_the_key_file_and_store_file_are_private_and_the_key_is_needed(pages, tmp_path):
    pages.connect(CONFIDENTIAL_ID)
    pages.authorize()
    for path in (pages.store.path, pages.store.key_file):
        assert stat.S_IMODE(os.stat(path).st_mode) == 0o600, path
    with pytest.raises(StoreError):
        PlaygroundStore(pages.store.path, SecretBox(os.urandom(32))).read()


def test_a_sealed_value_moved_to_another_field_does_not_open(pages):
    """The field's place is the associated data: a refresh token cannot pose as an access token."""
    pages.connect(CONFIDENTIAL_ID)
    pages.authorize()
    on_disk = json.loads(pages.store.path.read_text())
    tokens = on_disk["tokens"]
    tokens["access_token"], tokens["refresh_token"] = tokens["refresh_token"], tokens["access_token"]
    pages.store.path.write_text(json.dumps(on_disk))
    with pytest.raises(StoreError):
        pages.store.read()
