-- Steward portfolio, schema 13: each account's tickets, surveys, invoices,
-- contacts and activities are indexed with what the assessment and the
-- churn model's snapshots read of them, so a range of an account's rows is
-- read from its index alone instead of one table lookup per row (about a
-- third of the time those reads took on a 5,000-account book). Same names
-- and the same leading columns: every query that used them still does.
DROP INDEX tickets_account;
CREATE INDEX tickets_account ON tickets(account_id, opened_at, resolved_at, csat);
DROP INDEX tickets_urgent;
CREATE INDEX tickets_urgent ON tickets(account_id, opened_at, status, resolved_at) WHERE priority = 'urgent';
DROP INDEX survey_responses_account;
CREATE INDEX survey_responses_account ON survey_responses(account_id, responded_on, kind, score);
DROP INDEX invoices_account;
CREATE INDEX invoices_account ON invoices(account_id, issued_on, status, due_on, paid_on, failed_on);
DROP INDEX contacts_account;
CREATE INDEX contacts_account ON contacts(account_id, started_on);
-- Champions and sponsors, a few of each account's contacts.
CREATE INDEX contacts_roles ON contacts(account_id, role, started_on, left_on)
    WHERE role IN ('champion', 'executive_sponsor');
-- The id after the day keeps the newest-first order of a timeline.
DROP INDEX activities_account;
CREATE INDEX activities_account ON activities(account_id, occurred_on, id, sentiment);
