-- Subject access requests (UK GDPR article 15): the reference and day received, the health
-- professional's review of the health content (DPA 2018 Schedule 3), and the exports made.
CREATE TABLE subject_access_requests (
    id                BLOB PRIMARY KEY NOT NULL,
    child_id          BLOB NOT NULL REFERENCES children(id),
    reference         TEXT NOT NULL,
    received_on       TEXT NOT NULL,
    requested_by      BLOB REFERENCES users(id),
    requested_by_name TEXT NOT NULL,
    created_at        TEXT NOT NULL,
    review_decision   TEXT CHECK (review_decision IN ('release', 'withhold')),
    review_note       TEXT,
    reviewed_by       BLOB REFERENCES users(id),
    reviewed_by_name  TEXT,
    reviewed_at       TEXT,
    export_count      INTEGER NOT NULL DEFAULT 0,
    last_exported_at  TEXT,
    UNIQUE (child_id, reference)
) STRICT;
CREATE INDEX subject_access_requests_by_child ON subject_access_requests(child_id);

-- The data protection officer's role: memberships' CHECK widened (SQLite cannot alter a CHECK,
-- so the table is rebuilt; no table refers to memberships).
CREATE TABLE memberships_new (
    id              BLOB PRIMARY KEY NOT NULL,
    user_id         BLOB NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    organisation_id BLOB NOT NULL REFERENCES organisations(id),
    role            TEXT NOT NULL CHECK (role IN ('yjs_case_manager','yjs_health_worker','yjs_manager','secure_practitioner','custody_health','accommodation_officer','ete_coordinator','strategic_lead','admin','data_protection_officer')),
    UNIQUE (user_id, organisation_id, role)
) STRICT;
INSERT INTO memberships_new (id, user_id, organisation_id, role) SELECT id, user_id, organisation_id, role FROM memberships;
DROP TABLE memberships;
ALTER TABLE memberships_new RENAME TO memberships;
CREATE INDEX memberships_by_organisation ON memberships(organisation_id);
