-- Steward portfolio, schema 10: working with the team's CRM. The outbox of
-- check-ins owed to it, a mirror of its deals (for renewals), and who set
-- each account field (so a sync leaves what the CSM set by hand alone).

-- A check-in logged in Steward queues one entry per CRM that should see it,
-- in the same transaction as the check-in, so none is lost or sent twice.
CREATE TABLE outbox (
    id            INTEGER PRIMARY KEY,
    vendor        TEXT NOT NULL,                 -- 'hubspot'
    activity_id   INTEGER NOT NULL REFERENCES activities(id) ON DELETE CASCADE,
    -- The reference written into the CRM record, by which a send whose
    -- answer never came is found there instead of being sent again.
    reference     TEXT NOT NULL UNIQUE,
    state         TEXT NOT NULL DEFAULT 'queued'
                  CHECK (state IN ('queued', 'sending', 'sent', 'failed')),
    attempts      INTEGER NOT NULL DEFAULT 0,
    attempted_at  TEXT,                          -- when the last send began
    remote_id     TEXT,                          -- the CRM's id once it answered
    error         TEXT,                          -- the last failure, in words
    created_at    TEXT NOT NULL,
    sent_at       TEXT,
    UNIQUE (vendor, activity_id)
);
CREATE INDEX outbox_pending ON outbox(state, vendor) WHERE state <> 'sent';

-- A run that could not reach its vendor: offline is a state, not a fault.
ALTER TABLE sync_runs ADD COLUMN offline INTEGER NOT NULL DEFAULT 0;

-- A CRM's deals, mirrored: an account's next renewal (date and amount) is
-- read from its open renewal deals, which change one at a time at the CRM.
CREATE TABLE crm_deals (
    source       TEXT NOT NULL,                 -- 'sync:hubspot'
    external_id  TEXT NOT NULL,
    account_id   INTEGER REFERENCES accounts(id) ON DELETE CASCADE,
    name         TEXT NOT NULL,
    stage        TEXT,
    renewal      INTEGER NOT NULL,              -- a renewal by the connection's mapping
    closed       INTEGER NOT NULL,
    won          INTEGER NOT NULL,
    close_date   TEXT,
    amount_minor INTEGER,
    currency     TEXT,
    updated_at   TEXT NOT NULL,
    PRIMARY KEY (source, external_id)
) WITHOUT ROWID;
CREATE INDEX crm_deals_account ON crm_deals(account_id, renewal, closed, close_date);

-- A CRM's contracts, mirrored the same way: an account's current contract
-- gives its start, term and (without an open renewal deal) renewal date.
CREATE TABLE crm_contracts (
    source       TEXT NOT NULL,
    external_id  TEXT NOT NULL,
    account_id   INTEGER REFERENCES accounts(id) ON DELETE CASCADE,
    status       TEXT,
    start_date   TEXT,
    end_date     TEXT,
    term_months  INTEGER,
    updated_at   TEXT NOT NULL,
    PRIMARY KEY (source, external_id)
) WITHOUT ROWID;
CREATE INDEX crm_contracts_account ON crm_contracts(account_id, start_date);

-- Who set an account field last, when the account's own source did not
-- (`accounts.source` and `created_at` tell the rest). A field the CSM set
-- by hand (`source = 'user'`) is theirs: a sync then leaves it and keeps
-- what the vendor offered instead, to show next to it.
CREATE TABLE account_fields (
    account_id   INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    field        TEXT NOT NULL,                 -- the accounts column
    source       TEXT NOT NULL,                 -- 'user', 'file', 'sync:hubspot', ...
    set_at       TEXT NOT NULL,
    offered_by   TEXT,                          -- for the CSM's own: the last source offering another value
    offered      TEXT,                          -- and that value, as text
    PRIMARY KEY (account_id, field)
) WITHOUT ROWID;

-- The health each CRM was last given (when the connection names a field
-- for it), so a round sends only what changed.
CREATE TABLE crm_health_sent (
    vendor      TEXT NOT NULL,
    account_id  INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    score       INTEGER,
    band        TEXT NOT NULL,
    sent_at     TEXT NOT NULL,
    PRIMARY KEY (vendor, account_id)
) WITHOUT ROWID;
