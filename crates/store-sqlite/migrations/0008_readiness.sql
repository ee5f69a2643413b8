-- Release readiness: what is arranged for the child's release (or next court date), one
-- record per custody episode.

CREATE TABLE release_arrangements (
    episode_id                  BLOB PRIMARY KEY NOT NULL REFERENCES custody_episodes(id) ON DELETE CASCADE,
    child_id                    BLOB NOT NULL REFERENCES children(id) ON DELETE CASCADE,
    accommodation_address       TEXT,
    accommodation_confirmed_on  TEXT,
    accommodation_confirmed_by  TEXT,
    ete_arrangement             TEXT,
    ete_starts_on               TEXT,
    constructive_activity       TEXT,
    gp_practice                 TEXT,
    gp_registered_on            TEXT,
    first_appointment_on        TEXT,
    first_appointment_time      TEXT,
    first_appointment_place     TEXT,
    first_appointment_with      TEXT,
    gate_met_by                 TEXT,
    transport                   TEXT,
    court_plan                  TEXT,
    bail_accommodation          TEXT,
    version                     INTEGER NOT NULL,
    updated_at                  TEXT NOT NULL
);
CREATE INDEX release_arrangements_by_child ON release_arrangements(child_id);
-- The caseload finds the open episode of each child in scope.
CREATE INDEX open_episodes ON custody_episodes(child_id, kind, started_on) WHERE ended_on IS NULL;
