-- Steward portfolio, schema 6: history, so that anything read "as of" a past
-- day is what was known on that day.

-- When a contact joined and left: a champion who left last month was still
-- there a year ago.
ALTER TABLE contacts ADD COLUMN started_on TEXT;
ALTER TABLE contacts ADD COLUMN left_on TEXT;
-- Departures recorded before this schema have no date: they count from the
-- day of the upgrade (what Steward knew), and the upgrade says how many.
UPDATE contacts SET left_on = date('now') WHERE left_company AND left_on IS NULL;
INSERT INTO meta(key, value)
SELECT 'upgrade_6_undated_departures', count(*) FROM contacts WHERE left_company
ON CONFLICT(key) DO UPDATE SET value = excluded.value;

-- A churned account without a churn date left, as far as Steward knew, when
-- it was last changed.
UPDATE accounts SET churn_date = substr(updated_at, 1, 10)
WHERE status = 'churned' AND churn_date IS NULL AND updated_at GLOB '[0-9][0-9][0-9][0-9]-*';

-- When an invoice failed (paid invoices already carry paid_on).
ALTER TABLE invoices ADD COLUMN failed_on TEXT;
UPDATE invoices SET failed_on = coalesce(due_on, issued_on) WHERE status = 'failed';

-- The contract as the CRM describes it: its term in months (1 is
-- month-to-month) and how the customer pays. `crm_arr_minor` keeps the CRM's
-- ARR field; `arr_minor` is what the account pays: its active subscriptions
-- when it has them, else the CRM's figure.
ALTER TABLE accounts ADD COLUMN contract_term_months INTEGER
    CHECK (contract_term_months IS NULL OR contract_term_months BETWEEN 1 AND 120);
ALTER TABLE accounts ADD COLUMN payment_method TEXT;
ALTER TABLE accounts ADD COLUMN crm_arr_minor INTEGER;
UPDATE accounts SET crm_arr_minor = arr_minor;

-- Every value an account field took, from the day Steward learnt it
-- (`valid_from`, the CSM's calendar day). Custom fields from import files are
-- fields named 'custom:<key>'. The value holding on a day is the row with the
-- latest valid_from on or before it.
CREATE TABLE account_history (
    id          INTEGER PRIMARY KEY,
    account_id  INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    field       TEXT NOT NULL,
    value       TEXT,
    valid_from  TEXT NOT NULL,
    source      TEXT NOT NULL,
    recorded_at TEXT NOT NULL
);
CREATE INDEX account_history_field ON account_history(field, account_id, valid_from);

-- What the book had when history began: each tracked field of each account,
-- from the day the account was recorded.
INSERT INTO account_history(account_id, field, value, valid_from, source, recorded_at)
SELECT a.id, f.field,
       CASE f.field
           WHEN 'arr_minor' THEN CAST(a.arr_minor AS TEXT)
           WHEN 'crm_arr_minor' THEN CAST(a.crm_arr_minor AS TEXT)
           WHEN 'tier' THEN a.tier
           WHEN 'lifecycle_stage' THEN a.lifecycle_stage
           WHEN 'renewal_date' THEN a.renewal_date
       END,
       coalesce(substr(a.created_at, 1, 10), date('now')), a.source, datetime('now')
FROM accounts a
CROSS JOIN (SELECT 'arr_minor' AS field UNION ALL SELECT 'crm_arr_minor' UNION ALL SELECT 'tier'
            UNION ALL SELECT 'lifecycle_stage' UNION ALL SELECT 'renewal_date') f;

-- Columns of import files kept as the CSM's own account fields: a number, or
-- a category with a few values. The model may learn from them.
CREATE TABLE custom_fields (
    key        TEXT PRIMARY KEY,
    label      TEXT NOT NULL,
    kind       TEXT NOT NULL CHECK (kind IN ('number', 'category')),
    created_at TEXT NOT NULL
) WITHOUT ROWID;

-- The rates the CSM sets for totals across currencies: units of the
-- reporting currency per unit of `currency`, each valid from a day, as they
-- wrote it. Accounts keep their own currency; only totals and sorting by
-- size are converted.
CREATE TABLE exchange_rates (
    reporting  TEXT NOT NULL,
    currency   TEXT NOT NULL,
    valid_from TEXT NOT NULL,
    rate       TEXT NOT NULL,
    created_at TEXT NOT NULL,
    PRIMARY KEY (reporting, currency, valid_from)
) WITHOUT ROWID;
