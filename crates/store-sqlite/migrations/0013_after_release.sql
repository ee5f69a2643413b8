-- After release: how the child left custody, and the community half of the journey —
-- supervision appointments, warnings, breaches and recalls, further arrests and offences,
-- where the child lives and their education, training or employment. Every row carries the
-- day it is about (back-recording is normal) and when it was recorded.

ALTER TABLE custody_episodes ADD COLUMN release_kind TEXT;

-- The decision about a sentence's day of release: the early or late release date once decided,
-- and a release brought forward under s.23(3B) of the Criminal Justice Act 1961, with why.
CREATE TABLE discharge_decisions (
    sentence_id         BLOB PRIMARY KEY NOT NULL REFERENCES sentences(id) ON DELETE CASCADE,
    release_on          TEXT,
    brought_forward_to  TEXT,
    reason              TEXT NOT NULL,
    version             INTEGER NOT NULL,
    recorded_by_name    TEXT NOT NULL,
    recorded_at         TEXT NOT NULL
) STRICT;

CREATE TABLE appointments (
    id                BLOB PRIMARY KEY NOT NULL,
    child_id          BLOB NOT NULL REFERENCES children(id) ON DELETE CASCADE,
    kind              TEXT NOT NULL,
    starts_at         TEXT NOT NULL,
    location          TEXT,
    with_whom         TEXT,
    outcome           TEXT,
    outcome_reason    TEXT,
    rescheduled_to    TEXT,
    version           INTEGER NOT NULL,
    recorded_by_name  TEXT NOT NULL,
    created_at        TEXT NOT NULL,
    updated_at        TEXT NOT NULL
) STRICT;
CREATE INDEX appointments_by_child ON appointments(child_id, starts_at);
CREATE INDEX appointments_by_start ON appointments(starts_at) WHERE outcome IS NULL;

CREATE TABLE enforcement (
    id                BLOB PRIMARY KEY NOT NULL,
    child_id          BLOB NOT NULL REFERENCES children(id) ON DELETE CASCADE,
    kind              TEXT NOT NULL,
    on_day            TEXT NOT NULL,
    reason            TEXT NOT NULL,
    court_on          TEXT,
    outcome           TEXT,
    recorded_by_name  TEXT NOT NULL,
    created_at        TEXT NOT NULL
) STRICT;
CREATE INDEX enforcement_by_child ON enforcement(child_id, on_day);

CREATE TABLE offences (
    id                BLOB PRIMARY KEY NOT NULL,
    child_id          BLOB NOT NULL REFERENCES children(id) ON DELETE CASCADE,
    arrested_on       TEXT,
    offence_on        TEXT,
    category          TEXT NOT NULL,
    outcome           TEXT NOT NULL,
    outcome_on        TEXT,
    version           INTEGER NOT NULL,
    recorded_by_name  TEXT NOT NULL,
    created_at        TEXT NOT NULL,
    updated_at        TEXT NOT NULL,
    CHECK (arrested_on IS NOT NULL OR offence_on IS NOT NULL)
) STRICT;
CREATE INDEX offences_by_child ON offences(child_id);

CREATE TABLE living_arrangements (
    id                BLOB PRIMARY KEY NOT NULL,
    child_id          BLOB NOT NULL REFERENCES children(id) ON DELETE CASCADE,
    from_day          TEXT NOT NULL,
    kind              TEXT NOT NULL,
    suitable          INTEGER NOT NULL,
    reason            TEXT,
    address           TEXT,
    recorded_by_name  TEXT NOT NULL,
    created_at        TEXT NOT NULL
) STRICT;
CREATE INDEX living_arrangements_by_child ON living_arrangements(child_id, from_day);

CREATE TABLE ete_placements (
    id                BLOB PRIMARY KEY NOT NULL,
    child_id          BLOB NOT NULL REFERENCES children(id) ON DELETE CASCADE,
    from_day          TEXT NOT NULL,
    kind              TEXT NOT NULL,
    hours_offered     REAL NOT NULL,
    hours_attended    REAL,
    recorded_by_name  TEXT NOT NULL,
    created_at        TEXT NOT NULL
) STRICT;
CREATE INDEX ete_placements_by_child ON ete_placements(child_id, from_day);
