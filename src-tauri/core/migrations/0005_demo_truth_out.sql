-- Steward portfolio, schema 5.
-- What the demo generator intended for each account is not the CSM's data:
-- it now stays in memory with the generator, and tests read it from there.
DROP TABLE IF EXISTS demo_ground_truth;
