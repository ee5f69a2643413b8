-- After release: how the child left custody, and the community half of the journey —
-- supervision appointments, warnings, breaches and recalls, further arrests and offences,
-- where the child lives and their education, training or employment. Every row carries the
-- day it is about (back-recording is normal) and when it was recorded.

ALTER TABLE custody_episodes ADD COLUMN release_kind TEXT;

-- The decision about a sentence's day of release: the early or late release date once decided,
-- and a release brought forward under s.23(3B) of the Criminal Justice Act 1961, with why.
CREATE TABLE discharge_decisions (
    sentence_id         UUID PRIMARY KEY REFERENCES sentences(id) ON DELETE CASCADE,
    release_on          DATE,
    brought_forward_to  DATE,
    reason              TEXT NOT NULL,
    version             BIGINT NOT NULL,
    recorded_by_name    TEXT NOT NULL,
    recorded_at         TIMESTAMPTZ NOT NULL
);

CREATE TABLE appointments (
    id                UUID PRIMARY KEY,
    child_id          UUID NOT NULL REFERENCES children(id) ON DELETE CASCADE,
    kind              TEXT NOT NULL,
    starts_at         TIMESTAMPTZ NOT NULL,
    location          TEXT,
    with_whom         TEXT,
    outcome           TEXT,
    outcome_reason    TEXT,
    rescheduled_to    TIMESTAMPTZ,
    version           BIGINT NOT NULL,
    recorded_by_name  TEXT NOT NULL,
    created_at        TIMESTAMPTZ NOT NULL,
    updated_at        TIMESTAMPTZ NOT NULL
);
CREATE INDEX appointments_by_child ON appointments(child_id, starts_at);
CREATE INDEX appointments_by_start ON appointments(starts_at) WHERE outcome IS NULL;

CREATE TABLE enforcement (
    id                UUID PRIMARY KEY,
    child_id          UUID NOT NULL REFERENCES children(id) ON DELETE CASCADE,
    kind              TEXT NOT NULL,
    on_day            DATE NOT NULL,
    reason            TEXT NOT NULL,
    court_on          DATE,
    outcome           TEXT,
    recorded_by_name  TEXT NOT NULL,
    created_at        TIMESTAMPTZ NOT NULL
);
CREATE INDEX enforcement_by_child ON enforcement(child_id, on_day);

CREATE TABLE offences (
    id                UUID PRIMARY KEY,
    child_id          UUID NOT NULL REFERENCES children(id) ON DELETE CASCADE,
    arrested_on       DATE,
    offence_on        DATE,
    category          TEXT NOT NULL,
    outcome           TEXT NOT NULL,
    outcome_on        DATE,
    version           BIGINT NOT NULL,
    recorded_by_name  TEXT NOT NULL,
    created_at        TIMESTAMPTZ NOT NULL,
    updated_at        TIMESTAMPTZ NOT NULL,
    CHECK (arrested_on IS NOT NULL OR offence_on IS NOT NULL)
);
CREATE INDEX offences_by_child ON offences(child_id);

CREATE TABLE living_arrangements (
    id                UUID PRIMARY KEY,
    child_id          UUID NOT NULL REFERENCES children(id) ON DELETE CASCADE,
    from_day          DATE NOT NULL,
    kind              TEXT NOT NULL,
    suitable          BOOLEAN NOT NULL,
    reason            TEXT,
    address           TEXT,
    recorded_by_name  TEXT NOT NULL,
    created_at        TIMESTAMPTZ NOT NULL
);
CREATE INDEX living_arrangements_by_child ON living_arrangements(child_id, from_day);

CREATE TABLE ete_placements (
    id                UUID PRIMARY KEY,
    child_id          UUID NOT NULL REFERENCES children(id) ON DELETE CASCADE,
    from_day          DATE NOT NULL,
    kind              TEXT NOT NULL,
    hours_offered     DOUBLE PRECISION NOT NULL,
    hours_attended    DOUBLE PRECISION,
    recorded_by_name  TEXT NOT NULL,
    created_at        TIMESTAMPTZ NOT NULL
);
CREATE INDEX ete_placements_by_child ON ete_placements(child_id, from_day);
