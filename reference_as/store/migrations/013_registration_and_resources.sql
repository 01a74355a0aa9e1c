-- Schema 13: clients that arrive unannounced, and the resources tokens are for.
--
-- A client's `origin` says how it came to be: 'admin' (the CLI or the admin
-- pages), 'rfc7591' (it registered itself, RFC 7591) or 'metadata_document'
-- (its client_id is the URL of its metadata document). A self-registered
-- client keeps the SHA-256 of its registration access token (RFC 7592 §1,
-- never the token) and the metadata it registered, as JSON, which RFC 7592's
-- read answers with.

ALTER TABLE clients ADD COLUMN origin TEXT NOT NULL DEFAULT 'admin'
    CHECK (origin IN ('admin', 'rfc7591', 'metadata_document'));
ALTER TABLE clients ADD COLUMN registration_token_hash TEXT;
ALTER TABLE clients ADD COLUMN metadata TEXT;
-- The purge deletes self-registered clients unused for a while: by origin, then time.
CREATE INDEX clients_by_origin ON clients (origin, last_used_at);

-- RFC 8707: the resources a client may ask a token for, each with the scopes it accepts.
CREATE TABLE resources (
    uri        TEXT PRIMARY KEY,
    scopes     TEXT NOT NULL,   -- space-separated
    created_at INTEGER NOT NULL
);

-- RFC 8707 §2: a code and the grant it starts are bound to the resources the user
-- approved (space-separated URIs; empty: the default audience).
ALTER TABLE authorization_codes ADD COLUMN resources TEXT NOT NULL DEFAULT '';
ALTER TABLE grants ADD COLUMN resources TEXT NOT NULL DEFAULT '';

-- RFC 7591 §3: initial access tokens, which let a client register where
-- registration needs one. Kept by their SHA-256 and last four characters.
CREATE TABLE registration_tokens (
    token_hash TEXT PRIMARY KEY,
    hint       TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL
);
CREATE INDEX registration_tokens_by_expiry ON registration_tokens (expires_at);
