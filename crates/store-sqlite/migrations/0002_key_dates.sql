-- Key dates: sentences with an append-only history of key-date revisions, remands, the
-- deadlines they create, and bank holidays added by administrators.

CREATE TABLE sentences (
    id             BLOB PRIMARY KEY NOT NULL,
    child_id       BLOB NOT NULL REFERENCES children(id) ON DELETE CASCADE,
    episode_id     BLOB NOT NULL REFERENCES custody_episodes(id) ON DELETE CASCADE,
    kind           TEXT NOT NULL CHECK (kind IN ('dto','s250','extended','other')),
    sentence_date  TEXT NOT NULL,
    term_months    INTEGER,
    remand_days    INTEGER NOT NULL DEFAULT 0,
    court          TEXT,
    version        INTEGER NOT NULL
);
CREATE INDEX sentences_by_child ON sentences(child_id);

CREATE TABLE key_date_revisions (
    id                BLOB PRIMARY KEY NOT NULL,
    sentence_id       BLOB NOT NULL REFERENCES sentences(id) ON DELETE CASCADE,
    revision          INTEGER NOT NULL,
    term_days         INTEGER,
    custody_days      INTEGER,
    mtd               TEXT NOT NULL,
    etd               TEXT,
    ltd               TEXT,
    sled              TEXT NOT NULL,
    sentence_date     TEXT NOT NULL,
    term_months       INTEGER,
    remand_days       INTEGER NOT NULL,
    source            TEXT NOT NULL CHECK (source IN ('calculated','entered')),
    reason            TEXT NOT NULL,
    recorded_at       TEXT NOT NULL,
    recorded_by       BLOB REFERENCES users(id),
    recorded_by_name  TEXT NOT NULL,
    UNIQUE (sentence_id, revision)
);

-- The history is append-only: the database refuses to change or remove a revision.
CREATE TRIGGER key_date_revisions_no_update BEFORE UPDATE ON key_date_revisions
BEGIN SELECT RAISE(ABORT, 'key date revisions are append-only'); END;
CREATE TRIGGER key_date_revisions_no_delete BEFORE DELETE ON key_date_revisions
WHEN (SELECT COUNT(*) FROM sentences WHERE id = OLD.sentence_id) > 0
BEGIN SELECT RAISE(ABORT, 'key date revisions are append-only'); END;

CREATE TABLE remands (
    id               BLOB PRIMARY KEY NOT NULL,
    child_id         BLOB NOT NULL REFERENCES children(id) ON DELETE CASCADE,
    episode_id       BLOB NOT NULL REFERENCES custody_episodes(id) ON DELETE CASCADE,
    started_on       TEXT NOT NULL,
    establishment_id BLOB NOT NULL REFERENCES organisations(id),
    next_court_date  TEXT,
    court            TEXT
);
CREATE INDEX remands_by_child ON remands(child_id);

CREATE TABLE deadlines (
    id          BLOB PRIMARY KEY NOT NULL,
    child_id    BLOB NOT NULL REFERENCES children(id) ON DELETE CASCADE,
    episode_id  BLOB NOT NULL REFERENCES custody_episodes(id) ON DELETE CASCADE,
    kind        TEXT NOT NULL,
    due_by      TEXT NOT NULL,
    rule        TEXT NOT NULL
);
CREATE INDEX deadlines_by_child ON deadlines(child_id, due_by);

CREATE TABLE extra_bank_holidays (
    day       TEXT PRIMARY KEY NOT NULL,
    name      TEXT NOT NULL,
    added_by  BLOB REFERENCES users(id),
    added_at  TEXT NOT NULL
);
