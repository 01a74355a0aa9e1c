-- Schema 1: clients, signing keys, access token records.
-- Every look-up the server makes has an index (primary keys count).

CREATE TABLE clients (
    client_id     TEXT PRIMARY KEY,
    name          TEXT NOT NULL,
    client_type   TEXT NOT NULL CHECK (client_type IN ('confidential', 'public')),
    grant_types   TEXT NOT NULL,   -- space-separated
    scopes        TEXT NOT NULL,   -- space-separated
    redirect_uris TEXT NOT NULL,   -- JSON array
    status        TEXT NOT NULL CHECK (status IN ('active', 'paused')),
    secret_hash   TEXT,            -- SHA-256 hex of the secret; never the secret
    secret_hint   TEXT,            -- its last four characters, for masked display
    created_at    INTEGER NOT NULL,
    updated_at    INTEGER NOT NULL
);
CREATE INDEX clients_by_created ON clients (created_at);

CREATE TABLE signing_keys (
    kid                TEXT PRIMARY KEY,
    alg                TEXT NOT NULL,
    public_jwk         TEXT NOT NULL,
    private_key_sealed BLOB NOT NULL,  -- AES-256-GCM, see reference_as/secret_box.py
    created_at         INTEGER NOT NULL,
    retired_at         INTEGER
);
CREATE INDEX signing_keys_active ON signing_keys (retired_at, created_at);

CREATE TABLE access_tokens (
    jti        TEXT PRIMARY KEY,
    client_id  TEXT NOT NULL,
    subject    TEXT NOT NULL,
    scope      TEXT NOT NULL,
    issued_at  INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    revoked_at INTEGER
);
CREATE INDEX access_tokens_by_client ON access_tokens (client_id);
CREATE INDEX access_tokens_by_expiry ON access_tokens (expires_at);
