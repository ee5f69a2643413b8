-- After release, continued. When a custody episode was recorded (so that deadlines that had
-- already passed when history was entered are not chased as new work); the offence that led
-- to a remand or sentence; transfers to the Probation Service at 18; teacher-rated SDQs.

ALTER TABLE custody_episodes ADD COLUMN recorded_at TEXT;
ALTER TABLE offences ADD COLUMN episode_id BLOB REFERENCES custody_episodes(id) ON DELETE SET NULL;

CREATE TABLE probation_transfers (
    id                        BLOB PRIMARY KEY NOT NULL,
    child_id                  BLOB NOT NULL REFERENCES children(id) ON DELETE CASCADE,
    transferred_on            TEXT NOT NULL,
    probation_delivery_unit   TEXT NOT NULL,
    shared                    TEXT NOT NULL,
    recorded_by_name          TEXT NOT NULL,
    created_at                TEXT NOT NULL
) STRICT;
CREATE INDEX probation_transfers_by_child ON probation_transfers(child_id, transferred_on);

-- SQLite cannot change a CHECK constraint in place: the table is rebuilt with `teacher` added.
CREATE TABLE health_measures_next (
    id                BLOB PRIMARY KEY,
    child_id          BLOB NOT NULL REFERENCES children(id) ON DELETE CASCADE,
    kind              TEXT NOT NULL CHECK (kind IN ('sdq_total', 'honosca_total')),
    score             INTEGER NOT NULL CHECK (score >= 0 AND score <= 52),
    rater             TEXT NOT NULL CHECK (rater IN ('self', 'parent', 'teacher', 'clinician')),
    measured_on       TEXT NOT NULL,
    recorded_by_name  TEXT NOT NULL,
    recorded_at       TEXT NOT NULL
);
INSERT INTO health_measures_next (id, child_id, kind, score, rater, measured_on, recorded_by_name, recorded_at)
    SELECT id, child_id, kind, score, rater, measured_on, recorded_by_name, recorded_at FROM health_measures;
DROP TABLE health_measures;
ALTER TABLE health_measures_next RENAME TO health_measures;
CREATE INDEX health_measures_by_child ON health_measures(child_id, measured_on);
