-- Schema 7: access tokens are no longer recorded when issued (DESIGN.md).
-- A JWT access token is self-contained; the store keeps only what makes one
-- inactive: the revocation list of RFC 7009 (`revoked_tokens`, a jti until
-- its token expires), the grants (a token names its grant, and a revoked
-- grant kills every token of it), and the client's status. Schema 6's rows
-- are converted: every grant that gave a token becomes a `grants` row,
-- revoked tokens go on the list, and the tokens still live keep their grant
-- in `legacy_access_tokens` (they carry no grant claim) until they expire.

CREATE TABLE grants (
    grant_id   TEXT PRIMARY KEY,
    client_id  TEXT NOT NULL,
    user_id    TEXT NOT NULL,
    scope      TEXT NOT NULL,     -- what the user approved, space-separated
    created_at INTEGER NOT NULL,
    ends_at    INTEGER NOT NULL,  -- the absolute end: nothing of the grant lives past it
    live_until INTEGER NOT NULL,  -- when the last token it issued expires
    revoked_at INTEGER
);
CREATE INDEX grants_by_user ON grants (user_id, client_id);
CREATE INDEX grants_by_client ON grants (client_id);
CREATE INDEX grants_by_end ON grants (live_until);

-- The grants of refresh tokens; a grant is revoked if it was revoked as a
-- family or any of its tokens was (a deleted client or user). 2592000 s is
-- the default grant_max_lifetime (30 days).
INSERT INTO grants (grant_id, client_id, user_id, scope, created_at, ends_at, live_until, revoked_at)
SELECT r.grant_id, min(r.client_id), min(r.user_id), min(r.scope), min(r.issued_at), min(r.issued_at) + 2592000,
       max(r.expires_at), coalesce((SELECT g.revoked_at FROM revoked_grants g WHERE g.grant_id = r.grant_id),
                                   max(r.revoked_at))
FROM refresh_tokens r
GROUP BY r.grant_id;

-- The grants that gave access tokens only (a client without refresh tokens).
INSERT INTO grants (grant_id, client_id, user_id, scope, created_at, ends_at, live_until, revoked_at)
SELECT a.grant_id, min(a.client_id), min(a.subject), min(a.scope), min(a.issued_at), min(a.issued_at) + 2592000,
       max(a.expires_at), coalesce((SELECT g.revoked_at FROM revoked_grants g WHERE g.grant_id = a.grant_id),
                                   max(a.revoked_at))
FROM access_tokens a
WHERE a.grant_id IS NOT NULL AND a.grant_id NOT IN (SELECT grant_id FROM grants)
GROUP BY a.grant_id;

-- A refresh token's client, owner and scope are its grant's.
DROP INDEX refresh_tokens_by_client;
DROP INDEX refresh_tokens_by_user;
ALTER TABLE refresh_tokens DROP COLUMN client_id;
ALTER TABLE refresh_tokens DROP COLUMN user_id;
ALTER TABLE refresh_tokens DROP COLUMN scope;
ALTER TABLE refresh_tokens DROP COLUMN revoked_at;

CREATE TABLE revoked_tokens (
    jti        TEXT PRIMARY KEY,
    expires_at INTEGER NOT NULL   -- kept until then: an expired token is refused anyway
);
CREATE INDEX revoked_tokens_by_expiry ON revoked_tokens (expires_at);
INSERT INTO revoked_tokens (jti, expires_at) SELECT jti, expires_at FROM access_tokens WHERE revoked_at IS NOT NULL;

CREATE TABLE legacy_access_tokens (
    jti        TEXT PRIMARY KEY,
    grant_id   TEXT NOT NULL,
    expires_at INTEGER NOT NULL
);
CREATE INDEX legacy_access_tokens_by_expiry ON legacy_access_tokens (expires_at);
INSERT INTO legacy_access_tokens (jti, grant_id, expires_at)
SELECT jti, grant_id, expires_at FROM access_tokens WHERE grant_id IS NOT NULL AND revoked_at IS NULL;

-- The admin list's "last used", kept per client (written at most once a minute).
ALTER TABLE clients ADD COLUMN last_used_at INTEGER;
UPDATE clients SET last_used_at = (SELECT max(a.issued_at) FROM access_tokens a WHERE a.client_id = clients.client_id);

DROP TABLE access_tokens;
DROP TABLE revoked_grants;
