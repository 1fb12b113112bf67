-- Steward portfolio, schema 8: connections to the systems the book syncs
-- from, where each sync stands, and what each run did.

-- One connection per vendor. Its secret lives in the OS keychain (or, for
-- one headless run, an environment variable), never here.
CREATE TABLE sync_connections (
    vendor     TEXT PRIMARY KEY,
    base_url   TEXT NOT NULL,
    settings   TEXT NOT NULL DEFAULT '{}',   -- JSON: field mapping and options
    paused     INTEGER NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL
);

-- Where a vendor's object stands: written in the same transaction as the
-- rows it produced, so a crash never skips or repeats data.
CREATE TABLE sync_cursors (
    vendor     TEXT NOT NULL,
    object     TEXT NOT NULL,
    cursor     TEXT NOT NULL,   -- JSON, the connector's own shape
    updated_at TEXT NOT NULL,
    PRIMARY KEY (vendor, object)
);

-- Every run: its counts, requests, waits and how it ended, in words.
CREATE TABLE sync_runs (
    id          INTEGER PRIMARY KEY,
    vendor      TEXT NOT NULL,
    started_at  TEXT NOT NULL,
    finished_at TEXT,
    outcome     TEXT NOT NULL DEFAULT 'running' CHECK (outcome IN ('running', 'done', 'failed', 'cancelled')),
    written     INTEGER NOT NULL DEFAULT 0,
    unchanged   INTEGER NOT NULL DEFAULT 0,
    rejected    INTEGER NOT NULL DEFAULT 0,
    requests    INTEGER NOT NULL DEFAULT 0,
    waited_ms   INTEGER NOT NULL DEFAULT 0,
    error       TEXT
);
CREATE INDEX sync_runs_vendor ON sync_runs(vendor, id);
