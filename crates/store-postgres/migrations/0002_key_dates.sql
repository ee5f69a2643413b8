-- Key dates: sentences with an append-only history of key-date revisions, remands, the
-- deadlines they create, and bank holidays added by administrators.

CREATE TABLE sentences (
    id             UUID PRIMARY KEY,
    child_id       UUID NOT NULL REFERENCES children(id) ON DELETE CASCADE,
    episode_id     UUID NOT NULL REFERENCES custody_episodes(id) ON DELETE CASCADE,
    kind           TEXT NOT NULL CHECK (kind IN ('dto','s250','extended','other')),
    sentence_date  DATE NOT NULL,
    term_months    INTEGER,
    remand_days    BIGINT NOT NULL DEFAULT 0,
    court          TEXT,
    version        BIGINT NOT NULL
);
CREATE INDEX sentences_by_child ON sentences(child_id);

CREATE TABLE key_date_revisions (
    id                UUID PRIMARY KEY,
    sentence_id       UUID NOT NULL REFERENCES sentences(id) ON DELETE CASCADE,
    revision          INTEGER NOT NULL,
    term_days         INTEGER,
    custody_days      INTEGER,
    mtd               DATE NOT NULL,
    etd               DATE,
    ltd               DATE,
    sled              DATE NOT NULL,
    sentence_date     DATE NOT NULL,
    term_months       INTEGER,
    remand_days       BIGINT NOT NULL,
    source            TEXT NOT NULL CHECK (source IN ('calculated','entered')),
    reason            TEXT NOT NULL,
    recorded_at       TIMESTAMPTZ NOT NULL,
    recorded_by       UUID REFERENCES users(id),
    recorded_by_name  TEXT NOT NULL,
    UNIQUE (sentence_id, revision)
);

-- The history is append-only: the database refuses to change a revision, or to remove one
-- while its sentence exists.
CREATE FUNCTION key_date_revisions_append_only() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'UPDATE' OR EXISTS (SELECT 1 FROM sentences WHERE id = OLD.sentence_id) THEN
        RAISE EXCEPTION 'key date revisions are append-only';
    END IF;
    RETURN OLD;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER key_date_revisions_no_change BEFORE UPDATE OR DELETE ON key_date_revisions
FOR EACH ROW EXECUTE FUNCTION key_date_revisions_append_only();

CREATE TABLE remands (
    id               UUID PRIMARY KEY,
    child_id         UUID NOT NULL REFERENCES children(id) ON DELETE CASCADE,
    episode_id       UUID NOT NULL REFERENCES custody_episodes(id) ON DELETE CASCADE,
    started_on       DATE NOT NULL,
    establishment_id UUID NOT NULL REFERENCES organisations(id),
    next_court_date  DATE,
    court            TEXT
);
CREATE INDEX remands_by_child ON remands(child_id);

CREATE TABLE deadlines (
    id          UUID PRIMARY KEY,
    child_id    UUID NOT NULL REFERENCES children(id) ON DELETE CASCADE,
    episode_id  UUID NOT NULL REFERENCES custody_episodes(id) ON DELETE CASCADE,
    kind        TEXT NOT NULL,
    due_by      DATE NOT NULL,
    rule        TEXT NOT NULL
);
CREATE INDEX deadlines_by_child ON deadlines(child_id, due_by);

CREATE TABLE extra_bank_holidays (
    day       DATE PRIMARY KEY,
    name      TEXT NOT NULL,
    added_by  UUID REFERENCES users(id),
    added_at  TIMESTAMPTZ NOT NULL
);
