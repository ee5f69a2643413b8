-- A remand to youth detention accommodation makes the child looked after (LASPO Act 2012
-- s.104): by which local authority, and whether this remand is what made the child looked
-- after (so that the status ends with the remand, and not a status with another basis).
ALTER TABLE remands ADD COLUMN local_authority_id UUID REFERENCES organisations(id);
ALTER TABLE remands ADD COLUMN made_looked_after BOOLEAN NOT NULL DEFAULT FALSE;
