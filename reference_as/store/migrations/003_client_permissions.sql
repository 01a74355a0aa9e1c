-- Schema 3: client permissions (space-separated; 'introspect' lets a resource
-- server introspect every client's tokens, RFC 7662 §4).

ALTER TABLE clients ADD COLUMN permissions TEXT NOT NULL DEFAULT '';

-- Purging old failed-login counts walks this index.
CREATE INDEX login_failures_by_time ON login_failures (last_failure_at);
