-- Steward portfolio, schema 4: quarterly business reviews on the calendar.

-- A QBR is planned for a day and later held (or cancelled, which deletes
-- it). An account has at most one planned QBR: scheduling again moves it, so
-- its calendar UID stays the same and calendar apps update the event.
CREATE TABLE qbrs (
    id           INTEGER PRIMARY KEY,
    account_id   INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    scheduled_on TEXT NOT NULL,
    held_on      TEXT,
    note         TEXT,
    created_at   TEXT NOT NULL
);
CREATE INDEX qbrs_account ON qbrs(account_id, scheduled_on);
CREATE UNIQUE INDEX qbrs_one_planned ON qbrs(account_id) WHERE held_on IS NULL;
CREATE INDEX qbrs_upcoming ON qbrs(scheduled_on) WHERE held_on IS NULL;
