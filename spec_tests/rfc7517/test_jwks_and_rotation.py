"""RFC 7517 (JWK Set) and key rotation: what verifiers see, before and after a rotation."""

import os

import jwt
import pytest
from cryptography.hazmat.primitives import serialization

from reference_as import keys
from reference_as.jose import jwk
from reference_as.keys import Keyring
from reference_as.secret_box import SecretBox, SecretKeyError
from spec_tests.helpers import issue, verify_with_pyjwt

PRIVATE_MEMBERS = {"d", "p", "q", "dp", "dq", "qi", "oth", "k"}


@pytest.fixture
def keyring(store, box, clock, settings, app, monkeypatch):
    """A second keyring on the app's store, as the CLI's would be. The app's own
    re-reads the key table at once here, as it would a second later in production."""
    monkeypatch.setattr(keys, "RECHECK_SECONDS", 0)
    return Keyring(store, box, clock, settings)


def test_a_rotation_made_elsewhere_is_followed_within_recheck_seconds(web, confidential, store, box, clock, settings):
    old_kid = jwt.get_unverified_header(issue(web, *confidential))["kid"]
    new_kid = Keyring(store, box, clock, settings).rotate().kid  # as `reference-as keys rotate` does
    assert jwt.get_unverified_header(issue(web, *confidential))["kid"] == old_kid  # still published: verifies
    later = keys.time.monotonic() + keys.RECHECK_SECONDS
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(keys.time, "monotonic", lambda: later)
        assert jwt.get_unverified_header(issue(web, *confidential))["kid"] == new_kid


@pytest.mark.requirement("RFC7517-5")
def test_the_jwks_lists_public_keys_only_with_kid_use_and_alg(web):
    response = web.get("/oauth2/jwks")
    assert response.content_type == "application/json"
    keys = response.json["keys"]
    assert len(keys) == 1
    for key in keys:
        assert key["kty"] == "RSA" and key["use"] == "sig" and key["alg"] == "RS256" and key["kid"]
        assert not PRIVATE_MEMBERS & set(key)


@pytest.mark.requirement("RFC7638-3")
def test_the_kid_is_the_jwk_thumbprint(web):
    published = web.get("/oauth2/jwks").json["keys"][0]
    public_key = jwt.PyJWK(published).key
    assert published["kid"] == jwk.thumbprint(public_key)


def test_a_worker_that_has_not_seen_a_rotation_yet_still_verifies_the_new_keys_tokens(store, box, clock, settings):
    worker, elsewhere = Keyring(store, box, clock, settings), Keyring(store, box, clock, settings)
    worker.ensure_active()
    old_kid = worker.signing_key()[0]  # the worker has read the key table
    new_kid = elsewhere.rotate().kid
    assert worker.signing_key()[0] == old_kid  # its table is less than a second old
    assert worker.verification_key(new_kid) is not None  # an unseen kid is looked up at once
    assert new_kid in {key.kid for key in worker.published()}  # the JWKS is read on every request
    assert worker.verification_key("no-such-kid") is None


def test_a_token_signed_before_rotation_still_verifies_and_new_tokens_use_the_new_key(
    web, confidential, keyring, settings
):
    before = issue(web, *confidential)
    old_kid = jwt.get_unverified_header(before)["kid"]
    new_kid = keyring.rotate().kid
    after = issue(web, *confidential)
    jwks = web.get("/oauth2/jwks").json
    assert {key["kid"] for key in jwks["keys"]} == {old_kid, new_kid}
    assert jwt.get_unverified_header(after)["kid"] == new_kid
    verify_with_pyjwt(before, jwks, settings)
    verify_with_pyjwt(after, jwks, settings)


def test_a_retired_key_leaves_the_jwks_once_its_tokens_have_expired(web, keyring, settings, clock):
    old_kid = web.get("/oauth2/jwks").json["keys"][0]["kid"]
    new_kid = keyring.rotate().kid
    clock.advance(settings.access_token_ttl - 1)
    assert old_kid in {key["kid"] for key in web.get("/oauth2/jwks").json["keys"]}
    clock.advance(1)
    assert {key["kid"] for key in web.get("/oauth2/jwks").json["keys"]} == {new_kid}


def test_private_keys_are_sealed_in_the_store_and_open_only_with_the_master_key(app, store, box):
    key = store.signing_keys()[0]
    der = box.open(key.private_key_sealed, key.kid.encode())
    assert serialization.load_der_private_key(der, password=None)
    assert der not in key.private_key_sealed
    with pytest.raises(SecretKeyError):
        SecretBox(os.urandom(32)).open(key.private_key_sealed, key.kid.encode())
    with pytest.raises(SecretKeyError):  # bound to its kid: cannot be moved to another row
        box.open(key.private_key_sealed, b"another-kid")
