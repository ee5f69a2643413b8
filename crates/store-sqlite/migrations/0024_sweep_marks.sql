-- Where each step of the sweep got to: the day it last ran on and the change count read before
-- it ran. A step whose answer cannot have moved (the same day, and no change since) is skipped,
-- so a sweep with nothing new reads almost nothing. Not a change itself (see change_count).
CREATE TABLE sweep_marks (
    step     TEXT PRIMARY KEY NOT NULL,
    day      TEXT NOT NULL,
    changes  INTEGER NOT NULL
) STRICT;
