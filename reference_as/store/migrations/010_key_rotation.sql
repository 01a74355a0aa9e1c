-- Schema 10: a signing key is published before it signs (policy/key_rotation.py).
-- A key is in the JWKS from created_at and signs from signs_from; it stops
-- signing at the next key's signs_from, which is computed, not stored, so that a
-- rotation is one insert: retired_at goes. A key signed until the next one was
-- made, so its signs_from is its created_at. withdrawn_at: taken out of the JWKS
-- at once (an emergency rotation).

ALTER TABLE signing_keys ADD COLUMN signs_from INTEGER NOT NULL DEFAULT 0;
UPDATE signing_keys SET signs_from = created_at;
ALTER TABLE signing_keys ADD COLUMN withdrawn_at INTEGER;
DROP INDEX signing_keys_active;
ALTER TABLE signing_keys DROP COLUMN retired_at;
