"""Schema 7 converts a database of the first round, which recorded every access
token: each grant that gave a token becomes a grant row, revoked tokens stay
revoked, and tokens still live keep their grant until they expire, although
they carry no grant claim."""

import sqlite3

from reference_as.store import SQLiteStore
from reference_as.store.schema import migrations, statements

NOW = 10_000


def schema_6_database(path):
    """A database as the first round left it: migrations 1 to 6, and rows of each kind."""
    db = sqlite3.connect(path, isolation_level=None)
    db.execute("CREATE TABLE schema_version (version INTEGER NOT NULL)")
    for version, script in migrations():
        if version <= 6:
            for statement in statements(script):
                db.execute(statement)
            db.execute("INSERT INTO schema_version (version) VALUES (?)", (version,))
    db.execute(
        "INSERT INTO clients (client_id, name, client_type, grant_types, scopes, redirect_uris, status, created_at, "
        "updated_at) VALUES ('app', 'App', 'public', 'authorization_code refresh_token', 'api:read api:write', '[]', "
        "'active', 1, 1)"
    )
    refresh = "INSERT INTO refresh_tokens (token_hash, grant_id, client_id, user_id, scope, issued_at, expires_at, "
    refresh += "revoked_at) VALUES (?, ?, 'app', 'alice', 'api:read api:write', ?, ?, ?)"
    db.execute(refresh, ("rt-live", "g-live", 100, NOW + 5000, None))
    db.execute(refresh, ("rt-family", "g-family", 100, NOW + 5000, 900))
    db.execute("INSERT INTO revoked_grants (grant_id, revoked_at) VALUES ('g-family', 900)")
    token = "INSERT INTO access_tokens (jti, client_id, subject, scope, issued_at, expires_at, revoked_at, grant_id) "
    token += "VALUES (?, 'app', ?, 'api:read', ?, ?, ?, ?)"
    db.execute(token, ("at-live", "alice", 200, NOW + 3600, None, "g-live"))
    db.execute(token, ("at-revoked", "alice", 300, NOW + 3600, 400, "g-live"))
    db.execute(token, ("at-family", "alice", 200, NOW + 3600, 900, "g-family"))
    db.execute(token, ("at-no-refresh", "bob", 500, NOW + 3600, None, "g-no-refresh"))
    db.execute(token, ("at-cc", "app", 600, NOW + 3600, None, None))
    db.close()


def test_a_first_round_database_keeps_what_it_promised(tmp_path):
    path = tmp_path / "old.sqlite3"
    schema_6_database(path)
    store = SQLiteStore(path)
    assert store.schema_version() >= 7
    # every grant that gave a token is a grant, with the revocations it had
    assert [g.grant_id for g in store.grants_of("alice", NOW)] == ["g-live"]
    assert [(g.grant_id, g.scope) for g in store.grants_of("bob", NOW)] == [("g-no-refresh", "api:read")]
    token, grant = store.get_refresh_token("rt-live")
    assert (grant.client_id, grant.user_id, grant.scope, token.expires_at) == (
        "app",
        "alice",
        "api:read api:write",
        NOW + 5000,
    )
    assert store.get_refresh_token("rt-family")[1].revoked_at == 900
    # recorded tokens carry no grant claim: they are judged by their records
    assert not store.is_revoked("at-live", None) and not store.is_revoked("at-cc", None)
    assert store.is_revoked("at-revoked", None) and store.is_revoked("at-family", None)
    # ... and still die with their grant
    store.revoke_grant("g-live", now=NOW)
    assert store.is_revoked("at-live", None)
    # the admin list's "last used" came along; the client keeps every scope as default
    client = store.get_client("app")
    assert client.last_used_at == 600 and client.default_scopes == ("api:read", "api:write")
    store.close()
