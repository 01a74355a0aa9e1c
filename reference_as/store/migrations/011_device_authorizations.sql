-- Schema 11: device authorization requests (RFC 8628). Both codes are stored by
-- their hashes; the device code is the key the device polls with, the user
-- code is what a person types at /device (unique while its row exists, so a
-- typed code names one request). `interval` and `next_poll_at` enforce the
-- polling interval of §3.5 per device code; `entries` counts how often its
-- user code was entered while undecided (§5.1: past a limit the code is dead).

CREATE TABLE device_authorizations (
    device_code_hash TEXT PRIMARY KEY,
    user_code_hash   TEXT NOT NULL UNIQUE,
    grant_id         TEXT NOT NULL,     -- the grant its tokens will start
    client_id        TEXT NOT NULL,
    scope            TEXT NOT NULL,
    issued_at        INTEGER NOT NULL,
    expires_at       INTEGER NOT NULL,
    interval         INTEGER NOT NULL,  -- seconds between polls, grown by slow_down
    next_poll_at     INTEGER NOT NULL,
    entries          INTEGER NOT NULL DEFAULT 0,
    user_id          TEXT,              -- who approved it
    approved_at      INTEGER,
    denied_at        INTEGER,
    used_at          INTEGER            -- spent on tokens, or withdrawn
);
CREATE INDEX device_authorizations_by_client ON device_authorizations (client_id);
CREATE INDEX device_authorizations_by_user ON device_authorizations (user_id);
CREATE INDEX device_authorizations_by_expiry ON device_authorizations (expires_at);
