"""Expired rows are purged, exactly: nothing alive is touched (both stores); the purge says what it deleted."""

import logging

from reference_as.purge import purge
from reference_as.store.records import AuthorizationCode, Grant, RefreshToken, Session


def code(code_hash: str, grant_id: str, expires_at: int) -> AuthorizationCode:
    return AuthorizationCode(code_hash, grant_id, "c1", "u1", "https://a/cb", "api:read", None, None, 0, expires_at)


def start(store, name: str, live_until: int, refresh_expires: int) -> None:
    """A grant (redeemed from a code of its own) with one refresh token."""
    store.add_code(code(f"code-{name}", name, live_until))
    grant = Grant(name, "c1", "u1", "api:read", created_at=0, ends_at=live_until, live_until=live_until)
    store.redeem_code(f"code-{name}", grant, RefreshToken(f"rt-{name}", name, 0, refresh_expires), now=0)


def test_purge_removes_exactly_the_expired_rows(store, settings, clock):
    now = clock.now()
    old = now - settings.purge_grace - 1
    for n in range(50):
        start(store, f"old{n}", live_until=old, refresh_expires=old)
    start(store, "live", live_until=now + 3600, refresh_expires=now + 3600)
    # expired but inside the grace period: kept, so that a late replay is still recognised
    start(store, "recent", live_until=now - 100, refresh_expires=now - 100)
    store.add_code(code("pending", "g-pending", now + 60))
    for n in range(30):
        store.revoke_access_token(f"old-jti{n}", expires_at=old)
    store.revoke_access_token("live-jti", expires_at=now + 3600)
    store.add_session(Session("oldsession", None, 0, now))
    store.add_session(Session("newsession", None, now, now + 100))
    store.record_login_failure("user:old", now - 2 * 86400)
    store.record_login_failure("user:new", now)
    for n in range(20):
        # RFC 9449 §11.1: a proof's window is over at its expiry; no grace period for proofs.
        store.record_dpop_proof(f"old-proof{n}", expires_at=now - 1 if n % 2 else old)
    store.record_dpop_proof("live-proof", expires_at=now + 60)

    counts = purge(store, settings, clock)

    expected = {"codes": 50, "refresh_tokens": 50, "grants": 50, "revoked_tokens": 30, "sessions": 1, "dpop_proofs": 20}
    assert {kind: counts[kind] for kind in expected} == expected and counts["login_failures"] == 1
    assert [g.grant_id for g in store.grants_of("u1", now)] == ["live"]
    assert store.get_refresh_token("rt-recent") and store.get_refresh_token("rt-old0") is None
    assert store.get_code("pending") and store.get_code("code-old0") is None
    assert store.is_revoked("live-jti", None) and not store.is_revoked("old-jti0", None)
    assert store.get_session("newsession") and store.get_session("oldsession") is None
    assert store.login_failures("user:new") and store.login_failures("user:old") is None
    # A purged proof could be recorded again (its iat is long out of the window anyway); a live one not.
    assert store.record_dpop_proof("old-proof0", now) and not store.record_dpop_proof("live-proof", now)
    assert purge(store, settings, clock) == dict.fromkeys(counts, 0)  # idempotent


def test_purge_logs_how_many_rows_of_each_kind_it_deleted_and_no_value(store, settings, clock, caplog):
    now = clock.now()
    for n in range(3):
        start(
            store, f"old{n}", live_until=now - settings.purge_grace - 1, refresh_expires=now - settings.purge_grace - 1
        )
    start(store, "live", live_until=now + 3600, refresh_expires=now + 3600)
    store.add_session(Session("a-session-hash", None, 0, now))
    with caplog.at_level(logging.INFO, logger="reference_as.purge"):
        counts = purge(store, settings, clock)
    [record] = [r for r in caplog.records if r.name == "reference_as.purge"]
    assert record.levelno == logging.INFO
    for kind, n in counts.items():
        assert f"{kind.replace('_', ' ')} {n}" in record.getMessage()
    assert "old0" not in record.getMessage() and "a-session-hash" not in record.getMessage()
