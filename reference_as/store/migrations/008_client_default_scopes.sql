-- Schema 8: each client's default scopes, what a request naming no scope gets
-- (RFC 6749 §3.3: "a pre-defined default value"). New clients default to the
-- lowest of their scopes (least privilege); existing clients keep what they
-- had, every allowed scope, so that no deployed client changes behaviour.

ALTER TABLE clients ADD COLUMN default_scopes TEXT NOT NULL DEFAULT '';
UPDATE clients SET default_scopes = scopes;
