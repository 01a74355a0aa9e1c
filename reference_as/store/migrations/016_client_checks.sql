-- Schema 16: clients under check (DESIGN.md "Client checks").
--
-- A client has at most one check, the latest: its scenario (which traps the
-- server springs on it), when it started and, once stopped, when it ended.
-- While it is under way the server records the client's requests as events:
-- JSON text of flags, hashes and lengths, never a secret or a token in clear.
-- Deleting the client deletes its check and the check's events.

CREATE TABLE client_checks (
    client_id  TEXT PRIMARY KEY REFERENCES clients (client_id) ON DELETE CASCADE,
    scenario   TEXT NOT NULL CHECK (scenario IN ('basic', 'seed', 'security', 'full')),
    started_at INTEGER NOT NULL,
    ended_at   INTEGER
);

CREATE TABLE client_check_events (
    client_id TEXT NOT NULL REFERENCES client_checks (client_id) ON DELETE CASCADE,
    seq       INTEGER NOT NULL,  -- 1, 2, ... per check, given by the store
    at        INTEGER NOT NULL,
    kind      TEXT NOT NULL CHECK (kind IN ('authorization', 'token', 'resource')),
    details   TEXT NOT NULL,
    PRIMARY KEY (client_id, seq)
);
