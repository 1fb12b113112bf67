-- Steward portfolio, schema 9: outside records Steward would not link to an
-- account on its own (a name two accounts share, an organization or a
-- product group that matches none), kept for the CSM to decide.
CREATE TABLE sync_review (
    vendor      TEXT NOT NULL,
    object      TEXT NOT NULL,
    external_id TEXT NOT NULL,
    label       TEXT NOT NULL,              -- the record's name as the vendor has it
    reason      TEXT NOT NULL,              -- why it waits, in words
    candidates  TEXT NOT NULL DEFAULT '[]', -- JSON: ids of accounts it could be
    decision    TEXT CHECK (decision IN ('new')), -- the CSM said: a new account
    seen_at     TEXT NOT NULL,
    PRIMARY KEY (vendor, object, external_id)
);

-- A run's records deleted at the vendor, and those held for review.
ALTER TABLE sync_runs ADD COLUMN deleted INTEGER NOT NULL DEFAULT 0;
ALTER TABLE sync_runs ADD COLUMN held INTEGER NOT NULL DEFAULT 0;
