-- Foundation: organisations, users, sessions, children, team, custody, timeline.
-- The same tables as the SQLite schema, with PostgreSQL's own types: UUID, DATE, TIMESTAMPTZ,
-- BOOLEAN and BIGINT.

CREATE TABLE organisations (
    id          UUID PRIMARY KEY,
    code        TEXT NOT NULL UNIQUE,
    name        TEXT NOT NULL,
    kind        TEXT NOT NULL CHECK (kind IN ('yjs','yoi','stc','sch','secure_school','local_authority','health','education','other')),
    created_at  TIMESTAMPTZ NOT NULL
);

CREATE TABLE users (
    id            UUID PRIMARY KEY,
    email         TEXT NOT NULL UNIQUE,
    name          TEXT NOT NULL,
    phone         TEXT,
    active        BOOLEAN NOT NULL DEFAULT TRUE,
    password_hash TEXT,
    created_at    TIMESTAMPTZ NOT NULL
);

CREATE TABLE memberships (
    id              UUID PRIMARY KEY,
    user_id         UUID NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    organisation_id UUID NOT NULL REFERENCES organisations(id),
    role            TEXT NOT NULL CHECK (role IN ('yjs_case_manager','yjs_health_worker','yjs_manager','secure_practitioner','custody_health','accommodation_officer','ete_coordinator','strategic_lead','admin')),
    UNIQUE (user_id, organisation_id, role)
);
CREATE INDEX memberships_by_organisation ON memberships(organisation_id);

CREATE TABLE sessions (
    id_hash      TEXT PRIMARY KEY NOT NULL,
    user_id      UUID NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    csrf_token   TEXT NOT NULL,
    created_at   TIMESTAMPTZ NOT NULL,
    last_seen_at TIMESTAMPTZ NOT NULL,
    expires_at   TIMESTAMPTZ NOT NULL,
    ip           TEXT,
    user_agent   TEXT
);
CREATE INDEX sessions_by_user ON sessions(user_id);

CREATE TABLE api_tokens (
    id          UUID PRIMARY KEY,
    user_id     UUID NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    token_hash  TEXT NOT NULL UNIQUE,
    label       TEXT NOT NULL,
    created_at  TIMESTAMPTZ NOT NULL,
    expires_at  TIMESTAMPTZ NOT NULL,
    revoked_at  TIMESTAMPTZ
);

CREATE TABLE children (
    id              UUID PRIMARY KEY,
    yjs_id          UUID NOT NULL REFERENCES organisations(id),
    given_name      TEXT NOT NULL,
    family_name     TEXT NOT NULL,
    preferred_name  TEXT,
    date_of_birth   DATE NOT NULL,
    nhs_number      TEXT,
    pnc_id          TEXT,
    gender          TEXT,
    ethnicity       TEXT,
    first_language  TEXT,
    legal_status    TEXT NOT NULL,
    version         BIGINT NOT NULL,
    created_at      TIMESTAMPTZ NOT NULL,
    updated_at      TIMESTAMPTZ NOT NULL
);
CREATE INDEX children_by_yjs ON children(yjs_id);
CREATE INDEX children_by_name ON children(family_name, given_name);

CREATE TABLE carers (
    id                      UUID PRIMARY KEY,
    child_id                UUID NOT NULL REFERENCES children(id) ON DELETE CASCADE,
    name                    TEXT NOT NULL,
    relationship            TEXT NOT NULL,
    phone                   TEXT,
    email                   TEXT,
    address                 TEXT,
    parental_responsibility BOOLEAN NOT NULL DEFAULT FALSE
);
CREATE INDEX carers_by_child ON carers(child_id);

CREATE TABLE team_members (
    id              UUID PRIMARY KEY,
    child_id        UUID NOT NULL REFERENCES children(id) ON DELETE CASCADE,
    organisation_id UUID NOT NULL REFERENCES organisations(id),
    user_id         UUID REFERENCES users(id),
    role            TEXT NOT NULL,
    responsibility  TEXT NOT NULL,
    started_on      DATE NOT NULL,
    ended_on        DATE
);
CREATE INDEX team_by_child ON team_members(child_id);
CREATE INDEX team_by_organisation ON team_members(organisation_id, child_id);
CREATE INDEX team_by_user ON team_members(user_id, child_id);

CREATE TABLE custody_episodes (
    id          UUID PRIMARY KEY,
    child_id    UUID NOT NULL REFERENCES children(id) ON DELETE CASCADE,
    kind        TEXT NOT NULL CHECK (kind IN ('remand','sentence')),
    started_on  DATE NOT NULL,
    ended_on    DATE
);
CREATE INDEX episodes_by_child ON custody_episodes(child_id);
CREATE UNIQUE INDEX one_open_episode_per_child ON custody_episodes(child_id) WHERE ended_on IS NULL;

CREATE TABLE placements (
    id                UUID PRIMARY KEY,
    episode_id        UUID NOT NULL REFERENCES custody_episodes(id) ON DELETE CASCADE,
    establishment_id  UUID NOT NULL REFERENCES organisations(id),
    started_on        DATE NOT NULL,
    ended_on          DATE,
    reason            TEXT NOT NULL CHECK (reason IN ('admission','transfer'))
);
CREATE INDEX placements_by_episode ON placements(episode_id);

CREATE TABLE timeline_entries (
    id          UUID PRIMARY KEY,
    child_id    UUID NOT NULL REFERENCES children(id) ON DELETE CASCADE,
    at          TIMESTAMPTZ NOT NULL,
    actor_id    UUID REFERENCES users(id),
    actor_name  TEXT NOT NULL,
    kind        TEXT NOT NULL,
    summary     TEXT NOT NULL,
    reason      TEXT
);
CREATE INDEX timeline_by_child ON timeline_entries(child_id, at);
