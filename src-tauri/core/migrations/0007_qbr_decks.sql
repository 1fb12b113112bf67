-- Steward portfolio, schema 7: a QBR keeps how its deck was prepared.

-- The CSM's choices for the deck (the day it reads the book as of, the
-- summary in their words, the slides in their order, the quotes) as JSON,
-- so the same deck can be made again; and the last file written from them,
-- so a held QBR links to the deck it used.
ALTER TABLE qbrs ADD COLUMN deck TEXT;
ALTER TABLE qbrs ADD COLUMN deck_file TEXT;
ALTER TABLE qbrs ADD COLUMN deck_written_at TEXT;
