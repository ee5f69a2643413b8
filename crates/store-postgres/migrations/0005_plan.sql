-- The resettlement plan: one plan per child, support needs on nine pathways with an update
-- log, planning meetings and actions.

CREATE TABLE plans (
    child_id     UUID PRIMARY KEY REFERENCES children(id) ON DELETE CASCADE,
    opened_on    DATE NOT NULL,
    child_goals  TEXT,
    child_words  TEXT,
    carer_views  TEXT,
    shared_on    DATE,
    version      BIGINT NOT NULL,
    updated_at   TIMESTAMPTZ NOT NULL
);

CREATE TABLE needs (
    id                     UUID PRIMARY KEY,
    child_id               UUID NOT NULL REFERENCES plans(child_id) ON DELETE CASCADE,
    pathway                TEXT NOT NULL CHECK (pathway IN ('accommodation','ete','constructive_activities',
                               'health','substance_misuse','families','finance_id','safety','victims')),
    need                   TEXT NOT NULL,
    catalogue_version      INTEGER NOT NULL,
    description            TEXT,
    owner_organisation_id  UUID NOT NULL REFERENCES organisations(id),
    status                 TEXT NOT NULL CHECK (status IN ('identified','in_progress','met','declined','not_required')),
    due_by                 DATE,
    version                BIGINT NOT NULL,
    created_at             TIMESTAMPTZ NOT NULL,
    updated_at             TIMESTAMPTZ NOT NULL
);
CREATE INDEX needs_by_child ON needs(child_id);
CREATE INDEX needs_by_owner ON needs(owner_organisation_id, status);

CREATE TABLE need_updates (
    id          UUID PRIMARY KEY,
    need_id     UUID NOT NULL REFERENCES needs(id) ON DELETE CASCADE,
    version     BIGINT NOT NULL,
    at          TIMESTAMPTZ NOT NULL,
    actor_id    UUID REFERENCES users(id),
    actor_name  TEXT NOT NULL,
    changes     TEXT NOT NULL,
    note        TEXT,
    UNIQUE (need_id, version)
);

-- The update log is append-only.
CREATE FUNCTION need_updates_append_only() RETURNS trigger AS $$
BEGIN RAISE EXCEPTION 'need updates are append-only'; END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER need_updates_no_update BEFORE UPDATE ON need_updates
FOR EACH ROW EXECUTE FUNCTION need_updates_append_only();

CREATE TABLE meetings (
    id                 UUID PRIMARY KEY,
    child_id           UUID NOT NULL REFERENCES children(id) ON DELETE CASCADE,
    episode_id         UUID REFERENCES custody_episodes(id) ON DELETE SET NULL,
    kind               TEXT NOT NULL CHECK (kind IN ('remand_planning','initial_planning','review','pre_release',
                           'release_day','post_release_review')),
    seq                INTEGER NOT NULL,
    due_by             DATE,
    scheduled_for      TIMESTAMPTZ,
    duration_minutes   INTEGER NOT NULL,
    location           TEXT,
    status             TEXT NOT NULL CHECK (status IN ('not_scheduled','scheduled','held','complete','cancelled')),
    held_on            DATE,
    attendance         TEXT NOT NULL,
    child_views        TEXT,
    carer_views        TEXT,
    decisions          TEXT,
    no_actions_agreed  BOOLEAN NOT NULL,
    version            BIGINT NOT NULL,
    created_at         TIMESTAMPTZ NOT NULL,
    updated_at         TIMESTAMPTZ NOT NULL
);
CREATE INDEX meetings_by_child ON meetings(child_id, due_by);
CREATE INDEX meetings_by_status ON meetings(status, due_by);

CREATE TABLE actions (
    id                     UUID PRIMARY KEY,
    child_id               UUID NOT NULL REFERENCES children(id) ON DELETE CASCADE,
    description            TEXT NOT NULL,
    owner_organisation_id  UUID NOT NULL REFERENCES organisations(id),
    owner_user_id          UUID REFERENCES users(id),
    due_by                 DATE,
    status                 TEXT NOT NULL CHECK (status IN ('open','done','cancelled')),
    need_id                UUID REFERENCES needs(id) ON DELETE SET NULL,
    meeting_id             UUID REFERENCES meetings(id) ON DELETE SET NULL,
    version                BIGINT NOT NULL,
    created_by_name        TEXT NOT NULL,
    created_at             TIMESTAMPTZ NOT NULL,
    updated_at             TIMESTAMPTZ NOT NULL
);
CREATE INDEX actions_by_child ON actions(child_id);
CREATE INDEX actions_by_user ON actions(owner_user_id, status, due_by);
CREATE INDEX actions_by_org ON actions(owner_organisation_id, status, due_by);
CREATE INDEX actions_by_meeting ON actions(meeting_id);
