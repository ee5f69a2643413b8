-- After release, continued. When a custody episode was recorded (so that deadlines that had
-- already passed when history was entered are not chased as new work); the offence that led
-- to a remand or sentence; transfers to the Probation Service at 18; teacher-rated SDQs.

ALTER TABLE custody_episodes ADD COLUMN recorded_at TIMESTAMPTZ;
ALTER TABLE offences ADD COLUMN episode_id UUID REFERENCES custody_episodes(id) ON DELETE SET NULL;

CREATE TABLE probation_transfers (
    id                        UUID PRIMARY KEY,
    child_id                  UUID NOT NULL REFERENCES children(id) ON DELETE CASCADE,
    transferred_on            DATE NOT NULL,
    probation_delivery_unit   TEXT NOT NULL,
    shared                    TEXT NOT NULL,
    recorded_by_name          TEXT NOT NULL,
    created_at                TIMESTAMPTZ NOT NULL
);
CREATE INDEX probation_transfers_by_child ON probation_transfers(child_id, transferred_on);

ALTER TABLE health_measures DROP CONSTRAINT health_measures_rater_check;
ALTER TABLE health_measures ADD CONSTRAINT health_measures_rater_check
    CHECK (rater IN ('self', 'parent', 'teacher', 'clinician'));
