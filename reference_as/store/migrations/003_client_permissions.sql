-- Schema 3: client permissions (space-separated; 'introspect' lets a resource
-- server introspect every client's tokens, RFC 7662 §4).

ALTER TABLE clients ADD COLUMN permissions TEXT NOT NULL DEFAULT '';

-- Purging old failed-login counts walks this index.
CREATE INDEX login_failures_by_time ON login_failures (last_failure_at);

-- The admin list's "last used" (max(issued_at) per client) reads this index alone;
-- it also serves every look-up by client_id, so the older index goes.
CREATE INDEX access_tokens_by_client_issued ON access_tokens (client_id, issued_at);
DROP INDEX access_tokens_by_client;
