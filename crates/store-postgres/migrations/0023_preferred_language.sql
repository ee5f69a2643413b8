-- The language, English or Welsh, each child and each carer prefers for what is written to
-- them ("my plan", invitations, letters): the Welsh Language Standards. Apart from the free-text
-- first language.
ALTER TABLE children ADD COLUMN preferred_language TEXT NOT NULL DEFAULT 'en' CHECK (preferred_language IN ('en', 'cy'));
ALTER TABLE carers ADD COLUMN preferred_language TEXT NOT NULL DEFAULT 'en' CHECK (preferred_language IN ('en', 'cy'));
