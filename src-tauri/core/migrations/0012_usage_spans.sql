-- Steward portfolio, schema 12: the rollups keep each account's usage summed
-- over the ranges of days health reads (the last week, 4 weeks, 30 days, 8
-- weeks, 3, 4 and 6 months before the rollups' day), so that reassessing the
-- book on that day reads one row per account instead of 180 days of usage.
-- JSON: [[sum, count, peak, seats, login_days, events], ...], one per range.
ALTER TABLE account_rollups ADD COLUMN usage_spans TEXT;

-- The rollups of an older file hold no spans yet: the next start refreshes
-- them all, and until then usage is read from its rows.
DELETE FROM meta WHERE key = 'rollups_on';
