"""Expired rows are purged, exactly: nothing alive is touched (both stores); the purge says what it deleted."""

import logging

from reference_as.purge import purge
from reference_as.store.records import AccessToken, AuthorizationCode, RefreshToken, Session


def fill(store, now, expired: int, live: int, grace: int):
    for n in range(expired):
        store.add_access_token(AccessToken(f"old{n}", "c1", "s", "api:read", now - 7200, now - grace - 1))
    for n in range(live):
        store.add_access_token(AccessToken(f"live{n}", "c1", "s", "api:read", now, now + 3600))
    # expired but inside the grace period: kept, so that a late replay is still recognised
    store.add_access_token(AccessToken("recent", "c1", "s", "api:read", now - 3700, now - 100))


def test_purge_removes_exactly_the_expired_rows(store, settings, clock):
    now = clock.now()
    fill(store, now, expired=500, live=50, grace=settings.purge_grace)
    store.add_code(
        AuthorizationCode(
            "oldcode", "g", "c1", "u1", "https://a/cb", "api:read", None, None, 0, now - settings.purge_grace - 1
        )
    )
    store.add_code(AuthorizationCode("newcode", "g", "c1", "u1", "https://a/cb", "api:read", None, None, now, now + 60))
    store.add_refresh_token(RefreshToken("oldrt", "g", "c1", "u1", "api:read", 0, now - settings.purge_grace - 1))
    store.add_refresh_token(RefreshToken("newrt", "g", "c1", "u1", "api:read", now, now + 100))
    store.add_session(Session("oldsession", None, 0, now))
    store.add_session(Session("newsession", None, now, now + 100))
    store.record_login_failure("user:old", now - 2 * 86400)
    store.record_login_failure("user:new", now)

    counts = purge(store, settings, clock)

    assert counts == {
        "codes": 1,
        "access_tokens": 500,
        "refresh_tokens": 1,
        "sessions": 1,
        "login_failures": 1,
        "revoked_grants": 0,
    }
    assert all(store.get_access_token(f"live{n}") for n in range(50))
    assert store.get_access_token("recent") and store.get_access_token("old0") is None
    assert store.take_code("newcode", now) and store.take_code("oldcode", now) is None
    assert store.get_refresh_token("newrt") and store.get_refresh_token("oldrt") is None
    assert store.get_session("newsession") and store.get_session("oldsession") is None
    assert store.login_failures("user:new") and store.login_failures("user:old") is None
    assert purge(store, settings, clock) == dict.fromkeys(counts, 0)  # idempotent


def test_purge_logs_how_many_rows_of_each_kind_it_deleted_and_no_value(store, settings, clock, caplog):
    now = clock.now()
    fill(store, now, expired=3, live=1, grace=settings.purge_grace)
    store.add_session(Session("a-session-hash", None, 0, now))
    with caplog.at_level(logging.INFO, logger="reference_as.purge"):
        counts = purge(store, settings, clock)
    [record] = [r for r in caplog.records if r.name == "reference_as.purge"]
    assert record.levelno == logging.INFO
    for kind, n in counts.items():
        assert f"{kind.replace('_', ' ')} {n}" in record.getMessage()
    assert "old0" not in record.getMessage() and "a-session-hash" not in record.getMessage()
