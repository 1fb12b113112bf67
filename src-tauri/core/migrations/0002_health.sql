-- Steward portfolio, schema 2: stored health and churn risk, their history,
-- the CSM's own sentiment, versioned scoring settings, alerts and playbooks.

-- Every saved change to weights, thresholds, bands, tiers or alert rules is a
-- new version; scores and history say which version produced them, so a
-- trend line never silently mixes two models.
CREATE TABLE health_models (
    version    INTEGER PRIMARY KEY,
    settings   TEXT NOT NULL,          -- JSON, core::health::settings::Settings
    note       TEXT,
    created_at TEXT NOT NULL
);

-- The CSM's judgement of an account, 1 (about to leave) to 5 (raving fan).
-- Kept as a log; the latest rating within its shelf life counts.
CREATE TABLE sentiment_ratings (
    id         INTEGER PRIMARY KEY,
    account_id INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    rating     INTEGER NOT NULL CHECK (rating BETWEEN 1 AND 5),
    note       TEXT,
    rated_on   TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX sentiment_ratings_account ON sentiment_ratings(account_id, rated_on);

-- The current assessment of every live account: what lists, Today and
-- alerts read without rescoring the book.
CREATE TABLE health_scores (
    account_id    INTEGER PRIMARY KEY REFERENCES accounts(id) ON DELETE CASCADE,
    model_version INTEGER NOT NULL,
    score         REAL,
    band          TEXT NOT NULL CHECK (band IN ('green','yellow','red','unknown')),
    biggest_drag  TEXT,
    churn_risk    REAL,                -- probability of churning within the model's horizon
    risk_factors  TEXT NOT NULL DEFAULT '[]', -- JSON list of plain-words reasons
    -- points gained or lost since the history point a week back, same settings version
    change_7d     REAL,
    computed_on   TEXT NOT NULL
);

-- One score per account per day it was computed (the latest of the day wins).
CREATE TABLE health_history (
    account_id    INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    day           TEXT NOT NULL,
    score         REAL,
    band          TEXT NOT NULL,
    model_version INTEGER NOT NULL,
    PRIMARY KEY (account_id, day)
) WITHOUT ROWID;
-- Covers the band counts per day (metrics, "since last week").
CREATE INDEX health_history_day ON health_history(day, band);

-- Trained churn models; the newest is used. The JSON holds coefficients,
-- feature scaling, held-out AUC and the calibration table.
CREATE TABLE churn_models (
    id         INTEGER PRIMARY KEY,
    trained_on TEXT NOT NULL,
    definition TEXT NOT NULL,
    created_at TEXT NOT NULL
);

-- Early warnings (and expansion signals). At most one unresolved alert per
-- account and reason: a rule that fires again updates it.
CREATE TABLE alerts (
    id              INTEGER PRIMARY KEY,
    account_id      INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    reason          TEXT NOT NULL,
    detail          TEXT NOT NULL,
    status          TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open','snoozed','resolved')),
    snoozed_until   TEXT,
    resolution_note TEXT,
    -- 'user' when the CSM resolved it, 'rule' when its condition cleared
    resolved_by     TEXT CHECK (resolved_by IN ('user','rule')),
    raised_on       TEXT NOT NULL,
    updated_on      TEXT NOT NULL,
    resolved_on     TEXT
);
CREATE UNIQUE INDEX alerts_unresolved ON alerts(account_id, reason) WHERE status <> 'resolved';
CREATE INDEX alerts_status ON alerts(status, account_id);

-- A playbook per alert reason: tasks (title + due offset in days, JSON)
-- created when an alert with that reason is raised.
CREATE TABLE playbooks (
    reason     TEXT PRIMARY KEY,
    enabled    INTEGER NOT NULL DEFAULT 1,
    tasks      TEXT NOT NULL,
    updated_at TEXT NOT NULL
) WITHOUT ROWID;

-- Health inputs read the open urgent tickets of the whole book at once.
CREATE INDEX tickets_urgent ON tickets(account_id, opened_at) WHERE priority = 'urgent';

ALTER TABLE tasks ADD COLUMN alert_id INTEGER REFERENCES alerts(id) ON DELETE SET NULL;
CREATE INDEX tasks_alert ON tasks(alert_id) WHERE alert_id IS NOT NULL;
