-- Steward portfolio, schema 1.
-- Money is integer minor units plus an ISO 4217 code; dates are ISO 'YYYY-MM-DD'
-- text; timestamps are UTC ISO 8601 text. Every row knows its source
-- ('user', 'import', 'demo', 'sync:<vendor>').

CREATE TABLE accounts (
    id              INTEGER PRIMARY KEY,
    name            TEXT NOT NULL,
    domain          TEXT,
    industry        TEXT,
    employees       INTEGER,
    arr_minor       INTEGER NOT NULL DEFAULT 0,
    currency        TEXT NOT NULL DEFAULT 'USD',
    tier            TEXT NOT NULL DEFAULT 'C' CHECK (tier IN ('A','B','C')),
    lifecycle_stage TEXT NOT NULL DEFAULT 'adopting'
                    CHECK (lifecycle_stage IN ('onboarding','adopting','mature','renewal','at_risk','churned')),
    owner           TEXT,
    contract_start  TEXT,
    renewal_date    TEXT,
    status          TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active','churned')),
    churn_date      TEXT,
    churn_reason    TEXT,
    source          TEXT NOT NULL,
    created_at      TEXT NOT NULL,
    updated_at      TEXT NOT NULL
);
CREATE INDEX accounts_renewal ON accounts(renewal_date);
CREATE INDEX accounts_name ON accounts(name COLLATE NOCASE);

-- One account can be known to several sources (HubSpot id, Stripe customer, a CSV key).
CREATE TABLE account_external_ids (
    source      TEXT NOT NULL,
    external_id TEXT NOT NULL,
    account_id  INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    PRIMARY KEY (source, external_id)
) WITHOUT ROWID;
CREATE INDEX account_external_ids_account ON account_external_ids(account_id);
CREATE INDEX account_external_ids_external ON account_external_ids(external_id);

CREATE TABLE contacts (
    id           INTEGER PRIMARY KEY,
    account_id   INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    name         TEXT NOT NULL,
    email        TEXT,
    title        TEXT,
    role         TEXT NOT NULL DEFAULT 'user'
                 CHECK (role IN ('champion','executive_sponsor','decision_maker','user','billing')),
    is_primary   INTEGER NOT NULL DEFAULT 0,
    left_company INTEGER NOT NULL DEFAULT 0,
    source       TEXT NOT NULL,
    external_id  TEXT,
    UNIQUE (source, external_id)
);
CREATE INDEX contacts_account ON contacts(account_id);

-- Daily product usage, one row per account per day with the five metrics as
-- columns: 5.5 M rows for 5,000 accounts x 3 years instead of 27 M narrow rows,
-- and a 3-year series for one account is one contiguous primary-key range.
CREATE TABLE usage_daily (
    account_id     INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    day            TEXT NOT NULL,
    active_users   INTEGER,
    logins         INTEGER,
    feature_events INTEGER,
    api_calls      INTEGER,
    licensed_seats INTEGER,
    PRIMARY KEY (account_id, day)
) WITHOUT ROWID;

CREATE TABLE subscriptions (
    id          INTEGER PRIMARY KEY,
    account_id  INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    plan        TEXT NOT NULL,
    status      TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active','trialing','past_due','canceled')),
    start_date  TEXT NOT NULL,
    end_date    TEXT,
    mrr_minor   INTEGER NOT NULL DEFAULT 0,
    currency    TEXT NOT NULL DEFAULT 'USD',
    seats       INTEGER,
    source      TEXT NOT NULL,
    external_id TEXT,
    UNIQUE (source, external_id)
);
CREATE INDEX subscriptions_account ON subscriptions(account_id);

CREATE TABLE invoices (
    id           INTEGER PRIMARY KEY,
    account_id   INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    number       TEXT,
    amount_minor INTEGER NOT NULL,
    currency     TEXT NOT NULL DEFAULT 'USD',
    status       TEXT NOT NULL CHECK (status IN ('draft','open','paid','failed','void')),
    issued_on    TEXT NOT NULL,
    due_on       TEXT,
    paid_on      TEXT,
    source       TEXT NOT NULL,
    external_id  TEXT,
    UNIQUE (source, external_id)
);
CREATE INDEX invoices_account ON invoices(account_id, issued_on);

CREATE TABLE tickets (
    id          INTEGER PRIMARY KEY,
    account_id  INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    subject     TEXT NOT NULL,
    priority    TEXT NOT NULL DEFAULT 'normal' CHECK (priority IN ('low','normal','high','urgent')),
    status      TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open','pending','solved','closed')),
    opened_at   TEXT NOT NULL,
    resolved_at TEXT,
    csat        INTEGER CHECK (csat BETWEEN 1 AND 5),
    source      TEXT NOT NULL,
    external_id TEXT,
    UNIQUE (source, external_id)
);
CREATE INDEX tickets_account ON tickets(account_id, opened_at);

CREATE TABLE survey_responses (
    id           INTEGER PRIMARY KEY,
    account_id   INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    contact_id   INTEGER REFERENCES contacts(id) ON DELETE SET NULL,
    kind         TEXT NOT NULL CHECK (kind IN ('nps','csat')),
    score        INTEGER NOT NULL,
    comment      TEXT,
    responded_on TEXT NOT NULL,
    source       TEXT NOT NULL,
    external_id  TEXT,
    UNIQUE (source, external_id),
    CHECK ((kind = 'nps' AND score BETWEEN 0 AND 10) OR (kind = 'csat' AND score BETWEEN 1 AND 5))
);
CREATE INDEX survey_responses_account ON survey_responses(account_id, responded_on);

CREATE TABLE activities (
    id          INTEGER PRIMARY KEY,
    account_id  INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    kind        TEXT NOT NULL CHECK (kind IN ('call','meeting','email','note','qbr')),
    occurred_on TEXT NOT NULL,
    summary     TEXT NOT NULL,
    sentiment   TEXT CHECK (sentiment IN ('positive','neutral','negative')),
    next_steps  TEXT,
    source      TEXT NOT NULL,
    external_id TEXT,
    created_at  TEXT NOT NULL,
    UNIQUE (source, external_id)
);
CREATE INDEX activities_account ON activities(account_id, occurred_on);

CREATE TABLE activity_contacts (
    activity_id INTEGER NOT NULL REFERENCES activities(id) ON DELETE CASCADE,
    contact_id  INTEGER NOT NULL REFERENCES contacts(id) ON DELETE CASCADE,
    PRIMARY KEY (activity_id, contact_id)
) WITHOUT ROWID;

CREATE TABLE tasks (
    id          INTEGER PRIMARY KEY,
    account_id  INTEGER REFERENCES accounts(id) ON DELETE CASCADE,
    activity_id INTEGER REFERENCES activities(id) ON DELETE SET NULL,
    title       TEXT NOT NULL,
    due_on      TEXT,
    done_at     TEXT,
    source      TEXT NOT NULL,
    created_at  TEXT NOT NULL
);
CREATE INDEX tasks_open ON tasks(done_at, due_on);
CREATE INDEX tasks_account ON tasks(account_id);

-- Per-account figures the portfolio list needs, kept up to date by the core
-- whenever usage or activities change, so listing 5,000 accounts never scans
-- millions of usage rows.
CREATE TABLE account_rollups (
    account_id      INTEGER PRIMARY KEY REFERENCES accounts(id) ON DELETE CASCADE,
    last_touch_on   TEXT,
    -- weekly average active users for the last 12 weeks, oldest first, as JSON
    usage_weekly    TEXT NOT NULL DEFAULT '[]',
    -- last 4 weeks vs the 4 before, in percent; NULL without enough data
    usage_trend_pct REAL,
    seats_used_pct  REAL
);

-- Small facts about the file itself (when rollups were last refreshed...).
CREATE TABLE meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
) WITHOUT ROWID;

-- What the demo generator intended for each account, so later features
-- (health, churn model) can be tested against the truth.
CREATE TABLE demo_ground_truth (
    account_id     INTEGER PRIMARY KEY REFERENCES accounts(id) ON DELETE CASCADE,
    scenario       TEXT NOT NULL,
    churned        INTEGER NOT NULL,
    decline_start  TEXT
);

-- Full-text search over accounts, contacts and activity text. The rowid
-- encodes what a row is: kind << 40 | id (0 account, 1 contact, 2 activity).
-- Triggers find a row by key, and each kind is one contiguous rowid range,
-- so search can ask for "the newest matching activities" without ranking
-- every match.
CREATE VIRTUAL TABLE search_index USING fts5(
    account_id UNINDEXED, title, body,
    tokenize = 'unicode61 remove_diacritics 2', prefix = '2 3'
);

CREATE TRIGGER accounts_ai AFTER INSERT ON accounts BEGIN
    INSERT INTO search_index(rowid, account_id, title, body)
    VALUES (new.id, new.id, new.name, concat_ws(' ', new.domain, new.industry, new.owner));
END;
CREATE TRIGGER accounts_au AFTER UPDATE OF name, domain, industry, owner ON accounts BEGIN
    DELETE FROM search_index WHERE rowid = old.id;
    INSERT INTO search_index(rowid, account_id, title, body)
    VALUES (new.id, new.id, new.name, concat_ws(' ', new.domain, new.industry, new.owner));
END;
CREATE TRIGGER accounts_ad AFTER DELETE ON accounts BEGIN
    DELETE FROM search_index WHERE rowid = old.id;
END;
CREATE TRIGGER contacts_ai AFTER INSERT ON contacts BEGIN
    INSERT INTO search_index(rowid, account_id, title, body)
    VALUES ((1 << 40) | new.id, new.account_id, new.name, concat_ws(' ', new.email, new.title));
END;
CREATE TRIGGER contacts_au AFTER UPDATE OF name, email, title ON contacts BEGIN
    DELETE FROM search_index WHERE rowid = (1 << 40) | old.id;
    INSERT INTO search_index(rowid, account_id, title, body)
    VALUES ((1 << 40) | new.id, new.account_id, new.name, concat_ws(' ', new.email, new.title));
END;
CREATE TRIGGER contacts_ad AFTER DELETE ON contacts BEGIN
    DELETE FROM search_index WHERE rowid = (1 << 40) | old.id;
END;
CREATE TRIGGER activities_ai AFTER INSERT ON activities BEGIN
    INSERT INTO search_index(rowid, account_id, title, body)
    VALUES ((2 << 40) | new.id, new.account_id, new.summary, new.next_steps);
END;
CREATE TRIGGER activities_au AFTER UPDATE OF summary, next_steps ON activities BEGIN
    DELETE FROM search_index WHERE rowid = (2 << 40) | old.id;
    INSERT INTO search_index(rowid, account_id, title, body)
    VALUES ((2 << 40) | new.id, new.account_id, new.summary, new.next_steps);
END;
CREATE TRIGGER activities_ad AFTER DELETE ON activities BEGIN
    DELETE FROM search_index WHERE rowid = (2 << 40) | old.id;
END;
