-- Schema 15: pushed authorization requests (RFC 9126) and clients that authenticate
-- with a signed JWT (RFC 7523 §2.2, OpenID Connect Core §9 `private_key_jwt`).
--
-- A client may register how it authenticates at the token endpoint (RFC 7591 §2
-- `token_endpoint_auth_method`; NULL: with its secret if confidential, `none` if
-- public), its public keys (`jwks`, a JWK Set as JSON) or where to fetch them
-- (`jwks_uri`), and that its authorization requests must be pushed (RFC 9126 §6).

ALTER TABLE clients ADD COLUMN token_endpoint_auth_method TEXT;
ALTER TABLE clients ADD COLUMN jwks TEXT;
ALTER TABLE clients ADD COLUMN jwks_uri TEXT;
ALTER TABLE clients ADD COLUMN require_pushed_authorization_requests INTEGER NOT NULL DEFAULT 0;
-- OpenID Connect Core §9 `client_secret_jwt` (off unless the `client_secret_jwt` setting is on):
-- the secret sealed under the master key (base64 text of AES-256-GCM), usable as an HMAC key.
ALTER TABLE clients ADD COLUMN secret_sealed TEXT;

-- RFC 9126 §2.2: a pushed request, by the SHA-256 of its request_uri, bound to the
-- client that pushed it; its parameters as a JSON array of [name, value] pairs.
-- `used_at`: spent by the authorization response it led to (single use).
CREATE TABLE pushed_authorization_requests (
    request_uri_hash TEXT PRIMARY KEY,
    client_id        TEXT NOT NULL,
    params           TEXT NOT NULL,
    issued_at        INTEGER NOT NULL,
    expires_at       INTEGER NOT NULL,
    used_at          INTEGER
);
CREATE INDEX pushed_authorization_requests_by_expiry ON pushed_authorization_requests (expires_at);

-- OpenID Connect Core §9: the `jti` of each client assertion accepted, kept until the
-- assertion expires, so that it is accepted once (RFC 7523 §3 item 7).
CREATE TABLE client_assertion_jtis (
    client_id  TEXT NOT NULL,
    jti        TEXT NOT NULL,
    expires_at INTEGER NOT NULL,
    PRIMARY KEY (client_id, jti)
);
CREATE INDEX client_assertion_jtis_by_expiry ON client_assertion_jtis (expires_at);
