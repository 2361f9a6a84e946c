-- roster schema, version 6: a record holds the stamp of the user's change
-- that last touched it (1, 2, … per user) instead of a flag telling
-- whether it is part of the user's latest change. A change stamps only the
-- records it touches; the others drop out of the status without a write.
-- The flags are valid stamps: 1 (part of the latest change) or 0.
ALTER TABLE aspects RENAME COLUMN reported TO stamp;
