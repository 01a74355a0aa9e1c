"""RFC 7517 (JWK Set) and key rotation: what verifiers see, before, during and after
a rotation (the timeline: reference_as/policy/key_rotation.py)."""

import dataclasses
import os
import time

import jwt
import pytest
from cryptography.hazmat.primitives import serialization

from reference_as import keys
from reference_as.app import make_app
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


@pytest.fixture
def monotonic(monkeypatch) -> list[float]:
    """The clock by which keyrings re-read the key table, moved by hand (`monotonic[0] += s`)."""
    now = [keys.time.monotonic()]
    monkeypatch.setattr(keys.time, "monotonic", lambda: now[0])
    return now


def kid_of(token: str) -> str:
    return jwt.get_unverified_header(token)["kid"]


def ahead(clock) -> float:
    """How far the test's clock has been moved past the real one (PyJWT checks iat by the latter)."""
    return max(0.0, clock.now() - time.time()) + 1


def published(web) -> set[str]:
    return {key["kid"] for key in web.get("/oauth2/jwks").json["keys"]}


def max_age(response) -> int:
    return int(response.headers["Cache-Control"].split("max-age=")[1])


class CachingVerifier:
    """A resource server that keeps the JWKS as long as its Cache-Control max-age allows
    and does not fetch it again for an unknown kid (the strictest verifier there is)."""

    def __init__(self, web, clock):
        self.web, self.clock, self.jwks, self.expires = web, clock, None, 0

    def accepts(self, token: str, settings) -> bool:
        if self.clock.now() >= self.expires:
            response = self.web.get("/oauth2/jwks")
            self.jwks, self.expires = response.json, self.clock.now() + max_age(response)
        if kid_of(token) not in {key["kid"] for key in self.jwks["keys"]}:
            return False
        verify_with_pyjwt(token, self.jwks, settings, leeway=ahead(self.clock))
        return True


def test_a_verifier_that_caches_the_jwks_for_its_max_age_accepts_every_token_across_a_rotation(
    web, confidential, keyring, clock, settings
):
    verifier = CachingVerifier(web, clock)
    assert verifier.accepts(issue(web, *confidential), settings)  # it has just fetched the JWKS
    old_kid, new_kid = kid_of(issue(web, *confidential)), keyring.rotate().kid
    seen = []
    for _ in range(2 * max_age(web.get("/oauth2/jwks")) + 3):
        token = issue(web, *confidential)
        assert verifier.accepts(token, settings), f"refused a token at +{len(seen)} s"
        seen.append(kid_of(token))
        clock.advance(1)
    assert seen[0] == old_kid and seen[-1] == new_kid


def test_the_jwks_may_be_cached_for_jwks_max_age(store, clock, box, settings):
    from webtest import TestApp

    web = TestApp(make_app(dataclasses.replace(settings, jwks_max_age=7), store, clock, box))
    assert web.get("/oauth2/jwks").headers["Cache-Control"] == "public, max-age=7"


def test_the_first_key_signs_at_once(app, store, clock):
    [key] = store.signing_keys()
    assert key.signs_from == key.created_at == clock.now()


def test_a_new_key_is_pending_one_jwks_max_age_then_signs_while_the_old_one_stays_published(
    web, confidential, keyring, clock, settings
):
    old_kid = kid_of(issue(web, *confidential))
    new = keyring.rotate()
    assert published(web) == {old_kid, new.kid}
    assert [state for _, state, _ in keyring.states()] == ["pending", "active"]
    clock.advance(settings.jwks_max_age)  # every copy cached before the rotation has expired by now + 1
    assert kid_of(issue(web, *confidential)) == old_kid
    clock.advance(1)
    assert kid_of(issue(web, *confidential)) == new.kid
    assert [state for _, state, _ in keyring.states()] == ["active", "published"]


def test_a_token_signed_before_rotation_still_verifies_and_new_tokens_use_the_new_key(
    web, confidential, keyring, settings, clock
):
    before = issue(web, *confidential)
    new_kid = keyring.rotate().kid
    clock.advance(settings.jwks_max_age + 1)
    after = issue(web, *confidential)
    jwks = web.get("/oauth2/jwks").json
    assert {key["kid"] for key in jwks["keys"]} == {kid_of(before), new_kid} and kid_of(after) == new_kid
    verify_with_pyjwt(before, jwks, settings, leeway=ahead(clock))
    verify_with_pyjwt(after, jwks, settings, leeway=ahead(clock))


def test_a_retired_key_leaves_the_jwks_once_its_tokens_have_expired(web, keyring, settings, clock):
    [old_kid] = published(web)
    new_kid = keyring.rotate().kid
    clock.advance(settings.jwks_max_age + 1)  # the new key signs from now: the old one's last tokens are live
    clock.advance(settings.access_token_ttl - 1)
    assert published(web) == {old_kid, new_kid}
    clock.advance(1)
    assert published(web) == {new_kid}
    assert [state for _, state, _ in keyring.states()] == ["active", "retired"]


def test_an_emergency_rotation_signs_at_once_and_withdraws_the_old_key(web, confidential, keyring):
    before = issue(web, *confidential)
    new_kid = keyring.rotate(immediately=True).kid
    assert published(web) == {new_kid}
    assert kid_of(issue(web, *confidential)) == new_kid
    assert web.get("/api/me", headers={"Authorization": f"Bearer {before}"}, expect_errors=True).status_int == 401


def test_two_rotations_in_a_row_leave_one_key_signing_at_each_moment(web, confidential, keyring, clock, settings):
    old_kid = kid_of(issue(web, *confidential))
    first = keyring.rotate()
    clock.advance(10)
    second = keyring.rotate()
    signed = []
    for _ in range(2 * settings.jwks_max_age):
        signed.append(kid_of(issue(web, *confidential)))
        clock.advance(1)
    assert signed[0] == old_kid and signed[-1] == second.kid and first.kid in signed
    assert [state for _, state, _ in keyring.states()] == ["active", "published", "published"]


def test_a_change_of_signing_alg_publishes_the_new_key_before_it_signs(web, confidential, store, box, clock, settings):
    from webtest import TestApp

    rs256 = kid_of(issue(web, *confidential))
    restarted = TestApp(make_app(dataclasses.replace(settings, signing_alg="ES256"), store, clock, box))
    assert len(published(restarted)) == 2
    assert jwt.get_unverified_header(issue(restarted, *confidential)) == {"alg": "RS256", "typ": "at+jwt", "kid": rs256}
    clock.advance(settings.jwks_max_age + 1)
    assert jwt.get_unverified_header(issue(restarted, *confidential))["alg"] == "ES256"
    make_app(dataclasses.replace(settings, signing_alg="ES256"), store, clock, box)  # restarted again: no new key
    assert len(store.signing_keys()) == 2


def test_an_emergency_rotation_made_elsewhere_is_followed_within_recheck_seconds(
    web, confidential, store, box, clock, settings, monotonic
):
    old_kid = kid_of(issue(web, *confidential))
    new_kid = Keyring(store, box, clock, settings).rotate(immediately=True).kid  # `keys rotate --now`
    monotonic[0] += keys.RECHECK_SECONDS / 2
    assert kid_of(issue(web, *confidential)) == old_kid  # the worker's key table is less than a second old
    monotonic[0] += keys.RECHECK_SECONDS / 2
    assert kid_of(issue(web, *confidential)) == new_kid


def test_a_worker_that_has_not_seen_a_rotation_yet_still_verifies_the_new_keys_tokens(
    store, box, clock, settings, monotonic
):
    worker, elsewhere = Keyring(store, box, clock, settings), Keyring(store, box, clock, settings)
    worker.ensure_active()
    old_kid = worker.signing_key()[0]  # the worker has read the key table
    new_kid = elsewhere.rotate(immediately=True).kid
    assert worker.signing_key()[0] == old_kid  # its table is less than a second old
    assert worker.verification_key(new_kid) is not None  # an unseen kid is looked up at once
    assert new_kid in {key.kid for key in worker.published()}  # the JWKS is read on every request
    assert worker.verification_key("no-such-kid") is None


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


def test_private_keys_are_sealed_in_the_store_and_open_only_with_the_master_key(app, store, box):
    key = store.signing_keys()[0]
    der = box.open(key.private_key_sealed, key.kid.encode())
    assert serialization.load_der_private_key(der, password=None)
    assert der not in key.private_key_sealed
    with pytest.raises(SecretKeyError):
        SecretBox(os.urandom(32)).open(key.private_key_sealed, key.kid.encode())
    with pytest.raises(SecretKeyError):  # bound to its kid: cannot be moved to another row
        box.open(key.private_key_sealed, b"another-kid")


def test_a_master_key_that_does_not_open_the_stored_keys_stops_the_app_and_every_rotation(app, store, clock, settings):
    stranger = SecretBox(os.urandom(32))
    with pytest.raises(SecretKeyError):
        make_app(settings, store, clock, stranger)
    with pytest.raises(SecretKeyError):
        Keyring(store, stranger, clock, settings).rotate()
    assert len(store.signing_keys()) == 1  # nothing sealed under the wrong key
