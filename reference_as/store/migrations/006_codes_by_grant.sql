-- Schema 6: authorization codes by grant. Revoking a grant family (a code
-- replayed, a refresh token reused or revoked: RFC 6749 §4.1.2, RFC 9700
-- §4.14.2, RFC 7009 §2.1) spends its codes too; this index keeps that a
-- look-up rather than a scan of every code.

CREATE INDEX authorization_codes_by_grant ON authorization_codes (grant_id);
