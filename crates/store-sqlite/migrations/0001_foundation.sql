-- Foundation: organisations, users, sessions, children, team, custody, timeline.
-- Identifiers are UUIDs stored as 16-byte BLOBs; dates as 'YYYY-MM-DD' text; timestamps as
-- fixed-width RFC 3339 UTC text with microseconds, so that text order is time order.

CREATE TABLE organisations (
    id          BLOB PRIMARY KEY NOT NULL,
    code        TEXT NOT NULL UNIQUE,
    name        TEXT NOT NULL,
    kind        TEXT NOT NULL CHECK (kind IN ('yjs','yoi','stc','sch','secure_school','local_authority','health','education','other')),
    created_at  TEXT NOT NULL
) STRICT;

CREATE TABLE users (
    id            BLOB PRIMARY KEY NOT NULL,
    email         TEXT NOT NULL UNIQUE,
    name          TEXT NOT NULL,
    phone         TEXT,
    active        INTEGER NOT NULL DEFAULT 1,
    password_hash TEXT,
    created_at    TEXT NOT NULL
) STRICT;

CREATE TABLE memberships (
    id              BLOB PRIMARY KEY NOT NULL,
    user_id         BLOB NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    organisation_id BLOB NOT NULL REFERENCES organisations(id),
    role            TEXT NOT NULL CHECK (role IN ('yjs_case_manager','yjs_health_worker','yjs_manager','secure_practitioner','custody_health','accommodation_officer','ete_coordinator','strategic_lead','admin')),
    UNIQUE (user_id, organisation_id, role)
) STRICT;
CREATE INDEX memberships_by_organisation ON memberships(organisation_id);

CREATE TABLE sessions (
    id_hash      TEXT PRIMARY KEY NOT NULL,
    user_id      BLOB NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    csrf_token   TEXT NOT NULL,
    created_at   TEXT NOT NULL,
    last_seen_at TEXT NOT NULL,
    expires_at   TEXT NOT NULL,
    ip           TEXT,
    user_agent   TEXT
) STRICT;
CREATE INDEX sessions_by_user ON sessions(user_id);

CREATE TABLE api_tokens (
    id          BLOB PRIMARY KEY NOT NULL,
    user_id     BLOB NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    token_hash  TEXT NOT NULL UNIQUE,
    label       TEXT NOT NULL,
    created_at  TEXT NOT NULL,
    expires_at  TEXT NOT NULL,
    revoked_at  TEXT
) STRICT;

CREATE TABLE children (
    id              BLOB PRIMARY KEY NOT NULL,
    yjs_id          BLOB NOT NULL REFERENCES organisations(id),
    given_name      TEXT NOT NULL,
    family_name     TEXT NOT NULL,
    preferred_name  TEXT,
    date_of_birth   TEXT NOT NULL,
    nhs_number      TEXT,
    pnc_id          TEXT,
    gender          TEXT,
    ethnicity       TEXT,
    first_language  TEXT,
    legal_status    TEXT NOT NULL,
    version         INTEGER NOT NULL,
    created_at      TEXT NOT NULL,
    updated_at      TEXT NOT NULL
) STRICT;
CREATE INDEX children_by_yjs ON children(yjs_id);
CREATE INDEX children_by_name ON children(family_name, given_name);

CREATE TABLE carers (
    id                      BLOB PRIMARY KEY NOT NULL,
    child_id                BLOB NOT NULL REFERENCES children(id) ON DELETE CASCADE,
    name                    TEXT NOT NULL,
    relationship            TEXT NOT NULL,
    phone                   TEXT,
    email                   TEXT,
    address                 TEXT,
    parental_responsibility INTEGER NOT NULL DEFAULT 0
) STRICT;
CREATE INDEX carers_by_child ON carers(child_id);

CREATE TABLE team_members (
    id              BLOB PRIMARY KEY NOT NULL,
    child_id        BLOB NOT NULL REFERENCES children(id) ON DELETE CASCADE,
    organisation_id BLOB NOT NULL REFERENCES organisations(id),
    user_id         BLOB REFERENCES users(id),
    role            TEXT NOT NULL,
    responsibility  TEXT NOT NULL,
    started_on      TEXT NOT NULL,
    ended_on        TEXT
) STRICT;
CREATE INDEX team_by_child ON team_members(child_id);
CREATE INDEX team_by_organisation ON team_members(organisation_id, child_id);
CREATE INDEX team_by_user ON team_members(user_id, child_id);

CREATE TABLE custody_episodes (
    id          BLOB PRIMARY KEY NOT NULL,
    child_id    BLOB NOT NULL REFERENCES children(id) ON DELETE CASCADE,
    kind        TEXT NOT NULL CHECK (kind IN ('remand','sentence')),
    started_on  TEXT NOT NULL,
    ended_on    TEXT
) STRICT;
CREATE INDEX episodes_by_child ON custody_episodes(child_id);
CREATE UNIQUE INDEX one_open_episode_per_child ON custody_episodes(child_id) WHERE ended_on IS NULL;

CREATE TABLE placements (
    id                BLOB PRIMARY KEY NOT NULL,
    episode_id        BLOB NOT NULL REFERENCES custody_episodes(id) ON DELETE CASCADE,
    establishment_id  BLOB NOT NULL REFERENCES organisations(id),
    started_on        TEXT NOT NULL,
    ended_on          TEXT,
    reason            TEXT NOT NULL CHECK (reason IN ('admission','transfer'))
) STRICT;
CREATE INDEX placements_by_episode ON placements(episode_id);

CREATE TABLE timeline_entries (
    id          BLOB PRIMARY KEY NOT NULL,
    child_id    BLOB NOT NULL REFERENCES children(id) ON DELETE CASCADE,
    at          TEXT NOT NULL,
    actor_id    BLOB REFERENCES users(id),
    actor_name  TEXT NOT NULL,
    kind        TEXT NOT NULL,
    summary     TEXT NOT NULL,
    reason      TEXT
) STRICT;
CREATE INDEX timeline_by_child ON timeline_entries(child_id, at);
