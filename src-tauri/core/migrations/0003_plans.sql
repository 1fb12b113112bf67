-- Steward portfolio, schema 3: success plans, milestones, onboarding
-- checklists and churn post-mortems.

-- The customer's goals, in their words, with a measurable criterion: a
-- metric (free text, or one of the synced usage metrics, whose current value
-- then fills itself in), a baseline, a target and a date.
CREATE TABLE objectives (
    id          INTEGER PRIMARY KEY,
    account_id  INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    title       TEXT NOT NULL,
    metric      TEXT,
    usage_metric TEXT CHECK (usage_metric IN ('active_users','logins','feature_events','api_calls')),
    baseline    REAL,
    target      REAL,
    target_date TEXT,
    created_at  TEXT NOT NULL
);
CREATE INDEX objectives_account ON objectives(account_id);

CREATE TABLE milestones (
    id            INTEGER PRIMARY KEY,
    account_id    INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    objective_id  INTEGER REFERENCES objectives(id) ON DELETE SET NULL,
    title         TEXT NOT NULL,
    target_date   TEXT,
    achieved_on   TEXT,
    -- planned, on_track, at_risk as the CSM judges them; missed and achieved
    -- follow from the dates and are derived when read
    status        TEXT NOT NULL DEFAULT 'planned' CHECK (status IN ('planned','on_track','at_risk')),
    evidence      TEXT,
    first_value   INTEGER NOT NULL DEFAULT 0,   -- the milestone that marks time to first value
    for_qbr       INTEGER NOT NULL DEFAULT 0,   -- achieved, not yet reported in a QBR
    activity_id   INTEGER REFERENCES activities(id) ON DELETE SET NULL,
    created_at    TEXT NOT NULL
);
CREATE INDEX milestones_account ON milestones(account_id);
CREATE INDEX milestones_target ON milestones(target_date) WHERE achieved_on IS NULL;

-- Checklist templates are versioned: editing one saves a new version, and a
-- checklist applied to an account copies its items, so running checklists
-- never change under the CSM.
CREATE TABLE checklist_templates (
    id         INTEGER PRIMARY KEY,
    name       TEXT NOT NULL,
    version    INTEGER NOT NULL,
    phases     TEXT NOT NULL,          -- JSON: [{name, items: [{title, owner, due_offset_days, milestone}]}]
    created_at TEXT NOT NULL,
    UNIQUE (name, version)
);

CREATE TABLE checklists (
    id            INTEGER PRIMARY KEY,
    account_id    INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    template_id   INTEGER REFERENCES checklist_templates(id) ON DELETE SET NULL,
    template_name TEXT NOT NULL,
    template_version INTEGER NOT NULL,
    started_on    TEXT NOT NULL,        -- the contract start the due dates count from
    expectations  TEXT,                 -- what the customer expects, captured at kick-off
    created_at    TEXT NOT NULL
);
CREATE INDEX checklists_account ON checklists(account_id);

CREATE TABLE checklist_items (
    id           INTEGER PRIMARY KEY,
    checklist_id INTEGER NOT NULL REFERENCES checklists(id) ON DELETE CASCADE,
    phase        TEXT NOT NULL,
    phase_order  INTEGER NOT NULL,
    position     INTEGER NOT NULL,
    title        TEXT NOT NULL,
    owner        TEXT NOT NULL CHECK (owner IN ('csm','customer')),
    due_on       TEXT,
    done_on      TEXT,
    note         TEXT,
    milestone_id INTEGER REFERENCES milestones(id) ON DELETE SET NULL
);
CREATE INDEX checklist_items_list ON checklist_items(checklist_id, phase_order, position);

-- Why an account left and what the CSM learned.
CREATE TABLE churn_postmortems (
    account_id    INTEGER PRIMARY KEY REFERENCES accounts(id) ON DELETE CASCADE,
    reason        TEXT NOT NULL CHECK (reason IN ('product_fit','no_adoption','champion_left','budget','competitor','support','price','other')),
    details       TEXT,
    first_signals_on TEXT,
    lessons       TEXT,
    updated_at    TEXT NOT NULL
);

-- The onboarding template Steward ships (version 1); edits save new versions.
INSERT INTO checklist_templates(name, version, phases, created_at) VALUES ('Standard onboarding', 1, '[
 {"name": "Kick-off", "items": [
   {"title": "Kick-off call held", "owner": "csm", "due_offset_days": 7, "milestone": false, "first_value": false},
   {"title": "Success criteria and expectations agreed", "owner": "customer", "due_offset_days": 10, "milestone": false, "first_value": false}]},
 {"name": "Technical setup", "items": [
   {"title": "Single sign-on configured", "owner": "customer", "due_offset_days": 14, "milestone": false, "first_value": false},
   {"title": "Users invited", "owner": "customer", "due_offset_days": 21, "milestone": false, "first_value": false}]},
 {"name": "First value", "items": [
   {"title": "First team live on the product", "owner": "customer", "due_offset_days": 30, "milestone": true, "first_value": true}]},
 {"name": "Integrations", "items": [
   {"title": "Core integration connected", "owner": "customer", "due_offset_days": 45, "milestone": false, "first_value": false}]},
 {"name": "Training", "items": [
   {"title": "Admin training delivered", "owner": "csm", "due_offset_days": 40, "milestone": false, "first_value": false},
   {"title": "End-user training delivered", "owner": "csm", "due_offset_days": 55, "milestone": false, "first_value": false}]},
 {"name": "Advanced use", "items": [
   {"title": "Second use case live", "owner": "customer", "due_offset_days": 90, "milestone": true, "first_value": false}]}
]', '');
