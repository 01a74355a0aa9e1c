-- Schema 14: DPoP (RFC 9449).
--
-- RFC 9449 §11.1: a proof's `jti` is accepted once while the proof could be
-- accepted at all. Each accepted proof is kept by the SHA-256 of its key's
-- thumbprint and its jti until its `iat` leaves the server's window; the purge
-- deletes it then.
CREATE TABLE dpop_proofs (
    proof_hash TEXT PRIMARY KEY,
    expires_at INTEGER NOT NULL
);
CREATE INDEX dpop_proofs_by_expiry ON dpop_proofs (expires_at);

-- RFC 9449 §10: an authorization request may name the key (`dpop_jkt`) the code is
-- bound to: its token request must come with a proof of that key.
ALTER TABLE authorization_codes ADD COLUMN dpop_jkt TEXT;

-- RFC 9449 §5: a public client's refresh tokens are bound to the key its grant's
-- first DPoP token request proved (the thumbprint; NULL: not bound).
ALTER TABLE grants ADD COLUMN dpop_jkt TEXT;

-- RFC 9449 §5.2: a client registered with dpop_bound_access_tokens must send a proof
-- with every token request (0 or 1).
ALTER TABLE clients ADD COLUMN dpop_bound_access_tokens INTEGER NOT NULL DEFAULT 0;
