-- Steward portfolio, schema 12: the rollups keep each account's usage summed
-- over the ranges of days health reads (the last week, 4 weeks, 30 days, 8
-- weeks, 3, 4 and 6 months before the rollups' day), so that reassessing the
-- book on that day reads one row per account instead of 180 days of usage.
-- JSON: [[sum, count, peak, seats, login_days, events], ...], one per range.
ALTER TABLE account_rollups ADD COLUMN usage_spans TEXT;

-- The rollups of an older file hold no spans yet: the next start refreshes
-- them all, and until then usage is read from its rows.
DELETE FROM meta WHERE key = 'rollups_on';

-- A field's values as of a day are read in (account, day, id) order with
-- the value: an index holding the value too reads none of the table's rows
-- (half the time of every assessment's and training snapshot's history).
CREATE INDEX account_history_as_of ON account_history(field, account_id, valid_from, id, value);
DROP INDEX account_history_field;
