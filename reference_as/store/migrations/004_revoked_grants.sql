-- Schema 4: revoked grant families. A token of a grant listed here is never
-- inserted (the check and the insert are one statement), so a replay that
-- revokes a family while the winning request is still minting leaves no
-- live token behind (RFC 6749 §4.1.2, RFC 9700 §4.14.2).

CREATE TABLE revoked_grants (
    grant_id   TEXT PRIMARY KEY,
    revoked_at INTEGER NOT NULL
);
CREATE INDEX revoked_grants_by_time ON revoked_grants (revoked_at);
