-- Time out of custody before release: release on temporary licence (ROTL) from a YOI, and
-- mobility from an STC, secure children's home or secure school; each period with its
-- purpose, address, conditions and, once over, how it went.
CREATE TABLE temporary_releases (
    id               BLOB PRIMARY KEY NOT NULL,
    child_id         BLOB NOT NULL REFERENCES children(id) ON DELETE CASCADE,
    episode_id       BLOB NOT NULL REFERENCES custody_episodes(id) ON DELETE CASCADE,
    kind             TEXT NOT NULL CHECK (kind IN ('rotl', 'mobility')),
    purpose          TEXT NOT NULL,
    starts_on        TEXT NOT NULL,
    ends_on          TEXT NOT NULL,
    address          TEXT NOT NULL,
    conditions       TEXT,
    outcome          TEXT CHECK (outcome IN ('completed', 'conditions_broken', 'failed_to_return', 'cancelled')),
    outcome_note     TEXT,
    recorded_at      TEXT NOT NULL,
    recorded_by_name TEXT NOT NULL,
    version          INTEGER NOT NULL DEFAULT 1,
    CHECK (ends_on >= starts_on)
) STRICT;
CREATE INDEX temporary_releases_by_child ON temporary_releases(child_id, starts_on);
