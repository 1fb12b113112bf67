-- Steward portfolio, schema 7: a QBR keeps how its deck was prepared, and
-- an objective the measurements that prove its value.

-- The CSM's choices for the deck (the day it reads the book as of, the
-- summary in their words, the slides in their order, the quotes) as JSON,
-- so the same deck can be made again; and the last file written from them,
-- so a held QBR links to the deck it used.
ALTER TABLE qbrs ADD COLUMN deck TEXT;
ALTER TABLE qbrs ADD COLUMN deck_file TEXT;
ALTER TABLE qbrs ADD COLUMN deck_written_at TEXT;

-- Value proof: the customer's own measure of an objective for the teams
-- using the product (target) and a comparison group not using it
-- (control), before and after the rollout; one row per measurement (a team,
-- a week). A QBR shows the difference in differences with its uncertainty.
CREATE TABLE value_measures (
    id           INTEGER PRIMARY KEY,
    objective_id INTEGER NOT NULL REFERENCES objectives(id) ON DELETE CASCADE,
    grp          TEXT NOT NULL CHECK (grp IN ('target', 'control')),
    phase        TEXT NOT NULL CHECK (phase IN ('before', 'after')),
    value        REAL NOT NULL,
    label        TEXT,
    source       TEXT NOT NULL,
    created_at   TEXT NOT NULL
);
CREATE INDEX value_measures_objective ON value_measures(objective_id);
