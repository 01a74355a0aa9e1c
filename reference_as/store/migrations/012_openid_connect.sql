-- Schema 12: OpenID Connect (OpenID Connect Core 1.0, RP-Initiated Logout 1.0).
-- Users gain the standard claims of Core §5.1 that the CLI and /admin/ set
-- (empty: not set); codes keep the request's nonce and the time of the
-- sign-in (Core §2 auth_time), and a grant keeps that time for the ID Tokens
-- of its refreshes (Core §12.2); clients register where they may send the
-- user after signing out (RP-Initiated Logout §3), a JSON array like redirect_uris.

ALTER TABLE users ADD COLUMN name TEXT NOT NULL DEFAULT '';
ALTER TABLE users ADD COLUMN given_name TEXT NOT NULL DEFAULT '';
ALTER TABLE users ADD COLUMN family_name TEXT NOT NULL DEFAULT '';
ALTER TABLE users ADD COLUMN nickname TEXT NOT NULL DEFAULT '';
ALTER TABLE users ADD COLUMN picture TEXT NOT NULL DEFAULT '';
ALTER TABLE users ADD COLUMN locale TEXT NOT NULL DEFAULT '';
ALTER TABLE users ADD COLUMN email TEXT NOT NULL DEFAULT '';
ALTER TABLE users ADD COLUMN email_verified INTEGER NOT NULL DEFAULT 0;
ALTER TABLE users ADD COLUMN profile_updated_at INTEGER;

ALTER TABLE authorization_codes ADD COLUMN nonce TEXT;
ALTER TABLE authorization_codes ADD COLUMN auth_time INTEGER;
ALTER TABLE grants ADD COLUMN auth_time INTEGER;

ALTER TABLE clients ADD COLUMN post_logout_redirect_uris TEXT NOT NULL DEFAULT '[]';
